"""Conv2D(10, 3) on a 32 x 32 x 5 input: its filters and its feature maps."""

from tensorflow import keras

layer = keras.layers.Conv2D(10, 3)
layer.build((None, 32, 32, 5))
kernel = layer.get_weights()[0]
one_filter = kernel[:, :, :, 0].shape
output_shape = tuple(layer.compute_output_shape((None, 32, 32, 5)))
print("filters:", kernel.shape[-1], " one filter:", one_filter)
print("output:", output_shape)
feature_map_side = output_shape[1]  # the height (and width) of each feature map
