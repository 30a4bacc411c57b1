"""A page's snippets as a Jupyter notebook, with the outputs of the build's own runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbformat import v4

from .results import RunResult

FRESH_SESSION = """\
# Each example starts from a fresh Keras session, as it does on the site.
import keras
from IPython import get_ipython

get_ipython().events.register("pre_run_cell", lambda info: keras.backend.clear_session())
"""


def build_notebook(
    title: str,
    intro: str,
    modules: Sequence[Path],
    snippets: Sequence[tuple[str, RunResult | None]],
) -> nbformat.NotebookNode:
    """Make a notebook: a title, the local `modules` written to disk, then one cell per snippet.

    Args:
        title: The page's title.
        intro: A Markdown paragraph under the title.
        modules: Files the snippets import from their own folder; each becomes a
            `%%writefile` cell so the notebook runs anywhere.
        snippets: Each snippet's code and the result shown on the page (`None` if not run).
    """
    cells = [v4.new_markdown_cell(f"# {title}\n\n{intro}", id="title")]
    cells.append(v4.new_code_cell(FRESH_SESSION, id="fresh-session"))
    for module in modules:
        source = f"%%writefile {module.name}\n{module.read_text(encoding='utf-8')}"
        cells.append(v4.new_code_cell(source.rstrip("\n"), id=f"module-{module.stem}"))
    for number, (code, result) in enumerate(snippets, start=1):
        cell = v4.new_code_cell(code.rstrip("\n"), id=f"snippet-{number}")
        if result is not None:
            cell.execution_count = number
            cell.outputs = _outputs(result)
            if result.failure is not None:  # the page expects it: "run all" goes on
                cell.metadata["tags"] = ["raises-exception"]
        cells.append(cell)
    notebook = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(notebook)
    return notebook


def _outputs(result: RunResult) -> list[nbformat.NotebookNode]:
    outputs = [
        v4.new_output("stream", name=name, text=text)
        for name, text in (("stdout", result.stdout), ("stderr", result.stderr))
        if text
    ]
    outputs += [
        v4.new_output("display_data", data={"image/svg+xml": figure.svg, "text/plain": figure.alt})
        for figure in result.figures
    ]
    return outputs


def write_if_changed(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write `notebook` to `path` unless it already holds exactly that."""
    text = nbformat.writes(notebook) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
