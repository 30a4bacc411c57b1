"""Zero one channel's slice of a filter: its outputs lose exactly that channel's sums."""

import numpy as np
from tensorflow import keras

rng = np.random.default_rng(0)
image = rng.normal(size=(1, 6, 6, 3)).astype("float32")
layer = keras.layers.Conv2D(2, 3)
before = np.asarray(layer(image))
kernel, bias = layer.get_weights()

# What channel 2 alone adds to each output: the same slices, the other channels' zeroed.
channel_2 = keras.layers.Conv2D(2, 3, use_bias=False)
channel_2.build(image.shape)
only_channel_2 = np.zeros_like(kernel)
only_channel_2[:, :, 2, :] = kernel[:, :, 2, :]
channel_2.set_weights([only_channel_2])
sums_of_channel_2 = np.asarray(channel_2(image))

kernel[:, :, 2, 0] = 0  # filter 0's slice for channel 2
layer.set_weights([kernel, bias])
after = np.asarray(layer(image))

lost = before[..., 0] - after[..., 0]
print(
    "filter 0 lost exactly channel 2's sums:",
    np.allclose(lost, sums_of_channel_2[..., 0], atol=1e-5),
)
print("filter 1 is unchanged:", np.array_equal(before[..., 1], after[..., 1]))
