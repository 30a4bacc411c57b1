"""Each page's notebook: valid, downloadable, and re-running it gives the page's text output."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from site_pages import ROOT, references
from snipexec import SNIPPET_ENVIRONMENT, without_startup_lines

pytestmark = pytest.mark.site

PAGES = sorted({page for page, _ in references()})


def notebook_path(site: Path, page: str) -> Path:
    stem = Path(page).relative_to("docs").with_suffix("")
    return site / "notebooks" / stem / f"{stem.name}.ipynb"


def text_outputs(cell) -> tuple[str, str]:
    streams = {"stdout": "", "stderr": ""}
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            streams[output.name] += output.text
    return streams["stdout"], without_startup_lines(streams["stderr"])


@pytest.mark.parametrize("page", PAGES)
def test_notebook_holds_the_page_snippets_with_their_outputs(built_site: Path, page: str):
    notebook = nbformat.read(notebook_path(built_site, page), as_version=4)
    nbformat.validate(notebook)
    snippets = [cell for cell in notebook.cells if cell.get("id", "").startswith("snippet-")]
    paths = [ref.path for name, ref in references() if name == page]
    assert [cell.source for cell in snippets] == [
        (ROOT / path).read_text().rstrip("\n") for path in paths
    ]
    assert all(cell.outputs for cell in snippets)
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
    NotebookClient(
        fresh, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    prefix = f"{ROOT}/"
    for old, new in zip(stored.cells, fresh.cells, strict=True):
        if old.get("id", "").startswith("snippet-"):
            expected = tuple(text.replace(prefix, "") for text in text_outputs(old))
            assert text_outputs(new) == expected, old.id
