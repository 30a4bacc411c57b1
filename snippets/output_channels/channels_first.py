"""data_format="channels_first": the channel axis moves in the input, not in the kernel."""

from tensorflow import keras

for data_format, input_shape in [
    ("channels_last", (None, 32, 32, 3)),
    ("channels_first", (None, 3, 32, 32)),
]:
    layer = keras.layers.Conv2D(16, 3, data_format=data_format)
    layer.build(input_shape)
    print(f"{data_format}:")
    print("  input", input_shape, "-> output", tuple(layer.compute_output_shape(input_shape)))
    print("  kernel", layer.get_weights()[0].shape, " bias", layer.get_weights()[1].shape)
