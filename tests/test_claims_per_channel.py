"""Claims of the page "One output per channel and kernel" (per-channel-outputs.md).

Every option on the page must equal a plain per-channel loop, the shared layer must have
`kh * kw * K + K` parameters whatever the number of channels, its output channels must be
ordered channel-major (`c * K + k`), it must survive `model.save` / `load_model`, and
training must move its kernel. The built-in routes (Conv3D, an ordinary Conv2D with
zeroed slices) must equal the loop too.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import itertools
import runpy
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

SNIPPETS = Path(__file__).resolve().parents[1] / "snippets" / "per_channel_outputs"


@pytest.fixture(scope="module")
def modules():
    """The page's two importable modules, `shared_conv` and `reference`, from their folder."""
    sys.path.insert(0, str(SNIPPETS))
    try:
        yield importlib.import_module("shared_conv"), importlib.import_module("reference")
    finally:
        sys.path.remove(str(SNIPPETS))


@pytest.fixture
def SharedKernelConv2D(modules):
    return modules[0].SharedKernelConv2D


@pytest.fixture
def per_channel_loop(modules):
    return modules[1].per_channel_loop


# A seeded grid: (channels C, kernels K, kernel size, padding).
GRID = [
    (c, k, size, padding)
    for (c, k), size, padding in itertools.product(
        [(1, 1), (1, 3), (3, 2), (4, 4)], [(1, 1), (3, 3), (2, 3)], ["valid", "same"]
    )
]
GRID_IDS = [f"C{c}-K{k}-{h}x{w}-{p}" for c, k, (h, w), p in GRID]


def random_input(channels: int, seed: int = 0) -> np.ndarray:
    """Two examples of odd, unequal height and width, so axis mix-ups cannot hide."""
    return np.random.default_rng(seed).normal(size=(2, 7, 9, channels)).astype("float32")


def numpy(tensor) -> np.ndarray:
    return keras.ops.convert_to_numpy(tensor)


def build(layer, channels: int):
    layer.build((None, 7, 9, channels))
    rng = np.random.default_rng(1)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
    return layer


# --- the reference loop itself ------------------------------------------------------------


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size", [(1, 1), (3, 3), (2, 3), (4, 2)])
def test_the_reference_loop_agrees_with_tensorflow_one_channel_at_a_time(
    per_channel_loop, size, padding
):
    x = random_input(3)
    rng = np.random.default_rng(2)
    kernels = rng.normal(size=(3, 2, *size)).astype("float32")  # (C, K, kh, kw)
    biases = rng.normal(size=(3, 2)).astype("float32")
    tf_kernels = kernels.transpose(0, 2, 3, 1)[:, :, :, None, :]  # C kernels (kh, kw, 1, K)
    expected = np.concatenate(
        [
            tf.nn.convolution(x[..., c : c + 1], tf_kernels[c], padding=padding.upper()) + biases[c]
            for c in range(3)
        ],
        axis=-1,
    )
    np.testing.assert_allclose(per_channel_loop(x, kernels, biases, padding), expected, atol=1e-5)


# --- each option equals the per-channel loop ---------------------------------------------


@pytest.mark.parametrize(("channels", "filters", "size", "padding"), GRID, ids=GRID_IDS)
def test_shared_layer_equals_the_loop_with_one_kernel_set_for_all_channels(
    SharedKernelConv2D, per_channel_loop, channels, filters, size, padding
):
    layer = build(SharedKernelConv2D(filters, size, padding=padding), channels)
    kernel, bias = layer.get_weights()
    x = random_input(channels)
    kernels = np.array([[kernel[:, :, 0, k] for k in range(filters)]] * channels)
    biases = np.array([bias] * channels)
    expected = per_channel_loop(x, kernels, biases, padding)
    np.testing.assert_allclose(numpy(layer(x)), expected, atol=1e-4)


@pytest.mark.parametrize(("channels", "filters", "size", "padding"), GRID, ids=GRID_IDS)
def test_depthwise_equals_the_loop_with_a_kernel_set_per_channel(
    per_channel_loop, channels, filters, size, padding
):
    layer = keras.layers.DepthwiseConv2D(size, depth_multiplier=filters, padding=padding)
    kernel, bias = build(layer, channels).get_weights()
    x = random_input(channels)
    kernels = np.array([[kernel[:, :, c, k] for k in range(filters)] for c in range(channels)])
    expected = per_channel_loop(x, kernels, bias.reshape(channels, filters), padding)
    np.testing.assert_allclose(numpy(layer(x)), expected, atol=1e-4)


@pytest.mark.parametrize(("channels", "filters", "size", "padding"), GRID, ids=GRID_IDS)
def test_grouped_conv2d_equals_the_loop_with_a_kernel_set_per_channel(
    per_channel_loop, channels, filters, size, padding
):
    layer = keras.layers.Conv2D(channels * filters, size, padding=padding, groups=channels)
    kernel, bias = build(layer, channels).get_weights()
    assert kernel.shape == (*size, 1, channels * filters)
    x = random_input(channels)
    kernels = np.array(
        [[kernel[:, :, 0, c * filters + k] for k in range(filters)] for c in range(channels)]
    )
    expected = per_channel_loop(x, kernels, bias.reshape(channels, filters), padding)
    np.testing.assert_allclose(numpy(layer(x)), expected, atol=1e-4)


@pytest.mark.parametrize(("channels", "filters"), [(2, 3), (4, 4)])
def test_grouped_conv2d_with_depthwise_weights_reshaped_equals_depthwise(channels, filters):
    depthwise = build(keras.layers.DepthwiseConv2D(3, depth_multiplier=filters), channels)
    grouped = keras.layers.Conv2D(channels * filters, 3, groups=channels)
    grouped.build((None, 7, 9, channels))
    kernel, bias = depthwise.get_weights()
    grouped.set_weights([kernel.reshape(3, 3, 1, channels * filters), bias])
    x = random_input(channels)
    np.testing.assert_allclose(numpy(grouped(x)), numpy(depthwise(x)), atol=1e-5)


@pytest.mark.parametrize(("strides", "padding"), [(2, "valid"), (2, "same"), (3, "valid")])
def test_shared_layer_with_strides_equals_tensorflow_per_channel(
    SharedKernelConv2D, strides, padding
):
    layer = SharedKernelConv2D(3, 3, strides=strides, padding=padding)
    kernel, bias = build(layer, 4).get_weights()
    x = random_input(4)
    expected = np.concatenate(
        [
            tf.nn.convolution(x[..., c : c + 1], kernel, strides, padding.upper()) + bias
            for c in range(4)
        ],
        axis=-1,
    )
    np.testing.assert_allclose(numpy(layer(x)), expected, atol=1e-5)


def time_distributed_model(height: int, width: int, channels: int, filters: int):
    """The page's built-in-layers version of the shared layer (3 x 3 kernels, valid)."""
    inputs = keras.Input(shape=(height, width, channels))
    images = keras.layers.Permute((3, 1, 2))(inputs)
    images = keras.layers.Reshape((channels, height, width, 1))(images)
    maps = keras.layers.TimeDistributed(keras.layers.Conv2D(filters, 3))(images)
    maps = keras.layers.Permute((2, 3, 1, 4))(maps)
    outputs = keras.layers.Reshape((height - 2, width - 2, channels * filters))(maps)
    return keras.Model(inputs, outputs)


def test_time_distributed_over_channels_equals_the_shared_layer(SharedKernelConv2D):
    model = time_distributed_model(7, 9, 3, 2)
    assert len(model.layers) == 6  # the input and five layers
    shared = SharedKernelConv2D(2, 3)
    shared.build((None, 7, 9, 3))
    shared.set_weights(model.get_weights())
    x = random_input(3)
    np.testing.assert_allclose(numpy(model(x)), numpy(shared(x)), atol=1e-6)


def test_time_distributed_version_only_accepts_the_size_it_was_built_for():
    model = time_distributed_model(7, 9, 3, 2)
    with pytest.raises(ValueError):
        model(np.zeros((1, 8, 8, 3), "float32"))


def test_separable_conv2d_is_depthwise_without_bias_then_a_1x1_conv2d():
    separable = build(keras.layers.SeparableConv2D(5, 3, depth_multiplier=2), 3)
    depthwise_kernel, pointwise_kernel, bias = separable.get_weights()
    depthwise = keras.layers.DepthwiseConv2D(3, depth_multiplier=2, use_bias=False)
    depthwise.build((None, 7, 9, 3))
    depthwise.set_weights([depthwise_kernel])
    pointwise = keras.layers.Conv2D(5, 1)
    pointwise.build((None, 5, 7, 6))
    pointwise.set_weights([pointwise_kernel, bias])
    x = random_input(3)
    np.testing.assert_allclose(numpy(separable(x)), numpy(pointwise(depthwise(x))), atol=1e-4)


# --- parameter counts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channels", "filters", "size"), [(1, 4, (3, 3)), (4, 4, (3, 3)), (16, 2, (5, 3)), (3, 7, 1)]
)
def test_parameter_counts(SharedKernelConv2D, channels, filters, size):
    kh, kw = (size, size) if isinstance(size, int) else size
    shape = (None, 9, 9, channels)

    def count(layer):
        layer.build(shape)
        return layer.count_params()

    assert count(SharedKernelConv2D(filters, size)) == kh * kw * filters + filters
    per_channel = kh * kw * channels * filters + channels * filters
    assert count(keras.layers.DepthwiseConv2D(size, depth_multiplier=filters)) == per_channel
    assert count(keras.layers.Conv2D(channels * filters, size, groups=channels)) == per_channel


# --- output channel order --------------------------------------------------------------------


def order_probe(channels: int, filters: int):
    """One pixel where channel c holds c + 1, and 1x1 kernels where kernel k is 10**k."""
    x = np.arange(1.0, channels + 1, dtype="float32").reshape(1, 1, 1, channels)
    weights = (10.0 ** np.arange(filters)).astype("float32")
    expected = np.array([(c + 1) * weights[k] for c in range(channels) for k in range(filters)])
    return x, weights, expected


@pytest.mark.parametrize(("channels", "filters"), [(4, 4), (3, 2), (2, 5)])
def test_every_option_orders_outputs_channel_major(SharedKernelConv2D, channels, filters):
    x, weights, expected = order_probe(channels, filters)
    shared = SharedKernelConv2D(filters, 1)
    shared.build(x.shape)
    shared.set_weights([weights.reshape(1, 1, 1, filters), np.zeros(filters)])
    depthwise = keras.layers.DepthwiseConv2D(1, depth_multiplier=filters, use_bias=False)
    depthwise.build(x.shape)
    depthwise.set_weights([np.tile(weights, (1, 1, channels, 1))])
    grouped = keras.layers.Conv2D(channels * filters, 1, groups=channels, use_bias=False)
    grouped.build(x.shape)
    grouped.set_weights([np.tile(weights, channels).reshape(1, 1, 1, channels * filters)])
    for layer in (shared, depthwise, grouped):
        np.testing.assert_array_equal(numpy(layer(x))[0, 0, 0], expected, err_msg=layer.name)


# --- the layer as a Keras citizen ----------------------------------------------------------


def test_save_and_load_round_trip(SharedKernelConv2D, tmp_path):
    keras.utils.set_random_seed(0)
    layer = SharedKernelConv2D(3, (3, 2), strides=2, padding="same", activation="relu")
    model = keras.Sequential([keras.Input(shape=(7, 9, 4)), layer])
    path = tmp_path / "m.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    restored_layer = restored.layers[0]
    assert type(restored_layer) is SharedKernelConv2D
    assert restored_layer.get_config() == layer.get_config()
    for saved, loaded in zip(model.get_weights(), restored.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, loaded)
    x = random_input(4)
    np.testing.assert_array_equal(model.predict(x, verbose=0), restored.predict(x, verbose=0))


def test_from_config_rebuilds_an_equal_layer(SharedKernelConv2D):
    layer = SharedKernelConv2D(5, 3, strides=2, activation="relu", name="probe")
    clone = SharedKernelConv2D.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


def test_works_in_sequential_with_unknown_height_and_width(SharedKernelConv2D):
    model = keras.Sequential([keras.Input(shape=(None, None, 3)), SharedKernelConv2D(4, 3)])
    assert model.output_shape == (None, None, None, 12)
    assert model.predict(np.zeros((2, 10, 6, 3)), verbose=0).shape == (2, 8, 4, 12)
    assert model.predict(np.zeros((1, 5, 5, 3)), verbose=0).shape == (1, 3, 3, 12)


def test_stacking_one_channel_four_kernels_then_shared_four_kernels_gives_sixteen(
    SharedKernelConv2D,
):
    model = keras.Sequential(
        [keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(4, 3), SharedKernelConv2D(4, 3)]
    )
    assert model.output_shape == (None, 24, 24, 16)
    assert [layer.count_params() for layer in model.layers] == [40, 40]


def test_a_training_step_changes_the_kernel_and_bias(SharedKernelConv2D):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(7, 9, 3)), SharedKernelConv2D(4, 3)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    model.train_on_batch(random_input(3), np.ones((2, 5, 7, 12)))
    for old, new in zip(before, model.get_weights(), strict=True):
        assert not np.allclose(old, new)


def test_shared_kernel_gradient_is_the_sum_of_the_per_channel_gradients(SharedKernelConv2D):
    """Sharing means the kernel's gradient adds up what every channel contributes."""
    channels, filters = 3, 2
    shared = build(SharedKernelConv2D(filters, 3), channels)
    kernel, bias = shared.get_weights()
    tied = keras.layers.DepthwiseConv2D(3, depth_multiplier=filters)
    tied.build((None, 7, 9, channels))
    tied.set_weights([np.repeat(kernel, channels, axis=2), np.tile(bias, channels)])
    x = tf.constant(random_input(channels))
    target = tf.constant(np.random.default_rng(3).normal(size=(2, 5, 7, channels * filters)))

    def gradients(layer):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((tf.cast(layer(x), tf.float64) - target) ** 2)
        return [numpy(g) for g in tape.gradient(loss, layer.trainable_variables)]

    shared_kernel_grad, shared_bias_grad = gradients(shared)
    tied_kernel_grad, tied_bias_grad = gradients(tied)
    assert np.abs(shared_kernel_grad).max() > 0
    np.testing.assert_allclose(
        shared_kernel_grad[:, :, 0, :], tied_kernel_grad.sum(axis=2), rtol=1e-4, atol=1e-3
    )
    np.testing.assert_allclose(
        shared_bias_grad, tied_bias_grad.reshape(channels, filters).sum(axis=0), rtol=1e-4
    )


def test_depthwise_kernels_tied_at_the_start_drift_apart_in_training():
    channels, filters = 3, 2
    keras.utils.set_random_seed(0)
    layer = keras.layers.DepthwiseConv2D(3, depth_multiplier=filters)
    model = keras.Sequential([keras.Input(shape=(7, 9, channels)), layer])
    kernel, bias = layer.get_weights()
    layer.set_weights([np.repeat(kernel[:, :, :1, :], channels, axis=2), bias])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.train_on_batch(random_input(channels), np.ones((2, 5, 7, channels * filters)))
    trained = layer.get_weights()[0]
    assert not np.allclose(trained[:, :, 0, :], trained[:, :, 1, :])


# --- grouped Conv2D on the CPU ----------------------------------------------------------------


def test_grouped_conv2d_trains_on_the_cpu():
    with keras.device("cpu:0"):
        model = keras.Sequential(
            [keras.Input(shape=(7, 9, 4)), keras.layers.Conv2D(8, 3, groups=4)]
        )
        model.compile(optimizer="sgd", loss="mse")
        before = model.get_weights()[0].copy()
        model.train_on_batch(random_input(4), np.ones((2, 5, 7, 8)))
    assert not np.allclose(before, model.get_weights()[0])


@pytest.fixture
def xla_traces(monkeypatch):
    """Count how often Python runs the body of an XLA-compiled `tf.function` (= traces)."""
    traces = []
    original = tf.function

    def counting(func=None, **options):
        if func is None:
            return lambda f: counting(f, **options)
        if not options.get("jit_compile"):
            return original(func, **options)

        def body(*args, **kwargs):
            traces.append(func.__qualname__)
            return func(*args, **kwargs)

        return original(body, **options)

    monkeypatch.setattr(tf, "function", counting)
    return traces


def test_grouped_conv2d_goes_through_xla_and_is_traced_on_every_eager_call(xla_traces):
    layer = keras.layers.Conv2D(8, 3, groups=4)
    x = random_input(4)
    for _ in range(3):
        layer(x)
    assert len(xla_traces) == 3
    assert all("conv" in name for name in xla_traces)


def test_grouped_conv2d_inside_predict_and_fit_is_traced_once_each(xla_traces):
    model = keras.Sequential([keras.Input(shape=(7, 9, 4)), keras.layers.Conv2D(8, 3, groups=4)])
    for _ in range(3):
        model.predict(random_input(4), verbose=0)
    assert len(xla_traces) == 1
    model.compile(optimizer="sgd", loss="mse")
    model.fit(random_input(4), np.ones((2, 5, 7, 8)), epochs=3, verbose=0)
    assert len(xla_traces) == 2


def test_depthwise_and_the_shared_layer_do_not_go_through_xla(SharedKernelConv2D, xla_traces):
    x = random_input(4)
    keras.layers.DepthwiseConv2D(3, depth_multiplier=2)(x)
    SharedKernelConv2D(2, 3)(x)
    keras.layers.Conv2D(8, 3)(x)
    assert xla_traces == []


def test_the_layer_docstring_example_runs(modules):
    import doctest

    result = doctest.testmod(modules[0], verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


# --- built-in routes: Conv3D, and an ordinary Conv2D with zeroed slices ----------------------


def shared_as_loop_arguments(kernel: np.ndarray, bias: np.ndarray, channels: int):
    """A shared (kh, kw, ..., K) kernel and (K,) bias as the loop's per-channel arguments."""
    kernels = np.moveaxis(kernel.reshape(*kernel.shape[:2], -1), -1, 0)  # (K, kh, kw)
    return np.repeat(kernels[np.newaxis], channels, axis=0), np.tile(bias, (channels, 1))


@pytest.mark.parametrize(("channels", "filters", "size"), [(4, 4, (3, 3)), (3, 2, (2, 3))])
def test_conv3d_with_a_depth_one_kernel_shares_kernels_across_channels(
    per_channel_loop, channels, filters, size
):
    kh, kw = size
    model = keras.Sequential(
        [
            keras.Input(shape=(7, 9, channels)),
            keras.layers.Reshape((7, 9, channels, 1)),
            keras.layers.Conv3D(filters, (kh, kw, 1)),
            keras.layers.Reshape((8 - kh, 10 - kw, channels * filters)),
        ]
    )
    model.layers[1].set_weights(
        [np.random.default_rng(2).normal(size=w.shape) for w in model.layers[1].get_weights()]
    )
    kernel, bias = model.get_weights()
    assert model.count_params() == kh * kw * filters + filters
    x = random_input(channels)
    kernels, biases = shared_as_loop_arguments(kernel, bias, channels)
    np.testing.assert_allclose(numpy(model(x)), per_channel_loop(x, kernels, biases), atol=1e-4)


def test_the_conv3d_snippet_has_40_parameters_and_matches_the_loop():
    printed = run_snippet("conv3d.py")
    assert "parameters: 40" in printed
    assert printed.rstrip().endswith("True")


@pytest.mark.parametrize(("channels", "filters"), [(4, 4), (2, 3)])
def test_conv2d_with_zeroed_slices_computes_the_per_pair_maps(per_channel_loop, channels, filters):
    rng = np.random.default_rng(4)
    shared, bias = rng.normal(size=(3, 3, filters)), rng.normal(size=filters)
    kernel = np.zeros((3, 3, channels, channels * filters))
    for c, k in itertools.product(range(channels), range(filters)):
        kernel[:, :, c, c * filters + k] = shared[:, :, k]
    conv = keras.layers.Conv2D(channels * filters, 3)
    conv.build((None, 7, 9, channels))
    conv.set_weights([kernel, np.tile(bias, channels)])
    x = random_input(channels)
    kernels, biases = shared_as_loop_arguments(shared, bias, channels)
    np.testing.assert_allclose(numpy(conv(x)), per_channel_loop(x, kernels, biases), atol=1e-4)


def run_snippet(name: str) -> str:
    """Run a snippet of this page's folder as `python FILE` would; return what it printed."""
    sys.path.insert(0, str(SNIPPETS))
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            runpy.run_path(str(SNIPPETS / name), run_name="__main__")
    finally:
        sys.path.remove(str(SNIPPETS))
    return printed.getvalue()
