"""Conv2D has no default number of filters: leave `filters` out and Keras refuses."""

from tensorflow import keras

layer = keras.layers.Conv2D(kernel_size=3)
