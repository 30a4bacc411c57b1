"""Kernel, bias and output shapes of Conv2D for several input channels and filters."""

import numpy as np
from tensorflow import keras

print(f"{'input':<18}{'filters':>7}  {'kernel':<16}{'bias':<7}output")
channels_out = {}  # (input channels, filters) -> output channels
for in_channels, filters in [(1, 1), (1, 32), (3, 16), (16, 32), (32, 32), (32, 64)]:
    x = np.zeros((1, 28, 28, in_channels), dtype="float32")  # one 28x28 image
    layer = keras.layers.Conv2D(filters=filters, kernel_size=3)
    y = layer(x)
    kernel, bias = layer.get_weights()
    print(f"{x.shape!s:<18}{filters:>7}  {kernel.shape!s:<16}{bias.shape!s:<7}{tuple(y.shape)}")
    channels_out[in_channels, filters] = y.shape[-1]
thread_case_channels = channels_out[32, 32]  # 32 channels in, 32 filters: the thread's case
