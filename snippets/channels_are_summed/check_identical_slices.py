"""A filter whose three slices are the same grid g sees only 3 * the channels' average."""

import numpy as np
from tensorflow import keras

rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, size=(1, 6, 6, 3)).astype("float32")  # one 6x6 image, R, G, B
g = rng.uniform(-1, 1, size=(3, 3)).astype("float32")  # the one grid, used for every channel
bias = np.array([0.1], dtype="float32")

layer = keras.layers.Conv2D(1, 3, activation="relu")
layer.build(x.shape)
layer.set_weights([np.repeat(g[:, :, None, None], 3, axis=2), bias])  # slices R = G = B = g

average = x.mean(axis=-1, keepdims=True)  # one channel: the average of R, G and B
on_average = keras.layers.Conv2D(1, 3, activation="relu")
on_average.build(average.shape)
on_average.set_weights([3 * g[:, :, None, None], bias])  # 3g on the average

difference = np.abs(np.asarray(layer(x)) - np.asarray(on_average(average))).max()
print("Conv2D with slices (g, g, g) == ReLU(3g * average + b):", bool(difference < 1e-5))
