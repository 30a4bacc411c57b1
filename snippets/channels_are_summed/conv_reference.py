"""Conv2D written from scratch with NumPy: one kernel slice per input channel, then a sum."""

import numpy as np


def pad_same(images: np.ndarray, size: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """Zero-pad height and width so that the output has `ceil(size / stride)` rows and columns.

    Keras puts half of the padding before and half after; an odd extra row or column goes
    after (at the bottom or on the right).

    Args:
        images: Array of shape (batch, height, width, channels).
        size: Kernel height and width.
        strides: Step between two windows, vertically and horizontally.

    Returns:
        The padded array, of shape (batch, height + pad_h, width + pad_w, channels).
    """
    pads = []
    for length, k, s in zip(images.shape[1:3], size, strides, strict=True):
        out = -(-length // s)  # ceil(length / s)
        total = max((out - 1) * s + k - length, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(images, [(0, 0), *pads, (0, 0)])


def correlate(images: np.ndarray, kernel: np.ndarray, strides: tuple[int, int]) -> np.ndarray:
    """Slide one 2-D kernel over one channel: at each position, multiply and add up.

    Args:
        images: One channel of a batch, shape (batch, height, width).
        kernel: One kernel slice, shape (kh, kw).
        strides: Step between two windows, vertically and horizontally.

    Returns:
        Array of shape (batch, out_height, out_width), with
        `out = (length - k) // stride + 1` along each axis ('valid' positions only).
    """
    (kh, kw), (sh, sw) = kernel.shape, strides
    out_h = (images.shape[1] - kh) // sh + 1
    out_w = (images.shape[2] - kw) // sw + 1
    result = np.zeros((images.shape[0], out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = images[:, i * sh : i * sh + kh, j * sw : j * sw + kw]
            result[:, i, j] = (window * kernel).sum(axis=(1, 2))
    return result


def conv2d_reference(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray,
    strides: tuple[int, int] = (1, 1),
    padding: str = "valid",
) -> np.ndarray:
    """What `keras.layers.Conv2D` computes before its activation, one loop at a time.

    Output channel `f` is the sum over input channels `c` of channel `c` correlated with
    its own slice `kernel[:, :, c, f]`, plus the single number `bias[f]`.

    Args:
        x: Inputs, shape (batch, height, width, in_channels) ("channels last").
        kernel: Weights, shape (kh, kw, in_channels, filters), as `layer.get_weights()[0]`.
        bias: Biases, shape (filters,), as `layer.get_weights()[1]`.
        strides: Step between two windows, vertically and horizontally.
        padding: `"valid"` (no padding) or `"same"` (zero padding, see `pad_same`).

    Returns:
        Array of shape (batch, out_height, out_width, filters), in float64.
    """
    kh, kw, in_channels, filters = kernel.shape
    if padding == "same":
        x = pad_same(x, (kh, kw), strides)
    outputs = []
    for f in range(filters):
        total = 0
        for c in range(in_channels):  # each input channel meets its own slice
            total = total + correlate(x[..., c], kernel[:, :, c, f], strides)
        outputs.append(total + bias[f])  # one bias per filter
    return np.stack(outputs, axis=-1)


if __name__ == "__main__":
    # A 3x3 image with two channels, and one filter: two 2x2 slices and a bias of 1.
    channel_0 = np.array([[1, 2, 0], [0, 1, 3], [2, 0, 1]])
    channel_1 = np.array([[0, 1, 1], [1, 0, 2], [3, 1, 0]])
    x = np.stack([channel_0, channel_1], axis=-1)[np.newaxis]  # (batch, 3, 3, channels)
    slice_0 = np.array([[1, 0], [0, 1]])  # adds the two pixels on the diagonal
    slice_1 = np.array([[0, 1], [-1, 0]])  # top-right pixel minus bottom-left pixel
    kernel = np.stack([slice_0, slice_1], axis=-1)[..., np.newaxis]  # (2, 2, channels, 1)
    bias = np.array([1])
    for c in range(2):
        print(f"channel {c} correlated with slice {c}:")
        print(correlate(x[..., c], kernel[:, :, c, 0], (1, 1))[0].astype(int))
    print("their sum + bias (output channel 0):")
    print(conv2d_reference(x, kernel, bias)[0, :, :, 0].astype(int))
