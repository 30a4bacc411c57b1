"""One output channel of Conv2D, built from three input channels and three kernel slices."""

import keras
import matplotlib.pyplot as plt
import numpy as np
from conv_reference import correlate

x = np.zeros((1, 10, 10, 3), dtype="float32")
x[0, 2:8, 3, 0] = 1  # channel 0: a vertical bar
x[0, 6, 2:9, 1] = 1  # channel 1: a horizontal bar
x[0, 2:5, 6:9, 2] = 1  # channel 2: a square
edges = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])
centre = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
kernel = np.stack([edges, edges.T, centre], axis=-1)[..., np.newaxis]  # (3, 3, 3, 1)
bias = np.array([0.5])

layer = keras.layers.Conv2D(filters=1, kernel_size=3)
layer.build(x.shape)
layer.set_weights([kernel, bias])
output = keras.ops.convert_to_numpy(layer(x))[0, :, :, 0]

responses = [correlate(x[..., c], kernel[:, :, c, 0], (1, 1))[0] for c in range(3)]
print("kernel shape (kh, kw, in_channels, filters):", kernel.shape)
summed = sum(responses) + bias
print("sum of the 3 responses + bias == Conv2D output:", np.allclose(summed, output))

fig = plt.figure(figsize=(6.5, 4.5), layout="constrained")
grid = fig.add_gridspec(3, 4)
for c in range(3):
    row = [fig.add_subplot(grid[c, column], xticks=[], yticks=[]) for column in range(3)]
    images = [x[0, :, :, c], kernel[:, :, c, 0], responses[c]]
    titles = [f"input channel {c}", f"slice {c}", f"response {c}"]
    for ax, image, title in zip(row, images, titles, strict=True):
        ax.imshow(image, cmap="RdBu_r", vmin=-4, vmax=4)
        ax.set_title(title, fontsize=8)
    for (i, j), value in np.ndenumerate(kernel[:, :, c, 0]):
        row[1].text(j, i, value, ha="center", va="center", fontsize=7)
ax = fig.add_subplot(grid[:, 3], xticks=[], yticks=[])
ax.imshow(output, cmap="RdBu_r", vmin=-4, vmax=4)
ax.set_title("sum of responses\n+ bias = output", fontsize=8)
fig.suptitle("Each input channel meets its own slice; their sum is the output", fontsize=10)
plt.show()
