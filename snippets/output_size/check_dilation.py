"""Conv2D(1, 3, dilation_rate=3) on a 20 x 20 input, 'valid' padding."""

from sizes import output_size, span
from tensorflow import keras

n, k, d = 20, 3, 3
layer = keras.layers.Conv2D(1, k, dilation_rate=d)
spanned, side = span(k, d), output_size(n, k, 1, "valid", d)
print(f"n = {n}: the window spans {spanned} pixels", end="; ")
print("output size by the formula:", side, end=", ")
print("Keras:", layer.compute_output_shape((None, n, n, 1)))
