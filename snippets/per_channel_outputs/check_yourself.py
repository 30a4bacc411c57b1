"""SharedKernelConv2D(8, 5) and DepthwiseConv2D(5, depth_multiplier=8) on 3 channels."""

import keras
import numpy as np
from shared_conv import SharedKernelConv2D

C, K, k = 3, 8, 5  # input channels, filters (or multiplier), window size
shared = SharedKernelConv2D(K, k)
depthwise = keras.layers.DepthwiseConv2D(k, depth_multiplier=K)
worked = {
    shared: f"{k}*{k}*{K} + {K} = {k * k * K + K}",
    depthwise: f"{k}*{k}*{C}*{K} + {C}*{K} = {k * k * C * K + C * K}",
}
for layer, formula in worked.items():
    shape = tuple(layer(np.zeros((1, 32, 32, C), "float32")).shape)
    print(f"{type(layer).__name__:<19} output {shape}, parameters {formula}", end="")
    print(f" (Keras: {layer.count_params()})")
# Named, for the answer above the run.
output_channels = shape[-1]
shared_params, depthwise_params = shared.count_params(), depthwise.count_params()
