"""Conv2D written from scratch with NumPy: one kernel slice per input channel, then a sum."""

import numpy as np


def conv2d_reference(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray,
    strides: tuple[int, int] = (1, 1),
    padding: str = "valid",
) -> np.ndarray:
    """What `keras.layers.Conv2D` computes before its activation.

    Output channel `f` is the sum over input channels `c` of channel `c` correlated with
    its own slice `kernel[:, :, c, f]`, plus the single number `bias[f]`.

    Args:
        x: Inputs, shape (batch, height, width, in_channels).
        kernel: Weights, shape (kh, kw, in_channels, filters), as `layer.get_weights()[0]`.
        bias: Biases, shape (filters,), as `layer.get_weights()[1]`.
        strides: Step between two windows, vertically and horizontally.
        padding: `"valid"` (no padding) or `"same"` (zeros around, see `pad_same`).

    Returns:
        Array of shape (batch, out_height, out_width, filters).
    """
    kh, kw, in_channels, filters = kernel.shape
    if padding == "same":
        x = pad_same(x, (kh, kw), strides)
    outputs = []
    for f in range(filters):
        # each input channel c meets its own slice; the responses are summed
        total = sum(correlate(x[..., c], kernel[:, :, c, f], strides) for c in range(in_channels))
        outputs.append(total + bias[f])  # one bias per filter
    return np.stack(outputs, axis=-1)


def correlate(
    images: np.ndarray, kernel: np.ndarray, strides: tuple[int, int] = (1, 1)
) -> np.ndarray:
    """Slide one 2-D slice over one channel of a batch (batch, height, width): multiply, add.

    Only windows that fit inside the image are used ('valid'), every `strides` pixels.
    """
    windows = np.lib.stride_tricks.sliding_window_view(images, kernel.shape, axis=(1, 2))
    return (windows[:, :: strides[0], :: strides[1]] * kernel).sum(axis=(-2, -1))


def pad_same(x: np.ndarray, size: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """Zero-pad height and width like `padding="same"`: an input n long gives ceil(n / stride).

    `size` is the kernel's (kh, kw). Keras puts half of the padding before and half after;
    an odd extra row or column goes after (at the bottom or on the right).
    """
    pads = []
    for n, k, s in zip(x.shape[1:3], size, strides, strict=True):
        total = max((-(-n // s) - 1) * s + k - n, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, [(0, 0), *pads, (0, 0)])


if __name__ == "__main__":
    # A 3x3 image with two channels, and one filter: two 2x2 slices and a bias of 1.
    channel_0 = np.array([[1, 2, 0], [0, 1, 3], [2, 0, 1]])
    channel_1 = np.array([[0, 1, 1], [1, 0, 2], [3, 1, 0]])
    x = np.stack([channel_0, channel_1], axis=-1)[np.newaxis]  # (batch, 3, 3, channels)
    slice_0 = np.array([[1, 0], [0, 1]])  # adds the two pixels on the diagonal
    slice_1 = np.array([[0, 1], [-1, 0]])  # top-right pixel minus bottom-left pixel
    kernel = np.stack([slice_0, slice_1], axis=-1)[..., np.newaxis]  # (2, 2, channels, 1)
    bias = np.array([1])
    responses = [correlate(x[..., c], kernel[:, :, c, 0])[0] for c in range(2)]
    output = conv2d_reference(x, kernel, bias)[0, :, :, 0]
    for c, response in enumerate(responses):
        print(f"channel {c} correlated with slice {c}:")
        print(response)
    print("their sum + bias (output channel 0):")
    print(output)
    # The top-left value of each, named for the sentence under this example.
    top_left_0, top_left_1 = (response[0, 0] for response in responses)
    top_left_output = output[0, 0]
