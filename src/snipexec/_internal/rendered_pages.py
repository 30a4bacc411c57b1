"""Each Markdown page's render, and its search entries, kept between builds.

MkDocs converts every page's Markdown again at every build, and Material's search parses
every page's HTML again: most of a build that runs nothing. Here a page's render is
stored under a key of all it is made of: its final Markdown (snippets and values
placed), its place in the site, the Markdown set-up (the extensions and their settings,
as configured and as plugins added them), the config file, the hooks, the site's files
and the installed packages. A build that finds the key gets back what the render gave
the page: its HTML, table of contents, title, anchors and links to other pages' anchors
(which MkDocs checks once every page is rendered), and the cross-reference targets it
gave mkdocs-autorefs. A render that logged a warning is not stored, so the next build
warns again; nor is one made at debug level, where MkDocs does not list a page's links.
A page's search entries are stored under a key of its final HTML, table of contents,
title and metadata.

A page that documents code (mkdocstrings' `:::`) is always rendered: what it shows
comes from files outside the page.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

from .cache import JsonStore
from .cross_references import Anchor, anchors_by_page, autorefs_plugin, register, unreadable
from .rebuilds import CODE_DOCUMENTATION, digest, search_plugin

FORMAT = 1  # bump when the stored shape changes: older entries then count as missing

Render = Callable[[MkDocsConfig, Files], None]


class RenderedPages:
    """A build's page renders and search entries, reused from its store or stored in it."""

    def __init__(self, folder: Path):
        """Keep entries in `folder`; reuse nothing until `begin` has keyed the build's set-up."""
        self.store = JsonStore(folder, FORMAT)
        self.setup = ""  # the key of what every page's render depends on besides its Markdown
        self.used: set[str] = set()  # keys this build read or wrote
        self.reused = 0  # renders and search entries this build took from the store
        self.made = 0  # renders and search entries this build made

    def begin(self, config: MkDocsConfig, files: Files) -> None:
        """Key the build's set-up, once its files are known; index search through the store.

        With a cross-reference plugin whose targets cannot be carried over, nothing is reused.
        """
        self.setup = "" if unreadable(config) else _setup_key(config, files)
        search = search_plugin(config)
        if search is not None and self.setup:
            index = search.search_index
            index.add_entry_from_context = functools.partial(
                self._index, index, index.add_entry_from_context
            )

    def wrap(self, page: Page) -> None:
        """Have `page` reuse its stored render, or store the one it makes."""
        if not (self.setup and page.file.src_uri.endswith(".md")):
            return
        original: Render = page.render

        def render(config: MkDocsConfig, files: Files) -> None:
            self._render(page, original, config, files)

        page.render = render  # type: ignore[method-assign]

    def finish(self, started: float) -> int:
        """Remove entries no recent build used (see `JsonStore.keep_only_recent`); how many."""
        if not self.setup:
            return 0
        return self.store.keep_only_recent(self.used, started)

    def _render(self, page: Page, original: Render, config: MkDocsConfig, files: Files) -> None:
        markdown = page.markdown or ""
        if CODE_DOCUMENTATION.search(markdown):
            original(config, files)
            return
        key = digest([self.setup, page.file.src_uri, page.url, markdown])
        self.used.add(key)
        autorefs = autorefs_plugin(config)
        stored = self.store.read(key)
        if stored is not None and _restore(page, files, autorefs, stored):
            self.reused += 1
            return
        before = set(anchors_by_page(autorefs).get(page.url, [])) if autorefs else set()
        with _warnings() as warned:
            original(config, files)
        self.made += 1
        if warned or page.links_to_anchors is None:  # MkDocs lists links only below debug level
            return
        after = anchors_by_page(autorefs).get(page.url, []) if autorefs else []
        self.store.write(key, _rendered(page, [a for a in after if a not in before]))

    def _index(self, index: Any, original: Callable[[Page], None], page: Page) -> None:
        """Add the page's search entries: stored ones when its HTML is the same."""
        made_of = [page.url, str(page.title), page.content or "", json.dumps(_tokens(page.toc))]
        made_of.append(json.dumps(page.meta, sort_keys=True, default=str))
        key = digest(["search", self.setup, *made_of])
        self.used.add(key)
        stored = self.store.read(key)
        if isinstance(stored, list) and all(isinstance(entry, dict) for entry in stored):
            index.entries.extend(stored)
            self.reused += 1
            return
        first = len(index.entries)
        original(page)
        self.made += 1
        self.store.write(key, index.entries[first:])


def _setup_key(config: MkDocsConfig, files: Files) -> str:
    """What every page's render depends on besides its own Markdown."""
    parts = [Path(config.config_file_path or "mkdocs.yml").read_bytes().decode(errors="replace")]
    markdown = [config.markdown_extensions, config.mdx_configs]
    parts.append(json.dumps(markdown, sort_keys=True, default=_named))
    for module in config.hooks.values():
        parts.append(Path(module.__file__ or "").read_bytes().decode(errors="replace"))
    parts += sorted(f"{file.src_uri} {file.url}" for file in files)
    parts += _installed()
    return digest(parts)


def _named(value: Any) -> str:
    """An object in the Markdown settings (a formatter, an extension), by its type or name."""
    kind = value if callable(value) and hasattr(value, "__qualname__") else type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _installed() -> list[str]:
    """The installed distributions with their versions: the names of their metadata folders."""
    found = []
    for folder in sys.path:
        with contextlib.suppress(OSError):
            names = os.listdir(folder or ".")
            found += sorted(name for name in names if name.endswith(".dist-info"))
    return found


@contextlib.contextmanager
def _warnings() -> Iterator[list[logging.LogRecord]]:
    """The warnings logged inside the block by this thread, from any logger.

    Another thread's (a notebook rendered early, say) are not the page's.
    """
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    this_thread = threading.get_ident()
    handler.addFilter(lambda record: record.thread == this_thread)
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _tokens(toc: TableOfContents | list[AnchorLink]) -> list[dict[str, Any]]:
    """A table of contents as the tokens MkDocs builds one from."""
    return [
        {"level": item.level, "id": item.id, "name": item.title, "children": _tokens(item.children)}
        for item in toc
    ]


def _rendered(page: Page, anchors: list[Anchor]) -> dict[str, Any]:
    """What a render gave `page`, to store."""
    links = page.links_to_anchors or {}
    return {
        "content": page.content,
        "toc": _tokens(page.toc),
        "title": page._title_from_render,
        "anchor_ids": sorted(page.present_anchor_ids or ()),
        "links_to_anchors": {file.src_uri: anchors for file, anchors in links.items()},
        "cross_references": [anchor.to_json() for anchor in anchors],
    }


def _restore(page: Page, files: Files, autorefs: Any, stored: Any) -> bool:
    """Give `page` what its stored render gave it.

    `False` if the entry is not of that shape or links to a file the site no longer has.
    """
    try:
        content, title = stored["content"], stored["title"]
        if not isinstance(content, str) or not isinstance(title, str | None):
            return False
        toc = get_toc(stored["toc"])
        anchor_ids = {str(anchor) for anchor in stored["anchor_ids"]}
        links = {}
        for uri, targets in stored["links_to_anchors"].items():
            if (target := files.get_file_from_path(uri)) is None:
                return False
            links[target] = {str(anchor): str(link) for anchor, link in targets.items()}
        anchors = [Anchor(**anchor) for anchor in stored["cross_references"]]
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    page.content, page.toc, page._title_from_render = content, toc, title
    page.present_anchor_ids, page.links_to_anchors = anchor_ids, links
    if autorefs is not None:
        register(autorefs, page, anchors)
    return True
