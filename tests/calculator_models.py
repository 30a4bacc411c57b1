"""Random layer stacks for the calculator page, and what Keras makes of each.

A stack is the page's model format: `{"input": [d0, d1, d2], "format": data_format,
"layers": [{"type": ..., ...}]}`. Keras is the judge: every stack is built with the real
layers, its output shapes and parameter counts (trainable or not) are read from them,
multiply-adds are counted from each layer's kernels (every kernel weight multiplies one
input value at each position it is applied), and the receptive field is counted cell by
cell: the set of input cells that each output cell of a period reads, walked back through
the layers.
"""

from __future__ import annotations

import importlib
import json
import math
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "snippets" / "per_channel_outputs"
ERRORS_FILE = ROOT / "docs" / "javascripts" / "calculator-errors.js"
WINDOWED = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "SharedKernelConv2D")
DILATED = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose")
POOLING = ("MaxPooling2D", "AveragePooling2D")
GLOBAL = ("GlobalAveragePooling2D", "GlobalMaxPooling2D")
SAME_SHAPE = ("BatchNormalization", "Dropout", "Activation")
# Layers Keras gives a `data_format` argument (the page sets it for the whole model).
FORMATTED = (*DILATED, *POOLING, *GLOBAL, "ZeroPadding2D", "UpSampling2D", "Flatten")


def error_phrases() -> dict[str, list[str]]:
    """Keras' words for each of the page's error kinds, from the file the page reads."""
    text = ERRORS_FILE.read_text()
    table = json.loads(re.search(r"=\s*(\{.*\});\s*$", text, re.DOTALL)[1])
    return {kind: entry["keras"] for kind, entry in table.items()}


ERROR_KINDS = {words: kind for kind, phrases in error_phrases().items() for words in phrases}

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
    """One layer as Keras sees it: its summary shape text, parameters (all and trainable),
    multiply-adds and receptive field (height, width), None once the output is no image."""

    shape: str
    params: int
    trainable: int
    macs: int | None
    rf: tuple[int, int] | None


@dataclass(frozen=True)
class Verdict:
    """The rows of the layers Keras built; the index and kind of the one it refused, if any."""

    rows: list[Row]
    failed_at: int | None = None
    kind: str | None = None
    message: str = ""


def keras_layer(layer: Spec, data_format: str = "channels_last") -> keras.layers.Layer:
    """The Keras layer a page layer describes (its fields are Keras' argument names)."""
    arguments = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in layer.items()
        if name != "type"
    }
    if layer["type"] in FORMATTED:
        arguments["data_format"] = data_format
    if layer["type"] == "SharedKernelConv2D":
        return shared_kernel_layer()(**arguments)
    return getattr(keras.layers, layer["type"])(**arguments)


def image_axes(data_format: str, rank: int) -> list[int]:
    """The height and width axes of an output of `rank` (with its batch axis)."""
    return [2, 3] if data_format == "channels_first" else list(range(1, rank - 1))


def multiply_adds(
    layer: keras.layers.Layer,
    data_format: str,
    input_shape: tuple[int, ...],
    output_shape: tuple[int, ...],
) -> int | None:
    """Kernel weights times the positions each is applied at (the bias is not counted);
    None when the number of positions depends on a size left as None."""
    kind = type(layer).__name__
    kernels = [weight for weight in layer.weights if len(weight.shape) > 1]
    if not kernels:
        return 0
    # A transposed convolution applies its kernel at each input position.
    shape = input_shape if kind == "Conv2DTranspose" else output_shape
    axes = image_axes(data_format, 4) if len(shape) == 4 else range(1, len(shape) - 1)
    sizes = [shape[axis] for axis in axes]
    if None in sizes:
        return None
    positions = math.prod(sizes)
    if kind == "SharedKernelConv2D":  # one image per input channel
        positions *= input_shape[-1]
    return sum(math.prod(kernel.shape) for kernel in kernels) * positions


def pair(value: int | tuple[int, ...] | list[int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (value[0], value[1])


Reader = tuple[Callable[[int], set[int]], int]


def reader(layer: keras.layers.Layer, axis: int, data_format: str, is_image: bool) -> Reader | None:
    """Which input cells (along one axis) output cell `o` of `layer` reads, and how many
    output cells one input cell spreads to; None for a layer that mixes the whole axis."""
    kind = type(layer).__name__
    if kind in (*WINDOWED, *POOLING):
        size = pair(layer.pool_size if kind in POOLING else layer.kernel_size)[axis]
        step = pair(layer.strides)[axis]
        gap = pair(getattr(layer, "dilation_rate", 1))[axis]
        return (lambda o: {step * o + gap * u for u in range(size)}), 1
    if kind == "Conv2DTranspose":
        size, step = pair(layer.kernel_size)[axis], pair(layer.strides)[axis]
        gap = pair(layer.dilation_rate)[axis]
        cells = range(size)
        return (
            lambda o: {
                i
                for i in range((o - gap * size) // step - 1, o // step + 2)
                for u in cells
                if o - step * i == gap * u
            }
        ), step
    if kind == "UpSampling2D":
        factor = pair(layer.size)[axis]
        return (lambda o: {o // factor}), factor
    pointwise = kind == "Dense" and is_image and data_format == "channels_last"
    if kind in (*SAME_SHAPE, "ZeroPadding2D") or pointwise:
        return (lambda o: {o}), 1
    return None


def receptive_field(readers: list[list[Reader]]) -> tuple[int, ...]:
    """The widest run of input cells one output cell reads, per axis, counted cell by cell
    over two periods of the pattern (its period divides the product of the spreads)."""
    widths = []
    for axis_readers in zip(*readers, strict=True):
        period = math.prod(spread for _, spread in axis_readers)
        widest = 0
        for cell in range(2 * period + 1):
            cells = {cell}
            for read, _ in reversed(axis_readers):
                cells = set().union(*(read(o) for o in cells))
            if cells:
                widest = max(widest, max(cells) - min(cells) + 1)
        widths.append(widest)
    return tuple(widths)


def error_kind(error: Exception) -> str:
    """The page's name for a Keras error, or the error itself if the page has none."""
    text = str(error)
    return next((kind for words, kind in ERROR_KINDS.items() if words in text), repr(error))


def judge(spec: Spec) -> Verdict:
    """Build `spec` with Keras, layer by layer, up to the first layer Keras refuses."""
    data_format = spec.get("format", "channels_last")
    tensor = keras.Input(tuple(spec["input"]))
    rows = []
    readers: list | None = []
    for index, layer in enumerate(spec["layers"]):
        before = tuple(tensor.shape)
        try:
            built = keras_layer(layer, data_format)
            tensor = built(tensor)
        except ValueError as error:
            return Verdict(rows, index, error_kind(error), str(error))
        shape = tuple(tensor.shape)
        text = f"(None, {', '.join(str(size) for size in shape[1:])})"
        is_image = len(before) == 4
        steps = [reader(built, axis, data_format, is_image) for axis in (0, 1)]
        readers = None if readers is None or None in steps else [*readers, steps]
        rf = receptive_field(readers) if readers is not None and len(shape) == 4 else None
        trainable = sum(math.prod(weight.shape) for weight in built.trainable_weights)
        macs = multiply_adds(built, data_format, before, shape)
        rows.append(Row(text, built.count_params(), trainable, macs, rf))
    return Verdict(rows)


class Stacks:
    """Random stacks, steered by the shapes Keras computes so that most of them build."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.format = "channels_last"

    def pair(self, largest: int, least: int = 1) -> list[int]:
        first = self.rng.randint(least, largest)
        if self.rng.random() < 0.6:
            return [first, first]
        return [first, self.rng.randint(least, largest)]

    def sides(self, shape: tuple[int | None, ...]) -> tuple[int | None, int | None]:
        """Height and width of an image `shape` (without the batch axis); None: any size."""
        return (shape[1], shape[2]) if self.format == "channels_first" else (shape[0], shape[1])

    def window(self, shape: tuple[int, ...], padding: str, dilation: list[int]) -> list[int]:
        """A window that, dilated, fits `shape` under `padding`."""
        if padding == "same":
            return self.pair(5)
        return [
            self.rng.randint(1, max(1, min(5, (side - 1) // gap + 1)) if side else 5)
            for side, gap in zip(self.sides(shape), dilation, strict=True)
        ]

    def layer(self, shape: tuple[int, ...]) -> Spec:
        """A layer that Keras accepts after an output of `shape` (without the batch axis)."""
        rng = self.rng
        if len(shape) != 3:
            if None in shape:  # a vector of unknown length: no weights can be made for it
                return rng.choice(
                    [self.same_shape(rng.choice(["Dropout", "Activation"])), self.reshape(shape)]
                )
            return rng.choice([self.dense, self.same_shape, lambda: self.reshape(shape)])()
        kinds = [*WINDOWED, *DILATED, *POOLING, *GLOBAL, *SAME_SHAPE, "Flatten", "Dense"]
        kinds += ["ZeroPadding2D", "UpSampling2D", "Reshape"]
        if self.format == "channels_first":  # the site's layer and Dense mix the wrong axis
            kinds = [kind for kind in kinds if kind not in ("SharedKernelConv2D", "Dense")]
        if max(side or 0 for side in self.sides(shape)) > 40:  # keep the weights small
            kinds = [kind for kind in kinds if kind not in ("UpSampling2D", "Conv2DTranspose")]
        if None not in shape and math.prod(shape) > 100_000:
            kinds = [kind for kind in kinds if kind not in ("Flatten", "Dense")]
        if shape[-1] is None:  # BatchNormalization makes weights along the last axis
            kinds.remove("BatchNormalization")
        kind = rng.choice(kinds)
        padding = rng.choice(["valid", "same"])
        if kind in POOLING:
            strides = None if rng.random() < 0.5 else self.pair(3)
            pool = self.window(shape, padding, [1, 1])
            return {"type": kind, "pool_size": pool, "strides": strides, "padding": padding}
        if kind in GLOBAL:
            return {"type": kind, "keepdims": rng.random() < 0.3}
        if kind == "ZeroPadding2D":
            return {"type": kind, "padding": self.pair(2, least=0)}
        if kind == "UpSampling2D":
            return {"type": kind, "size": self.pair(3)}
        if kind in SAME_SHAPE:
            return self.same_shape(kind)
        if kind == "Reshape":
            return self.reshape(shape)
        if kind not in (*WINDOWED, *DILATED):
            return self.dense() if kind == "Dense" else {"type": kind}
        return self.convolution(kind, shape, padding)

    def convolution(self, kind: str, shape: tuple[int, ...], padding: str) -> Spec:
        rng = self.rng
        dilated = kind in DILATED and rng.random() < 0.3
        dilation = self.pair(3) if dilated else [1, 1]
        # Conv2D and Conv2DTranspose take strides above 1 or a dilation above 1, not both.
        strides = [1, 1] if dilated and kind in ("Conv2D", "Conv2DTranspose") else self.pair(3)
        layer: Spec = {
            "type": kind,
            "kernel_size": self.window(shape, padding, dilation),
            "strides": strides,
            "padding": padding,
        }
        if kind in DILATED:
            layer["dilation_rate"] = dilation
        if kind != "SharedKernelConv2D":  # the site's layer always has its biases
            layer["use_bias"] = rng.random() < 0.8
        if kind in ("Conv2D", "SeparableConv2D", "SharedKernelConv2D", "Conv2DTranspose"):
            layer["filters"] = rng.randint(1, 8)
        if kind in ("DepthwiseConv2D", "SeparableConv2D"):
            layer["depth_multiplier"] = rng.randint(1, 3)
        if kind == "Conv2D":
            channels = shape[0] if self.format == "channels_first" else shape[2]
            groups = rng.choice([g for g in range(1, channels + 1) if channels % g == 0])
            layer["groups"] = groups if rng.random() < 0.4 else 1
            layer["filters"] *= layer["groups"]
        return layer

    def dense(self) -> Spec:
        return {
            "type": "Dense",
            "units": self.rng.randint(1, 16),
            "use_bias": self.rng.random() < 0.8,
        }

    def reshape(self, shape: tuple[int, ...]) -> Spec:
        """A Reshape to a vector, a matrix or an image of the same number of values."""
        rng = self.rng
        if None in shape:
            return {"type": "Reshape", "target_shape": [-1]}
        total = math.prod(shape)
        divisors = [d for d in range(1, min(total, 64) + 1) if total % d == 0]
        first = rng.choice(divisors)
        second = rng.choice([d for d in divisors if (total // first) % d == 0])
        target = rng.choice(
            [[-1], [first, -1], [first, second, total // (first * second)], [-1, first, second]]
        )
        return {"type": "Reshape", "target_shape": target}

    def same_shape(self, kind: str | None = None) -> Spec:
        kind = kind or self.rng.choice(SAME_SHAPE)
        if kind == "Dropout":
            return {"type": kind, "rate": self.rng.choice([0.1, 0.25, 0.5])}
        if kind == "Activation":
            activations = ["relu", "sigmoid", "tanh", "softmax", "linear"]
            return {"type": kind, "activation": self.rng.choice(activations)}
        return {"type": kind}

    def broken(self, shape: tuple[int, ...], fault: str) -> list[Spec]:
        """One or two layers after an image of `shape`, the last of which Keras refuses."""
        rng = self.rng
        kinds = [
            kind
            for kind in WINDOWED + POOLING
            if self.format == "channels_last" or kind != "SharedKernelConv2D"
        ]
        image = {"type": rng.choice(kinds), "padding": "valid"}
        sized = [axis for axis, side in enumerate(self.sides(shape)) if side is not None]
        if fault in ("size", "reshape") and (not sized or None in shape):
            fault = "size" if sized else "ndim"
        if fault == "ndim":  # an image layer after the image is gone
            gone = rng.choice(
                [{"type": "Flatten"}, *({"type": kind, "keepdims": False} for kind in GLOBAL)]
            )
            return [gone, self.fill(image, shape)]
        if fault == "size":
            side = rng.choice(sized)
            too_big = self.window(shape, "valid", [1, 1])
            too_big[side] = self.sides(shape)[side] + rng.randint(1, 3)
            return [self.fill(image, shape, too_big)]
        if fault == "reshape":
            total = math.prod(shape)
            wrong = rng.choice([d for d in range(2, total + 2) if total % d]) if total > 1 else 2
            return [{"type": "Reshape", "target_shape": rng.choice([[total + 1], [-1, wrong]])}]
        if fault == "dilation":
            kind = rng.choice(["Conv2D", "Conv2DTranspose"])
            conv = self.fill({"type": kind, "padding": "same"}, shape)
            return [
                {**conv, "strides": [rng.randint(2, 3), 1], "dilation_rate": [1, rng.randint(2, 3)]}
            ]
        conv = self.fill({"type": "Conv2D", "padding": rng.choice(["valid", "same"])}, shape)
        channels = shape[0] if self.format == "channels_first" else shape[2]
        if fault == "groups" and channels > 1:
            groups = rng.choice([g for g in range(2, channels + 3) if channels % g])
            return [{**conv, "groups": groups, "filters": groups * rng.randint(1, 3)}]
        groups = rng.randint(2, 4)
        filters = groups * rng.randint(0, 2) + rng.randint(1, groups - 1)
        return [{**conv, "groups": groups, "filters": filters}]

    def fill(self, layer: Spec, shape: tuple[int, ...], window: list[int] | None = None) -> Spec:
        """`layer` with every other field of its type chosen at random."""
        padding = layer.get("padding", "valid")
        if layer["type"] in POOLING:
            candidate = {"type": layer["type"], "pool_size": self.window(shape, padding, [1, 1])}
            candidate["strides"] = None if self.rng.random() < 0.5 else self.pair(3)
        else:
            candidate = self.convolution(layer["type"], shape, padding)
            if "dilation_rate" in candidate:
                candidate["dilation_rate"] = [1, 1]
        size = "pool_size" if layer["type"] in POOLING else "kernel_size"
        filled = {**candidate, **layer}
        if window is not None:
            filled[size] = window
        return filled

    def valid(self) -> tuple[Spec, list[tuple[int, ...]]]:
        """A stack each of whose layers fits the shape Keras gives it, and those shapes."""
        rng = self.rng
        self.format = "channels_first" if rng.random() < 0.2 else "channels_last"
        sides = [None if rng.random() < 0.1 else rng.randint(1, 40) for _ in range(2)]
        channels = rng.randint(1, 12)
        dims = [channels, *sides] if self.format == "channels_first" else [*sides, channels]
        spec: Spec = {"input": dims, "format": self.format, "layers": []}
        tensor = keras.Input(tuple(spec["input"]))
        shapes = [tuple(spec["input"])]
        for _ in range(rng.randint(1, 6)):
            layer = self.layer(shapes[-1])
            tensor = keras_layer(layer, self.format)(tensor)
            spec["layers"].append(layer)
            shapes.append(tuple(tensor.shape[1:]))
        return spec, shapes

    def invalid(self) -> Spec:
        """Valid layers while the input is an image, one Keras refuses, maybe one after it."""
        spec, shapes = self.valid()
        images = [index for index, shape in enumerate(shapes) if len(shape) == 3]
        cut = self.rng.choice(images)
        spec["layers"] = spec["layers"][:cut]
        fault = self.rng.choice(["ndim", "size", "groups", "filters", "dilation", "reshape"])
        spec["layers"] += self.broken(shapes[cut], fault)
        if self.rng.random() < 0.5:
            spec["layers"].append(self.dense())
        return spec
