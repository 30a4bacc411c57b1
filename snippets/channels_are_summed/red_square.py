"""A filter whose red slice detects edges and whose green and blue slices are zero."""

import keras
import matplotlib.pyplot as plt
import numpy as np

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
    return keras.ops.convert_to_numpy(layer(image))[0, :, :, 0]


red_map = feature_map(red_only)
on_red, on_blue = red_map[2:7, 2:7], red_map[9:14, 9:14]
print("red-only filter, largest |response| over the red square: ", np.abs(on_red).max())
print("red-only filter, largest |response| over the blue square:", np.abs(on_blue).max())

fig, axes = plt.subplots(1, 3, figsize=(7.5, 2.9), layout="constrained")
axes[0].imshow(image[0])
axes[0].set_title("input (RGB)", fontsize=9)
axes[1].imshow(red_map, cmap="RdBu_r", vmin=-5, vmax=5)
axes[1].set_title("red slice = edges, others 0", fontsize=9)
axes[2].imshow(feature_map(same_everywhere), cmap="RdBu_r", vmin=-5, vmax=5)
axes[2].set_title("same edge slice on R, G and B", fontsize=9)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Two feature maps of an image with a red and a blue square", fontsize=10)
plt.show()
