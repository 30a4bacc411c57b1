"""Four ways to turn 4 channels into 16, each measured by running it."""

import keras
import numpy as np
from shared_conv import SharedKernelConv2D

C, K = 4, 4
keras.utils.set_random_seed(0)
image = np.random.default_rng(0).normal(size=(8, 8, C)).astype("float32")

# One batch holds every input the measurements need: the image, then the image with
# channel c nudged by 1 (for c = 0 .. C-1), then channel 0 copied into all C channels.
nudged = [image + np.eye(C, dtype="float32")[c] for c in range(C)]
batch = np.stack([image, *nudged, np.repeat(image[..., :1], C, axis=-1)])

options = {
    "SharedKernelConv2D(4, 3)": SharedKernelConv2D(K, 3),
    "DepthwiseConv2D(3, depth_multiplier=4)": keras.layers.DepthwiseConv2D(3, depth_multiplier=K),
    "Conv2D(16, 3, groups=4)": keras.layers.Conv2D(C * K, 3, groups=C),
    "Conv2D(16, 3)": keras.layers.Conv2D(C * K, 3),
}

print(f"{'layer':38}  {'shape':10}  params  per pair  shared  trains")
for name, layer in options.items():
    model = keras.Sequential([keras.Input(shape=(8, 8, C)), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    y = model.predict(batch, verbose=0)
    before = model.get_weights()
    model.train_on_batch(batch, np.ones_like(y))
    # Per pair: nudging input channel c changes output channels c*K .. c*K+K-1 only.
    changed = [np.flatnonzero(np.abs(y[1 + c] - y[0]).max(axis=(0, 1)) > 1e-4) for c in range(C)]
    pair = all(list(changed[c]) == list(range(c * K, c * K + K)) for c in range(C))
    # Shared: given C equal input channels, the C blocks of K outputs are equal too.
    blocks = y[-1].reshape(6, 6, C, K)
    shared = pair and np.allclose(blocks, blocks[:, :, :1], atol=1e-6)
    trains = not all(map(np.array_equal, before, model.get_weights()))
    flags = [("yes" if flag else "no") for flag in (pair, shared, trains)]
    print(
        f"{name:38}  {model.output_shape[1:]!s:10}  {model.count_params():6}  "
        f"{flags[0]:8}  {flags[1]:6}  {flags[2]}"
    )
ordinary_params = options["Conv2D(16, 3)"].count_params()  # for the sentence above the run
