"""A channels_first Conv2D(8, 5) reading (None, 4, 28, 28): kernel and output shapes."""

from tensorflow import keras

layer = keras.layers.Conv2D(8, 5, data_format="channels_first")
layer.build((None, 4, 28, 28))
kernel_shape = layer.get_weights()[0].shape
output_shape = tuple(layer.compute_output_shape((None, 4, 28, 28)))
print("kernel:", kernel_shape, end=", ")
print("output:", output_shape)
