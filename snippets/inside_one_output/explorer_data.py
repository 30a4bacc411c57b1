"""A small Conv2D and a DepthwiseConv2D on one 6x6 input with 3 channels, printed as JSON.

The weights are small whole numbers, so every product can be checked by eye; the outputs
are Keras' own. Grids are listed channel by channel: `input[c][i][j]`,
`conv2d.kernel[f][c][u][v]` (Keras stores it as `kernel[u, v, c, f]`), `conv2d.output[f][i][j]`.
"""

import json

import numpy as np
from tensorflow import keras

rng = np.random.default_rng(7)
image = rng.integers(0, 10, size=(1, 6, 6, 3))  # one image, 3 channels

conv = keras.layers.Conv2D(filters=2, kernel_size=3)  # 3x3, padding "valid", stride 1
conv.build(image.shape)
conv.set_weights([rng.integers(-2, 3, size=(3, 3, 3, 2)), np.array([1, -1])])
depthwise = keras.layers.DepthwiseConv2D(kernel_size=3)  # one 3x3 slice per channel
depthwise.build(image.shape)
depthwise.set_weights([rng.integers(-2, 3, size=(3, 3, 3, 1)), np.array([1, 0, -1])])


def by_channel(array) -> list:
    """An array whose last axis is the channels, as a list of per-channel grids."""
    return np.moveaxis(np.asarray(array), -1, 0).tolist()


def layer_data(layer: keras.layers.Layer, kernel_axes: tuple[int, ...]) -> dict:
    """Kernel (whole numbers, channels first), bias and Keras' float32 output on the image."""
    kernel, bias = layer.get_weights()
    return {
        "kernel_shape": list(kernel.shape),
        "kernel": np.transpose(kernel, kernel_axes).astype(int).tolist(),
        "bias": bias.astype(int).tolist(),
        "output": by_channel(layer(image.astype("float32"))[0]),
    }


def dump(value, indent: str = "") -> str:
    """JSON with one grid row per line."""
    inner = indent + " "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(key)}: {dump(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if value and isinstance(value[0], list):
        return "[" + (",\n" + inner).join(dump(item, inner) for item in value) + "]"
    return json.dumps(value)


print(
    dump(
        {
            "input_shape": list(image.shape),
            "input": by_channel(image[0]),
            "conv2d": layer_data(conv, (3, 2, 0, 1)),  # kernel[f][c][u][v]
            "depthwise": layer_data(depthwise, (2, 3, 0, 1)),  # kernel[c][0][u][v]
        }
    )
)
