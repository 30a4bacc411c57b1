"""Random layer stacks for the calculator page, and what Keras makes of each.

A stack is the page's model format: `{"input": [H, W, C], "layers": [{"type": ..., ...}]}`.
Keras is the judge: every stack is built with the real layers, its output shapes and
parameter counts are read from them, and multiply-adds are counted from each layer's
kernels (every kernel weight multiplies one input value at each position it is applied).
"""

from __future__ import annotations

import importlib
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

SNIPPETS = Path(__file__).resolve().parents[1] / "snippets" / "per_channel_outputs"
WINDOWED = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "SharedKernelConv2D")
POOLING = ("MaxPooling2D", "AveragePooling2D")
# The words of each Keras error the page must recognise, by the page's name for it.
ERROR_KINDS = {
    "zero or negative": "size",
    "Negative dimension size": "size",
    "input channels must be evenly divisible": "groups-channels",
    "number of filters must be evenly divisible": "groups-filters",
    "expected ndim=4": "ndim",
    "expected min_ndim=4": "ndim",
    "not enough values to unpack (expected 4": "ndim",
}

Spec = dict[str, Any]


def shared_kernel_layer() -> type[keras.layers.Layer]:
    """The site's `SharedKernelConv2D`, imported from its snippet folder."""
    sys.path.insert(0, str(SNIPPETS))
    try:
        return importlib.import_module("shared_conv").SharedKernelConv2D
    finally:
        sys.path.remove(str(SNIPPETS))


@dataclass(frozen=True)
class Row:
    """One layer as Keras sees it: Keras' summary shape text, parameters, multiply-adds."""

    shape: str
    params: int
    macs: int


@dataclass(frozen=True)
class Verdict:
    """The rows of the layers Keras built; the index and kind of the one it refused, if any."""

    rows: list[Row]
    failed_at: int | None = None
    kind: str | None = None
    message: str = ""


def keras_layer(layer: Spec) -> keras.layers.Layer:
    """The Keras layer a page layer describes (its fields are Keras' argument names)."""
    arguments = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in layer.items()
        if name != "type"
    }
    if layer["type"] == "SharedKernelConv2D":
        return shared_kernel_layer()(**arguments)
    return getattr(keras.layers, layer["type"])(**arguments)


def multiply_adds(layer: keras.layers.Layer, channels: int, output_shape: tuple[int, ...]) -> int:
    """Kernel weights times the positions each is applied at (the bias is not counted)."""
    positions = math.prod(output_shape[1:-1])
    if type(layer).__name__ == "SharedKernelConv2D":  # one image per input channel
        positions *= channels
    kernels = [weight for weight in layer.weights if len(weight.shape) > 1]
    return sum(math.prod(kernel.shape) for kernel in kernels) * positions


def error_kind(error: Exception) -> str:
    """The page's name for a Keras error, or the error itself if the page has none."""
    text = str(error)
    return next((kind for words, kind in ERROR_KINDS.items() if words in text), repr(error))


def judge(spec: Spec) -> Verdict:
    """Build `spec` with Keras, layer by layer, up to the first layer Keras refuses."""
    tensor = keras.Input(tuple(spec["input"]))
    rows = []
    for index, layer in enumerate(spec["layers"]):
        channels = tensor.shape[-1]
        try:
            built = keras_layer(layer)
            tensor = built(tensor)
        except ValueError as error:
            return Verdict(rows, index, error_kind(error), str(error))
        shape = tuple(tensor.shape)
        text = f"(None, {', '.join(str(size) for size in shape[1:])})"
        rows.append(Row(text, built.count_params(), multiply_adds(built, channels, shape)))
    return Verdict(rows)


class Stacks:
    """Random stacks, steered by the shapes Keras computes so that most of them build."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pair(self, largest: int) -> list[int]:
        first = self.rng.randint(1, largest)
        return [first, first] if self.rng.random() < 0.6 else [first, self.rng.randint(1, largest)]

    def window(self, shape: tuple[int, ...], padding: str) -> list[int]:
        """A window that fits `shape` under `padding`."""
        if padding == "same":
            return self.pair(5)
        return [self.rng.randint(1, min(5, shape[0])), self.rng.randint(1, min(5, shape[1]))]

    def layer(self, shape: tuple[int, ...]) -> Spec:
        """A layer that Keras accepts after an output of `shape` (without the batch axis)."""
        rng = self.rng
        if len(shape) != 3:
            return self.dense()
        kind = rng.choice(
            [*WINDOWED, *WINDOWED, *POOLING, "Flatten", "GlobalAveragePooling2D", "Dense"]
        )
        padding = rng.choice(["valid", "same"])
        if kind in POOLING:
            strides = None if rng.random() < 0.5 else self.pair(3)
            return {
                "type": kind,
                "pool_size": self.window(shape, padding),
                "strides": strides,
                "padding": padding,
            }
        if kind not in WINDOWED:
            return self.dense() if kind == "Dense" else {"type": kind}
        layer = {
            "type": kind,
            "kernel_size": self.window(shape, padding),
            "strides": self.pair(3),
            "padding": padding,
        }
        if kind != "SharedKernelConv2D":  # the site's layer always has its biases
            layer["use_bias"] = rng.random() < 0.8
        if kind in ("Conv2D", "SeparableConv2D", "SharedKernelConv2D"):
            layer["filters"] = rng.randint(1, 8)
        if kind in ("DepthwiseConv2D", "SeparableConv2D"):
            layer["depth_multiplier"] = rng.randint(1, 3)
        if kind == "Conv2D":
            groups = rng.choice([g for g in range(1, shape[2] + 1) if shape[2] % g == 0])
            layer["groups"] = groups if rng.random() < 0.4 else 1
            layer["filters"] *= layer["groups"]
        return layer

    def dense(self) -> Spec:
        return {
            "type": "Dense",
            "units": self.rng.randint(1, 16),
            "use_bias": self.rng.random() < 0.8,
        }

    def broken(self, shape: tuple[int, ...], fault: str) -> list[Spec]:
        """One or two layers after an image of `shape`, the last of which Keras refuses."""
        rng = self.rng
        image = {"type": rng.choice(WINDOWED + POOLING), "padding": "valid"}
        if fault == "ndim":  # an image layer after the image is gone
            gone = {"type": rng.choice(["Flatten", "GlobalAveragePooling2D"])}
            return [gone, self.fill(image, shape)]
        if fault == "size":
            side = rng.randrange(2)
            too_big = self.window(shape, "valid")
            too_big[side] = shape[side] + rng.randint(1, 3)
            return [self.fill(image, shape, too_big)]
        conv = self.fill({"type": "Conv2D", "padding": rng.choice(["valid", "same"])}, shape)
        if fault == "groups" and shape[2] > 1:
            groups = rng.choice([g for g in range(2, shape[2] + 3) if shape[2] % g])
            return [{**conv, "groups": groups, "filters": groups * rng.randint(1, 3)}]
        groups = rng.randint(2, 4)
        filters = groups * rng.randint(0, 2) + rng.randint(1, groups - 1)
        return [{**conv, "groups": groups, "filters": filters}]

    def fill(self, layer: Spec, shape: tuple[int, ...], window: list[int] | None = None) -> Spec:
        """`layer` with every other field of its type chosen at random."""
        while True:
            candidate = self.layer(shape)
            if candidate["type"] == layer["type"]:
                break
        size = "pool_size" if layer["type"] in POOLING else "kernel_size"
        filled = {**candidate, **layer}
        if window is not None:
            filled[size] = window
        return filled

    def valid(self) -> tuple[Spec, list[tuple[int, ...]]]:
        """A stack each of whose layers fits the shape Keras gives it, and those shapes."""
        rng = self.rng
        spec: Spec = {
            "input": [rng.randint(1, 40), rng.randint(1, 40), rng.randint(1, 12)],
            "layers": [],
        }
        tensor = keras.Input(tuple(spec["input"]))
        shapes = [tuple(spec["input"])]
        for _ in range(rng.randint(1, 6)):
            layer = self.layer(shapes[-1])
            tensor = keras_layer(layer)(tensor)
            spec["layers"].append(layer)
            shapes.append(tuple(tensor.shape[1:]))
        return spec, shapes

    def invalid(self) -> Spec:
        """Valid layers while the input is an image, one Keras refuses, maybe one after it."""
        spec, shapes = self.valid()
        images = [index for index, shape in enumerate(shapes) if len(shape) == 3]
        cut = self.rng.choice(images)
        spec["layers"] = spec["layers"][:cut]
        fault = self.rng.choice(["ndim", "size", "groups", "filters"])
        spec["layers"] += self.broken(shapes[cut], fault)
        if self.rng.random() < 0.5:
            spec["layers"].append(self.dense())
        return spec
