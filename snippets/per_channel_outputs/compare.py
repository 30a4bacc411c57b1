"""Four ways to turn 4 channels into 16, each measured by running it on the CPU."""

import keras
import numpy as np
import tensorflow as tf
from shared_conv import SharedKernelConv2D

C, K = 4, 4
keras.utils.set_random_seed(0)
image = np.random.default_rng(0).normal(size=(8, 8, C)).astype("float32")

# One batch holds every input the measurements need: the image, then the image with
# channel c nudged by 1 (for c = 0 .. C-1), then channel 0 copied into all C channels.
nudged = [image + np.eye(C, dtype="float32")[c] for c in range(C)]
same = np.repeat(image[..., :1], C, axis=-1)
batch = np.stack([image, *nudged, same])

options = {
    "SharedKernelConv2D(4, 3)": lambda: SharedKernelConv2D(K, 3),
    "DepthwiseConv2D(3, depth_multiplier=4)": lambda: keras.layers.DepthwiseConv2D(
        3, depth_multiplier=K
    ),
    "Conv2D(16, 3, groups=4)": lambda: keras.layers.Conv2D(C * K, 3, groups=C),
    "Conv2D(16, 3)": lambda: keras.layers.Conv2D(C * K, 3),
}


def forward_and_one_training_step(model):
    """Return the model's outputs on `batch`, after taking one SGD step on them."""
    with tf.GradientTape() as tape:
        outputs = model(batch)
        loss = keras.ops.mean((outputs - 1.0) ** 2)
    gradients = tape.gradient(loss, model.trainable_variables)
    keras.optimizers.SGD(0.1).apply(gradients, model.trainable_variables)
    return keras.ops.convert_to_numpy(outputs)


def one_map_per_pair(y):
    """Does nudging input channel c change output channels c*K .. c*K+K-1, and no others?"""
    changed = [np.flatnonzero(np.abs(y[1 + c] - y[0]).max(axis=(0, 1)) > 1e-4) for c in range(C)]
    return all(changed[c].tolist() == list(range(c * K, c * K + K)) for c in range(C))


def kernels_shared(y):
    """Given C identical input channels, are the C blocks of K outputs identical too?"""
    blocks = y[-1].reshape(6, 6, C, K)
    return bool(np.allclose(blocks, blocks[:, :, :1, :], atol=1e-6))


def yes_no(flag):
    return "yes" if flag else "no"


print(f"Keras {keras.version()}, TensorFlow {tf.__version__}\n")
print(f"{'layer':38}  {'shape':10}  params  per pair  shared  trains on CPU")
with keras.device("cpu:0"):  # every row is measured on the CPU
    for name, make_layer in options.items():
        model = keras.Sequential([keras.Input(shape=(8, 8, C)), make_layer()])
        before = model.get_weights()
        try:
            y = forward_and_one_training_step(model)
            pair = one_map_per_pair(y)
            shared = pair and kernels_shared(y)
            trains = yes_no(not all(map(np.array_equal, before, model.get_weights())))
        except Exception as error:  # a layer that fails on the CPU gets a row saying how
            pair, shared, trains = False, False, f"no: {type(error).__name__}"
        print(
            f"{name:38}  {model.output_shape[1:]!s:10}  {model.count_params():6}  "
            f"{yes_no(pair):8}  {yes_no(shared):6}  {trains}"
        )
