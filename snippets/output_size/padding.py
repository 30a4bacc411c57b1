"""Dilation, the padding 'same' adds, and what pooling does with its padding."""

import numpy as np
from sizes import output_size, same_padding, span
from tensorflow import keras

print("dilation d spreads a k-wide window over d * (k - 1) + 1 pixels (n = 16, 'valid'):")
for k, d in [(3, 1), (3, 2), (3, 4), (5, 2)]:
    layer = keras.layers.Conv2D(1, k, dilation_rate=d)
    keras_size = layer.compute_output_shape((1, 16, 16, 1))[1]
    print(
        f"  k={k}, d={d}: spans {span(k, d):>2}, output {output_size(16, k, 1, 'valid', d):>2}"
        f" (Keras: {keras_size})"
    )

dilated_3_by_2 = span(3, 2)  # a 3 x 3 window with d = 2, named for the sentence above

print("'same' padding (before, after): an odd total puts the extra pixel at the end")
for n, k, s in [(28, 3, 1), (28, 3, 2), (28, 4, 1), (7, 2, 2)]:
    before, after = same_padding(n, k, s)
    print(f"  n={n}, k={k}, s={s}: pads ({before}, {after}), output {output_size(n, k, s, 'same')}")

# Pooling pads too, but not with zeros that count: an all-negative 3x3 input, pooled
# 2x2 with stride 2 and 'same' padding, gets one padded row and column at the end.
x = -np.arange(1.0, 10.0, dtype="float32").reshape(1, 3, 3, 1)
print("input (3 x 3):", x[0, :, :, 0].astype(int).tolist())
max_pooled = keras.layers.MaxPooling2D(2, padding="same")(x)
average_pooled = keras.layers.AveragePooling2D(2, padding="same")(x)
print("MaxPooling2D(2, padding='same'):    ", np.asarray(max_pooled)[0, :, :, 0].tolist())
print("AveragePooling2D(2, padding='same'):", np.asarray(average_pooled)[0, :, :, 0].tolist())
zero_padded = np.pad(x[0, :, :, 0], [(0, 1), (0, 1)])  # what zeros that count would give
windows = zero_padded.reshape(2, 2, 2, 2).swapaxes(1, 2)  # the four 2x2 windows
print("zero pads counted, max:          ", windows.max(axis=(2, 3)).tolist())
print("zero pads counted, average:      ", windows.mean(axis=(2, 3)).tolist())
