"""The same sharing from built-in layers only: TimeDistributed over a channel axis."""

import keras
import numpy as np
from shared_conv import SharedKernelConv2D

C, K, H, W = 4, 4, 8, 8
keras.utils.set_random_seed(0)

inputs = keras.Input(shape=(H, W, C))
images = keras.layers.Permute((3, 1, 2))(inputs)  # (C, H, W): channels first
images = keras.layers.Reshape((C, H, W, 1))(images)  # C one-channel images
maps = keras.layers.TimeDistributed(keras.layers.Conv2D(K, 3))(images)  # (C, 6, 6, K)
maps = keras.layers.Permute((2, 3, 1, 4))(maps)  # (6, 6, C, K)
outputs = keras.layers.Reshape((6, 6, C * K))(maps)  # channel-major, like SharedKernelConv2D
model = keras.Model(inputs, outputs)
print("output shape:", model.output_shape, " parameters:", model.count_params())

shared = SharedKernelConv2D(K, 3)
shared.build((None, H, W, C))
shared.set_weights(model.get_weights())  # the same (3, 3, 1, K) kernel and (K,) bias

x = np.random.default_rng(0).normal(size=(2, H, W, C)).astype("float32")
difference = np.abs(keras.ops.convert_to_numpy(model(x) - shared(x))).max()
print("max |TimeDistributed - SharedKernelConv2D|:", difference)
