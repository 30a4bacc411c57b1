"""An ordinary Conv2D(C*K, 3) can compute the per-pair maps: zero every other slice."""

import numpy as np
from reference import per_channel_loop
from tensorflow import keras

C, K = 4, 4
rng = np.random.default_rng(0)
x = rng.normal(size=(2, 8, 8, C)).astype("float32")
shared = rng.normal(size=(3, 3, K)).astype("float32")  # the K kernels to share
bias = rng.normal(size=K).astype("float32")

# Filter c*K + k keeps one non-zero slice: kernel k, on input channel c.
kernel = np.zeros((3, 3, C, C * K), dtype="float32")
for c in range(C):
    for k in range(K):
        kernel[:, :, c, c * K + k] = shared[:, :, k]
conv = keras.layers.Conv2D(C * K, 3)
conv.build(x.shape)
conv.set_weights([kernel, np.tile(bias, C)])

loop = per_channel_loop(x, np.array([list(np.moveaxis(shared, -1, 0))] * C), np.tile(bias, (C, 1)))
print("slices:", C * C * K, " non-zero:", int((np.abs(kernel).sum(axis=(0, 1)) > 0).sum()))
print("Conv2D(16, 3) with zeroed slices == per-pair loop:", np.allclose(conv(x), loop, atol=1e-5))
print("parameters: Conv2D", conv.count_params(), " shared kernels", 3 * 3 * K + K)
