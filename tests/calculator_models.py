"""Random layer stacks for the calculator page, and what Keras makes of each.

A stack is the page's model format: `{"input": [...], "format": data_format,
"layers": [{"type": ..., ...}]}`, whose input is a sequence (length, channels), an image
(height, width, channels) or a volume (depth, height, width, channels), channels first
with "channels_first". Keras is the judge: every stack is built with the real
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


def forms(name: str) -> tuple[str, ...]:
    """The 1-D, 2-D and 3-D forms of a Keras layer: NAME1D, NAME2D, NAME3D."""
    return tuple(f"{name}{sides}D" for sides in (1, 2, 3))


def sides_of(kind: str) -> int:
    """How many axes a layer of `kind` slides along: the digit before the D of its name."""
    return int(re.search(r"(\d)D", kind)[1])


# The convolution for each number of axes it slides along.
CONVOLUTIONS = {sides_of(kind): kind for kind in forms("Conv")}
POOLING = (*forms("MaxPooling"), *forms("AveragePooling"))
GLOBAL = (*forms("GlobalAveragePooling"), *forms("GlobalMaxPooling"))
PADDING, UPSAMPLING = forms("ZeroPadding"), forms("UpSampling")
SAME_SHAPE = ("BatchNormalization", "Dropout", "Activation")
CAUSAL = ("Conv1D",)  # the one layer that takes padding="causal"
# Layers Keras gives a `data_format` argument (the page sets it for the whole model);
# UpSampling1D has none: it repeats the axis after the batch.
FORMATTED = (*DILATED, *CONVOLUTIONS.values(), *POOLING, *GLOBAL, *PADDING, "Flatten")
FORMATTED += ("UpSampling2D", "UpSampling3D")
# Layers Keras refuses with a ValueError on an input of another rank than theirs.
RANKED = (*CONVOLUTIONS.values(), "DepthwiseConv2D", "SeparableConv2D", "SharedKernelConv2D")
RANKED += (*POOLING, *GLOBAL, *PADDING, *UPSAMPLING)


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
    rf: tuple[int, ...] | None


@dataclass(frozen=True)
class Verdict:
    """The rows of the layers Keras built; the index and kind of the one it refused, if any."""

    rows: list[Row]
    failed_at: int | None = None
    kind: str | None = None
    message: str = ""


def keras_layer(layer: Spec, data_format: str = "channels_last") -> keras.layers.Layer:
    """The Keras layer a page layer describes (its fields are Keras' argument names; a
    field of one value per axis is a tuple, or for a 1-D layer the number itself, since
    ZeroPadding1D reads a pair as its start and end)."""
    one_axis = layer["type"].endswith("1D")
    arguments = {
        name: (value[0] if one_axis else tuple(value)) if isinstance(value, list) else value
        for name, value in layer.items()
        if name != "type"
    }
    if layer["type"] in FORMATTED:
        arguments["data_format"] = data_format
    if layer["type"] == "SharedKernelConv2D":
        return shared_kernel_layer()(**arguments)
    return getattr(keras.layers, layer["type"])(**arguments)


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
    first = 2 if getattr(layer, "data_format", None) == "channels_first" else 1
    sizes = [shape[axis] for axis in range(first, first + len(shape) - 2)]
    if None in sizes:
        return None
    positions = math.prod(sizes)
    if kind == "SharedKernelConv2D":  # one image per input channel
        positions *= input_shape[-1]
    return sum(math.prod(kernel.shape) for kernel in kernels) * positions


def along(value: int | tuple[int, ...] | list[int], axis: int) -> int:
    """A layer's argument along `axis`: the number itself, or its value for that axis."""
    return value if isinstance(value, int) else value[axis]


Reader = tuple[Callable[[int], set[int]], int]


def reader(layer: keras.layers.Layer, axis: int, data_format: str, is_image: bool) -> Reader | None:
    """Which input cells (along one axis) output cell `o` of `layer` reads, and how many
    output cells one input cell spreads to; None for a layer that mixes the whole axis."""
    kind = type(layer).__name__
    if kind in (*WINDOWED, *CONVOLUTIONS.values(), *POOLING):
        size = along(layer.pool_size if kind in POOLING else layer.kernel_size, axis)
        step = along(layer.strides, axis)
        gap = along(getattr(layer, "dilation_rate", 1), axis)
        # "causal" pads the start only: output o's window ends at input cell step * o.
        start = gap * (size - 1) if layer.padding == "causal" else 0
        return (lambda o: {step * o - start + gap * u for u in range(size)}), 1
    if kind == "Conv2DTranspose":
        size, step = along(layer.kernel_size, axis), along(layer.strides, axis)
        gap = along(layer.dilation_rate, axis)
        cells = range(size)
        return (
            lambda o: {
                i
                for i in range((o - gap * size) // step - 1, o // step + 2)
                for u in cells
                if o - step * i == gap * u
            }
        ), step
    if kind == "UpSampling1D" and data_format == "channels_first":
        return (lambda o: {o}), 1  # it repeats the channels: the length keeps its cells
    if kind in UPSAMPLING:
        factor = along(layer.size, axis)
        return (lambda o: {o // factor}), factor
    pointwise = kind == "Dense" and is_image and data_format == "channels_last"
    if kind in (*SAME_SHAPE, *PADDING) or pointwise:
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
    rank = len(tensor.shape)  # the input's, batch included: the receptive field's
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
        is_image = len(before) == rank
        if readers is not None:  # still on the input's axes, cell by cell
            steps = [reader(built, axis, data_format, is_image) for axis in range(rank - 2)]
            readers = None if None in steps else [*readers, steps]
        rf = receptive_field(readers) if readers is not None and len(shape) == rank else None
        trainable = sum(math.prod(weight.shape) for weight in built.trainable_weights)
        macs = multiply_adds(built, data_format, before, shape)
        rows.append(Row(text, built.count_params(), trainable, macs, rf))
    return Verdict(rows)


def rank_of(kind: str) -> int:
    """The input rank (batch aside) a layer of `kind` in RANKED needs."""
    return sides_of(kind) + 1


def of_sides(kinds: tuple[str, ...], count: int) -> list[str]:
    """Those of `kinds` that slide along `count` axes."""
    return [kind for kind in kinds if sides_of(kind) == count]


class Stacks:
    """Random stacks, steered by the shapes Keras computes so that most of them build."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.format = "channels_last"

    def per_axis(self, largest: int, count: int = 2, least: int = 1) -> list[int]:
        """`count` numbers up to `largest`, most often all the same."""
        first = self.rng.randint(least, largest)
        if self.rng.random() < 0.6:
            return [first] * count
        return [first, *(self.rng.randint(least, largest) for _ in range(count - 1))]

    def sides(self, shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        """The axes of `shape` (without the batch axis) but its channels; None: any size."""
        return shape[1:] if self.format == "channels_first" else shape[:-1]

    def channels(self, shape: tuple[int | None, ...]) -> int:
        return shape[0] if self.format == "channels_first" else shape[-1]

    def window(self, shape: tuple[int, ...], padding: str, dilation: list[int]) -> list[int]:
        """A window that, dilated, fits `shape` under `padding`."""
        if padding != "valid":
            return self.per_axis(5, len(dilation))
        sides = self.sides(shape)
        if len(sides) != len(dilation):  # a layer of another rank: its size does not matter
            sides = (None,) * len(dilation)
        return [
            self.rng.randint(1, max(1, min(5, (side - 1) // gap + 1)) if side else 5)
            for side, gap in zip(sides, dilation, strict=True)
        ]

    def layer(self, shape: tuple[int, ...]) -> Spec:
        """A layer that Keras accepts after an output of `shape` (without the batch axis)."""
        rng = self.rng
        if len(shape) == 1:
            if None in shape:  # a vector of unknown length: no weights can be made for it
                return rng.choice(
                    [self.same_shape(rng.choice(["Dropout", "Activation"])), self.reshape(shape)]
                )
            return rng.choice([self.dense, self.same_shape, lambda: self.reshape(shape)])()
        count = len(shape) - 1  # the axes a layer slides along
        # On an image, the 2-D convolutions (those that dilate twice as often).
        sliding = [*WINDOWED, *DILATED] if count == 2 else [CONVOLUTIONS[count]]
        kinds = [*sliding, *of_sides((*POOLING, *GLOBAL, *PADDING, *UPSAMPLING), count)]
        kinds += [*SAME_SHAPE, "Flatten", "Dense", "Reshape"]
        if self.format == "channels_first":  # the site's layer and Dense mix the wrong axis
            kinds = [kind for kind in kinds if kind not in ("SharedKernelConv2D", "Dense")]
        if max(side or 0 for side in self.sides(shape)) > 40:  # keep the weights small
            kinds = [kind for kind in kinds if kind not in (*UPSAMPLING, "Conv2DTranspose")]
        if None not in shape and math.prod(shape) > 100_000:
            kinds = [kind for kind in kinds if kind not in ("Flatten", "Dense")]
        if shape[-1] is None:  # weights along the last axis need its size
            kinds = [kind for kind in kinds if kind not in ("BatchNormalization", "Dense")]
        kind = rng.choice(kinds)
        padding = rng.choice(["valid", "same", "causal"] if kind in CAUSAL else ["valid", "same"])
        if kind in POOLING:
            strides = None if rng.random() < 0.5 else self.per_axis(3, count)
            pool = self.window(shape, padding, [1] * count)
            return {"type": kind, "pool_size": pool, "strides": strides, "padding": padding}
        if kind in GLOBAL:
            return {"type": kind, "keepdims": rng.random() < 0.3}
        if kind in PADDING:
            return {"type": kind, "padding": self.per_axis(2, count, least=0)}
        if kind in UPSAMPLING:
            return {"type": kind, "size": self.per_axis(3, count)}
        if kind in SAME_SHAPE:
            return self.same_shape(kind)
        if kind == "Reshape":
            return self.reshape(shape)
        if kind not in sliding:
            return self.dense() if kind == "Dense" else {"type": kind}
        return self.convolution(kind, shape, padding)

    def convolution(self, kind: str, shape: tuple[int, ...], padding: str) -> Spec:
        rng = self.rng
        count = sides_of(kind)
        dilated = kind in (*DILATED, *CONVOLUTIONS.values()) and rng.random() < 0.3
        dilation = self.per_axis(3, count) if dilated else [1] * count
        # Convolutions take strides above 1 or a dilation above 1, not both.
        plain = kind in (*CONVOLUTIONS.values(), "Conv2DTranspose")
        strides = [1] * count if dilated and plain else self.per_axis(3, count)
        layer: Spec = {
            "type": kind,
            "kernel_size": self.window(shape, padding, dilation),
            "strides": strides,
            "padding": padding,
        }
        if kind in (*DILATED, *CONVOLUTIONS.values()):
            layer["dilation_rate"] = dilation
        if kind != "SharedKernelConv2D":  # the site's layer always has its biases
            layer["use_bias"] = rng.random() < 0.8
        if kind in (*CONVOLUTIONS.values(), "SeparableConv2D", "SharedKernelConv2D"):
            layer["filters"] = rng.randint(1, 8)
        if kind == "Conv2DTranspose":
            layer["filters"] = rng.randint(1, 8)
        if kind in ("DepthwiseConv2D", "SeparableConv2D"):
            layer["depth_multiplier"] = rng.randint(1, 3)
        if kind in CONVOLUTIONS.values():
            channels = self.channels(shape)
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

    def other_rank(self, shape: tuple[int, ...]) -> Spec:
        """A layer, with all its fields, made for inputs of another rank than `shape`'s."""
        rng = self.rng
        kind = rng.choice([kind for kind in RANKED if rank_of(kind) != len(shape)])
        if kind in GLOBAL:
            return {"type": kind, "keepdims": False}
        if kind in PADDING:
            return {"type": kind, "padding": self.per_axis(2, sides_of(kind), least=0)}
        if kind in UPSAMPLING:
            return {"type": kind, "size": self.per_axis(3, sides_of(kind))}
        layer = self.fill({"type": kind, "padding": "same"}, shape)
        return {**layer, "groups": 1} if "groups" in layer else layer

    def broken(self, shape: tuple[int, ...], fault: str) -> list[Spec]:
        """One or two layers after an output of `shape` of the input's rank, the last of
        which Keras refuses."""
        rng = self.rng
        count = len(shape) - 1
        conv = CONVOLUTIONS[count]
        kinds = [conv, *of_sides(POOLING, count)]
        if count == 2:
            kinds = [
                kind
                for kind in (*WINDOWED, *of_sides(POOLING, 2))
                if self.format == "channels_last" or kind != "SharedKernelConv2D"
            ]
        image = {"type": rng.choice(kinds), "padding": "valid"}
        sized = [axis for axis, side in enumerate(self.sides(shape)) if side is not None]
        if fault in ("size", "reshape") and (not sized or None in shape):
            fault = "size" if sized else "ndim"
        if fault == "ndim":
            if rng.random() < 0.5:  # a layer made for another rank
                return [self.other_rank(shape)]
            # A layer of the input's rank after Flatten or global pooling.
            gone = [{"type": "Flatten"}]
            gone += [{"type": kind, "keepdims": False} for kind in of_sides(GLOBAL, count)]
            return [rng.choice(gone), self.fill(image, shape)]
        if fault == "causal":
            # A convolution or pooling layer other than Conv1D; sometimes of another rank,
            # whose constructor refuses "causal" before Keras checks the rank.
            refusing = [kind for kind in (*kinds, *DILATED, *POOLING) if kind not in CAUSAL]
            if rng.random() < 0.7:
                refusing = [kind for kind in refusing if sides_of(kind) == count]
            kind = rng.choice([kind for kind in refusing if kind != "SharedKernelConv2D"])
            return [self.fill({"type": kind, "padding": "causal"}, shape)]
        if fault == "size":
            side = rng.choice(sized)
            too_big = self.window(shape, "valid", [1] * count)
            too_big[side] = self.sides(shape)[side] + rng.randint(1, 3)
            return [self.fill(image, shape, too_big)]
        if fault == "reshape":
            total = math.prod(shape)
            wrong = rng.choice([d for d in range(2, total + 2) if total % d]) if total > 1 else 2
            return [{"type": "Reshape", "target_shape": rng.choice([[total + 1], [-1, wrong]])}]
        if fault == "dilation":
            kind = rng.choice([conv, "Conv2DTranspose"] if count == 2 else [conv])
            layer = self.fill({"type": kind, "padding": "same"}, shape)
            strides, dilation = [1] * count, [1] * count
            strides[0], dilation[-1] = rng.randint(2, 3), rng.randint(2, 3)
            return [{**layer, "strides": strides, "dilation_rate": dilation}]
        layer = self.fill({"type": conv, "padding": rng.choice(["valid", "same"])}, shape)
        channels = self.channels(shape)
        if fault == "groups" and channels > 1:
            groups = rng.choice([g for g in range(2, channels + 3) if channels % g])
            return [{**layer, "groups": groups, "filters": groups * rng.randint(1, 3)}]
        groups = rng.randint(2, 4)
        filters = groups * rng.randint(0, 2) + rng.randint(1, groups - 1)
        return [{**layer, "groups": groups, "filters": filters}]

    def fill(self, layer: Spec, shape: tuple[int, ...], window: list[int] | None = None) -> Spec:
        """`layer` with every other field of its type chosen at random."""
        padding = layer.get("padding", "valid")
        count = sides_of(layer["type"])
        if layer["type"] in POOLING:
            pool = self.window(shape, padding, [1] * count)
            candidate = {"type": layer["type"], "pool_size": pool}
            candidate["strides"] = None if self.rng.random() < 0.5 else self.per_axis(3, count)
        else:
            candidate = self.convolution(layer["type"], shape, padding)
            if "dilation_rate" in candidate:
                candidate["dilation_rate"] = [1] * len(candidate["kernel_size"])
        size = "pool_size" if layer["type"] in POOLING else "kernel_size"
        filled = {**candidate, **layer}
        if window is not None:
            filled[size] = window
        return filled

    def valid(self) -> tuple[Spec, list[tuple[int, ...]]]:
        """A stack each of whose layers fits the shape Keras gives it, and those shapes:
        most on an image, some on a sequence or a volume."""
        rng = self.rng
        self.format = "channels_first" if rng.random() < 0.2 else "channels_last"
        count = rng.choices([1, 2, 3], weights=[3, 5, 3])[0]
        largest = {1: 60, 2: 40, 3: 12}[count]
        sides = [None if rng.random() < 0.1 else rng.randint(1, largest) for _ in range(count)]
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
        """Valid layers while the output has the input's rank, one Keras refuses, maybe one
        after it."""
        spec, shapes = self.valid()
        rank = len(spec["input"])
        images = [index for index, shape in enumerate(shapes) if len(shape) == rank]
        cut = self.rng.choice(images)
        spec["layers"] = spec["layers"][:cut]
        faults = ["ndim", "size", "groups", "filters", "dilation", "reshape", "causal"]
        fault = self.rng.choice(faults)
        spec["layers"] += self.broken(shapes[cut], fault)
        if self.rng.random() < 0.5:
            spec["layers"].append(self.dense())
        return spec
