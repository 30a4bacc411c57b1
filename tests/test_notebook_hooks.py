"""The site's hooks on notebook pages: formulas as MathML, and one shared stylesheet."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType, SimpleNamespace

from conftest import ROOT


def hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mathml, notebook_styles = hook("mathml"), hook("notebook_styles")


def page(src_uri: str, url: str = "notebooks/q/") -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri), url=url)


def test_a_notebook_pages_dollar_math_becomes_mathml_outside_code():
    html = (
        "<p>An $n$ and $$a_b$$, costs $5 and $6.</p><pre>echo $HOME$</pre><p><code>$x$</code></p>"
    )
    converted = mathml.on_page_content(html, page=page("notebooks/q.ipynb"))
    assert converted.count("<math") == 2 and '<div class="math-display">' in converted
    assert "costs $5 and $6." in converted
    assert "<pre>echo $HOME$</pre>" in converted and "<code>$x$</code>" in converted
    assert mathml.on_page_content(html, page=page("q.md")) == html  # Markdown pages: arithmatex


def test_notebook_styles_move_into_one_file_linked_where_the_first_stood(tmp_path: Path):
    html = "<div><style>a { color: red }</style><p>x</p><style>p { margin: 0 }</style></div>"
    config = SimpleNamespace(site_dir=str(tmp_path))
    first = notebook_styles.on_page_content(html, page("notebooks/q.ipynb"), config)
    again = notebook_styles.on_page_content(html, page("notebooks/r.ipynb", "notebooks/r/"), config)
    sheets = list(tmp_path.glob("assets/stylesheets/notebook.*.css"))
    assert len(sheets) == 1
    assert sheets[0].read_text() == "a { color: red }\np { margin: 0 }\n"
    link = f'<link rel="stylesheet" href="../../assets/stylesheets/{sheets[0].name}">\n'
    assert first == again == f"<div>{link}<p>x</p></div>"
    assert notebook_styles.on_page_content(html, page("q.md", "q/"), config) == html
