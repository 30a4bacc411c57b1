"""How many input pixels one output of the last MaxPooling2D sees, by formula and by a run."""

import numpy as np
from forum_model import model
from tensorflow import keras

size, jump = 1, 1  # receptive field and distance between neighbours, in input pixels
print(f"{'layer':<16}{'k':>3}{'s':>3}{'field':>7}{'jump':>6}")
for layer in model.layers[:6]:  # the three Conv2D + MaxPooling2D blocks
    if isinstance(layer, keras.layers.Conv2D):
        k, s = layer.kernel_size[0], layer.strides[0]
    else:
        k, s = layer.pool_size[0], layer.strides[0]
    size, jump = size + (k - 1) * jump, jump * s
    print(f"{layer.name:<16}{k:>3}{s:>3}{size:>7}{jump:>6}")
positions = model.layers[5].output.shape[1]  # per side, what Flatten receives

# The run: all weights 1, biases 0, so an input pixel reaches an output iff it is in
# its receptive field. Image r has a single 1 at pixel (r, r).
for layer in model.layers[:6]:
    if layer.get_weights():
        kernel, bias = layer.get_weights()
        layer.set_weights([np.ones_like(kernel), np.zeros_like(bias)])
images = np.zeros((40, 40, 40, 3), dtype="float32")
images[np.arange(40), np.arange(40), np.arange(40), :] = 1
y = images
for layer in model.layers[:6]:
    y = layer(y)
reached = np.flatnonzero(np.asarray(y)[:, 0, 0, :].max(axis=-1) > 0)
print(f"pixels reaching output (0, 0): rows and columns {reached.min()} to {reached.max()}")
print("receptive field:", reached.size, "x", reached.size, "pixels")
