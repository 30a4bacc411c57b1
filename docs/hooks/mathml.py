r"""MkDocs hook: turn the pages' LaTeX into MathML at build time.

pymdownx.arithmatex (generic mode) wraps each formula as `\(...\)` or `\[...\]`;
this hook converts it with latex2mathml, which browsers render natively. The site
needs no math script and no fonts from elsewhere, and works offline.
"""

from __future__ import annotations

import html
import re
from typing import Any

from latex2mathml.converter import convert

_FORMULA = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*\\(?P<open>[(\[])(?P<tex>.*?)\\[)\]]\s*</(?P=tag)>',
    re.DOTALL,
)


def on_page_content(content: str, **kwargs: Any) -> str:
    """Replace every arithmatex formula in a page's HTML by MathML."""
    return _FORMULA.sub(_mathml, content)


def _mathml(formula: re.Match[str]) -> str:
    display = "block" if formula["open"] == "[" else "inline"
    return convert(html.unescape(formula["tex"]).strip(), display=display)
