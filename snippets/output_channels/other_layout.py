"""The same kernel in (out, in, kh, kw) order, the layout some other libraries use."""

import numpy as np
from tensorflow import keras

layer = keras.layers.Conv2D(filters=32, kernel_size=3)
layer.build((None, 28, 28, 16))
kernel = layer.get_weights()[0]
print("Keras order (kh, kw, in, out):", kernel.shape)

reordered = np.transpose(kernel, (3, 2, 0, 1))
print("reordered (out, in, kh, kw):  ", reordered.shape)

# Either way, the slice for input channel c of filter f is the same 3x3 array.
c, f = 5, 20
print("same slice:", np.array_equal(kernel[:, :, c, f], reordered[f, c]))
print("and back (kh, kw, in, out):   ", np.transpose(reordered, (2, 3, 1, 0)).shape)
