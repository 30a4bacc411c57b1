"""Conv2D(8, 5, strides=2) on a 32 x 32 input, with each padding."""

from tensorflow import keras

for padding in ("valid", "same"):
    layer = keras.layers.Conv2D(8, 5, strides=2, padding=padding)
    print(f"{padding}:", layer.compute_output_shape((None, 32, 32, 3)))
