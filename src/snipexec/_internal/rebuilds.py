"""Under `mkdocs serve --dirty`: render again only the pages a save changed.

MkDocs' dirty build renders a page only when its file is newer than its HTML, so on
its own it misses a page whose snippet changed and renders nothing else when the
config or the nav changed. Here each page has a key of what it is made of (its
Markdown and the cache keys of its runs); a rebuild marks a page stale (its HTML older
than its source) when its key changed, and every page when the site around them
changed: the config, the hooks, the project's templates, the set of pages, or the
heading of a page the nav names by it. A page whose blocks failed is rendered
again each time, and so is a page that documents code (mkdocstrings' `:::`) when a
file of that code changed.

What a skipped page contributed to the build is carried over from its last render:
its title (for the other pages' nav), its entries in the search index (Material's; with
another search plugin every page is rendered), the cross-reference targets it gave
mkdocs-autorefs (the reference page's, which other pages link to), and its notebook's
entry in mkdocs-jupyter's cache (which drops entries no page asked for).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.utils import get_markdown_title

from .cross_references import Anchor, anchors_by_page, autorefs_plugin, register, unreadable

log = get_plugin_logger("snipexec")

# MkDocs warns at every dirty build that its nav may be inaccurate, which a strict
# build counts as a failure; these rebuilds keep it accurate.
DIRTY_WARNING = "A 'dirty' build is being performed"
CODE_DOCUMENTATION = re.compile(r"^:::", re.MULTILINE)
SEARCH_PLUGINS = ("material/search", "search")


class PartialRebuilds:
    """Which pages each rebuild of `mkdocs serve --dirty` renders, and what the rest keep."""

    def __init__(self) -> None:
        """Off until `start` finds a dirty server: every build then renders every page."""
        self.active = False
        self._site = ""  # the key of everything around the pages, at the last build
        self._code = ""  # the state of the code the site documents, at the last build
        self._pages: dict[str, str] = {}  # page -> the key it was last rendered with
        self._titles: dict[str, str] = {}  # page -> its title at the last build
        self._search: dict[str, list[dict[str, Any]]] = {}  # page URL -> its search entries
        self._anchors: dict[str, list[Anchor]] = {}  # page URL -> its cross-reference targets
        self._saved_meanwhile: set[str] = set()  # skipped pages saved during the last build
        self._failed: set[str] = set()  # pages that showed a failure in the last build
        self._runs: dict[str, list[str]] = {}  # page -> the cache keys of its runs, this build
        self._pending: tuple[str, str, dict[str, str]] = ("", "", {})  # kept once it succeeds
        self.skipped: set[str] = set()  # pages this build does not render
        self.notebooks_watched = False  # the server renders a notebook when it changes

    def start(self, *, command: str, dirty: bool) -> None:
        """Take part when MkDocs serves with `--dirty`."""
        self.active = command == "serve" and dirty
        if self.active:
            logging.getLogger("mkdocs.commands.build").addFilter(_without_dirty_warning)

    def mark(
        self,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation,
        made_of: Mapping[str, tuple[str, list[str]]],
        watched: Iterable[Path],
    ) -> None:
        """Mark stale each page this build must render; note the others in `skipped`.

        `made_of` gives, for each page that runs snippets, its Markdown and the cache
        keys of the runs it shows; `watched` holds the folders the server watches, where
        the code a page documents is, unless mkdocstrings' handlers name its `paths`.
        """
        self.skipped = set()
        if not self.active:
            return
        pages = files.documentation_pages()
        site = _site_key(config, pages)
        code_state = _state_of(_documented_code(config) or watched)
        titled_by_heading = {id(page) for page in nav.pages if page.title is None}
        everything = (
            site != self._site
            or _search_elsewhere(config)
            or unreadable(config)
            or any(self._renamed(file) for file in pages if id(file.page) in titled_by_heading)
        )
        keys = {uri: digest([markdown, *runs]) for uri, (markdown, runs) in made_of.items()}
        self._runs = {uri: runs for uri, (_, runs) in made_of.items()}
        stale = 0
        for file in pages:
            uri = file.src_uri
            if (
                everything
                or uri in self._failed
                or uri in self._saved_meanwhile
                or (uri in keys and keys[uri] != self._pages.get(uri))
                or (code_state != self._code and _documents_code(file))
            ):
                _make_stale(file)
            if file.is_modified():
                stale += 1
            else:
                self.skipped.add(uri)
        self._pending = (site, code_state, keys)
        log.info(
            "rendering %d of %d pages again%s",
            stale,
            len(pages),
            " (the site around them changed)" if everything else "",
        )

    def _renamed(self, file: File) -> bool:
        """Whether the page, named in the nav by its heading, was saved with another one."""
        if not file.is_modified():
            return False
        return get_markdown_title(file.content_string) != self._titles.get(file.src_uri)

    def restore(self, config: MkDocsConfig, files: Files) -> None:
        """Give the skipped pages what their last render gave the build; keep the titles."""
        search = search_plugin(config)
        if search is not None and self.active:
            search.search_index_prev = None  # its own merge keeps one page's entries only
        skipped = [
            file.page
            for file in files.documentation_pages()
            if file.src_uri in self.skipped and file.page is not None
        ]
        for page in skipped:
            if page.title is None and page.file.src_uri in self._titles:
                page.title = self._titles[page.file.src_uri]
        for file in files.documentation_pages():
            if file.page is not None and file.page.title is not None:
                self._titles[file.src_uri] = file.page.title
        if search is not None:
            for page in skipped:
                search.search_index.entries.extend(self._search.get(page.url, []))
        autorefs = autorefs_plugin(config)
        if autorefs is not None:
            for page in skipped:
                register(autorefs, page, self._anchors.get(page.url, []))
        # MkDocs asks again whether a page changed before writing it: one saved since it
        # was skipped would be written without content. It waits for the next build.
        self._saved_meanwhile = set()
        for page in skipped:
            if page.file.is_modified():
                os.utime(page.file.abs_dest_path)
                self._saved_meanwhile.add(page.file.src_uri)
        jupyter = config.plugins.get("mkdocs-jupyter")
        for page in skipped:
            if jupyter is not None and jupyter.should_include(page.file):
                jupyter.on_pre_page(page, config=config, files=files)  # keeps its cache entry

    def kept_runs(self) -> set[str]:
        """The cache keys of the runs the skipped pages show: still in use."""
        return {key for uri in self.skipped for key in self._runs.get(uri, [])}

    def remember(self, config: MkDocsConfig, shown: set[str]) -> None:
        """Keep what this build's pages were made of, and their search entries, for the next.

        `shown` holds the keys of the runs this build showed: a page that ran a snippet
        not among them showed a failure instead, and the next build renders it again.
        """
        if not self.active:
            return
        self._site, self._code, keys = self._pending
        self._pages.update(keys)
        self._failed = {
            uri
            for uri, runs in self._runs.items()
            if uri not in self.skipped and not shown.issuperset(runs)
        }
        search = search_plugin(config)
        if search is not None:
            entries: dict[str, list[dict[str, Any]]] = {}
            for entry in search.search_index.entries:
                entries.setdefault(entry["location"].partition("#")[0], []).append(entry)
            self._search = entries
        autorefs = autorefs_plugin(config)
        if autorefs is not None:
            self._anchors = anchors_by_page(autorefs)


def _without_dirty_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith(DIRTY_WARNING)


def _make_stale(file: File) -> None:
    """Make MkDocs' dirty build render `file` again: its HTML older than its source."""
    with contextlib.suppress(FileNotFoundError):  # never written: MkDocs renders it anyway
        os.utime(file.abs_dest_path, ns=(0, 0))


def _site_key(config: MkDocsConfig, pages: Iterable[File]) -> str:
    """What every page's layout depends on: the config, hooks, templates and the pages."""
    parts = [Path(config.config_file_path or "mkdocs.yml").read_bytes().decode(errors="replace")]
    parts += sorted(file.src_uri for file in pages)
    hooks = [Path(module.__file__ or "") for module in config.hooks.values()]
    root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    templates = [Path(folder) for folder in config.theme.dirs if Path(folder).is_relative_to(root)]
    parts.append(_state_of([*hooks, *templates]))
    parts.append(os.environ.get("SNIPEXEC_EXECUTE", ""))
    return digest(parts)


def _state_of(paths: Iterable[Path]) -> str:
    """A key of the files at or under `paths`: their names, sizes and modification times."""
    entries = []
    for path in paths:
        for file in [path] if path.is_file() else sorted(path.rglob("*")):
            if file.is_file():
                stat = file.stat()
                entries.append(f"{file}:{stat.st_size}:{stat.st_mtime_ns}")
    return digest(entries)


def _documented_code(config: MkDocsConfig) -> list[Path]:
    """The folders mkdocstrings' handlers read the documented code from (their `paths`)."""
    plugin = config.plugins.get("mkdocstrings")
    handlers = plugin.config.get("handlers") or {} if plugin is not None else {}
    root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    return [root / path for options in handlers.values() for path in options.get("paths", [])]


def _documents_code(file: File) -> bool:
    """Whether the page renders code documentation (mkdocstrings' `:::` blocks)."""
    markdown = file.src_uri.endswith(".md")
    return markdown and bool(CODE_DOCUMENTATION.search(file.content_string))


def _search_elsewhere(config: MkDocsConfig) -> bool:
    """Whether a search plugin keeps its index where `restore` cannot carry pages over."""
    configured = any(config.plugins.get(name) is not None for name in SEARCH_PLUGINS)
    return configured and search_plugin(config) is None


def search_plugin(config: MkDocsConfig) -> Any:
    """The search plugin, if it keeps its entries where they can be read and added to."""
    for name in SEARCH_PLUGINS:
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(getattr(plugin, "search_index", None), "entries"):
            return plugin
    return None


def digest(parts: Iterable[str]) -> str:
    """A key of `parts`, in order."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode() + b"\0")
    return hashed.hexdigest()
