"""Conv2D(filters=C * K, groups=C) is DepthwiseConv2D(depth_multiplier=K), reshaped."""

import numpy as np
from reference import per_channel_loop
from tensorflow import keras

C, K = 4, 4
rng = np.random.default_rng(0)
x = rng.integers(-3, 4, size=(2, 8, 8, C)).astype("float32")

depthwise = keras.layers.DepthwiseConv2D(kernel_size=3, depth_multiplier=K)
depthwise.build(x.shape)
kernel = rng.integers(-2, 3, size=(3, 3, C, K)).astype("float32")
bias = rng.integers(-2, 3, size=C * K).astype("float32")
depthwise.set_weights([kernel, bias])

grouped = keras.layers.Conv2D(filters=C * K, kernel_size=3, groups=C)
grouped.build(x.shape)
print(
    "depthwise kernel:", depthwise.get_weights()[0].shape, " parameters:", depthwise.count_params()
)
print("grouped kernel:  ", grouped.get_weights()[0].shape, " parameters:", grouped.count_params())

# Group c sees only input channel c and owns filters c * K .. c * K + K - 1: the same
# channel-major order as the depthwise kernel, so a reshape copies the weights over.
grouped.set_weights([kernel.reshape(3, 3, 1, C * K), bias])

y_grouped = np.asarray(grouped(x))
y_depthwise = np.asarray(depthwise(x))
print("output shapes:", y_grouped.shape, y_depthwise.shape)
print("max |grouped - depthwise|:", np.abs(y_grouped - y_depthwise).max())

kernels = np.array([[kernel[:, :, c, k] for k in range(K)] for c in range(C)])
loop = per_channel_loop(x, kernels, bias.reshape(C, K))
print("max |grouped - loop|:", np.abs(y_grouped - loop).max())
