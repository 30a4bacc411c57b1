"""Conv2D(8, 5, strides=2) on a 32 x 32 input, with each padding."""

import math

from tensorflow import keras

n, k, s = 32, 5, 2
valid_side, same_side = (n - k) // s + 1, math.ceil(n / s)
worked = {
    "valid": f"floor(({n} - {k}) / {s}) + 1 = {valid_side}",
    "same": f"ceil({n} / {s}) = {same_side}",
}
for padding, formula in worked.items():
    layer = keras.layers.Conv2D(8, k, strides=s, padding=padding)
    print(f"{padding}: {formula};  Keras:", layer.compute_output_shape((None, n, n, 3)))
