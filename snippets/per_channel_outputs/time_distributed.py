"""The same sharing from built-in layers only: TimeDistributed over a channel axis."""

import numpy as np
from reference import per_channel_loop
from tensorflow import keras

C, K, H, W = 4, 4, 8, 8
keras.utils.set_random_seed(0)

inputs = keras.Input(shape=(H, W, C))
images = keras.layers.Permute((3, 1, 2))(inputs)  # (C, H, W): channels first
images = keras.layers.Reshape((C, H, W, 1))(images)  # C one-channel images
maps = keras.layers.TimeDistributed(keras.layers.Conv2D(K, 3))(images)  # (C, 6, 6, K)
maps = keras.layers.Permute((2, 3, 1, 4))(maps)  # (6, 6, C, K)
outputs = keras.layers.Reshape((6, 6, C * K))(maps)  # channel-major: c * K + k
model = keras.Model(inputs, outputs)
print("output shape:", model.output_shape, " parameters:", model.count_params())

kernel, bias = model.get_weights()  # one (3, 3, 1, K) kernel, one (K,) bias
x = np.random.default_rng(0).normal(size=(2, H, W, C)).astype("float32")
kernels = np.array([[kernel[:, :, 0, k] for k in range(K)] for c in range(C)])
loop = per_channel_loop(x, kernels, np.tile(bias, (C, 1)))
print("max |TimeDistributed - loop| < 1e-5:", np.abs(np.asarray(model(x)) - loop).max() < 1e-5)
