"""SharedKernelConv2D(8, 5) and DepthwiseConv2D(5, depth_multiplier=8) on 3 channels."""

import keras
import numpy as np
from shared_conv import SharedKernelConv2D

for layer in (SharedKernelConv2D(8, 5), keras.layers.DepthwiseConv2D(5, depth_multiplier=8)):
    shape = tuple(layer(np.zeros((1, 32, 32, 3), "float32")).shape)
    print(f"{type(layer).__name__:<19} output {shape}, {layer.count_params()} parameters")
