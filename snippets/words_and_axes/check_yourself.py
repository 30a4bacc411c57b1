"""Conv2D(8, 5) on an input with 4 channels: the kernel, one filter, one slice."""

from tensorflow import keras

layer = keras.layers.Conv2D(8, 5)
layer.build((None, 32, 32, 4))
kernel = layer.get_weights()[0]
print("kernel:", kernel.shape, " one filter:", kernel[:, :, :, 0].shape, end="")
print(" one slice:", kernel[:, :, 0, 0].shape)
