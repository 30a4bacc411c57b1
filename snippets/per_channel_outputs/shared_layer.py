"""Four filters shared by four channels: 16 output channels from 40 parameters."""

import numpy as np
from reference import per_channel_loop
from shared_conv import SharedKernelConv2D

C, K = 4, 4  # input channels, filters
rng = np.random.default_rng(0)
# Small whole numbers keep every float32 sum exact, so the check below can demand equality.
x = rng.integers(-3, 4, size=(2, 8, 8, C)).astype("float32")
kernel = rng.integers(-2, 3, size=(3, 3, 1, K)).astype("float32")
bias = rng.integers(-2, 3, size=K).astype("float32")

layer = SharedKernelConv2D(filters=K, kernel_size=3)
layer.build(x.shape)
layer.set_weights([kernel, bias])
y = np.asarray(layer(x))

print("input shape: ", x.shape)
kernel_shape = tuple(layer.kernel.shape)
print("kernel shape:", kernel_shape)
print("bias shape:  ", tuple(layer.bias.shape))
print("output shape:", y.shape)
print("parameters:  ", layer.count_params(), "= 3*3*K + K =", 3 * 3 * K + K)

# The loop uses filter k's slice and bias k for every input channel c.
kernels = np.array([[kernel[:, :, 0, k] for k in range(K)] for c in range(C)])
biases = np.array([[bias[k] for k in range(K)] for c in range(C)])
print("max |layer - loop|:", np.abs(y - per_channel_loop(x, kernels, biases)).max())
