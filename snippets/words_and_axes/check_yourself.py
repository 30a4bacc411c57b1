"""Conv2D(8, 5) on an input with 4 channels: the kernel, one filter, one slice."""

from tensorflow import keras

layer = keras.layers.Conv2D(8, 5)
layer.build((None, 32, 32, 4))
kernel = layer.get_weights()[0]
kernel_shape = kernel.shape
filter_shape, slice_shape = kernel[:, :, :, 0].shape, kernel[:, :, 0, 0].shape
print("kernel:", kernel_shape, " one filter:", filter_shape, end="")
print(" one slice:", slice_shape)
