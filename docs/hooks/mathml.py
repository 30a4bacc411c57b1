r"""MkDocs hook: turn the pages' LaTeX into MathML at build time.

pymdownx.arithmatex (generic mode) wraps each formula as `\(...\)` or `\[...\]`;
this hook converts it with latex2mathml, which browsers render natively. The site
needs no math script and no fonts from elsewhere, and works offline.

Notebook pages (mkdocs-jupyter) keep the notebook's `$...$` and `$$...$$` in their
text, for a MathJax this site does not load: the same conversion applies to them,
outside code, preformatted text, scripts and styles.

A display formula goes in a `div.math-display`: the stylesheet centres it there and
lets it scroll sideways when it is wider than the screen. The `xmlns` attribute is
dropped: an HTML parser puts `<math>` in the MathML namespace by itself.
"""

from __future__ import annotations

import html
import re
from typing import Any

from latex2mathml.converter import convert
from mkdocs.structure.pages import Page

_FORMULA = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*\\(?P<open>[(\[])(?P<tex>.*?)\\[)\]]\s*</(?P=tag)>',
    re.DOTALL,
)
# A notebook page's markup in pieces: elements whose text is not prose, and tags.
_SKIPPED = "|".join(rf"<{tag}\b.*?</{tag}>" for tag in ("pre", "code", "script", "style"))
_NOT_PROSE = re.compile(f"({_SKIPPED}|<[^>]*>)", re.DOTALL)
_DOLLARS = re.compile(
    r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\s](?:[^$]*?[^$\s])?)\$", re.DOTALL
)
_NAMESPACE = ' xmlns="http://www.w3.org/1998/Math/MathML"'


def on_page_content(content: str, page: Page, **kwargs: Any) -> str:
    """Replace every formula in a page's HTML by MathML."""
    content = _FORMULA.sub(lambda found: _mathml(found["tex"], found["open"] == "["), content)
    if page.file.src_uri.endswith(".ipynb"):
        pieces = _NOT_PROSE.split(content)  # text, markup, text, ...
        pieces[::2] = [_DOLLARS.sub(_dollar_math, text) for text in pieces[::2]]
        content = "".join(pieces)
    return content


def _dollar_math(formula: re.Match[str]) -> str:
    display = formula["display"] is not None
    return _mathml(formula["display"] if display else formula["inline"], display)


def _mathml(tex: str, display: bool) -> str:
    kind = "block" if display else "inline"
    math = convert(html.unescape(tex).strip(), display=kind).replace(_NAMESPACE, "", 1)
    return f'<div class="math-display">{math}</div>' if display else math
