"""Conv2D(F, 1) is Dense(F) applied to the channel vector of every pixel."""

import numpy as np
from tensorflow import keras

C, F = 3, 5
x = np.random.default_rng(0).normal(size=(2, 4, 4, C)).astype("float32")

conv = keras.layers.Conv2D(F, kernel_size=1)
conv.build(x.shape)
kernel, bias = conv.get_weights()
dense = keras.layers.Dense(F)  # Dense acts on the last axis: the C channels of a pixel
dense.build((None, C))
dense.set_weights([kernel.reshape(C, F), bias])  # (1, 1, C, F) -> (C, F): same numbers

print("Conv2D kernel:", kernel.shape, " Dense kernel:", dense.get_weights()[0].shape)
print("parameters:", conv.count_params(), dense.count_params(), "= C*F + F =", C * F + F)
same = np.allclose(np.asarray(conv(x)), np.asarray(dense(x)), atol=1e-6)
print("Conv2D(F, 1)(x) == Dense(F)(x) at every pixel:", same)
