"""The NumPy loops of conv_reference.py compute exactly what keras.layers.Conv2D computes."""

import numpy as np
from conv_reference import conv2d_reference
from tensorflow import keras

rng = np.random.default_rng(0)
cases = [  # in_channels, filters, kernel size, strides, padding
    (1, 1, (3, 3), (1, 1), "valid"),
    (3, 16, (3, 3), (1, 1), "valid"),
    (3, 4, (3, 3), (1, 1), "same"),
    (16, 8, (1, 1), (1, 1), "valid"),
    (5, 2, (3, 3), (2, 2), "same"),
    (4, 3, (4, 2), (2, 3), "same"),
    (2, 6, (2, 3), (3, 2), "valid"),
]
print("in  filters  window  strides  padding  output shape       max |numpy - keras|")
largest_difference = 0.0
for in_channels, filters, size, strides, padding in cases:
    x = rng.uniform(-1, 1, size=(2, 9, 10, in_channels)).astype("float32")
    layer = keras.layers.Conv2D(filters, size, strides=strides, padding=padding)
    layer.build(x.shape)
    kernel = rng.uniform(-1, 1, size=layer.kernel.shape).astype("float32")
    bias = rng.uniform(-1, 1, size=layer.bias.shape).astype("float32")
    layer.set_weights([kernel, bias])

    expected = np.asarray(layer(x))
    ours = conv2d_reference(x, kernel, bias, strides, padding)
    difference = np.abs(ours - expected).max()
    largest_difference = max(largest_difference, difference)
    print(
        f"{in_channels:>2}  {filters:>7}  {size[0]}x{size[1]:<4}  {strides!s:<7}  {padding:<7}"
        f"  {expected.shape!s:<17}  {difference:.1e}"
    )
