"""Conv2D(10, 1) on 6 channels, and the Dense(10) that computes the same."""

import numpy as np
from tensorflow import keras

x = np.random.default_rng(0).normal(size=(1, 5, 5, 6)).astype("float32")
conv = keras.layers.Conv2D(10, 1)
conv.build(x.shape)
kernel, bias = conv.get_weights()
dense = keras.layers.Dense(10)
dense.build((None, 6))
dense.set_weights([kernel.reshape(6, 10), bias])
print("parameters:", conv.count_params(), " kernel", kernel.shape, "-> Dense kernel", (6, 10))
print("same outputs:", np.allclose(np.asarray(conv(x)), np.asarray(dense(x)), atol=1e-6))
