"""The real site, built once: every snippet's output is on its page, and nothing else."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_pages import ROOT, html_path, references, shown_snippets
from test_standalone import primary

pytestmark = pytest.mark.site

REFERENCES = references()
FIGURES = "figure.snippet-figure img"
NOTEBOOK_FIGURES = "img[src^='data:image/svg+xml']"
# The engine's alt text for a figure without titles, and nbconvert's for any figure.
UNDESCRIBED = re.compile(r"Figure \d+ drawn by |No description has been provided")


def test_pages_reference_snippets():
    pages = {page for page, _ in REFERENCES}
    assert {"docs/thread-model.md", "docs/channels-are-summed.md"} <= pages
    assert len(REFERENCES) >= 10


@pytest.mark.parametrize(("page", "ref"), REFERENCES, ids=[ref.path for _, ref in REFERENCES])
def test_every_snippet_is_shown_with_its_code_and_output(built_site: Path, page, ref):
    shown = shown_snippets(html_path(built_site, page).read_text())
    assert ref.path in shown, f"{page} does not show {ref.path}"
    assert shown[ref.path].code.rstrip("\n") == (ROOT / ref.path).read_text().rstrip("\n")
    expected = ref.expected_exception(primary(ref))
    if expected:  # what it prints otherwise is compared with a standalone run elsewhere
        assert f"{expected}:" in shown[ref.path].stderr


def test_thread_model_page_shows_the_real_summary(built_site: Path):
    shown = shown_snippets(html_path(built_site, "docs/thread-model.md").read_text())
    output = "\n".join(block.stdout for block in shown.values())
    assert "9,494,561" in output
    for name in ("conv2d (Conv2D)", "conv2d_1 (Conv2D)", "conv2d_2 (Conv2D)", "dense_1 (Dense)"):
        assert name in output
    assert "conv2d_3" not in output  # layer names restart for every snippet
    for shape in ("(3, 3, 3, 16)", "(3, 3, 16, 32)", "(3, 3, 32, 64)"):
        assert shape in output


def test_no_traceback_unless_the_page_expects_one(built_site: Path):
    expected = {ref.path for _, ref in REFERENCES if ref.expected_exception(primary(ref))}
    for page in sorted({page for page, _ in REFERENCES}):
        for path, shown in shown_snippets(html_path(built_site, page).read_text()).items():
            has_traceback = "Traceback (most recent call last)" in shown.stdout + shown.stderr
            assert has_traceback == (path in expected), f"{page}: {path}"
            assert not shown.stderr or path in expected, f"{page}: {path} wrote to stderr"


def figure_alts(html: str, images: str) -> list[str | None]:
    """The alt text of each image `images` selects in a page's article (None: no alt)."""
    article = BeautifulSoup(html, "html.parser").select_one("article")
    assert article is not None
    return [image.get("alt") for image in article.select(images)]


def test_every_figure_is_described_by_its_title(built_site: Path):
    """A figure's alt text is its suptitle or its axes' titles, on the page and in its
    notebook; a figure without them gets the engine's fallback, which describes nothing."""
    pages = sorted({page for page, _ in REFERENCES})
    shown = {page: figure_alts(html_path(built_site, page).read_text(), FIGURES) for page in pages}
    assert any(shown.values()), "no figure on any page"
    for page, alts in shown.items():
        notebook = built_site / "notebooks" / Path(page).stem / "index.html"
        in_notebook = figure_alts(notebook.read_text(), NOTEBOOK_FIGURES)
        for alt in alts + in_notebook:
            assert alt and alt.strip() and not UNDESCRIBED.match(alt), (
                f"{page}: a figure has no description ({alt!r}): give it a title with "
                "fig.suptitle(...) or ax.set_title(...) in its snippet"
            )
        assert set(in_notebook) == set(alts), f"{page}: its notebook shows other figures"


@pytest.mark.parametrize("page", sorted({page for page, _ in REFERENCES}))
def test_every_figure_is_a_file_of_the_site_holding_what_a_run_drew(built_site: Path, page):
    """Figures are files of their own (small pages, cached), each an SVG that a run saved."""
    html = html_path(built_site, page)
    for image in BeautifulSoup(html.read_text(), "html.parser").select(FIGURES):
        source = image["src"]
        assert re.fullmatch(r"(\.\./)*figures/[0-9a-f]{20}\.svg", source), source
        file = (html.parent / source).resolve()
        assert file.is_file(), f"{page}: {source} is not in the site"
        assert file.read_text().lstrip().startswith(("<?xml", "<svg")), source
