"""The same weights in a channels_first layer compute the same maps, with axes moved."""

import numpy as np
from tensorflow import keras

x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")  # channels last
last = keras.layers.Conv2D(4, 3)
last.build(x.shape)
first = keras.layers.Conv2D(4, 3, data_format="channels_first")
first.build((None, 3, 8, 8))
first.set_weights(last.get_weights())  # the same kernel array fits both

y_first = np.asarray(first(np.transpose(x, (0, 3, 1, 2))))  # (batch, channels, h, w)
print("channels_first output:", y_first.shape)
same = np.allclose(np.transpose(y_first, (0, 2, 3, 1)), np.asarray(last(x)), atol=1e-5)
print("moved back to channels last, equal to the channels_last layer:", same)
