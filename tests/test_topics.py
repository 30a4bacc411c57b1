"""Claims of the topics that several pages teach beyond the thread's own questions.

A trained filter finds the colour that tells the classes apart; pooling keeps every
channel apart; GlobalAveragePooling2D shrinks the thread model's Dense layer; a 1x1
bottleneck costs what its page prints; channels_first moves the input's and output's
channel axis and not the kernel's; the whole-layer figure shows the shapes it prints.
(Dilation and padding sizes: `test_output_size.py`.)
"""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from test_claims_channels import SNIPPETS, load_module, run_snippet
from test_output_size import multiply_adds

squares = load_module(SNIPPETS / "channels_are_summed" / "colour_squares.py")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- channels-are-summed.md: a learned colour filter ---------------------------------------


def test_the_learned_filter_weighs_red_up_and_blue_down():
    namespace, printed = run_snippet("channels_are_summed/learned_red_filter.py")
    totals = namespace["totals"]
    assert namespace["accuracy"] > 0.95
    assert totals[0] > 0 > totals[2]
    assert np.argmax(totals) == 0  # the red slice dominates
    np.testing.assert_array_equal(namespace["kernel"][..., 1], namespace["start"][..., 1])
    assert printed.count("True") == 4 and "largest sum: red" in printed
    assert plt.gcf().get_suptitle()  # the figure's title is its alt text


@pytest.mark.parametrize(("yes", "no", "seed"), [(0, 2, 1), (1, 2, 0), (2, 0, 0)])
def test_training_finds_the_colour_of_the_yes_class_whatever_the_seed(yes, no, seed):
    model, accuracy, _ = squares.train_one_filter(yes, no, seed)
    totals = model.layers[0].get_weights()[0][:, :, :, 0].sum(axis=(0, 1))
    assert accuracy > 0.95
    assert np.argmax(totals) == yes
    assert totals[no] < 0


# --- channels-are-summed.md: pooling keeps the channels apart -----------------------------


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    size=st.integers(2, 9),
    channels=st.integers(1, 6),
    pool=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
    kind=st.sampled_from([keras.layers.MaxPooling2D, keras.layers.AveragePooling2D]),
)
def test_pooling_keeps_every_channel_and_pools_each_alone(size, channels, pool, padding, kind):
    pool = min(pool, size)
    x = np.random.default_rng(size).normal(size=(2, size, size, channels)).astype("float32")
    layer = kind(pool, padding=padding)
    pooled = keras.ops.convert_to_numpy(layer(x))
    assert pooled.shape[-1] == channels
    assert layer.count_params() == 0
    alone = [keras.ops.convert_to_numpy(layer(x[..., c : c + 1])) for c in range(channels)]
    np.testing.assert_allclose(pooled, np.concatenate(alone, axis=-1), rtol=1e-6)


def test_the_pooling_snippet_shows_three_channels_in_and_out():
    namespace, printed = run_snippet("channels_are_summed/pooling_per_channel.py")
    assert namespace["pooled"].shape == (1, 2, 2, 3)
    assert "pooled alone: True" in printed
    assert "(1, 2, 2, 1)" in printed.splitlines()[-1]  # Conv2D's one filter sums them


# --- thread-model.md: GlobalAveragePooling2D ----------------------------------------------


def test_global_average_pooling_shrinks_the_dense_layer_to_64_inputs():
    namespace, printed = run_snippet("thread_model/global_pooling.py")
    with_flatten, with_pooling = namespace["with_flatten"], namespace["with_pooling"]
    dense = with_pooling.layers[7]
    assert tuple(dense.input.shape) == (None, 64)
    assert dense.count_params() == 64 * 512 + 512 == 33_280
    convolutions = sum(layer.count_params() for layer in with_pooling.layers[:6])
    assert convolutions == 448 + 4_640 + 18_496
    assert with_pooling.count_params() == convolutions + 33_280 + 513 == 57_377
    assert with_flatten.count_params() - with_pooling.count_params() == 9_437_184
    for number in ("33,280", "57,377", "9,470,464", "9,494,561", "9,437,184"):
        assert number in printed


# --- one-by-one.md: the 1x1 bottleneck ----------------------------------------------------


def test_the_bottleneck_costs_what_the_page_prints():
    namespace, printed = run_snippet("one_by_one/bottleneck.py")
    direct, bottleneck = namespace["direct"], namespace["bottleneck"]
    assert namespace["direct_cost"] == (
        direct.count_params(),
        sum(multiply_adds(layer) for layer in direct.layers),
    )
    assert namespace["bottleneck_cost"] == (
        bottleneck.count_params(),
        sum(multiply_adds(layer) for layer in bottleneck.layers),
    )
    assert [layer.output.shape[-1] for layer in bottleneck.layers] == [64, 64, 256]
    assert namespace["bottleneck_cost"][1] * 8 < namespace["direct_cost"][1]  # "about 8 times"
    assert "8.4 times fewer parameters, 8.5 times fewer multiply-adds" in printed


def test_eight_one_by_one_filters_keep_the_size_and_set_the_channels():
    namespace, printed = run_snippet("one_by_one/eight_filters.py")
    assert namespace["model"].output_shape == (None, 32, 32, 8)
    assert namespace["model"].count_params() == 3 * 8 + 8 == 32
    assert "(None, 32, 32, 8), 32 parameters" in printed


# --- output-channels.md: channels_first ---------------------------------------------------


@pytest.mark.parametrize(("channels", "filters", "size"), [(3, 16, 3), (4, 8, 5), (1, 2, (2, 3))])
def test_channels_first_moves_the_data_axes_and_keeps_the_kernel(channels, filters, size):
    last = keras.layers.Conv2D(filters, size, data_format="channels_last")
    last.build((None, 12, 12, channels))
    first = keras.layers.Conv2D(filters, size, data_format="channels_first")
    first.build((None, channels, 12, 12))
    assert first.kernel.shape == last.kernel.shape
    kh, kw = (size, size) if isinstance(size, int) else size
    assert tuple(first.kernel.shape) == (kh, kw, channels, filters)
    out_last = tuple(last.compute_output_shape((None, 12, 12, channels)))
    out_first = tuple(first.compute_output_shape((None, channels, 12, 12)))
    assert out_first == (None, filters, *out_last[1:3])


def test_the_channels_first_run_equals_channels_last_with_axes_moved():
    namespace, printed = run_snippet("output_channels/channels_first_run.py")
    assert namespace["y_first"].shape == (2, 4, 6, 6)
    assert namespace["same"]
    assert printed.rstrip().endswith("True")


# --- words-and-axes.md: the whole layer ---------------------------------------------------


def test_the_whole_layer_figure_draws_what_it_prints():
    namespace, printed = run_snippet("words_and_axes/whole_layer.py")
    assert namespace["layer"].kernel.shape == (3, 3, namespace["C"], namespace["F"])
    assert tuple(namespace["y"].shape) == (1, 4, 4, namespace["F"])
    figure = plt.gcf()
    assert figure.get_suptitle()
    assert len(figure.axes) == 1 + namespace["F"] + 1  # input, one per filter, output
    assert "(3, 3, 3, 4)" in printed
