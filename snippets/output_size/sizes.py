"""Output size of a convolution or pooling along one axis, 'valid' or 'same' padding."""


def output_size(n: int, k: int, s: int = 1, padding: str = "valid") -> int:
    """floor((n + 2p - k) / s) + 1, where 2p is the total zero padding.

    'valid' pads nothing (2p = 0); 'same' pads just enough for ceil(n / s) outputs.
    """
    total = 0
    if padding == "same":
        total = max((-(-n // s) - 1) * s + k - n, 0)  # -(-n // s) is ceil(n / s)
    return (n + total - k) // s + 1
