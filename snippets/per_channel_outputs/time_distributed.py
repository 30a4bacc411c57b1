"""The same sharing from built-in layers only: TimeDistributed over a channel axis."""

import numpy as np
from reference import per_channel_loop
from tensorflow import keras

C, K, H, W = 4, 4, 8, 8
keras.utils.set_random_seed(0)

inputs = keras.Input(shape=(H, W, C))
images = keras.layers.Permute((3, 1, 2))(inputs)  # (C, H, W): channels first
images = keras.layers.Reshape((C, H, W, 1))(images)  # C one-channel images
maps = keras.layers.TimeDistributed(keras.layers.Conv2D(K, 3))(images)  # (C, H', W', K)
maps = keras.layers.Permute((2, 3, 1, 4))(maps)  # (H', W', C, K)
out_h, out_w = maps.shape[1:3]  # what the 3x3 convolution left of H and W
outputs = keras.layers.Reshape((out_h, out_w, C * K))(maps)  # channel-major: c * K + k
model = keras.Model(inputs, outputs)
parameters = model.count_params()
print("output shape:", model.output_shape, " parameters:", parameters)

kernel, bias = model.get_weights()  # one (3, 3, 1, K) kernel, one (K,) bias
x = np.random.default_rng(0).normal(size=(2, H, W, C)).astype("float32")
kernels = np.array([[kernel[:, :, 0, k] for k in range(K)] for c in range(C)])
loop = per_channel_loop(x, kernels, np.tile(bias, (C, 1)))
print("max |TimeDistributed - loop| < 1e-5:", np.abs(np.asarray(model(x)) - loop).max() < 1e-5)
