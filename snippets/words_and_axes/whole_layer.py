"""A whole Conv2D layer: a C-deep input, F filters each C deep, F feature maps stacked."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_hex
from tensorflow import keras

C, F = 3, 4  # input channels, filters
layer = keras.layers.Conv2D(filters=F, kernel_size=3)
x = np.zeros((1, 6, 6, C), dtype="float32")
y = layer(x)
print("input: ", x.shape, " (batch, height, width, C)")
print("kernel:", layer.get_weights()[0].shape, "(kh, kw, C, F): F filters, each 3 x 3 x C")
print("output:", tuple(y.shape), " (batch, height, width, F): one feature map per filter")

plt.rcParams["font.size"] = 12
fig = plt.figure(figsize=(6, 10.5), layout="constrained")
filter_colours = ["tab:purple", "tab:orange", "tab:olive", "tab:cyan"]  # unlike R, G, B


def block(ax, size, depth, colour_of):
    """Draw a size x size x depth block; layer d of the depth gets colour_of(d)."""
    filled = np.ones((size, depth, size), dtype=bool)  # axes: width, depth, height
    faces = np.empty(filled.shape, dtype=object)
    for d in range(depth):
        faces[:, d, :] = to_hex(colour_of(d))
    ax.voxels(filled, facecolors=faces, edgecolor="black", linewidth=0.3, alpha=0.85)
    ax.set(xticks=[], yticks=[], zticks=[])
    ax.set_box_aspect((size, depth, size))


top, middle, bottom = fig.subfigures(3, 1, height_ratios=[1.2, 0.8, 1.1])
rgb = ["tab:red", "tab:green", "tab:blue"]  # input channel c, and the slices that meet it
top.suptitle(f"input: 6 x 6 x {C} channels")
block(top.add_subplot(projection="3d"), 6, C, rgb.__getitem__)
middle.suptitle(f"{F} filters, each 3 x 3 x {C}: one slice per input channel")
for f in range(F):
    ax = middle.add_subplot(1, F, f + 1, projection="3d")
    block(ax, 3, C, rgb.__getitem__)
    ax.set_title(f"filter {f}", color=filter_colours[f], fontweight="bold")
bottom.suptitle(f"output: 4 x 4 x {F}, feature map f made by filter f")
block(bottom.add_subplot(projection="3d"), 4, F, filter_colours.__getitem__)
fig.suptitle("One Conv2D layer: every filter reads all input channels")
plt.show()
