r"""MkDocs hook: turn the pages' LaTeX into MathML at build time.

pymdownx.arithmatex (generic mode) wraps each formula as `\(...\)` or `\[...\]`;
this hook converts it with latex2mathml, which browsers render natively. The site
needs no math script and no fonts from elsewhere, and works offline.

A display formula goes in a `div.math-display`: the stylesheet centres it there and
lets it scroll sideways when it is wider than the screen. The `xmlns` attribute is
dropped: an HTML parser puts `<math>` in the MathML namespace by itself.
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
_NAMESPACE = ' xmlns="http://www.w3.org/1998/Math/MathML"'


def on_page_content(content: str, **kwargs: Any) -> str:
    """Replace every arithmatex formula in a page's HTML by MathML."""
    return _FORMULA.sub(_mathml, content)


def _mathml(formula: re.Match[str]) -> str:
    display = "block" if formula["open"] == "[" else "inline"
    math = convert(html.unescape(formula["tex"]).strip(), display=display)
    math = math.replace(_NAMESPACE, "", 1)
    return f'<div class="math-display">{math}</div>' if display == "block" else math
