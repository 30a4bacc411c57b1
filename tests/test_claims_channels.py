"""Claims of three pages: channels-are-summed.md, output-channels.md and thread-model.md.

The NumPy reference must equal `keras.layers.Conv2D` on any shape, the red-only filter must
ignore the blue square, the activation must come after the sum, the parameter formulas
must equal `count_params()`. (Numbers in the pages' prose: `test_prose_numbers.py`.)
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import io
import runpy
import sys
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from snipexec._internal.worker import _forget_local_modules

SNIPPETS = Path(__file__).resolve().parents[1] / "snippets"


def load_module(path: Path):
    """Import a snippet folder's module by its path (without running its `__main__` demo)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = load_module(SNIPPETS / "channels_are_summed" / "conv_reference.py")


def run_snippet(relative: str) -> tuple[dict, str]:
    """Run a snippet as `python snippets/<relative>` would; return its globals and stdout."""
    path = SNIPPETS / relative
    sys.path.insert(0, str(path.parent))
    modules = set(sys.modules)
    keras.backend.clear_session()
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            namespace = runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.path.remove(str(path.parent))
        _forget_local_modules(path.parent, set(sys.modules) - modules)  # built afresh next time
    return namespace, printed.getvalue()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def conv2d_layer(x, kernel, bias, strides, padding):
    """Keras' Conv2D with the given weights, applied to `x` (as a NumPy array)."""
    kh, kw, _, filters = kernel.shape
    layer = keras.layers.Conv2D(filters, (kh, kw), strides=strides, padding=padding)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    return keras.ops.convert_to_numpy(layer(x))


# --- channels-are-summed.md: the NumPy reference --------------------------------------------


@st.composite
def conv_cases(draw):
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    height, width = draw(st.integers(kh, kh + 6)), draw(st.integers(kw, kw + 6))
    return {
        "batch": draw(st.integers(1, 2)),
        "size": (height, width),
        "in_channels": draw(st.integers(1, 5)),
        "kernel": (kh, kw),
        "filters": draw(st.integers(1, 4)),
        "strides": (draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        "padding": draw(st.sampled_from(["valid", "same"])),
        "seed": draw(st.integers(0, 2**16)),
    }


def case(size, in_channels, kernel, filters, strides, padding):
    return {
        "batch": 2,
        "size": size,
        "in_channels": in_channels,
        "kernel": kernel,
        "filters": filters,
        "strides": strides,
        "padding": padding,
        "seed": 0,
    }


@settings(max_examples=25, deadline=None, derandomize=True)
@given(conv_cases())
@example(case((5, 6), 1, (1, 1), 1, (1, 1), "valid"))  # 1x1 kernel, one channel
@example(case((5, 6), 1, (3, 3), 4, (1, 1), "same"))  # one channel, several filters
@example(case((7, 9), 3, (1, 1), 2, (2, 2), "same"))  # 1x1 kernel with stride 2
@example(case((9, 10), 4, (4, 2), 3, (2, 3), "same"))  # even kernel: uneven padding
@example(case((8, 8), 6, (3, 3), 5, (3, 2), "valid"))
def test_the_numpy_reference_matches_keras_conv2d(params):
    rng = np.random.default_rng(params["seed"])
    x = rng.uniform(-1, 1, (params["batch"], *params["size"], params["in_channels"]))
    kernel = rng.uniform(-1, 1, (*params["kernel"], params["in_channels"], params["filters"]))
    bias = rng.uniform(-1, 1, params["filters"])
    x, kernel, bias = (a.astype("float32") for a in (x, kernel, bias))

    expected = conv2d_layer(x, kernel, bias, params["strides"], params["padding"])
    ours = reference.conv2d_reference(x, kernel, bias, params["strides"], params["padding"])
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


def test_the_reference_is_not_one_shared_kernel_averaged_over_channels():
    """The belief the page corrects gives a different answer from the layer."""
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (1, 6, 6, 3)).astype("float32")
    kernel = rng.uniform(-1, 1, (3, 3, 3, 1)).astype("float32")
    bias = np.zeros(1, "float32")
    layer = conv2d_layer(x, kernel, bias, (1, 1), "valid")
    shared = np.repeat(kernel[:, :, :1], 3, axis=2) / 3  # slice 0 for all, then average
    assert not np.allclose(layer, reference.conv2d_reference(x, shared, bias), atol=1e-3)


def test_the_hand_worked_example_gives_the_numbers_in_the_prose():
    namespace, printed = run_snippet("channels_are_summed/conv_reference.py")
    x, kernel, bias = namespace["x"], namespace["kernel"], namespace["bias"]
    parts = [reference.correlate(x[..., c], kernel[:, :, c, 0], (1, 1))[0, 0, 0] for c in (0, 1)]
    assert parts == [2, 0]  # "slice 0 adds 1 + 1 = 2, slice 1 takes 1 - 1 = 0"
    assert reference.conv2d_reference(x, kernel, bias)[0, 0, 0, 0] == 3
    assert x.shape == (1, 3, 3, 2)
    assert printed.endswith("[[ 3  7]\n [-2  4]]\n")


def test_the_comparison_snippet_reports_agreement_for_every_case():
    namespace, printed = run_snippet("channels_are_summed/matches_keras.py")
    rows = printed.splitlines()[1:]
    assert len(rows) == len(namespace["cases"]) >= 7
    assert all(0 <= float(row.split()[-1]) < 1e-5 for row in rows)  # the max difference
    kinds = {(c[2], c[3], c[4]) for c in namespace["cases"]}
    assert ((1, 1), (1, 1), "valid") in kinds
    assert any(strides != (1, 1) and padding == "same" for _, strides, padding in kinds)
    assert any(c[0] == 1 for c in namespace["cases"])


def test_one_output_channel_is_the_sum_of_three_responses_plus_bias():
    namespace, printed = run_snippet("channels_are_summed/one_output_channel.py")
    assert namespace["kernel"].shape == (3, 3, 3, 1)
    summed = sum(namespace["responses"]) + namespace["bias"]
    np.testing.assert_allclose(summed, namespace["output"], atol=1e-6)
    assert "Conv2D output: True" in printed


def test_activation_comes_after_the_sum():
    namespace, printed = run_snippet("channels_are_summed/activation_after_sum.py")
    layer, after, before = (
        namespace[name] for name in ("from_keras", "sum_then_relu", "relu_then_sum")
    )
    np.testing.assert_array_equal(layer, after)
    assert not np.array_equal(layer, before)
    assert np.all(before >= after)  # "a different, larger array"
    assert printed.splitlines()[-2:] == [
        "Conv2D == relu(sum + bias):         True",
        "Conv2D == sum of relu(each) + bias: False",
    ]


def test_the_red_only_filter_ignores_the_blue_square_only():
    namespace, _ = run_snippet("channels_are_summed/red_square.py")
    red_map, image = namespace["red_map"], namespace["image"]
    blue = image[0, :, :, 2] == 1
    red = image[0, :, :, 0] == 1
    assert blue.sum() == red.sum() == 25
    assert np.all(red_map[blue] == 0.0)  # exactly zero, not merely small
    assert np.abs(red_map[red]).max() > 0
    assert namespace["edges"].sum() == 0  # "its weights add up to zero"
    assert np.all(namespace["red_only"][:, :, 1:] == 0)
    same_everywhere = namespace["feature_map"](namespace["same_everywhere"])
    assert np.abs(same_everywhere[blue]).max() > 0  # the contrast panel sees both squares
    assert np.abs(same_everywhere[red]).max() > 0


def test_each_next_layer_filter_weighs_the_channels_its_own_way():
    namespace, _ = run_snippet("channels_are_summed/weights_per_channel.py")
    output = namespace["output"]
    red, blue = output[4, 4], output[11, 11]
    names = list(namespace["weights"])
    average = names.index("plain average")
    assert red[average] == pytest.approx(blue[average])  # the average cannot tell them apart
    for f, name in enumerate(names):
        if name != "plain average":
            assert red[f] != pytest.approx(blue[f]), name


@pytest.mark.parametrize(
    "relative", ["channels_are_summed/one_output_channel.py", "channels_are_summed/red_square.py"]
)
def test_figures_have_a_title_for_their_alt_text(relative):
    run_snippet(relative)
    figures = [plt.figure(number) for number in plt.get_fignums()]
    assert len(figures) == 1
    assert figures[0].get_suptitle()


# --- output-channels.md ---------------------------------------------------------------------


def test_filters_is_the_first_argument_and_has_no_default():
    parameters = list(inspect.signature(keras.layers.Conv2D).parameters.values())
    assert parameters[0].name == "filters"
    assert parameters[0].default is inspect.Parameter.empty
    with pytest.raises(TypeError, match="filters"):
        keras.layers.Conv2D(kernel_size=3)


@pytest.mark.parametrize(
    ("in_channels", "filters", "size"),
    [(1, 1, (3, 3)), (3, 16, (3, 3)), (32, 32, (1, 1)), (5, 7, (2, 4))],
)
def test_kernel_bias_and_output_shapes(in_channels, filters, size):
    layer = keras.layers.Conv2D(filters, size)
    y = layer(np.zeros((2, 9, 9, in_channels), "float32"))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (*size, in_channels, filters)
    assert bias.shape == (filters,)
    assert tuple(y.shape) == (2, 10 - size[0], 10 - size[1], filters)


def test_the_input_channel_axis_is_summed_away():
    namespace, printed = run_snippet("output_channels/axis_is_summed.py")
    assert namespace["responses"].shape == (1, 6, 6, 3, 4)
    assert namespace["y"].shape == (1, 6, 6, 4)
    np.testing.assert_allclose(namespace["summed"], namespace["y"], atol=1e-5)
    assert printed.rstrip().endswith("True")


@pytest.mark.parametrize(
    ("in_channels", "filters", "size", "use_bias"),
    [(3, 8, (3, 3), True), (8, 16, (5, 5), True), (16, 4, (1, 1), True), (4, 10, (1, 7), False)],
)
def test_conv2d_parameter_formula(in_channels, filters, size, use_bias):
    layer = keras.layers.Conv2D(filters, size, use_bias=use_bias)
    layer.build((None, 32, 32, in_channels))
    weights = size[0] * size[1] * in_channels * filters
    assert layer.count_params() == weights + (filters if use_bias else 0)


def test_the_parameter_count_snippet_agrees_with_keras():
    namespace, printed = run_snippet("output_channels/parameter_count.py")
    rows = printed.splitlines()[1:]
    assert len(rows) == len(namespace["model"].layers) == 4
    for row in rows:
        formula, keras_count = row.split("=")[-1].split()
        assert formula == keras_count


def test_the_reordered_kernel_holds_the_same_slices():
    namespace, _ = run_snippet("output_channels/other_layout.py")
    kernel, reordered = namespace["kernel"], namespace["reordered"]
    assert reordered.shape == (32, 16, 3, 3)
    for c in range(16):
        for f in range(32):
            np.testing.assert_array_equal(kernel[:, :, c, f], reordered[f, c])


# --- thread-model.md ------------------------------------------------------------------------

THREAD_COUNTS = [448, 0, 4_640, 0, 18_496, 0, 0, 9_470_464, 513]
THREAD_SHAPES = [
    (148, 148, 16),
    (74, 74, 16),
    (72, 72, 32),
    (36, 36, 32),
    (34, 34, 64),
    (17, 17, 64),
    (18_496,),
    (512,),
    (1,),
]


def test_the_thread_model_has_the_numbers_of_the_thread():
    namespace, printed = run_snippet("thread_model/forum_model.py")
    model = namespace["model"]
    assert [layer.count_params() for layer in model.layers] == THREAD_COUNTS
    assert model.count_params() == sum(THREAD_COUNTS) == 9_494_561
    assert [tuple(layer.output.shape)[1:] for layer in model.layers] == THREAD_SHAPES
    kernels = [model.layers[i].get_weights()[0].shape for i in (0, 2, 4)]
    assert kernels == [(3, 3, 3, 16), (3, 3, 16, 32), (3, 3, 32, 64)]
    assert "9,494,561" in printed


def test_the_derivation_snippet_agrees_with_keras():
    namespace, printed = run_snippet("thread_model/derive_numbers.py")
    assert namespace["agree"] is True
    assert namespace["total"] == 9_494_561
    assert printed.rstrip().endswith("True")
    for count in THREAD_COUNTS:
        assert f"{count:,}" in printed
