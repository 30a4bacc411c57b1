"""Time the pages that run snippets built with snipexec and with three peers.

Every page with `snippet` blocks is built five ways, each in its own copy of the project
in a temporary folder, with every other page, the theme and the Markdown extensions alike:

- **ours**: docs/, snippets/ and mkdocs.yml as they are (the `snipexec` plugin), except
  that every block runs under the first variant only, Keras 3 on TensorFlow, as the peers
  run it (`variants=` and other variants' `raises=` dropped; `nox -s bench` times the
  site under all three).
- **ours, no notebooks**: the same with the plugin's `notebooks` option off, so that it
  builds the pages the peers build and not also a notebook page for each (the targets are
  judged on the full **ours**; this row shows what the notebooks cost).
- **markdown-exec**: each `snippet` block replaced by a block
  `python exec="on" source="above" result="text"` holding the file's code, inlined when the
  page is written (no `--8<--` include); the plugin adds its superfences custom fences
  itself. markdown-exec keeps nothing between builds (its one cache is in memory), so every
  build runs every block, inside the build process.
- **mkdocs-jupyter**: each page becomes a notebook (a Markdown cell per stretch of prose,
  a code cell per snippet), built with `execute: true` and its default cache.
- **mkdocs-gallery**: each page becomes a sub-gallery whose examples are the page's
  snippets (a title prepended to each), run in the build process, with its md5 cache per
  example; the page's prose is not carried over.

The peers need the snippets' folders on `sys.path` to import the modules beside them, so
each page gets one setup block that adds them (markdown-exec: a block with no source and no
output; a notebook: a first code cell); the gallery needs none, as it runs each example
from its own folder, where the page's modules are copied too. Strict mode is off in every
copy: a warning is no failure (a link to a page that became a notebook, say).

For each tool: a cold build (its caches removed), a warm one (nothing changed) and one after a
comment line is appended to one snippet (and so to the peers' pages that inline it). Each
build runs in a fresh `python -m mkdocs build`; the table shows the median wall time,
its ratio to ours, the peak memory and how many snippets show the output they show on our
pages.

Peak memory is the largest resident set of any one process of the build (MkDocs, our
worker, a Jupyter kernel), not their sum: each build runs under a small Python process that
waits for MkDocs and reports its own `RUSAGE_CHILDREN` maximum; the table shows the
largest over the repeats.

Outputs matching: a snippet matches when every line of its output on our page (less lines
with timings or addresses, lines of its own code and text of the page's prose; for a
snippet marked `raises=`, plus the last line of its traceback) is a line of the page's
`<pre>` blocks, compared without box-drawing characters and with runs of whitespace as one
space; a snippet that drew figures also needs the page to hold as many images as
ours. Snippets with nothing to compare are left out of the count; the differences of the
cold builds are listed under the tables.

Last, `mkdocs serve` for ours and markdown-exec, side by side in one run, each as its
maintainer runs it: ours as `nox -s serve` does, with `--dirty` (a rebuild renders only the
pages a save changed, and a changed notebook in a rebuild of its own, after its page),
markdown-exec with a plain `mkdocs serve`. Seconds from saving an edit (a `print` of a
marker appended to one snippet, or to the page that inlines it) until the served page shows
the marker's output; twice, since the first edit after a warm start also starts our worker.
Each edit is saved once the server is idle (every rebuild it started has finished), as a
maintainer reads the page before the next save; for ours, the seconds until the page's
notebook shows the marker too.

The targets: cold <= 0.9x the fastest peer; one edit at least 2x faster than each peer;
warm at least 3x faster than markdown-exec and faster than the others; serve's next edit
<= 0.3x markdown-exec's. Where one is missed, a last table says why: each build of ours
against its floor (the framework import, its runs over the workers and the render, as
`nox -s bench` defines it), beside the time the target asks for. Last, the top functions
of a profiled warm build of ours.

Usage: python tests/benchmarks/peers.py [--repeat N] [--json FILE]
"""

from __future__ import annotations

import argparse
import html
import importlib.metadata
import io
import json
import os
import posixpath
import pstats
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml
from build_times import BASE_VARIANT, KEPT_RENDERS, VARIANTS, WORKERS, import_seconds
from mkdocs.utils.yaml import yaml_load
from nbformat import v4

from snipexec._internal.directives import SnippetRef, find_snippets
from snipexec._internal.render import replace_lines

ROOT = Path(__file__).resolve().parents[2]
EDITED_SNIPPET = "snippets/thread_model/derive_numbers.py"
FIRST_VARIANT = BASE_VARIANT  # Keras 3 on TensorFlow, as the peers run it
SNIPPET_FENCE = re.compile(r"^(?P<start>[ \t]*`{3,}snippet)(?P<options>[^\n]*)$", re.MULTILINE)
PEERS = ("markdown-exec", "mkdocs-jupyter", "mkdocs-gallery")
TOOLS = ("ours", "ours, no notebooks", *PEERS)
KINDS = ("cold", "warm", "one-edit")
STARTUP_SECONDS = 600.0
EDIT_SECONDS = 300.0
SERVE_LIMIT = 0.3  # ours / markdown-exec, the next edit under `mkdocs serve`
# MkDocs' server polls the watched files every 0.5 s and rebuilds after 0.1 s without a
# change: on average 0.35 s between a save and the start of its rebuild, for any tool.
WATCH_DELAY = 0.5 / 2 + 0.1
IDLE_SECONDS = 1.0  # no rebuild started or ended for this long: the server is idle
QUIET = {"NO_MKDOCS_2_WARNING": "1"}
RUN_SECONDS = re.compile(r"snipexec: ran \S+ under \S+ in ([\d.]+) s")

# Runs the command in its arguments and prints its wall time and the peak resident set
# (KiB) of the largest process among its descendants that were waited for.
MEASURE = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=sys.stderr).returncode
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak, "returncode": code}))
"""

UNSTABLE = re.compile(r"\d\s*(?:ms|us|µs|ns|s)\b|/step|\bsec|0x[0-9a-f]{6}", re.IGNORECASE)
BOX_AND_SPACE = re.compile(r"[\u2500-\u257f\s]+")
PRE = re.compile(r"<pre\b[^>]*>(.*?)</pre>", re.DOTALL)
# One part of a snippet on our pages: its code, output or error output block, a figure, or
# the versions that end a variant's tab (where variants differ, each has a tab).
OUR_PART = re.compile(
    r'<div class="[^"]*\bsnippet-(code|output|stderr)\b[^"]*"[^>]*>\s*'
    r'<span class="filename">(.*?)</span>\s*<pre\b[^>]*>(.*?)</pre>'
    r'|<(figure) class="snippet-figure"|<p class="snippet-(versions)">',
    re.DOTALL,
)
TAG = re.compile(r"<[^>]+>")
# Profiled frames around any build's work: matched by every function they do not hold.
AROUND_THE_WORK = (
    r"^(?!.*(?:runpy|click/|mkdocs/__main__|<string>|built-in method|<frozen|importlib"
    r"|build\.py:\d+\(build\)))"
)
# An image shown: inline (markdown-exec, mkdocs-jupyter), a gallery's file, or one of our
# figures, each a file of the site.
IMAGE = re.compile(r'src="data:image/|class="mkd-glr-[\w-]*img"|<figure class="snippet-figure">')


@dataclass(frozen=True)
class Page:
    """A page that runs snippets: its path under docs/, its Markdown and its references."""

    src: str
    markdown: str
    refs: tuple[SnippetRef, ...]

    @property
    def html(self) -> str:
        """Where the built page lands in the site (directory URLs)."""
        stem = posixpath.splitext(self.src)[0]
        if posixpath.basename(stem) == "index":
            return f"{stem}.html"
        return f"{stem}/index.html"

    def folders(self) -> list[str]:
        """The folders of the page's snippets, in order of first use."""
        return list(dict.fromkeys(posixpath.dirname(ref.path) for ref in self.refs))

    def uses(self, snippet: str) -> bool:
        """Whether the page shows `snippet`."""
        return any(ref.path == snippet for ref in self.refs)


@dataclass(frozen=True)
class Expectation:
    """What a snippet shows on our page: output lines to find and figures drawn."""

    path: str
    lines: frozenset[str]
    figures: int


@dataclass
class Shown:
    """A snippet as one of our pages shows it."""

    path: str
    code: str
    output: str = ""
    error: str = ""
    figures: int = 0
    complete: bool = False  # the first variant's tab ended: the rest is other variants'


@dataclass
class Build:
    """One timed build and the HTML of the pages that run snippets."""

    seconds: float
    peak_mb: float
    run_seconds: float  # our snippets' own run time, from our log (0 for the peers)
    pages: dict[str, str] = field(repr=False)


def find_pages(docs: Path) -> list[Page]:
    """Every page under `docs` with at least one `snippet` block."""
    pages = []
    for path in sorted(docs.rglob("*.md")):
        markdown = path.read_text(encoding="utf-8")
        src = path.relative_to(docs).as_posix()
        refs = tuple(find_snippets(markdown, f"docs/{src}"))
        if refs:
            pages.append(Page(src, markdown, refs))
    return pages


def fence(info: str, text: str) -> str:
    """A fenced block that no backtick run inside `text` can close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{info}\n{text.rstrip(chr(10))}\n{marks}\n"


class Tool:
    """Our plugin on our pages, run like the peers: under the first variant only.

    The peers run each snippet once, in the build's own Keras 3 on TensorFlow, so our
    pages lose their `variants=` and the `raises=` of other variants, and every block
    runs under the first variant. `nox -s bench` measures the site with every variant.
    """

    name = "ours"
    caches: tuple[str, ...] = (".cache",)  # what a cold build starts without
    serve_arguments: tuple[str, ...] = ("--dirty",)  # as `nox -s serve` runs it
    makes_notebooks = True

    def setup(self, project: Path, pages: list[Page]) -> Path:
        """Copy what a build reads into `project` and turn it into this tool's site."""
        for name in ("docs", "snippets"):
            shutil.copytree(ROOT / name, project / name)
        config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
        config["strict"] = False
        config["plugins"] = self.plugins(config["plugins"])
        config["nav"] = self.nav(config.get("nav"), pages)
        text = yaml.dump({k: v for k, v in config.items() if v is not None}, sort_keys=False)
        (project / "mkdocs.yml").write_text(text, encoding="utf-8")
        self.write_pages(project, pages)
        return project

    def plugins(self, plugins: list[Any]) -> list[Any]:
        """This tool's `plugins` list, made from ours: snipexec with one default variant."""
        return with_snipexec_options(plugins, default_variants=[FIRST_VARIANT])

    def nav(self, nav: Any, pages: list[Page]) -> Any:
        """This tool's `nav`, made from ours."""
        return nav

    def write_pages(self, project: Path, pages: list[Page]) -> None:
        """Write `pages` as this tool reads them, from the snippets in `project`."""
        for page in pages:
            markdown = SNIPPET_FENCE.sub(one_variant, page.markdown)
            write_if_changed(project / "docs" / page.src, markdown)

    def html(self, page: Page) -> list[str]:
        """The built files that show `page`'s snippets, in its order."""
        return [page.html]

    def edit(self, project: Path, pages: list[Page], snippet: str, line: str) -> None:
        """Append `line` to `snippet`, and rewrite the pages that hold a copy of its code."""
        path = project / snippet
        path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")
        self.write_pages(project, [page for page in pages if page.uses(snippet)])


class OursWithoutNotebooks(Tool):
    """Our plugin with its notebooks off: the same pages the peers build, and no more."""

    name = "ours, no notebooks"
    makes_notebooks = False

    def plugins(self, plugins: list[Any]) -> list[Any]:
        """Ours, with snipexec's `notebooks` option off."""
        return with_snipexec_options(super().plugins(plugins), notebooks=False)

    def nav(self, nav: Any, pages: list[Page]) -> Any:
        """Ours, less the notebook pages."""
        return without_notebooks(nav)


class MarkdownExec(Tool):
    """markdown-exec: the code inlined in the page, run by the build process itself."""

    name = "markdown-exec"
    serve_arguments = ()
    makes_notebooks = False

    def plugins(self, plugins: list[Any]) -> list[Any]:
        """Ours without snipexec, plus markdown-exec."""
        return [*without(plugins, "snipexec"), "markdown-exec"]

    def nav(self, nav: Any, pages: list[Page]) -> Any:
        """Ours, less the notebooks that only snipexec writes."""
        return without_notebooks(nav)

    def write_pages(self, project: Path, pages: list[Page]) -> None:
        """Replace each `snippet` block by an executed block holding the file's code."""
        for page in pages:
            markdown = page.markdown
            for number, ref in reversed(list(enumerate(page.refs))):
                code = (project / ref.path).read_text(encoding="utf-8")
                info = f'python exec="on" source="above" result="text" title="{ref.path}"'
                block = fence(info, code)
                if number == 0:
                    block = fence('python exec="on"', self.setup_code(page)) + "\n" + block
                markdown = replace_lines(markdown, ref.line, ref.end, block, ref.indent)
            write_if_changed(project / "docs" / page.src, markdown)

    @staticmethod
    def setup_code(page: Page) -> str:
        """Put the page's snippet folders on `sys.path` (markdown-exec names the root)."""
        return (
            "import os, sys\n"
            'sys.path[:0] = [os.path.join(os.environ["MKDOCS_CONFIG_DIR"], folder)'
            f" for folder in {page.folders()!r}]\n"
        )


class Jupyter(Tool):
    """mkdocs-jupyter: one executed notebook per page, its results cached between builds."""

    name = "mkdocs-jupyter"
    makes_notebooks = False

    def plugins(self, plugins: list[Any]) -> list[Any]:
        """Ours without snipexec, with mkdocs-jupyter executing notebooks."""
        options = next((entry[self.name] for entry in plugins if name_of(entry) == self.name), {})
        return [*without(plugins, "snipexec", self.name), {self.name: {**options, "execute": True}}]

    def nav(self, nav: Any, pages: list[Page]) -> Any:
        """Ours, with each page that runs snippets pointing at its notebook instead of ours."""
        return renamed(without_notebooks(nav), {page.src: notebook_src(page) for page in pages})

    def write_pages(self, project: Path, pages: list[Page]) -> None:
        """Replace each page by a notebook: prose cells, a setup cell, a cell per snippet."""
        for page in pages:
            (project / "docs" / page.src).unlink(missing_ok=True)
            text = nbformat.writes(self.notebook(project, page))
            write_if_changed(project / "docs" / notebook_src(page), text)

    def notebook(self, project: Path, page: Page) -> nbformat.NotebookNode:
        """The notebook of `page`, with fixed cell ids so that equal pages give equal files."""
        lines = page.markdown.splitlines(keepends=True)
        cells, start = [], 0
        for ref in page.refs:
            cells.append(v4.new_markdown_cell("".join(lines[start : ref.line - 1]).strip()))
            if start == 0:
                cells.append(v4.new_code_cell(self.setup_code(page)))
            code = (project / ref.path).read_text(encoding="utf-8")
            cells.append(v4.new_code_cell(code.rstrip("\n")))
            start = ref.end
        cells.append(v4.new_markdown_cell("".join(lines[start:]).strip()))
        kept = [cell for cell in cells if cell.source]
        for number, cell in enumerate(kept):
            cell.id = f"cell-{number}"
        kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
        notebook = v4.new_notebook(cells=kept, metadata={"kernelspec": kernel})
        nbformat.validate(notebook)
        return notebook

    @staticmethod
    def setup_code(page: Page) -> str:
        """Put the page's snippet folders on `sys.path` (the kernel starts in the page's folder)."""
        up = posixpath.relpath(".", posixpath.join("docs", posixpath.dirname(page.src)))
        folders = [posixpath.join(up, folder) for folder in page.folders()]
        return f"import os, sys\n\nsys.path[:0] = [os.path.abspath(f) for f in {folders!r}]"


class Gallery(Tool):
    """mkdocs-gallery: each page's snippets as the examples of one sub-gallery.

    The snippets' folders are copied under `gallery/<page>/` (the examples run from there,
    their folder on `sys.path`); the referenced snippets run, each with a title prepended
    (a docstring holding its path); the other files are only there to be imported. A
    snippet that fails is a warning, as in our build a snippet expected to fail is none.
    """

    name = "mkdocs-gallery"
    makes_notebooks = False
    caches = (".cache", "docs/generated")  # the examples' outputs and md5 sums
    source = "gallery"
    target = "docs/generated"

    def plugins(self, plugins: list[Any]) -> list[Any]:
        """Ours without snipexec and mkdocs-jupyter (the gallery writes notebooks of its own)."""
        return [*without(plugins, "snipexec", "mkdocs-jupyter"), {"gallery": self.options}]

    def nav(self, nav: Any, pages: list[Page]) -> Any:
        """Ours, less the notebooks and the pages the galleries stand for, plus the gallery."""
        srcs = {page.src for page in pages}
        kept = without_notebooks(renamed(nav, {src: None for src in srcs}))
        return [*kept, {"Gallery": "generated/index.md"}]

    def setup(self, project: Path, pages: list[Page]) -> Path:
        """Our project with a gallery of the pages' snippets."""
        runs = sorted({example(page, ref.path) for page in pages for ref in page.refs})
        self.options = {
            "examples_dirs": [self.source],
            "gallery_dirs": [self.target],
            "filename_pattern": "|".join(f"{re.escape(path)}$" for path in runs),
            "ignore_pattern": r"__init__\.py|_probe\.py",
            "only_warn_on_example_error": True,
        }
        (project / self.source).mkdir(parents=True)
        (project / self.source / "README.md").write_text("# Gallery\n", encoding="utf-8")
        return super().setup(project, pages)

    def write_pages(self, project: Path, pages: list[Page]) -> None:
        """Copy each page's snippet folders into its sub-gallery, titling its snippets."""
        for page in pages:
            folder = project / self.source
            (folder / gallery_folder(page)).mkdir(exist_ok=True)
            write_if_changed(folder / gallery_folder(page) / "README.md", f"# {page.src}\n")
            shown = {ref.path for ref in page.refs}
            for source in page.folders():
                for path in sorted((project / source).glob("*.py")):
                    snippet = path.relative_to(project).as_posix()
                    code = path.read_text(encoding="utf-8")
                    if snippet in shown:
                        code = f'"""\n# {snippet}\n"""\n\n{code}'
                    write_if_changed(folder / example(page, snippet), code)

    def html(self, page: Page) -> list[str]:
        """The example pages standing for `page`, in its order."""
        stems = (posixpath.splitext(example(page, ref.path))[0] for ref in page.refs)
        return [f"generated/{stem}/index.html" for stem in stems]


def with_snipexec_options(plugins: list[Any], **options: Any) -> list[Any]:
    """`plugins` with `options` added to snipexec's."""
    ours = next(entry for entry in plugins if name_of(entry) == "snipexec")
    before = {} if isinstance(ours, str) else dict(ours["snipexec"] or {})
    return [{"snipexec": {**before, **options}} if entry is ours else entry for entry in plugins]


def one_variant(fence: re.Match[str]) -> str:
    """A snippet block's opening line run under the first variant only."""
    return " ".join([fence["start"], *filter(for_first_variant, fence["options"].split())])


def for_first_variant(option: str) -> bool:
    """Whether a block option holds under the first variant alone: no `variants=`, and
    no expected failure of another variant."""
    if option.startswith("variants="):
        return False
    if option.startswith("raises=") and ":" in option:
        return option.startswith(f"raises={FIRST_VARIANT}:")
    return True


def gallery_folder(page: Page) -> str:
    """The sub-gallery of `page`: its path without the suffix, `/` as `_`."""
    return posixpath.splitext(page.src)[0].replace("/", "_")


def example(page: Page, snippet: str) -> str:
    """Where `snippet` goes in the gallery: in `page`'s sub-gallery, by its file name."""
    return f"{gallery_folder(page)}/{posixpath.basename(snippet)}"


def name_of(plugin: Any) -> str:
    """The name of an entry of `plugins` in mkdocs.yml (a string or a one-key mapping)."""
    return plugin if isinstance(plugin, str) else next(iter(plugin))


def without(plugins: list[Any], *names: str) -> list[Any]:
    """`plugins` less the entries called `names`."""
    return [entry for entry in plugins if name_of(entry) not in names]


def renamed(nav: Any, names: dict[str, str]) -> Any:
    """`nav` with every page path that is a key of `names` replaced by its value."""
    if isinstance(nav, list):
        return [renamed(item, names) for item in nav]
    if isinstance(nav, dict):
        return {key: renamed(value, names) for key, value in nav.items()}
    return names.get(nav, nav) if isinstance(nav, str) else nav


def without_notebooks(nav: Any) -> Any:
    """`nav` less its entries for notebooks, and less the sections they leave empty."""
    if isinstance(nav, list):
        kept = [without_notebooks(item) for item in nav]
        return [item for item in kept if item not in (None, [], {})]
    if isinstance(nav, dict):
        kept = {key: without_notebooks(value) for key, value in nav.items()}
        return {key: value for key, value in kept.items() if value not in (None, [], {})}
    return None if isinstance(nav, str) and nav.endswith(".ipynb") else nav


def notebook_src(page: Page) -> str:
    """The notebook that stands for `page`."""
    return posixpath.splitext(page.src)[0] + ".ipynb"


def write_if_changed(path: Path, text: str) -> None:
    """Write `text` to `path` unless it already holds exactly that."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def environ(**extra: str) -> dict[str, str]:
    """This environment without our execution switch, plus `extra`."""
    base = {key: value for key, value in os.environ.items() if key != "SNIPEXEC_EXECUTE"}
    return {**base, **QUIET, **extra}


def build(tool: Tool, project: Path, pages: list[Page], **env: str) -> Build:
    """Build `project` once in a fresh process; time it and keep the pages' HTML."""
    command = [sys.executable, "-m", "mkdocs", "build"]
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        cwd=project,
        env=environ(**env),
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(completed.stdout.splitlines()[-1]) if completed.stdout else {}
    if report.get("returncode") != 0:
        sys.exit(f"build failed in {project}:\n{completed.stderr[-5000:]}")
    site = project / "site"
    return Build(
        seconds=report["seconds"],
        peak_mb=report["peak_kib"] / 1024,
        run_seconds=sum(float(seconds) for seconds in RUN_SECONDS.findall(completed.stderr)),
        pages={
            page.src: "".join(read_or_empty(site / path) for path in tool.html(page))
            for page in pages
        },
    )


def read_or_empty(path: Path) -> str:
    """The text of `path`, or nothing if the build did not write it."""
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def measure(tool: Tool, project: Path, pages: list[Page], edited: str, round_: int) -> list[Build]:
    """One cold, one warm and one one-edit build of `project`."""
    for cache in tool.caches:
        shutil.rmtree(project / cache, ignore_errors=True)
    cold = build(tool, project, pages)
    warm = build(tool, project, pages)
    tool.edit(project, pages, edited, f"# edit {round_}\n")
    return [cold, warm, build(tool, project, pages)]


def expectations(ours: Build, pages: list[Page]) -> dict[str, list[Expectation]]:
    """For each page, what each snippet shows on it, read from our build's HTML."""
    found = {}
    for page in pages:
        shown = our_snippets(ours.pages[page.src])
        if [item.path for item in shown] != [ref.path for ref in page.refs]:
            sys.exit(f"{page.src}: our page does not show its snippets in order")
        prose = normal(page.markdown)
        found[page.src] = [
            Expectation(item.path, checked_lines(item, ref, prose), item.figures)
            for item, ref in zip(shown, page.refs, strict=True)
        ]
    return found


def our_snippets(page_html: str) -> list[Shown]:
    """The snippets on one of our pages, in order, as the first variant shows them."""
    shown: list[Shown] = []
    for match in OUR_PART.finditer(page_html):
        part, title, body, figure, versions = match.groups()
        if part == "code":
            shown.append(Shown(html.unescape(title), text_of(body)))
        elif not shown or shown[-1].complete:
            continue  # not a snippet's part (a page's footer), or another variant's
        elif part == "output":
            shown[-1].output = text_of(body)
        elif part == "stderr":
            shown[-1].error = text_of(body)
        elif figure:
            shown[-1].figures += 1
        elif versions:
            shown[-1].complete = True
    return shown


def checked_lines(shown: Shown, ref: SnippetRef, prose: str) -> frozenset[str]:
    """The output lines worth looking for: stable, and not already in the code or the prose.

    For a snippet expected to raise, the last line of its traceback counts too.
    """
    printed = shown.output.splitlines()
    if ref.raises and shown.error.strip():
        printed.append(shown.error.strip().splitlines()[-1])
    in_code = {normal(line) for line in shown.code.splitlines()}
    lines = {normal(line) for line in printed if not UNSTABLE.search(line)}
    return frozenset(line for line in lines if line and line not in in_code and line not in prose)


def text_of(fragment: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded."""
    return html.unescape(TAG.sub("", fragment))


def normal(text: str) -> str:
    """`text` without box-drawing characters, with each run of whitespace as one space."""
    return BOX_AND_SPACE.sub(" ", text).strip()


def shown_lines(page_html: str) -> set[str]:
    """The lines of every `<pre>` block of a page, as text, normalised."""
    lines = set()
    for block in PRE.findall(page_html):
        lines.update(normal(line) for line in text_of(block).splitlines())
    return lines


def mismatches(build: Build, expected: dict[str, list[Expectation]]) -> list[str]:
    """One line per snippet whose output the built page does not show as ours does."""
    problems = []
    for src, wanted in expected.items():
        page_html = build.pages[src]
        shown = shown_lines(page_html)
        images = len(IMAGE.findall(page_html))
        figures = sum(item.figures for item in wanted)
        for item in wanted:
            missing = sorted(item.lines - shown)
            if missing:
                problems.append(f"{item.path}: {len(missing)} line(s) missing, e.g. {missing[0]!r}")
            elif item.figures and images < figures:
                problems.append(f"{item.path}: {images} image(s) on the page, ours has {figures}")
    return problems


def matching(build: Build, expected: dict[str, list[Expectation]]) -> str:
    """ "N/M": of the M snippets with lines or figures to compare, N show what ours show."""
    total = sum(1 for wanted in expected.values() for item in wanted if item.lines or item.figures)
    return f"{total - len(mismatches(build, expected))}/{total}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    """The body of `url` (on 127.0.0.1; proxies are bypassed), or nothing on any error."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return ""


def wait_for(
    url: str, ready: Callable[[str], bool], server: subprocess.Popen, limit: float
) -> None:
    """Poll `url` until `ready` accepts its body; fail if the server stops or time runs out."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"mkdocs serve exited with code {server.returncode}")
        if ready(fetch(url)):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{url} not ready after {limit:g} s")


def stop(server: subprocess.Popen) -> None:
    """Stop `server` as Ctrl-C would, killing it if it does not exit within 30 s."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def page_url(project: Path, port: int, page: Page) -> str:
    """The address `mkdocs serve` gives `page`, under the path of `site_url`."""
    config = yaml_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    base = urllib.parse.urlsplit(config.get("site_url") or "/").path.strip("/")
    path = posixpath.dirname(page.html) + "/" if page.html.endswith("/index.html") else page.html
    return f"http://127.0.0.1:{port}/" + posixpath.join(base, path).lstrip("/")


@dataclass
class ServeEdit:
    """Seconds from saving an edit to the served page showing its output.

    Attributes:
        seconds: From writing the file to the page showing the marker's output.
        run_seconds: The snippet's own run time, from our log (`None` for markdown-exec).
        ran_before: Snippets our plugin had run in this server before the edit (0: the
            edit started our worker, and so imported TensorFlow).
        notebook_seconds: From writing the file to the page's notebook showing the
            marker's output (ours; `None` for markdown-exec, which makes no notebook).
        build_seconds: What the server's log says the rebuild that made the page took.
    """

    seconds: float
    run_seconds: float | None
    ran_before: int
    notebook_seconds: float | None
    build_seconds: float | None


def serve_edits(tool: Tool, project: Path, pages: list[Page], edited: str) -> list[ServeEdit]:
    """Serve `project`, edit `edited` twice and time how soon each edit is on the page."""
    page = next(page for page in pages if page.uses(edited))
    port = free_port()
    url = page_url(project, port, page)
    notebook = None
    if tool.makes_notebooks:
        notebook = page_url(project, port, Page(f"notebooks/{notebook_src(page)}", "", ()))
    log = project / "serve.log"
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
    command += tool.serve_arguments
    edits = []
    with log.open("w") as stream:
        server = subprocess.Popen(command, cwd=project, env=environ(), stdout=stream, stderr=stream)
    try:
        wait_for(url, bool, server, STARTUP_SECONDS)
        for number in (1, 2):
            wait_idle(log, server)
            marker = f"edit-marker-{number}"
            ran_before = snippets_run(log.read_text())
            start = time.perf_counter()
            tool.edit(project, pages, edited, f'print("{marker}")\n')
            wait_for(url, lambda text, m=marker: text.count(m) >= 2, server, EDIT_SECONDS)
            seconds = time.perf_counter() - start
            built = last_build_seconds(log.read_text())
            notebook_seconds = None
            if notebook is not None:
                wait_for(notebook, lambda text, m=marker: text.count(m) >= 2, server, EDIT_SECONDS)
                notebook_seconds = time.perf_counter() - start
            run_seconds = last_run_seconds(log.read_text(), edited)
            edits.append(ServeEdit(seconds, run_seconds, ran_before, notebook_seconds, built))
    finally:
        stop(server)
    return edits


def wait_idle(log: Path, server: subprocess.Popen) -> None:
    """Wait until every rebuild the server started has ended and none started since."""
    deadline = time.perf_counter() + EDIT_SECONDS
    seen, since = "", time.perf_counter()
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"mkdocs serve exited with code {server.returncode}")
        text = log.read_text()
        if text != seen:
            seen, since = text, time.perf_counter()
        started = text.count("Detected file changes")
        ended = text.count("Reloading browsers") + text.count("An error happened during")
        if started == ended and time.perf_counter() - since >= IDLE_SECONDS:
            return
        time.sleep(0.1)
    raise TimeoutError(f"mkdocs serve still rebuilding after {EDIT_SECONDS:g} s")


def last_build_seconds(log: str) -> float | None:
    """The duration of the last build `log` reports."""
    builds = re.findall(r"Documentation built in ([\d.]+) seconds", log)
    return float(builds[-1]) if builds else None


def snippets_run(log: str) -> int:
    """How many snippet runs our plugin's build summaries in `log` report."""
    return sum(int(n) for n in re.findall(r"(\d+) run\(s\) of snippets in", log))


def last_run_seconds(log: str, snippet: str) -> float | None:
    """The run time of `snippet` in the last `snipexec: ran` line about it, if any."""
    runs = re.findall(rf"ran {re.escape(snippet)} under \S+ in ([\d.]+) s", log)
    return float(runs[-1]) if runs else None


def build_rows(
    builds: dict[str, dict[str, list[Build]]], counts: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """One row per build kind and tool: median seconds, ratio to ours, peak MB, matches."""
    rows = []
    for kind in KINDS:
        ours = statistics.median(b.seconds for b in builds["ours"][kind])
        for tool in TOOLS:
            runs = builds[tool][kind]
            median = statistics.median(b.seconds for b in runs)
            rows.append(
                {
                    "kind": kind,
                    "tool": tool,
                    "seconds": [b.seconds for b in runs],
                    "median": median,
                    "ratio": median / ours,
                    "peak_mb": max(b.peak_mb for b in runs),
                    "matching": counts[tool][kind],
                }
            )
    return rows


def build_table(rows: list[dict[str, Any]]) -> str:
    """The build rows as aligned text."""
    lines = [f"{'build':9} {'tool':18} {'median s':>9} {'vs ours':>8} {'peak MB':>8}  matching"]
    for row in rows:
        lines.append(
            f"{row['kind']:9} {row['tool']:18} {row['median']:9.2f} {row['ratio']:8.2f}"
            f" {row['peak_mb']:8.0f}  {row['matching']}"
        )
    return "\n".join(lines)


def limit(kind: str, tool: str) -> float:
    """The most `ours / tool` may be for a `kind` of build (cold: against the fastest peer)."""
    if kind == "cold":
        return 0.9
    if kind == "one-edit":
        return 0.5
    return 1 / 3 if tool == "markdown-exec" else 1.0


def build_targets(rows: list[dict[str, Any]]) -> list[tuple[str, float, float]]:
    """The build targets: each as a description, the measured ratio and its limit."""
    median = {(row["kind"], row["tool"]): row["median"] for row in rows}
    fastest = min(PEERS, key=lambda tool: median["cold", tool])
    ratio = median["cold", "ours"] / median["cold", fastest]
    most = limit("cold", fastest)
    targets = [(f"cold: ours / fastest peer <= {most:.2f}", ratio, most)]
    for kind in ("one-edit", "warm"):
        for tool in PEERS:
            ratio = median[kind, "ours"] / median[kind, tool]
            most = limit(kind, tool)
            targets.append((f"{kind}: ours / {tool} <= {most:.2f}", ratio, most))
    return targets


def serve_targets(serve: dict[str, list[ServeEdit]]) -> list[tuple[str, float, float]]:
    """`mkdocs serve`, the next edit (the worker running): ours against markdown-exec."""
    ratio = serve["ours"][-1].seconds / serve["markdown-exec"][-1].seconds
    return [(f"serve, next edit: ours / markdown-exec <= {SERVE_LIMIT}", ratio, SERVE_LIMIT)]


def floor_table(results: Results, rows: list[dict[str, Any]]) -> str:
    """Why a build target is missed: ours against its floor, and what the target asks.

    The floors, measured in this run as `nox -s bench` defines them: a cold or one-edit
    build cannot take less than one framework import (a fresh interpreter importing the
    variant's preloads), its runs over the workers, and the render (our build with
    execution off); a warm build, less than the render. When a target asks for less
    than the floor, no engine can meet it on these pages without rendering less.

    Under `mkdocs serve`, the next edit cannot be on the page sooner than MkDocs' server
    notices the save (`WATCH_DELAY` on average) plus the edited snippet's run.
    """
    median = {(row["kind"], row["tool"]): row["median"] for row in rows}
    lines = [
        f"framework import {results.imports:.2f} s, render {results.render:.2f} s,"
        f" {WORKERS} workers",
        f"{'build':9} {'ours s':>7} {'floor s':>8} {'ours/floor':>11} {'target asks s':>14}",
    ]
    for kind in KINDS:
        runs = statistics.median(b.run_seconds for b in results.builds["ours"][kind])
        floor = results.render + (results.imports + runs / WORKERS if runs else 0.0)
        asked = min(limit(kind, tool) * median[kind, tool] for tool in PEERS)
        ours = median[kind, "ours"]
        lines.append(f"{kind:9} {ours:7.2f} {floor:8.2f} {ours / floor:11.2f} {asked:14.2f}")
    edit = results.serve["ours"][-1]
    floor = WATCH_DELAY + (edit.run_seconds or 0.0)
    asked = SERVE_LIMIT * results.serve["markdown-exec"][-1].seconds
    lines.append(
        f"{'serve':9} {edit.seconds:7.2f} {floor:8.2f} {edit.seconds / floor:11.2f} {asked:14.2f}"
        f"  (watch {WATCH_DELAY:.2f} s + run {edit.run_seconds} s;"
        f" the server's rebuild took {edit.build_seconds} s)"
    )
    return "\n".join(lines)


def target_table(targets: Iterable[tuple[str, float, float]]) -> str:
    """The targets as aligned text: met, or by how much not."""
    lines = [f"{'target':50} {'ratio':>7}  met"]
    for text, ratio, limit in targets:
        verdict = "met" if ratio <= limit else f"not met, by {ratio / limit - 1:.0%}"
        lines.append(f"{text:50} {ratio:7.2f}  {verdict}")
    return "\n".join(lines)


@dataclass
class Results:
    """Everything measured: builds, expected outputs, render time and serve edits."""

    edited: str
    builds: dict[str, dict[str, list[Build]]]
    expected: dict[str, list[Expectation]]
    render: float
    imports: float  # a fresh interpreter importing the first variant's preloads
    serve: dict[str, list[ServeEdit]]
    profile: str


def run_all(pages: list[Page], edited: str, repeat: int) -> Results:
    """Set up one project per tool in a temporary folder and measure everything there."""
    tools = {
        tool.name: tool
        for tool in (Tool(), OursWithoutNotebooks(), MarkdownExec(), Jupyter(), Gallery())
    }
    with tempfile.TemporaryDirectory(prefix="snipexec-peers-") as scratch:
        projects = {name: tool.setup(Path(scratch, name), pages) for name, tool in tools.items()}
        builds: dict[str, dict[str, list[Build]]] = {name: {k: [] for k in KINDS} for name in TOOLS}
        for round_ in range(repeat):
            for name in TOOLS:
                runs = measure(tools[name], projects[name], pages, edited, round_)
                for kind, run in zip(KINDS, runs, strict=True):
                    builds[name][kind].append(run)
        render = statistics.median(render_only(projects["ours"], pages) for _ in range(repeat))
        imports = import_seconds(VARIANTS[FIRST_VARIANT], repeat)
        profile = warm_profile(projects["ours"])
        serve = {
            name: serve_edits(tools[name], projects[name], pages, edited)
            for name in ("ours", "markdown-exec")
        }
    expected = expectations(builds["ours"]["cold"][-1], pages)
    return Results(edited, builds, expected, render, imports, serve, profile)


def render_only(project: Path, pages: list[Page]) -> float:
    """Seconds of a build of ours that runs nothing and renders every page (kept renders
    removed)."""
    shutil.rmtree(project / KEPT_RENDERS, ignore_errors=True)
    return build(Tool(), project, pages, SNIPEXEC_EXECUTE="off").seconds


def warm_profile(project: Path, top: int = 15) -> str:
    """The `top` functions by cumulative time in a profiled warm build of `project`.

    Left out: the frames every build has around its work (the interpreter's start, the
    command line, the import machinery), which would fill the list and say nothing.
    """
    stats = project / "warm.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "mkdocs", "build", "-q"]
    subprocess.run(command, cwd=project, env=environ(), check=True, capture_output=True)
    text = io.StringIO()
    report = pstats.Stats(str(stats), stream=text).sort_stats("cumulative")
    report.print_stats(AROUND_THE_WORK, top)
    return text.getvalue().strip()


def serve_table(serve: dict[str, list[ServeEdit]]) -> str:
    """The serve edits as aligned text, with our snippet's run times and notebooks."""
    lines = [
        f"{'mkdocs serve, save to page':27} {'first s':>8} {'next s':>8} {'its rebuild s':>14}"
        "  notes"
    ]
    for name, edits in serve.items():
        notes = ""
        if name == "ours":
            runs = " and ".join(f"{edit.run_seconds} s" for edit in edits)
            started = "started" if edits[0].ran_before == 0 else "found running"
            notebooks = " and ".join(f"{edit.notebook_seconds:.2f} s" for edit in edits)
            notes = (
                f"snippet ran in {runs}; the first edit {started} the worker;"
                f" the notebook showed it after {notebooks}"
            )
        built = edits[1].build_seconds or 0.0
        lines.append(
            f"{name:27} {edits[0].seconds:8.2f} {edits[1].seconds:8.2f} {built:14.2f}  {notes}"
        )
    return "\n".join(lines)


def main() -> None:
    """Build with each tool, print the tables and the targets, optionally save JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind (median)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    options = parser.parse_args()

    pages = find_pages(ROOT / "docs")
    if not pages:
        sys.exit("no page under docs/ has a snippet block")
    refs = [ref.path for page in pages for ref in page.refs]
    edited = EDITED_SNIPPET if EDITED_SNIPPET in refs else refs[0]
    print(f"{len(refs)} snippet(s) on {len(pages)} page(s); the edited snippet: {edited}")
    print(", ".join(f"{name} {importlib.metadata.version(name)}" for name in PEERS))
    results = run_all(pages, edited, options.repeat)

    counts = {
        name: {kind: matching(results.builds[name][kind][-1], results.expected) for kind in KINDS}
        for name in TOOLS
    }
    rows = build_rows(results.builds, counts)
    targets = build_targets(rows) + serve_targets(results.serve)
    problems = {
        name: mismatches(results.builds[name]["cold"][-1], results.expected) for name in TOOLS
    }
    print(f"\n{build_table(rows)}")
    print(f"\nexecution off, every page rendered (ours): {results.render:.2f} s")
    print(serve_table(results.serve))
    print(f"\n{target_table(targets)}\n")
    print(f"Ours against its floor:\n{floor_table(results, rows)}\n")
    print(f"A warm build of ours, profiled:\n{results.profile}\n")
    for name in TOOLS:
        for problem in problems[name]:
            print(f"{name} (cold) differs: {problem}")
    if options.json:
        report = {
            "edited": edited,
            "builds": rows,
            "render_seconds": results.render,
            "import_seconds": results.imports,
            "serve": {name: [vars(e) for e in edits] for name, edits in results.serve.items()},
            "targets": [{"target": t, "ratio": r, "limit": lim} for t, r, lim in targets],
            "differences": problems,
            "profile": results.profile,
        }
        options.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
