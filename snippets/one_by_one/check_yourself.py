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
parameters, kernel_shape = conv.count_params(), kernel.shape
dense_kernel_shape = dense.get_weights()[0].shape
print("parameters:", parameters, " kernel", kernel_shape, "-> Dense kernel", dense_kernel_shape)
print("same outputs:", np.allclose(np.asarray(conv(x)), np.asarray(dense(x)), atol=1e-6))
