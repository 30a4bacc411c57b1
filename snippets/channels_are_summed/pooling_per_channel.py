"""Pooling works on each channel alone: C channels in, C out. Conv2D sums them."""

import numpy as np
from tensorflow import keras

x = np.random.default_rng(0).integers(0, 10, size=(1, 4, 4, 3)).astype("float32")
pool = keras.layers.MaxPooling2D(2)
pooled = np.asarray(pool(x))
print("input", x.shape, "-> MaxPooling2D(2) ->", pooled.shape, " weights:", pool.count_params())

# Pool every channel on its own, as a one-channel image: the same numbers.
alone = np.concatenate([np.asarray(pool(x[..., c : c + 1])) for c in range(3)], axis=-1)
print("each output channel is its input channel pooled alone:", np.array_equal(pooled, alone))
for c in range(3):
    print(
        f"channel {c}: {x[0, :, :, c].astype(int).tolist()} -> "
        f"{pooled[0, :, :, c].astype(int).tolist()}"
    )

conv = keras.layers.Conv2D(1, 2, strides=2)  # the same window, but one filter
print(
    "input",
    x.shape,
    "-> Conv2D(1, 2, strides=2) ->",
    tuple(conv(x).shape),
    " weights:",
    conv.count_params(),
)
