"""A filter whose red slice detects edges and whose green and blue slices are zero."""

import matplotlib.pyplot as plt
import numpy as np
from tensorflow import keras

image = np.zeros((1, 16, 16, 3), dtype="float32")  # (batch, height, width, RGB)
image[0, 2:7, 2:7, 0] = 1  # a red square
image[0, 9:14, 9:14, 2] = 1  # a blue square

edges = np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])  # zero on flat areas
red_only = np.zeros((3, 3, 3, 1), dtype="float32")
red_only[:, :, 0, 0] = edges  # red slice; the green and blue slices stay zero
same_everywhere = np.repeat(edges[:, :, np.newaxis, np.newaxis], 3, axis=2)  # for contrast


def feature_map(kernel):
    """Run a one-filter Conv2D with this kernel (and a zero bias) over the image."""
    layer = keras.layers.Conv2D(filters=1, kernel_size=3, padding="same")
    layer.build(image.shape)
    layer.set_weights([kernel, np.zeros(1)])
    return np.asarray(layer(image))[0, :, :, 0]


red_map = feature_map(red_only)
on_red, on_blue = red_map[2:7, 2:7], red_map[9:14, 9:14]
print("red-only filter, largest |response| over the red square: ", np.abs(on_red).max())
print("red-only filter, largest |response| over the blue square:", np.abs(on_blue).max())

plt.rcParams["font.size"] = 12
fig, axes = plt.subplot_mosaic(
    [["input", "red"], [".", "same"]], figsize=(6.5, 6.5), layout="constrained"
)
axes["input"].imshow(image[0])
axes["input"].set_title("input (RGB)")
scale = {"cmap": "RdBu_r", "vmin": -5, "vmax": 5}
axes["red"].imshow(red_map, **scale)
axes["red"].set_title("red slice: edges;\ngreen, blue: 0")
shown = axes["same"].imshow(feature_map(same_everywhere), **scale)
axes["same"].set_title("the same edge slice\non R, G and B")
for ax in axes.values():
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(shown, ax=[axes["red"], axes["same"]], shrink=0.6, label="response")
fig.suptitle("Two feature maps of an image with a red and a blue square")
plt.show()
