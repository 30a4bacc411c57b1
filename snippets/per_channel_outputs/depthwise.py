"""DepthwiseConv2D(depth_multiplier=K): C * K outputs, but every channel has its own K slices."""

import numpy as np
from reference import per_channel_loop
from tensorflow import keras

C, K = 4, 4
rng = np.random.default_rng(0)
x = rng.integers(-3, 4, size=(2, 8, 8, C)).astype("float32")
kernel = rng.integers(-2, 3, size=(3, 3, C, K)).astype("float32")
bias = rng.integers(-2, 3, size=C * K).astype("float32")

layer = keras.layers.DepthwiseConv2D(kernel_size=3, depth_multiplier=K)
layer.build(x.shape)
layer.set_weights([kernel, bias])
y = np.asarray(layer(x))

print("kernel shape:", layer.get_weights()[0].shape, " (kh, kw, C, K)")
print("bias shape:  ", layer.get_weights()[1].shape)
print("output shape:", y.shape)
print("parameters:  ", layer.count_params(), "= 3*3*C*K + C*K =", 3 * 3 * C * K + C * K)

# Channel c, multiplier k uses kernel[:, :, c, k] and bias[c * K + k].
kernels = np.array([[kernel[:, :, c, k] for k in range(K)] for c in range(C)])
biases = bias.reshape(C, K)
print("max |layer - loop|:", np.abs(y - per_channel_loop(x, kernels, biases)).max())
