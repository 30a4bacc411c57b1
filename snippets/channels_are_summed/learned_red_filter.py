"""Training finds a colour filter: one Conv2D filter learns to tell red squares from blue."""

import matplotlib.pyplot as plt
import numpy as np
from colour_squares import COLOURS, train_one_filter

model, accuracy, start = train_one_filter(yes=0, no=2)  # red squares say 1, blue squares 0
kernel = model.layers[0].get_weights()[0][:, :, :, 0]  # (3, 3, 3): the one filter
totals = kernel.sum(axis=(0, 1))  # one number per slice
print("more than 95% of 200 new images right:", accuracy > 0.95)
print("red slice: weights sum to a positive number: ", totals[0] > 0)
print("blue slice: weights sum to a negative number:", totals[2] < 0)
print(
    "green slice as it started (no image has green):", np.array_equal(kernel[..., 1], start[..., 1])
)
print("slice with the largest sum:", COLOURS[int(np.argmax(totals))])

plt.rcParams["font.size"] = 12
fig, axes = plt.subplots(1, 3, figsize=(5, 2.5), layout="constrained")
limit = np.abs(kernel).max()
for c, ax in enumerate(axes):
    shown = ax.imshow(kernel[:, :, c], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"{COLOURS[c]} slice")
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(shown, ax=axes, shrink=0.8, label="learned weight")
fig.suptitle("The filter training found: red weighed up, blue down")
plt.show()
