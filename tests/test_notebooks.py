"""Each page's notebook: valid, downloadable, and re-running it gives the page's text output."""

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient

from site_pages import ROOT, html_path, references, shown_snippets
from snipexec import SNIPPET_ENVIRONMENT, without_startup_lines

pytestmark = pytest.mark.site

PAGES = sorted({page for page, _ in references()})
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
PREFIX = f"{ROOT}/"


def notebook_path(site: Path, page: str) -> Path:
    stem = Path(page).relative_to("docs").with_suffix("")
    return site / "notebooks" / stem / f"{stem.name}.ipynb"


def snippet_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.get("id", "").startswith("snippet-")]


def text_outputs(cell) -> tuple[str, str]:
    """Standard output as a reader sees it, including rich text Jupyter shows as display data."""
    stdout, stderr = "", ""
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            stdout += output.text
        elif output.output_type == "stream":
            stderr += output.text
        elif output.output_type == "display_data" and "image/svg+xml" not in output.data:
            stdout += ANSI_ESCAPE.sub("", output.data.get("text/plain", ""))
    return stdout.replace(PREFIX, ""), without_startup_lines(stderr).replace(PREFIX, "")


@pytest.mark.parametrize("page", PAGES)
def test_notebook_holds_the_page_snippets_and_outputs(built_site: Path, page: str):
    notebook = nbformat.read(notebook_path(built_site, page), as_version=4)
    nbformat.validate(notebook)
    refs = [ref for name, ref in references() if name == page]
    shown = shown_snippets(html_path(built_site, page).read_text())
    cells = snippet_cells(notebook)
    assert [cell.source for cell in cells] == [
        (ROOT / ref.path).read_text().rstrip("\n") for ref in refs
    ]
    for cell, ref in zip(cells, refs, strict=True):
        assert text_outputs(cell) == (shown[ref.path].stdout, shown[ref.path].stderr), ref.path
    assert (built_site / "notebooks" / Path(page).stem / "index.html").is_file()


@pytest.mark.parametrize("page", PAGES)
def test_notebook_reruns_to_the_same_text_in_a_fresh_kernel(
    built_site: Path, page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    for name, value in SNIPPET_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    stored = nbformat.read(notebook_path(built_site, page), as_version=4)
    fresh = nbformat.from_dict(stored)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = NotebookClient(
        fresh, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    for old, new in zip(snippet_cells(stored), snippet_cells(fresh), strict=True):
        stdout, stderr = text_outputs(old)
        assert text_outputs(new)[0] == stdout, old.id
        errors = [output for output in new.outputs if output.output_type == "error"]
        if "raises-exception" in old.metadata.get("tags", []):
            assert [error.ename for error in errors] == [stderr.splitlines()[-1].split(":")[0]]
        else:
            assert (errors, text_outputs(new)[1]) == ([], stderr), old.id


@pytest.mark.parametrize("page", PAGES)
def test_notebook_page_download_button_fetches_the_notebook(built_site: Path, page: str):
    stem = Path(page).stem
    html = (built_site / "notebooks" / stem / "index.html").read_text()
    button = BeautifulSoup(html, "html.parser").select_one("a[download]")
    assert button is not None
    target = built_site / "notebooks" / stem / str(button["href"])
    assert target.resolve() == notebook_path(built_site, page).resolve()
    nbformat.validate(nbformat.read(target, as_version=4))
