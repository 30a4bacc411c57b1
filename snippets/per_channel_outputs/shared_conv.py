"""A 2-D convolution whose kernels are shared by all input channels.

Copy this file into your project and import it before building or loading a model:

    from shared_conv import SharedKernelConv2D
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    """Return `value` as a pair of ints: `3` becomes `(3, 3)`."""
    if isinstance(value, int):
        return (value, value)
    first, second = value
    return (int(first), int(second))


@keras.saving.register_keras_serializable(package="shared_conv")
class SharedKernelConv2D(keras.layers.Layer):
    """Correlate every input channel, separately, with the same `filters` kernels.

    An input with `C` channels gives `C * filters` output channels, in channel-major
    order: output channel `c * filters + k` is input channel `c` correlated with
    kernel `k`, plus bias `k`. The layer holds one kernel of shape
    `(kh, kw, 1, filters)` and one bias of shape `(filters,)`, so it has
    `kh * kw * filters + filters` parameters whatever `C` is.

    It works by folding the channels into the batch axis: `(B, H, W, C)` becomes
    `C * B` one-channel images, one ordinary convolution with `filters` kernels runs
    over all of them, and the result is unfolded to `(B, H', W', C * filters)`.
    Inputs are channels-last.

    Args:
        filters: Number of kernels `K`.
        kernel_size: Height and width of each kernel, an int or a pair of ints.
        strides: Step of the kernels along height and width.
        padding: `"valid"` (no padding) or `"same"` (output as large as the input
            when `strides` is 1).
        dilation_rate: Spacing between kernel taps, as in `keras.layers.Conv2D`.
        activation: Activation applied to the output, e.g. `"relu"`; none by default.
        use_bias: Whether to add one learned bias per kernel.
        kernel_initializer: Initializer of the kernel.
        bias_initializer: Initializer of the bias.
        **kwargs: Passed to `keras.layers.Layer` (`name`, `dtype`, `trainable`, ...).

    Example:
        >>> layer = SharedKernelConv2D(4, 3)
        >>> tuple(layer(keras.ops.zeros((2, 8, 8, 3))).shape)
        (2, 6, 6, 12)
        >>> layer.count_params()
        40
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple[int, int],
        strides: int | tuple[int, int] = 1,
        padding: str = "valid",
        dilation_rate: int | tuple[int, int] = 1,
        activation: str | Any | None = None,
        use_bias: bool = True,
        kernel_initializer: str | Any = "glorot_uniform",
        bias_initializer: str | Any = "zeros",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if padding.lower() not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size)
        self.strides = _pair(strides)
        self.padding = padding.lower()
        self.dilation_rate = _pair(dilation_rate)
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create the kernel `(kh, kw, 1, filters)` and the bias `(filters,)`.

        Args:
            input_shape: `(batch, height, width, channels)`; `channels` must be known.
        """
        channels = input_shape[-1]
        if channels is None:
            raise ValueError("the number of input channels (last axis) must be known")
        self.input_channels = int(channels)
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={-1: self.input_channels})
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, 1, self.filters),
            initializer=self.kernel_initializer,
        )
        self.bias = (
            self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer)
            if self.use_bias
            else None
        )

    def call(self, inputs: Any) -> Any:
        """Return the `C * filters` maps of `inputs`, ordered channel-major.

        Args:
            inputs: A tensor of shape `(batch, height, width, C)`.

        Returns:
            A tensor of shape `(batch, out_height, out_width, C * filters)`.
        """
        channels = self.input_channels
        _, height, width, _ = ops.shape(inputs)
        # (B, H, W, C) -> (B, C, H, W) -> (B * C, H, W, 1): each channel is an image.
        images = ops.reshape(ops.transpose(inputs, (0, 3, 1, 2)), (-1, height, width, 1))
        maps = ops.conv(
            images,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            dilation_rate=self.dilation_rate,
        )
        if self.use_bias:
            maps = ops.add(maps, self.bias)
        # (B * C, H', W', K) -> (B, C, H', W', K) -> (B, H', W', C, K) -> (B, H', W', C * K)
        _, out_height, out_width, _ = ops.shape(maps)
        maps = ops.reshape(maps, (-1, channels, out_height, out_width, self.filters))
        maps = ops.transpose(maps, (0, 2, 3, 1, 4))
        outputs = ops.reshape(maps, (-1, out_height, out_width, channels * self.filters))
        return self.activation(outputs)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments, so that `model.save` can rebuild the layer."""
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "dilation_rate": self.dilation_rate,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
