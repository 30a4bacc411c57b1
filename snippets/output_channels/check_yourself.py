"""A Conv2D(64, 3) after a layer with 32 filters: its kernel shape and parameter count."""

from tensorflow import keras

layer = keras.layers.Conv2D(64, 3)
layer.build((None, 34, 34, 32))  # 32 channels in, from the 32 filters before it
kernel_shape, parameters = layer.get_weights()[0].shape, layer.count_params()
print("kernel:", kernel_shape, " parameters:", f"{parameters:,}")
