"""The computation every option on this page must match, written as a plain NumPy loop."""

import numpy as np


def correlate(image, kernel, padding="valid"):
    """Slide `kernel` over the 2-D `image`, summing the products at each position (stride 1)."""
    kh, kw = kernel.shape
    if padding == "same":  # pad like Keras: an odd extra row or column goes at the end
        image = np.pad(image, [((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)])
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    return (windows * kernel).sum(axis=(2, 3))


def per_channel_loop(x, kernels, biases, padding="valid"):
    """One map per (input channel c, filter k), stacked channel-major: index c * K + k.

    x: (batch, height, width, C); kernels: the (kh, kw) slice that filter k applies to
    channel c at kernels[c, k], shape (C, K, kh, kw); biases: (C, K).
    """
    channels, filters = biases.shape
    maps = []
    for c in range(channels):
        for k in range(filters):
            images = x[..., c]  # channel c of every example: (batch, height, width)
            one_map = np.stack([correlate(image, kernels[c, k], padding) for image in images])
            maps.append(one_map + biases[c, k])
    return np.stack(maps, axis=-1)
