"""MkDocs hook: the notebook pages share one stylesheet instead of each inlining it.

mkdocs-jupyter puts nbconvert's styles (JupyterLab's theme and the code colours, about
590 KB) in `<style>` elements of every notebook page. This hook moves them into
`assets/stylesheets/notebook.HASH.css`, written once per build, and links that file in
their place: a browser fetches it once for every notebook page and keeps it, since its
name changes whenever its content does. The cascade is unchanged: the link stands where
the first style element stood, and holds them all in their order.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>\s*", re.DOTALL)


def on_page_content(content: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    """Move a notebook page's style elements into the shared stylesheet."""
    if not page.file.src_uri.endswith(".ipynb"):
        return content
    first = _STYLE.search(content)
    if first is None:
        return content
    css = "\n".join(style.strip() for style in _STYLE.findall(content)) + "\n"
    name = f"assets/stylesheets/notebook.{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    target = Path(config.site_dir) / name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    href = posixpath.relpath(name, page.url or ".")
    link = f'<link rel="stylesheet" href="{href}">\n'
    return content[: first.start()] + link + _STYLE.sub("", content[first.start() :])
