"""Which output channel is which? 1x1 filters make the order readable."""

import keras
import numpy as np
from shared_conv import SharedKernelConv2D

C, K = 4, 4
x = np.arange(1.0, C + 1).reshape(1, 1, 1, C)  # one pixel; channel c holds c + 1
weights = 10.0 ** np.arange(K)  # filter k multiplies by 10**k: 1, 10, 100, 1000

shared = SharedKernelConv2D(K, kernel_size=1)
shared.build(x.shape)
shared.set_weights([weights.reshape(1, 1, 1, K), np.zeros(K)])  # bias 0

depthwise = keras.layers.DepthwiseConv2D(kernel_size=1, depth_multiplier=K, use_bias=False)
depthwise.build(x.shape)
depthwise.set_weights([np.tile(weights, (1, 1, C, 1))])  # the same K weights on every channel

for layer in (shared, depthwise):
    y = np.asarray(layer(x))[0, 0, 0].astype(int)
    print(type(layer).__name__)
    for c in range(C):
        print(
            f"  input channel {c} -> output channels {c * K:2}..{c * K + K - 1:<2}:",
            y[c * K : c * K + K],
        )
