"""A page as a Jupyter notebook: its prose and snippets, with the outputs of the build's runs."""

from __future__ import annotations

import ast
import hashlib
import json
import posixpath
import re
import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import v4

from .profile import NOTEBOOK_SETUP
from .results import RunResult


@dataclass(frozen=True)
class NotebookSnippet:
    """One snippet block of a page, as its notebook shows it.

    Attributes:
        name: The snippet's file name.
        code: Its source without the lines that import its local modules.
        helpers: The local modules it needs, in the order they run: file name, code.
        result: The run the page shows first (`None` if it never ran).
    """

    name: str
    code: str
    helpers: tuple[tuple[str, str], ...]
    result: RunResult | None


@dataclass(frozen=True)
class PageText:
    """What a notebook says around its code.

    Attributes:
        title: The page's title.
        intro: Under the title: which versions produced the outputs.
        how_to_run: The one cell that says what a fresh kernel needs.
        prose: The page's Markdown between its snippet blocks, one more than blocks.
    """

    title: str
    intro: str
    how_to_run: str
    prose: Sequence[str]


def build_notebook(page: PageText, snippets: Sequence[NotebookSnippet]) -> nbformat.NotebookNode:
    """Make the notebook of a page: its prose as Markdown cells around one cell per snippet.

    A local module a snippet imports becomes a cell of its own before the snippet's,
    unless a snippet cell above already ran it; the snippet's cell drops its import.
    """
    cells = [v4.new_markdown_cell(f"# {page.title}\n\n{page.intro}", id="title")]
    cells.append(v4.new_markdown_cell(page.how_to_run, id="how-to-run"))
    cells.append(v4.new_code_cell(NOTEBOOK_SETUP.rstrip("\n"), id="fresh-session"))
    names: dict[str, dict[str, str]] = {}  # module or snippet run so far -> the names it binds
    stale: set[str] = set()  # those whose names a later cell bound again
    for number, (before, snippet) in enumerate(zip(page.prose, snippets, strict=False)):
        if before.strip():
            cells.append(v4.new_markdown_cell(before.strip("\n"), id=f"prose-{number}"))
        for name, code in snippet.helpers:
            if name in names and name not in stale:
                continue
            stem = Path(name).stem
            text = f"The next example imports `{name}`, a module beside it; here it is:"
            if name in names:
                text = f"A cell above bound names of `{name}` again; here it is once more:"
            cells.append(v4.new_markdown_cell(text, id=f"about-{stem}-{number}"))
            cells.append(v4.new_code_cell(code.rstrip("\n"), id=f"module-{stem}-{number}"))
            bound = _bound(code)
            stale |= _rebinding(names, bound)
            names[name], stale = bound, stale - {name}
        bound = _bound(snippet.code)
        stale |= _rebinding(names, bound)
        names[snippet.name] = bound
        stale.discard(snippet.name)
        cells.append(_snippet_cell(snippet, number + 1))
    if len(page.prose) > len(snippets) and page.prose[-1].strip():
        cells.append(v4.new_markdown_cell(page.prose[-1].strip("\n"), id="prose-end"))
    notebook = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(notebook)
    return notebook


def _bound(code: str) -> dict[str, str]:
    """The names a cell's top-level statements bind, each with the statement binding it.

    Imports are left out: importing a library again binds the same module.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    lines = code.splitlines()
    found = {}
    for statement in tree.body:
        first = min(node.lineno for node in [statement, *getattr(statement, "decorator_list", [])])
        text = "\n".join(lines[first - 1 : statement.end_lineno])
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found[statement.name] = text
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                found[node.id] = text
    return found


def _rebinding(names: dict[str, dict[str, str]], bound: dict[str, str]) -> set[str]:
    """The files run so far that bound a name of `bound` otherwise."""
    return {
        name
        for name, defined in names.items()
        if any(defined[key] != statement for key, statement in bound.items() if key in defined)
    }


def _snippet_cell(snippet: NotebookSnippet, number: int) -> nbformat.NotebookNode:
    cell = v4.new_code_cell(snippet.code.rstrip("\n"), id=f"snippet-{number}")
    result = snippet.result
    if result is not None:
        cell.execution_count = number
        cell.outputs = _outputs(result)
        if result.failure is not None:  # the page expects it: a re-run goes on past it
            cell.metadata["tags"] = ["raises-exception"]
    return cell


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


def figure_alts(notebook: nbformat.NotebookNode) -> list[str]:
    """The alt text of each figure of `notebook`, in order."""
    return [
        output.data.get("text/plain", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/svg+xml" in output.get("data", {})
    ]


def split_prose(markdown: str, blocks: Sequence[tuple[int, int]]) -> list[str]:
    """The page's Markdown around its blocks (1-based first and last lines), in order."""
    lines = markdown.splitlines(keepends=True)
    parts, start = [], 0
    for first, last in blocks:
        parts.append("".join(lines[start : first - 1]))
        start = last
    parts.append("".join(lines[start:]))
    return parts


_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?) *(?P<kind>[\w-]+)(?: +"(?P<title>[^"]*)")? *$')
_TAB = re.compile(r'^===\+? +"(?P<title>[^"]*)" *$')
_FENCE = re.compile(r"^ *(`{3,}|~{3,})")
_ATTRIBUTES = re.compile(
    r"""\{:? *(?:[.#][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s}]+))"""
    r"""(?: +(?:[.#][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s}]+)))* *\}"""
)
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)(?P<rest>[^)]*)\)")


def plain_markdown(text: str, page_uri: str, site_url: str) -> str:
    """MkDocs Markdown as a notebook renders it.

    Admonitions become block quotes under a bold title, content tabs a bold title over
    their content, links to pages and files of the site absolute links under `site_url`;
    attribute lists, and code marks in headings, go. Fenced code is left as it is.
    """
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            end = _closing(lines, index, fence[1])
            out.extend(lines[index : end + 1])
            index = end + 1
            continue
        block = _ADMONITION.match(line) or _TAB.match(line)
        if block is None:
            out.append(_inline(line, page_uri, site_url))
            index += 1
            continue
        body_end = index + 1
        while body_end < len(lines) and (
            not lines[body_end].strip() or lines[body_end].startswith("    ")
        ):
            body_end += 1
        body = plain_markdown(
            textwrap.dedent("\n".join(lines[index + 1 : body_end])).strip("\n"), page_uri, site_url
        )
        title = block["title"] if block["title"] is not None else block["kind"].capitalize()
        heading = [f"**{_inline(title, page_uri, site_url)}**", ""] if title else []
        if block.re is _TAB:
            out.extend([*heading, body, ""])
        else:
            out.extend([f"> {row}".rstrip() for row in [*heading, *body.splitlines()]] + [""])
        index = body_end
    return "\n".join(out) + "\n" * text.endswith("\n")


def _closing(lines: list[str], start: int, fence: str) -> int:
    """The line that closes the fence opened at `start` (the last line if none does)."""
    for index in range(start + 1, len(lines)):
        if lines[index].strip().startswith(fence[0] * len(fence)) and not lines[index].strip(
            fence[0] + " "
        ):
            return index
    return len(lines) - 1


def _inline(line: str, page_uri: str, site_url: str) -> str:
    line = _ATTRIBUTES.sub("", line).rstrip() if _ATTRIBUTES.search(line) else line
    if re.match(r"#{1,6} ", line):  # mkdocs-jupyter's contents would link a code span's
        line = line.replace("`", "")  # heading to an anchor that lacks the code
    return _LINK.sub(lambda link: _absolute(link, page_uri, site_url), line)


def _absolute(link: re.Match[str], page_uri: str, site_url: str) -> str:
    """A link of the page made absolute under `site_url` (directory URLs), query kept."""
    target, rest = link["target"], link["rest"]
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
        return link[0]
    path, _, anchor = target.partition("#")
    path, query_mark, query = path.partition("?")
    path = (
        posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), path)) if path else page_uri
    )
    if path.endswith(".md"):
        stem = path[: -len(".md")]
        path = (
            ""
            if stem == "index"
            else (stem[: -len("index")] if stem.endswith("/index") else f"{stem}/")
        )
    url = site_url.rstrip("/") + "/" + path + (f"?{query}" if query_mark else "")
    url += f"#{anchor}" if anchor else ""
    return f"]({url}{rest})"


def made_from(path: Path, source: str) -> list[str] | None:
    """The figures' alt text of the notebook at `path`, if it was made from `source`.

    `source` is a hash of everything the notebook is made of. Its stamp beside it says
    what it was made from and which bytes were written: a notebook changed or damaged
    since then, or a missing or unreadable stamp, gives `None`, and it is made again.
    """
    try:
        stamp = json.loads(_stamp(path).read_bytes())
        alts = stamp["figure_alts"]
        if (
            stamp["source"] == source
            and stamp["written"] == _digest(path.read_bytes())
            and isinstance(alts, list)
            and all(isinstance(alt, str) for alt in alts)
        ):
            return alts
    except (OSError, ValueError, TypeError, KeyError):
        pass
    return None


def write_notebook(notebook: nbformat.NotebookNode, path: Path, source: str) -> list[str]:
    """Write `notebook` to `path`, stamped as made from `source`; its figures' alt text.

    The file is rewritten only if its bytes change. Whatever else is at `path` (a
    damaged file, a folder) is replaced, never read as text.
    """
    data = (nbformat.writes(notebook) + "\n").encode()
    if not (path.is_file() and path.read_bytes() == data):
        _clear(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    alts = figure_alts(notebook)
    stamp = {"source": source, "written": _digest(data), "figure_alts": alts}
    _clear(_stamp(path))
    _stamp(path).write_text(json.dumps(stamp), encoding="utf-8")
    return alts


def _clear(path: Path) -> None:
    """Remove a folder found where a file is to be written."""
    if path.is_dir():
        shutil.rmtree(path)


def _stamp(notebook: Path) -> Path:
    return notebook.with_name(notebook.name + ".made-from.json")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
