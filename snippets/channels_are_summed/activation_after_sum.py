"""The activation comes after the sum over channels, not once per channel."""

import numpy as np
from conv_reference import correlate
from tensorflow import keras

rng = np.random.default_rng(3)
x = rng.integers(-3, 4, size=(1, 5, 5, 3)).astype("float32")  # one 5x5 image, 3 channels
kernel = rng.integers(-1, 2, size=(3, 3, 3, 1)).astype("float32")  # one filter
bias = np.array([1.0], dtype="float32")

layer = keras.layers.Conv2D(1, 3, activation="relu")
layer.build(x.shape)
layer.set_weights([kernel, bias])
from_keras = np.asarray(layer(x))[0, :, :, 0]


# Each channel correlated with its own slice of the filter, before any activation.
parts = [correlate(x[..., c], kernel[:, :, c, 0], (1, 1))[0] for c in range(3)]
for c, part in enumerate(parts):
    print(f"channel {c} correlated with slice {c}:\n{part.astype(int)}")

sum_then_relu = np.maximum(sum(parts) + bias[0], 0)
relu_then_sum = sum(np.maximum(part, 0) for part in parts) + bias[0]
print(f"Conv2D(activation='relu'):\n{from_keras.astype(int)}")
print(f"relu(sum + bias), by hand:\n{sum_then_relu.astype(int)}")
print(f"sum of relu(each channel) + bias, by hand:\n{relu_then_sum.astype(int)}")
print("Conv2D == relu(sum + bias):        ", np.array_equal(from_keras, sum_then_relu))
print("Conv2D == sum of relu(each) + bias:", np.array_equal(from_keras, relu_then_sum))
