"""The output-size and multiply-add formulas against Keras, and the thread model's cost and
receptive field as its page prints them."""

from __future__ import annotations

import runpy

import keras
import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from test_claims_channels import SNIPPETS, run_snippet

output_size = runpy.run_path(str(SNIPPETS / "output_size" / "sizes.py"))["output_size"]


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
