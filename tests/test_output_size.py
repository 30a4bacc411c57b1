"""The output-size and multiply-add formulas against Keras, and the thread model's cost and
receptive field as its page prints them."""

from __future__ import annotations

import runpy

import keras
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from test_claims_channels import SNIPPETS, run_snippet

sizes = runpy.run_path(str(SNIPPETS / "output_size" / "sizes.py"))
output_size, same_padding = sizes["output_size"], sizes["same_padding"]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 64),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    padding=st.sampled_from(["valid", "same"]),
)
def test_output_size_formula_equals_what_conv2d_returns(n, k, s, padding):
    assume(padding == "same" or k <= n)  # else no window fits
    layer = keras.layers.Conv2D(1, k, strides=s, padding=padding)
    x = np.zeros((1, n, n + 1, 1), dtype="float32")
    y = layer(x)
    assert tuple(y.shape)[1:3] == (output_size(n, k, s, padding), output_size(n + 1, k, s, padding))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    k=st.integers(1, 5),
    d=st.integers(1, 4),
    padding=st.sampled_from(["valid", "same"]),
)
def test_output_size_with_dilation_equals_what_conv2d_returns(n, k, d, padding):
    span = d * (k - 1) + 1
    assume(padding == "same" or span <= n)
    layer = keras.layers.Conv2D(1, k, dilation_rate=d, padding=padding)
    y = layer(np.zeros((1, n, n + 2, 1), dtype="float32"))
    assert tuple(y.shape)[1:3] == (
        output_size(n, k, 1, padding, d),
        output_size(n + 2, k, 1, padding, d),
    )


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 12), k=st.integers(1, 4), s=st.integers(1, 3))
def test_same_padding_puts_the_odd_pixel_at_the_end(n, k, s):
    """Where a pixel sits in 'same' output says how Keras split the padding."""
    before, after = same_padding(n, k, s)
    assert after - before in (0, 1)
    x = np.arange(1.0, n + 1, dtype="float32").reshape(1, n, 1, 1)  # pixel i holds i + 1
    layer = keras.layers.Conv2D(1, (k, 1), strides=(s, 1), padding="same", use_bias=False)
    layer.build(x.shape)
    first_tap = np.zeros((k, 1, 1, 1), dtype="float32")
    first_tap[0] = 1  # the window's top tap only: it reads the pixel `before` above centre
    layer.set_weights([first_tap])
    y = np.asarray(layer(x))[0, :, 0, 0]
    padded = np.concatenate([np.zeros(before), x[0, :, 0, 0], np.zeros(after)])
    np.testing.assert_array_equal(y, padded[::s][: len(y)])


@pytest.mark.parametrize("kind", ["max", "average"])
def test_pooling_padding_is_never_counted(kind):
    """An all-negative input pooled with 'same' padding: no zero from the padding shows."""
    x = -np.arange(1.0, 26.0, dtype="float32").reshape(1, 5, 5, 1)
    layer = {"max": keras.layers.MaxPooling2D, "average": keras.layers.AveragePooling2D}[kind]
    y = np.asarray(layer(2, padding="same")(x))[0, :, :, 0]
    assert y.shape == (3, 3)
    corner = x[0, 4, 4, 0]  # the last window holds one real pixel and three padded ones
    assert y[-1, -1] == corner  # a max of -25 and ignored pads; an average over 1 pixel
    assert np.all(y < 0)


def test_the_padding_snippet_prints_keras_sizes_equal_to_the_formula():
    _, printed = run_snippet("output_size/padding.py")
    for line in printed.splitlines():
        if "(Keras: " in line:
            ours, keras_size = line.split("output")[1].split("(Keras: ")
            assert int(ours) == int(keras_size.rstrip(")"))
    assert "pads (0, 1), output 14" in printed  # n=28, k=3, s=2: an odd total of 1


def multiply_adds(layer) -> int:
    """What the page's cost formula says: outputs times products per output."""
    if isinstance(layer, keras.layers.Conv2D):
        _, h, w, f = layer.output.shape
        kh, kw, c, _ = layer.kernel.shape
        return h * w * f * kh * kw * c
    if isinstance(layer, keras.layers.Dense):
        return int(np.prod(layer.kernel.shape))
    return 0


def counted_products(layer, shape: tuple[int, ...]) -> int:
    """Count products by running the layer: with inputs and weights all 1 and no bias, each
    output value is the number of products summed into it (padding zeros add nothing)."""
    layer.set_weights([np.ones_like(layer.get_weights()[0]), np.zeros_like(layer.get_weights()[1])])
    layer.activation = keras.activations.linear  # a sigmoid would squash the count
    outputs = np.asarray(layer(np.ones((1, *shape), dtype="float32")))
    return int(outputs.sum(dtype=np.float64))  # each value is exact; float32 sums are not


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(3, 20),
    c=st.integers(1, 4),
    f=st.integers(1, 4),
    k=st.integers(1, 3),
    s=st.integers(1, 2),
    units=st.integers(1, 5),
)
def test_multiply_adds_formula_equals_a_count_by_running(n, c, f, k, s, units):
    model = keras.Sequential(
        [
            keras.Input((n, n, c)),
            keras.layers.Conv2D(f, k, strides=s),
            keras.layers.Flatten(),
            keras.layers.Dense(units),
        ]
    )
    conv, _, dense = model.layers
    assert multiply_adds(conv) == counted_products(conv, (n, n, c))
    assert multiply_adds(dense) == counted_products(dense, tuple(dense.input.shape)[1:])


def test_the_thread_model_cost_is_counted_by_running_every_layer():
    namespace, printed = run_snippet("thread_model/cost.py")
    model, total = namespace["model"], namespace["total"]
    counted = 0
    for layer in model.layers:
        if layer.get_weights():
            counted += counted_products(layer, tuple(layer.input.shape)[1:])
    assert total == counted == 64_128_256
    assert f"{total:,}" in printed


def test_the_receptive_field_by_formula_equals_the_run():
    namespace, printed = run_snippet("thread_model/receptive_field.py")
    assert namespace["size"] == namespace["reached"].size == 22
    assert "receptive field: 22 x 22 pixels" in printed


def test_the_grid_snippet_finds_no_disagreement():
    namespace, _ = run_snippet("output_size/check_grid.py")
    assert namespace["checked"] > 800
    assert namespace["disagree"] == 0
