"""Each page's notebook: the page's prose around its snippets, valid, downloadable, and
re-running it gives the page's text output."""

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient

from site_pages import ROOT, html_path, references, shown_snippets
from snipexec import SNIPPET_ENVIRONMENT, Failure, RunResult, without_startup_lines
from snipexec._internal.bundles import make_bundle
from snipexec._internal.imports import import_graph
from snipexec._internal.notebooks import (
    NotebookSnippet,
    PageText,
    build_notebook,
    plain_markdown,
    split_prose,
)
from snipexec._internal.render import notebook_page_html
from test_site_hygiene import site_config

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


@pytest.mark.site
@pytest.mark.parametrize("page", PAGES)
def test_notebook_holds_the_page_prose_snippets_and_outputs(built_site: Path, page: str):
    notebook = nbformat.read(notebook_path(built_site, page), as_version=4)
    nbformat.validate(notebook)
    refs = [ref for name, ref in references() if name == page]
    shown = shown_snippets(html_path(built_site, page).read_text())
    cells = snippet_cells(notebook)
    assert [cell.source for cell in cells] == [
        make_bundle(import_graph(ROOT, ref.path)).code.rstrip("\n") for ref in refs
    ]
    for cell, ref in zip(cells, refs, strict=True):
        assert text_outputs(cell) == (shown[ref.path].stdout, shown[ref.path].stderr), ref.path
    prose = [cell for cell in notebook.cells if cell.id.startswith("prose-")]
    assert len(prose) >= len(refs) - 1
    text = nbformat.writes(notebook)
    for noise in ("%%writefile", "```snippet", "!!! ", "??? ", f"{ROOT}/"):
        assert noise not in text


@pytest.mark.site
@pytest.mark.parametrize("page", PAGES)
def test_notebook_page_tells_itself_apart_and_loads_nothing_from_elsewhere(
    built_site: Path, page: str
):
    html = (built_site / "notebooks" / Path(page).stem / "index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("Notebook: ")
    assert not soup.select(".celltoolbar")  # no tag labels such as raises-exception
    assert "mermaid" not in html and "mathjax" not in html.lower()
    figures = soup.select(".jp-RenderedSVG img")
    assert all(img["alt"] and "No description" not in img["alt"] for img in figures)
    edit = soup.select_one('a[title="Edit this page"]')
    assert edit is None or str(edit["href"]).endswith(Path(page).name)


@pytest.mark.site
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


@pytest.mark.site
@pytest.mark.parametrize("page", PAGES)
def test_notebook_page_download_button_fetches_the_notebook(built_site: Path, page: str):
    stem = Path(page).stem
    html = (built_site / "notebooks" / stem / "index.html").read_text()
    button = BeautifulSoup(html, "html.parser").select_one("a[download]")
    assert button is not None
    target = built_site / "notebooks" / stem / str(button["href"])
    assert target.resolve() == notebook_path(built_site, page).resolve()
    nbformat.validate(nbformat.read(target, as_version=4))


@pytest.mark.site
def test_search_index_leaves_the_notebooks_out(built_site: Path):
    index = (built_site / "search" / "search_index.json").read_text()
    assert '"location":"notebooks/' not in index.replace(" ", "")


def site_file(site: Path, path: str) -> Path:
    """The file the site serves at `path` (relative to its root, directory URLs)."""
    return site / path / "index.html" if path == "" or path.endswith("/") else site / path


def link_problem(site: Path, path: str, anchor: str) -> str | None:
    """Why a link to `path#anchor` of the site does not resolve, if it does not."""
    if ".md" in path:
        return "points at Markdown"
    target = site_file(site, path)
    if not target.is_file():
        return "no such file"
    if anchor and f'id="{anchor}"' not in target.read_text():
        return "no such anchor"
    return None


MARKDOWN_LINK = re.compile(r"\]\((?P<target>[^)\s]+)")


@pytest.mark.site
def test_every_link_in_a_notebook_resolves_within_the_site(built_site: Path):
    """In the .ipynb: absolute under the site's address. On its page: relative, resolving."""
    site_url = site_config()["site_url"]
    problems, checked = [], 0
    for notebook_file in sorted(built_site.glob("notebooks/*/*.ipynb")):
        notebook = nbformat.read(notebook_file, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type != "markdown":
                continue
            for target in MARKDOWN_LINK.findall(cell.source):
                checked += 1
                if not target.startswith(site_url):
                    problems.append(f"{notebook_file.name}: {target}: not under {site_url}")
                    continue
                parts = urlsplit(target.removeprefix(site_url))
                problem = link_problem(built_site, parts.path, parts.fragment)
                if problem:
                    problems.append(f"{notebook_file.name}: {target}: {problem}")
    for page in sorted(built_site.glob("notebooks/*/index.html")):
        here = page.parent.relative_to(built_site).as_posix() + "/"
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for link in soup.select(".jp-RenderedMarkdown a[href]"):
            href = str(link["href"])
            checked += 1
            if urlsplit(href).scheme or href.startswith("/"):
                problems.append(f"{here}: {href}: not relative")
                continue
            parts = urlsplit(urljoin(f"/{here}", href))
            problem = link_problem(built_site, parts.path.lstrip("/"), parts.fragment)
            if problem:
                problems.append(f"{here}: {href}: {problem}")
    assert checked > 40
    assert not problems, "\n".join(problems)


# The builder on tiny pages, without a site.


def result(stdout: str) -> RunResult:
    return RunResult(stdout=stdout, stderr="")


def test_helpers_become_one_cell_unless_a_snippet_above_ran_them():
    helper = ("tools.py", "def double(x):\n    return 2 * x\n")
    snippets = [
        NotebookSnippet("a.py", "print(double(1))\n", (helper,), result("2\n")),
        NotebookSnippet("b.py", "print(double(2))\n", (helper,), result("4\n")),
        NotebookSnippet("c.py", "model = 1\n", (), result("")),
        NotebookSnippet("d.py", "print(model)\n", (("c.py", "model = 1\n"),), result("1\n")),
    ]
    page = PageText("Title", "Intro.", "How to run.", ["Before.\n", "", "", "Between.\n", "End.\n"])
    notebook = build_notebook(page, snippets)
    assert [cell.id for cell in notebook.cells] == [
        "title",
        "how-to-run",
        "fresh-session",
        "prose-0",
        "about-tools-0",
        "module-tools-0",
        "snippet-1",
        "snippet-2",
        "snippet-3",
        "prose-3",
        "snippet-4",
        "prose-end",
    ]
    assert notebook.cells[5].source == "def double(x):\n    return 2 * x"


def test_a_helper_comes_again_when_a_cell_rebound_its_names():
    model = ("model.py", "model = 'the model'\n")
    snippets = [
        NotebookSnippet("a.py", "print(model)\n", (model,), result("the model\n")),
        NotebookSnippet("b.py", "model = 'another'\n", (), result("")),
        NotebookSnippet("c.py", "print(model)\n", (model,), result("the model\n")),
    ]
    notebook = build_notebook(PageText("T", "I", "H", ["", "", "", ""]), snippets)
    modules = [cell.id for cell in notebook.cells if cell.id.startswith("module-")]
    assert modules == ["module-model-0", "module-model-2"]


def test_failing_snippet_keeps_its_tag_for_a_rerun():
    failure = Failure("exception", "ValueError: no", "ValueError")
    failed = RunResult(stdout="", stderr="Traceback\nValueError: no\n", failure=failure)
    snippets = [NotebookSnippet("a.py", "raise ValueError('no')\n", (), failed)]
    cell = build_notebook(PageText("T", "I", "H", ["", ""]), snippets).cells[-1]
    assert cell.metadata["tags"] == ["raises-exception"]
    assert cell.outputs[0].text == "Traceback\nValueError: no\n"


def test_split_prose_cuts_at_the_blocks():
    markdown = "# T\n\nintro\n```snippet\na.py\n```\nmiddle\n```snippet\nb.py\n```\nend\n"
    assert split_prose(markdown, [(4, 6), (8, 10)]) == ["# T\n\nintro\n", "middle\n", "end\n"]


def test_plain_markdown_turns_mkdocs_syntax_into_what_a_notebook_renders():
    text = (
        '!!! note "Read [this](other.md#a-b)"\n'
        "\n"
        "    Body with `code`.\n"
        "\n"
        "    ```python\n"
        "    x = {1: 2}\n"
        "    ```\n"
        "\n"
        "A heading { #custom .wide }\n"
        "## The `groups` option\n"
        "See [above](#top), [home](index.md), [a file](../snippets/a.py) and "
        "[out](https://example.com/x), [try it](../calc.md?input=1x1#run).\n"
    )
    assert plain_markdown(text, "q/page.md", "https://site.test/docs/") == (
        "> **Read [this](https://site.test/docs/q/other/#a-b)**\n"
        ">\n"
        "> Body with `code`.\n"
        ">\n"
        "> ```python\n"
        "> x = {1: 2}\n"
        "> ```\n"
        "\n"
        "A heading\n"
        "## The groups option\n"
        "See [above](https://site.test/docs/q/page/#top), [home](https://site.test/docs/q/), "
        "[a file](https://site.test/docs/snippets/a.py) and [out](https://example.com/x), "
        "[try it](https://site.test/docs/calc/?input=1x1#run).\n"
    )


def test_a_notebook_page_links_to_the_site_relatively():
    html = (
        '<a href="https://site.test/docs/calc/?input=1x1">c</a> '
        '<a href="https://site.test/docs/">home</a> <a href="https://other.test/">out</a>'
        '<a href="https://site.test/docs/notebooks/q/#part">here</a>'
    )
    assert notebook_page_html(html, [], "https://site.test/docs/", "notebooks/q/") == (
        '<a href="../../calc/?input=1x1">c</a> <a href="../../">home</a> '
        '<a href="https://other.test/">out</a><a href="./#part">here</a>'
    )
