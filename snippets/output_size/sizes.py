"""Output size of a convolution or pooling along one axis, 'valid' or 'same' padding."""


def output_size(n: int, k: int, s: int = 1, padding: str = "valid", d: int = 1) -> int:
    """floor((n + p - (d * (k - 1) + 1)) / s) + 1, where p is the total padding.

    A window of size k with dilation d spans d * (k - 1) + 1 pixels. 'valid' pads nothing
    (p = 0); 'same' pads just enough for ceil(n / s) outputs (see `same_padding`).
    """
    before, after = same_padding(n, k, s, d) if padding == "same" else (0, 0)
    return (n + before + after - span(k, d)) // s + 1


def same_padding(n: int, k: int, s: int = 1, d: int = 1) -> tuple[int, int]:
    """The pixels 'same' adds before and after: half each, an odd one at the end."""
    total = max((-(-n // s) - 1) * s + span(k, d) - n, 0)  # -(-n // s) is ceil(n / s)
    return total // 2, total - total // 2


def span(k: int, d: int = 1) -> int:
    """The pixels a window of size k with dilation d spans: its k taps, d pixels apart."""
    return d * (k - 1) + 1
