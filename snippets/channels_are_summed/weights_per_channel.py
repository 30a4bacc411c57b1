"""Each filter weighs every input channel separately: it can pick, drop or invert one."""

import numpy as np
from tensorflow import keras

image = np.zeros((1, 16, 16, 3), dtype="float32")  # (batch, height, width, channels)
image[0, 2:7, 2:7, 0] = 1  # a red square
image[0, 9:14, 9:14, 2] = 1  # a blue square

# Four 1x1 filters: one weight per input channel (R, G, B) each.
weights = {
    "red only": [1, 0, 0],
    "blue only": [0, 0, 1],
    "red minus blue": [1, 0, -1],
    "plain average": [1 / 3, 1 / 3, 1 / 3],
}
kernel = np.array(list(weights.values()), dtype="float32").T.reshape(1, 1, 3, 4)

layer = keras.layers.Conv2D(filters=4, kernel_size=1)
layer.build(image.shape)
layer.set_weights([kernel, np.zeros(4)])
output = np.asarray(layer(image))[0]  # (16, 16, 4)

print(f"{'filter':<16}{'weights (R, G, B)':<22}{'red square':>11}{'blue square':>13}")
for f, (name, w) in enumerate(weights.items()):
    red, blue = output[4, 4, f], output[11, 11, f]  # the centre of each square
    shown = ", ".join(f"{v:.2g}" for v in w)
    print(f"{name:<16}{shown:<22}{red:>11.2f}{blue:>13.2f}")
