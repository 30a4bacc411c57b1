"""One filter of Conv2D(16, 3) on an RGB image: a 3x3x3 block, one 3x3 slice per channel."""

import matplotlib.pyplot as plt
import numpy as np
from tensorflow import keras

layer = keras.layers.Conv2D(filters=16, kernel_size=3)
layer.build((None, 150, 150, 3))  # RGB images: 3 input channels
kernel, bias = layer.get_weights()
print("kernel, all 16 filters (kh, kw, in_channels, filters):", kernel.shape)
print("one filter, kernel[:, :, :, 0] (kh, kw, in_channels):  ", kernel[:, :, :, 0].shape)
print("one slice, kernel[:, :, 0, 0] (kh, kw):                ", kernel[:, :, 0, 0].shape)
print("bias, one number per filter:", bias.shape)

# Draw filter 0 as a block of 3 x 3 x 3 cubes: its depth runs along the input channels.
plt.rcParams["font.size"] = 12
filled = np.ones((3, 3, 3), dtype=bool)  # axes: kw (x), in_channels (y), kh (z)
colours = np.empty(filled.shape, dtype=object)
for c, colour in enumerate(["tab:red", "tab:green", "tab:blue"]):
    colours[:, c, :] = colour
fig = plt.figure(figsize=(6, 6), layout="constrained")
ax = fig.add_subplot(projection="3d")
ax.voxels(filled, facecolors=colours, edgecolor="black", alpha=0.8)
ax.set(xlabel="kw (width)", ylabel="in_channels", zlabel="kh (height)")
ax.set(xticks=[0.5, 1.5, 2.5], yticks=[0.5, 1.5, 2.5], zticks=[0.5, 1.5, 2.5])
ax.set_xticklabels([0, 1, 2])
ax.set_yticklabels(["R: slice 0", "G: slice 1", "B: slice 2"])
ax.set_zticklabels([2, 1, 0])
fig.suptitle("One filter spans every input channel:\na 3x3 slice for R, for G and for B")
plt.show()
