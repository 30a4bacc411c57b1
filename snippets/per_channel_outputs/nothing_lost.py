"""An ordinary Conv2D(C*K, 3) can compute the per-pair maps: zero every other slice."""

import numpy as np
from reference import per_channel_loop
from tensorflow import keras

C, K = 4, 4  # input channels, shared filters
rng = np.random.default_rng(0)
x = rng.normal(size=(2, 8, 8, C)).astype("float32")
shared = rng.normal(size=(K, 3, 3)).astype("float32")  # the K slices to share
bias = rng.normal(size=K).astype("float32")

# Filter c*K + k of the ordinary layer keeps one non-zero slice: shared slice k, on
# input channel c. Its C - 1 other slices stay zero, so the sum over channels adds zeros.
kernel = np.zeros((3, 3, C, C * K), dtype="float32")
for c in range(C):
    for k in range(K):
        kernel[:, :, c, c * K + k] = shared[k]
conv = keras.layers.Conv2D(C * K, 3)
conv.build(x.shape)
conv.set_weights([kernel, np.tile(bias, C)])  # bias k for every channel's block

# The yardstick: every channel c with every shared slice k, plus bias k.
slices_per_channel = np.stack([shared] * C)  # (C, K, 3, 3)
biases_per_channel = np.stack([bias] * C)  # (C, K)
loop = per_channel_loop(x, slices_per_channel, biases_per_channel)

non_zero = int((np.abs(kernel).sum(axis=(0, 1)) > 0).sum())
print("slices:", C * C * K, " non-zero:", non_zero)
print("Conv2D(16, 3) with zeroed slices == per-pair loop:", np.allclose(conv(x), loop, atol=1e-5))
conv_params, shared_params = conv.count_params(), 3 * 3 * K + K
print("parameters: Conv2D", conv_params, " shared filters", shared_params)
