"""The site's notebook pages: one per page that runs snippets, under a "Notebooks" section."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import posixpath
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from pathspec.gitignore import GitIgnoreSpec

from .bundles import Bundle
from .directives import SnippetRef
from .keys import Snapshot
from .notebooks import (
    NotebookSnippet,
    PageText,
    build_notebook,
    made_from,
    plain_markdown,
    split_prose,
    write_notebook,
)
from .render import notebook_page_html, provenance
from .results import RunResult
from .variants import Variant, engine_fingerprint

# The modules that shape a notebook: a change to one makes every notebook again.
NOTEBOOK_MAKERS = engine_fingerprint(
    Path(__file__).with_name(f"{name}.py")
    for name in ("notebook_pages", "notebooks", "bundles", "imports", "profile", "render")
)


@dataclass(frozen=True)
class Block:
    """One snippet block of a page, as the page's notebook shows it.

    Attributes:
        ref: The block.
        snapshot: The bytes of its snippet and the modules beside it, as this build read them.
        bundle: Its snippet folded with those modules.
        variant: The variant the page shows first.
        result: Its run (`None` if it never ran).
        runs_under: The variants it claims to run under.
    """

    ref: SnippetRef
    snapshot: Snapshot
    bundle: Bundle
    variant: Variant
    result: RunResult | None
    runs_under: tuple[str, ...]


class NotebookPages:
    """Writes each page's notebook, adds it to the site and lists it under "Notebooks"."""

    def __init__(self, root: Path, folder: Path):
        """Notebooks of the project at `root`, written under `folder`."""
        self.root, self.folder = root, folder
        self.sources: dict[str, File] = {}  # notebook path -> the page it is made from
        self.figure_alts: dict[str, list[str]] = {}  # notebook path -> its figures' alt text
        self.site_url = "/"  # where the notebooks' links to the site point
        # Under a dirty server: notebooks to make once the build is visible (see `write`).
        self.later: dict[str, Callable[[], None]] | None = None
        self.ahead: dict[str, Future[None]] = {}  # notebook path -> its early render
        self._renderer: ThreadPoolExecutor | None = None

    def add(self, files: Files, config: MkDocsConfig, page: File) -> None:
        """Add the page's notebook to the site, out of the nav until `nav` places it.

        The notebook is written when the page's snippets have run (`write`); MkDocs
        reads it later, since the notebooks come last in `files`.
        """
        uri = notebook_uri(page)
        self.sources[uri] = page
        self.site_url = config.site_url or "/"
        files.append(File(uri, str(self.folder), config.site_dir, config.use_directory_urls))
        # mkdocs-jupyter wraps the File and hides its own `inclusion`: mark it by path.
        spec = GitIgnoreSpec.from_lines([f"/{uri}"])
        config.not_in_nav = spec if config.not_in_nav is None else config.not_in_nav + spec

    def write(
        self,
        page: Page,
        blocks: Sequence[Block],
        config: MkDocsConfig,
        environments: Mapping[str, tuple[str, str]],
    ) -> bool:
        """Write the page's notebook, unless it is still made of the same page and runs.

        `environments` maps each variant with an environment of its own to its label and
        the command that installs it, for the notebook's note on running elsewhere.

        Where `later` is set, a notebook to make is kept there until `flush`, after the
        build: its page is then served without waiting for it, and the server, watching
        the notebooks, renders it in a rebuild of its own.

        Returns whether the notebook was written now.
        """
        uri = notebook_uri(page.file)
        path = self.folder / uri
        source = _source(page, blocks, config, environments)
        alts = made_from(path, source)
        if alts is not None:
            self.figure_alts[uri] = alts
            return False

        def make() -> None:
            notebook = self._notebook(page, blocks, config, environments)
            self.figure_alts[uri] = write_notebook(notebook, path, source)

        if self.later is None or not path.is_file():  # a new notebook's page needs it now
            make()
            return True
        self.later[uri] = make
        return False

    def render_ahead(self, source: File, config: MkDocsConfig, files: Files) -> None:
        """Have mkdocs-jupyter render the notebook of `source` now, in a thread of its own.

        MkDocs renders the notebooks after every page; rendering each as soon as it is
        written uses the time the build spends waiting for the next pages' runs, and
        MkDocs then finds it in mkdocs-jupyter's cache.
        """
        jupyter = config.plugins.get("mkdocs-jupyter")
        file = files.get_file_from_path(notebook_uri(source))
        if jupyter is None or file is None or file.page is None:
            return
        notebook = file.page

        def render() -> None:
            jupyter.on_pre_page(notebook, config=config, files=files)
            notebook.render(config, files)

        if self._renderer is None:
            self._renderer = ThreadPoolExecutor(1, thread_name_prefix="snipexec-notebook")
        self.ahead[file.src_uri] = self._renderer.submit(render)

    def wait_for(self, page: Page) -> None:
        """Let the early render of a notebook finish before MkDocs renders its page.

        One that failed is left to MkDocs, which renders the notebook again and reports it.
        """
        early = self.ahead.pop(page.file.src_uri, None)
        if early is not None:
            with contextlib.suppress(Exception):
                early.result()

    def finish(self) -> None:
        """Wait for the early renders still going (a build that failed leaves some)."""
        for early in self.ahead.values():
            with contextlib.suppress(Exception):
                early.result()
        self.ahead = {}

    def flush(self) -> None:
        """Make the notebooks `write` kept for after the build, beside the server."""
        if self.later:
            pending, self.later = list(self.later.values()), {}
            threading.Thread(target=_make_all, args=(pending,), name="snipexec-notebooks").start()

    def _notebook(
        self,
        page: Page,
        blocks: Sequence[Block],
        config: MkDocsConfig,
        environments: Mapping[str, tuple[str, str]],
    ) -> nbformat.NotebookNode:
        """The page's notebook: its prose around its snippets and their stored outputs."""
        markdown = page.markdown or ""
        title = _title(markdown) or Path(page.file.src_uri).stem
        prose = split_prose(markdown, [(block.ref.line, block.ref.end) for block in blocks])
        prose[0] = _without_title(prose[0])
        prose = [plain_markdown(text, page.file.src_uri, self.site_url) for text in prose]
        snippets = [
            NotebookSnippet(
                Path(block.ref.path).name,
                block.bundle.code,
                block.bundle.helpers,
                block.result,
            )
            for block in blocks
        ]
        runs_under = {Path(block.ref.path).name: list(block.runs_under) for block in blocks}
        shown = [(block.variant, block.result) for block in blocks if block.result is not None]
        installs = {name: install for name, (_, install) in environments.items()}
        intro = provenance(shown, installs) or "Not run yet."
        profile = importlib.import_module(blocks[0].variant.profile)
        guidance = profile.notebook_guidance(runs_under, environments)
        return build_notebook(PageText(title, intro, guidance, prose), snippets)

    def nav(self, nav: Navigation, files: Files) -> Navigation:
        """List the notebooks under "Notebooks", after the last item holding their pages."""
        pages = [
            (files.get_file_from_path(uri), source)
            for uri, source in self.sources.items()
            if files.get_file_from_path(uri) is not None
        ]
        in_nav = [id(page) for page in nav.pages]
        pages.sort(key=lambda pair: _position(in_nav, pair[1].page))
        notebooks = []
        for file, source in pages:
            notebook = file.page
            if notebook is None or source.page is None or notebook in nav.pages:
                continue
            notebook.title = f"Notebook: {source.page.title or _title(source.content_string)}"
            notebook.edit_url = source.page.edit_url  # the notebook is made from that page
            notebooks.append(notebook)
        if not notebooks:
            return nav
        section = Section("Notebooks", notebooks)
        for notebook in notebooks:
            notebook.parent = section
        sources = {id(source.page) for _, source in pages}
        holders = [
            index
            for index, item in enumerate(nav.items)
            if any(id(page) in sources for page in _pages_of(item))
        ]
        items = list(nav.items)
        items.insert(holders[-1] + 1 if holders else len(items), section)
        ordered = [page for item in items for page in _pages_of(item)]
        for before, after in zip([None, *ordered], [*ordered, None], strict=False):
            if before is not None:
                before.next_page = after
            if after is not None:
                after.previous_page = before
        return Navigation(items, ordered)

    def tidy(self, html: str, page: Page) -> str:
        """A notebook's page as the site shows it (see `notebook_page_html`).

        Its question page is the better landing for a search, and links to it, so the
        notebook stays out of the search index. Other pages are returned as they are.
        """
        if page.file.src_uri not in self.sources:
            return html
        page.meta["search"] = {"exclude": True}
        alts = self.figure_alts.get(page.file.src_uri, [])
        return notebook_page_html(html, alts, self.site_url, page.url)


def _make_all(pending: list[Callable[[], None]]) -> None:
    for make in pending:
        make()


def notebook_uri(file: File) -> str:
    """Where a page's notebook goes: `notebooks/` plus the page's path, as `.ipynb`."""
    return posixpath.join("notebooks", posixpath.splitext(file.src_uri)[0] + ".ipynb")


def _source(
    page: Page,
    blocks: Sequence[Block],
    config: MkDocsConfig,
    environments: Mapping[str, tuple[str, str]],
) -> str:
    """A hash of everything a page's notebook is made of: while it holds, the notebook does."""
    parts = [NOTEBOOK_MAKERS, nbformat.__version__, page.file.src_uri, config.site_url or ""]
    parts += [page.markdown or "", json.dumps(environments, sort_keys=True)]
    for block in blocks:
        parts.append(block.snapshot.key(""))
        parts.append(f"{block.variant}:{','.join(block.runs_under)}")
        parts.append(json.dumps(block.result and block.result.to_json(), sort_keys=True))
    digest = hashlib.sha256()
    for part in parts:
        digest.update(f"{part}\0".encode())
    return digest.hexdigest()


def _title(markdown: str) -> str | None:
    """The plain text of the page's first level-1 heading, if it has one.

    Backticks go: mkdocs-jupyter's table of contents drops code from a heading's anchor
    while the heading itself keeps it, so a code span in a title breaks the link to it.
    """
    heading = re.search(r"^# +(.+?) *$", markdown, re.MULTILINE)
    return heading[1].replace("`", "") if heading else None


def _without_title(markdown: str) -> str:
    """`markdown` without its first level-1 heading (a notebook's first cell has it)."""
    return re.sub(r"^# +.+\n", "", markdown, count=1, flags=re.MULTILINE)


def _position(pages: list[int], page: Page | None) -> int:
    """Where `page` (by identity) is among `pages`; after them all if it is not."""
    return pages.index(id(page)) if id(page) in pages else len(pages)


def _pages_of(item: Any) -> list[Page]:
    """The pages of a nav item, in order (a section's, recursively)."""
    if isinstance(item, Section):
        return [page for child in item.children for page in _pages_of(child)]
    return [item] if isinstance(item, Page) else []
