"""A 2-D convolution whose kernels are shared by all input channels (Keras 3: `keras.ops`).

Copy this file beside your code and import it before building or loading a model:
`from shared_conv import SharedKernelConv2D`.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="shared_conv")
class SharedKernelConv2D(keras.layers.Layer):
    """Correlate every input channel, separately, with the same `filters` kernels.

    An input with `C` channels (channels last) gives `C * filters` output channels:
    channel `c * filters + k` is input channel `c` correlated with kernel `k`, plus bias
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

    def call(self, inputs):
        """Fold the channels into the batch, run one convolution, unfold."""
        _, height, width, channels = ops.shape(inputs)
        # (B, H, W, C) -> (B, C, H, W) -> (B*C, H, W, 1): every channel becomes an image.
        images = ops.reshape(ops.transpose(inputs, (0, 3, 1, 2)), (-1, height, width, 1))
        maps = ops.conv(
            images, self.kernel, self.strides, self.padding, data_format="channels_last"
        )
        maps = maps + self.bias  # (B*C, H', W', K)
        _, out_h, out_w, _ = ops.shape(maps)
        # (B*C, H', W', K) -> (B, C, H', W', K) -> (B, H', W', C, K) -> (B, H', W', C*K)
        maps = ops.reshape(maps, (-1, channels, out_h, out_w, self.filters))
        maps = ops.transpose(maps, (0, 2, 3, 1, 4))
        return self.activation(ops.reshape(maps, (-1, out_h, out_w, channels * self.filters)))

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
