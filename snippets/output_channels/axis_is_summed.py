"""Where the input-channel axis goes: one response per (input channel, filter), then a sum."""

import numpy as np
from tensorflow import keras

keras.utils.set_random_seed(0)
x = np.random.default_rng(0).uniform(size=(1, 8, 8, 3)).astype("float32")  # 3 channels
layer = keras.layers.Conv2D(filters=4, kernel_size=3, bias_initializer="random_normal")
y = np.asarray(layer(x))
kernel, bias = layer.get_weights()
print("kernel:", kernel.shape, " output:", y.shape)

# Apply the layer's slices to one input channel at a time, without the bias.
responses = []
for c in range(3):
    one_channel = keras.layers.Conv2D(filters=4, kernel_size=3, use_bias=False)
    one_channel.build((None, 8, 8, 1))
    one_channel.set_weights([kernel[:, :, c : c + 1, :]])  # (3, 3, 1, 4): slices of channel c
    responses.append(np.asarray(one_channel(x[..., c : c + 1])))
responses = np.stack(responses, axis=-2)
print("responses:", responses.shape, " (batch, height, width, in_channels, filters)")

summed = responses.sum(axis=-2) + bias  # the sum consumes the in_channels axis
print("summed + bias:", summed.shape)
print("equals the layer's output:", np.allclose(summed, y, atol=1e-5))
