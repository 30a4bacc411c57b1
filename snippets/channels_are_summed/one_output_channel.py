"""One output channel of Conv2D, built from three input channels and three kernel slices."""

import matplotlib.pyplot as plt
import numpy as np
from conv_reference import correlate
from tensorflow import keras

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
output = np.asarray(layer(x))[0, :, :, 0]

responses = [correlate(x[..., c], kernel[:, :, c, 0])[0] for c in range(3)]
kernel_shape = kernel.shape
print("kernel shape (kh, kw, in_channels, filters):", kernel_shape)
for c in range(3):
    print(f"slice {c}:", kernel[:, :, c, 0].tolist())
summed = sum(responses) + bias
print("sum of the 3 responses + bias == Conv2D output:", np.allclose(summed, output))

# Left: each input channel (white 0, black 1). Right: what its slice makes of it.
plt.rcParams["font.size"] = 12
fig, axes = plt.subplots(4, 2, figsize=(6, 11), layout="constrained")
scale = {"cmap": "RdBu_r", "vmin": -3.5, "vmax": 3.5}
for c in range(3):
    axes[c, 0].imshow(x[0, :, :, c], cmap="Greys", vmin=0, vmax=1)
    axes[c, 0].set_title(f"input channel {c}")
    axes[c, 1].imshow(responses[c], **scale)
    axes[c, 1].set_title(f"channel {c} with slice {c}")
axes[3, 0].axis("off")
image = axes[3, 1].imshow(output, **scale)
axes[3, 1].set_title("sum + bias = output")
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(image, ax=axes[:, 1], shrink=0.5, label="response")
fig.suptitle("Each input channel meets its own slice;\ntheir sum plus the bias is the output")
plt.show()
