"""Filters shared across channels with Conv3D: channels become a depth axis of size C."""

import numpy as np
from reference import per_channel_loop
from tensorflow import keras

C, K, H, W = 4, 4, 8, 8
keras.utils.set_random_seed(0)

inputs = keras.Input(shape=(H, W, C))
depths = keras.layers.Reshape((H, W, C, 1))(inputs)  # a trailing axis: C depths, 1 channel each
maps = keras.layers.Conv3D(K, (3, 3, 1))(depths)  # depth 1: one channel at a time, same K filters
out_h, out_w = maps.shape[1:3]  # what the 3x3 window left of H and W
outputs = keras.layers.Reshape((out_h, out_w, C * K))(maps)  # (H', W', C, K) -> c * K + k
model = keras.Model(inputs, outputs)
kernel, bias = model.get_weights()
parameters = model.count_params()
print("kernel:", kernel.shape, " output:", model.output_shape, " parameters:", parameters)

x = np.random.default_rng(0).normal(size=(2, H, W, C)).astype("float32")
kernels = np.array([[kernel[:, :, 0, 0, k] for k in range(K)] for c in range(C)])
loop = per_channel_loop(x, kernels, np.tile(bias, (C, 1)))
print("max |Conv3D - loop| < 1e-5:", np.abs(np.asarray(model(x)) - loop).max() < 1e-5)
