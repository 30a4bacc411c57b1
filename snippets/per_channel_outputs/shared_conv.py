"""A 2-D convolution whose filters are shared by all input channels (Keras 3: `keras.ops`).

Copy this file beside your code and import it before building or loading a model:
`from shared_conv import SharedKernelConv2D`.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="shared_conv")
class SharedKernelConv2D(keras.layers.Layer):
    """Correlate every input channel, separately, with the same `filters` filters.

    An input with `C` channels (channels last) gives `C * filters` output channels:
    channel `c * filters + k` is input channel `c` correlated with filter `k`, plus bias
    `k`. The one kernel has shape `(kh, kw, 1, filters)`, so the layer has
    `kh * kw * filters + filters` parameters whatever `C` is.

    Example:
        >>> layer = SharedKernelConv2D(4, 3)
        >>> tuple(layer(keras.ops.zeros((2, 8, 8, 3))).shape)
        (2, 6, 6, 12)
        >>> layer.count_params()
        40
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = (
            (kernel_size,) * 2 if isinstance(kernel_size, int) else tuple(kernel_size)
        )
        self.strides, self.padding = strides, padding
        self.activation = keras.activations.get(activation)
        self.input_spec = keras.layers.InputSpec(ndim=4)  # a batch of images, as for Conv2D

    def call(self, inputs):
        """A depthwise convolution whose every channel gets the same `filters` slices."""
        channels = inputs.shape[-1]
        # (kh, kw, 1, K) -> (kh, kw, C, K): C copies of the one kernel, made at every call,
        # so the gradients of all the copies add up in the one weight.
        kernel = ops.tile(self.kernel, (1, 1, channels, 1))
        maps = ops.depthwise_conv(inputs, kernel, self.strides, self.padding)  # c * K + k
        return self.activation(maps + ops.tile(self.bias, (channels,)))

    def build(self, input_shape):
        """Create the kernel `(kh, kw, 1, filters)` and the bias `(filters,)`."""
        shape = (*self.kernel_size, 1, self.filters)
        self.kernel = self.add_weight(shape=shape, name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def get_config(self):
        """The constructor's arguments, so that a saved model can rebuild the layer."""
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "activation": keras.activations.serialize(self.activation),
        }
