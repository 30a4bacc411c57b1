"""Every page uses the words of the glossary (docs/words-and-axes.md) in its sense.

The glossary follows Keras and Dive into Deep Learning: the **kernel** is a layer's whole
4-D weight `(kh, kw, in_channels, filters)`, a **filter** one `(kh, kw, in_channels)`
block of it, a **slice** one `(kh, kw)` grid, and the **window** the patch a filter
covers. What can be caught in plain text is "kernel" used for a single 2-D grid: "a 3x3
kernel", "a kernel of size 1 x 1", "each kernel", "4 kernels" (a layer has one kernel).
Code, quotes of the thread (blockquotes and text in quotation marks) are not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(path.relative_to(DOCS.parent).as_posix() for path in DOCS.glob("*.md"))

ADVICE = "a layer's kernel is its 4-D weight: call a 2-D grid a slice, its size the window"
MISUSES = {
    r"\b\d+\s*(?:\u00d7|x|\\times)\s*\d+\s+kernels?\b": "a size given to a kernel",
    r"\bkernels?\s+of\s+(?:size\s+)?\d": "a size given to a kernel",
    r"\b(?:each|every)\s+kernel\b": "several kernels in one layer",
    r"\b(?:\d+|K|C·K|two|three|four|several|many)\s+kernels\b": "several kernels in one layer",
    r"\b2-D\s+kernels?\b": "a 2-D grid called a kernel",
    r"\bkernel\s+\$?k\$?\b": "a kernel numbered like a filter",
}
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.M | re.S)
HIDDEN = [
    FENCE,
    re.compile(r"^\s*>.*$", re.M),  # blockquotes: the thread's own words
    re.compile(r"`[^`\n]+`"),  # inline code
    re.compile(r"\"[^\"\n]*\"|“[^”]*”"),  # words in quotation marks
    re.compile(r"<[^>\n]+>"),  # HTML tags (their attributes, not their text)
]


def blank(match: re.Match[str]) -> str:
    """The same span as spaces, keeping its line breaks (so line numbers hold)."""
    return re.sub(r"[^\n]", " ", match.group())


def misuses(markdown: str) -> list[tuple[int, str, str]]:
    """(line, words, why) for every detectable misuse of "kernel" in `markdown`."""
    for hidden in HIDDEN:
        markdown = hidden.sub(blank, markdown)
    found = []
    for pattern, why in MISUSES.items():
        for match in re.finditer(pattern, markdown, re.I):
            line = markdown.count("\n", 0, match.start()) + 1
            found.append((line, " ".join(match.group().split()), why))
    return sorted(found)


@pytest.mark.parametrize("page", PAGES)
def test_the_page_calls_no_2d_grid_a_kernel(page: str):
    found = misuses((DOCS.parent / page).read_text(encoding="utf-8"))
    report = "\n".join(f"{page}:{line}: {words!r}: {why}; {ADVICE}" for line, words, why in found)
    assert not found, f"words against the glossary (docs/words-and-axes.md):\n{report}"


@pytest.mark.parametrize(
    "text",
    [
        "Each layer has 3\u00d73 kernels.",
        "A kernel of size 1 \u00d7 1 sees one pixel.",
        "Apply each kernel to every channel.",
        "a layer with 4\nkernels",
        "a single 2-D kernel",
        "the input channel $c$ with kernel $k$",
    ],
)
def test_the_check_catches_a_2d_grid_called_a_kernel(text: str):
    assert misuses(text)


@pytest.mark.parametrize(
    "text",
    [
        "The kernel has shape `(3, 3, 16, 32)`: 32 filters, each with 16 slices of 3 \u00d7 3.",
        '> "32 kernels" (the thread)',
        'The thread says "each kernel" for a filter.',
        "```python\nkernels = [3, 3]\n```",
        "The three kernel shapes of the model; its kernel_size is 3.",
    ],
)
def test_the_check_leaves_the_glossary_sense_and_quotes_alone(text: str):
    assert misuses(text) == []
