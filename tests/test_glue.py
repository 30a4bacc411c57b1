"""Values computed by runs, placed in the prose: the unit, a tiny site, and the real one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.config import load_config

from conftest import TinyProject
from site_pages import ROOT, html_path, references
from snipexec import Cache, Variant
from snipexec._internal.glue import PLACEMENT, GlueError, formatted, place_values
from snipexec._internal.keys import Snapshot
from snipexec._internal.worker import exported_values


def test_a_run_exports_its_plain_module_level_values():
    import numpy as np

    namespace = {
        "total": 9494561,
        "mean": np.float32(0.5),
        "shape": (None, 3, np.int64(4)),
        "name": "conv2d",
        "_private": 1,
        "array": np.zeros(3),
        "model": object(),
        "np": np,
    }
    assert exported_values(namespace) == {
        "total": 9494561,
        "mean": 0.5,
        "shape": [None, 3, 4],
        "name": "conv2d",
    }


@pytest.mark.parametrize(
    ("value", "spec", "text"),
    [
        (9494561, ",", "9,494,561"),
        ([None, 148, 16], "", "(None, 148, 16)"),
        ([3], "", "(3,)"),
        (0.125, ".2f", "0.12"),
        ("relu", "", "relu"),
    ],
)
def test_a_value_is_shown_as_python_would_print_it(value, spec, text):
    assert formatted(value, spec) == text


def test_a_placement_names_a_run_of_the_page_and_a_value_it_computed():
    values = {"snippets/a.py": {"total": 448}}
    text = "Intro.\nIt has {glue}`snippets/a.py:total` weights, {glue}`snippets/a.py:total:,`."
    assert place_values(text, "p.md", values) == "Intro.\nIt has 448 weights, 448."
    with pytest.raises(GlueError, match=r"p\.md:2: .* names snippets/b\.py, which no block"):
        place_values(text.replace("a.py:total`", "b.py:total`", 1), "p.md", values)
    with pytest.raises(
        GlueError, match=r"p\.md:2: snippets/a\.py has no value 'count' \(it has: total\)"
    ):
        place_values(text.replace(":total`", ":count`", 1), "p.md", values)
    assert place_values(text, "p.md", {"snippets/a.py": None}).count("(not run)") == 2


def test_the_page_and_its_notebook_show_the_value_the_run_computed(project: TinyProject):
    project.write("snippets/a.py", "total = 3 * 3 * 3 * 16 + 16\nprint(total)\n")
    prose = "It has {glue}`snippets/a.py:total:,` parameters."
    project.write("docs/index.md", f"# index\n\n{prose}\n\n```snippet\nsnippets/a.py\n```\n")
    build = project.build("--strict")
    assert build.returncode == 0, build.stderr
    assert "It has 448 parameters." in project.html()
    notebook = json.loads((project.root / "site/notebooks/index.ipynb").read_text())
    assert any("It has 448 parameters." in "".join(cell["source"]) for cell in notebook["cells"])
    project.write("snippets/a.py", "total = 3 * 3 * 3 * 32 + 32\nprint(total)\n")
    assert project.build("--strict").returncode == 0
    assert "It has 896 parameters." in project.html()


# The real site: every value placed in its prose is the one its run stored.

SETTINGS = load_config(str(ROOT / "mkdocs.yml")).plugins["snipexec"].config
VARIANTS = {name: Variant.from_config(name, options) for name, options in SETTINGS.variants.items()}


def placed_values(page: str) -> list[tuple[re.Match[str], str]]:
    """Each placement in `page`'s Markdown, with the text its stored run gives it."""
    first = {
        ref.path: (ref.variants or SETTINGS.default_variants)[0]
        for p, ref in references()
        if p == page
    }
    cache = Cache(ROOT / ".cache/snipexec")
    placed = []
    for match in PLACEMENT.finditer((ROOT / page).read_text()):
        variant = VARIANTS[first[match["path"]]]
        key = Snapshot.take(ROOT, match["path"]).key(variant.fingerprint(variant.installed(ROOT)))
        stored = cache.get(key)
        assert stored is not None, f"{page}: no stored run of {match['path']}"
        placed.append((match, formatted(stored.values[match["name"]], match["spec"] or "")))
    return placed


@pytest.mark.site
def test_every_placed_value_on_the_site_is_its_runs(built_site: Path):
    pages_with_values = set()
    for page in sorted({page for page, _ in references()}):
        article = BeautifulSoup(html_path(built_site, page).read_text(), "html.parser").article
        assert article is not None
        text = " ".join(article.get_text(" ").split())
        for match, shown in placed_values(page):
            assert shown in text, f"{page}: {match[0]} should show {shown}"
            pages_with_values.add(page)
    # Every page whose prose gives numbers its runs compute places them from the runs.
    assert len(pages_with_values) >= 7
