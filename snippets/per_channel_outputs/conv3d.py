"""Kernels shared across channels with Conv3D: channels become a depth axis of size C."""

import numpy as np
from reference import per_channel_loop
from tensorflow import keras

C, K, H, W = 4, 4, 8, 8
keras.utils.set_random_seed(0)

model = keras.Sequential(
    [
        keras.Input(shape=(H, W, C)),
        keras.layers.Reshape((H, W, C, 1)),  # a trailing axis: C depths, one channel each
        keras.layers.Conv3D(K, (3, 3, 1)),  # depth 1: one channel at a time, same K kernels
        keras.layers.Reshape((6, 6, C * K)),  # (6, 6, C, K) -> channel-major c * K + k
    ]
)
kernel, bias = model.get_weights()
print("kernel:", kernel.shape, " output:", model.output_shape, " parameters:", model.count_params())

x = np.random.default_rng(0).normal(size=(2, H, W, C)).astype("float32")
kernels = np.array([[kernel[:, :, 0, 0, k] for k in range(K)] for c in range(C)])
loop = per_channel_loop(x, kernels, np.tile(bias, (C, 1)))
print("max |Conv3D - loop| < 1e-5:", np.abs(np.asarray(model(x)) - loop).max() < 1e-5)
