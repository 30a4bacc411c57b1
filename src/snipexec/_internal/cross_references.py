"""The targets of cross-references a page gives mkdocs-autorefs as it renders.

A page that is not converted again (a dirty rebuild skips it, or its render is reused)
must give them back, or links to it from other pages would no longer resolve.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

KEPT_IN = ("_primary_url_map", "_secondary_url_map", "_title_map", "register_anchor")


@dataclass(frozen=True)
class Anchor:
    """A target of cross-references that a page registered as it rendered."""

    identifier: str
    anchor: str
    title: str | None
    primary: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def autorefs_plugin(config: MkDocsConfig) -> Any:
    """mkdocs-autorefs, if it keeps its targets where they can be read and given back."""
    autorefs = config.plugins.get("autorefs")
    if autorefs is None or not all(hasattr(autorefs, name) for name in KEPT_IN):
        return None
    return autorefs


def unreadable(config: MkDocsConfig) -> bool:
    """Whether autorefs is on but keeps its targets where they cannot be carried over."""
    return config.plugins.get("autorefs") is not None and autorefs_plugin(config) is None


def anchors_by_page(autorefs: Any) -> dict[str, list[Anchor]]:
    """The targets autorefs knows, by the URL of the page that holds each."""
    titles = autorefs._title_map
    found: dict[str, list[Anchor]] = {}
    for primary, urls in ((True, autorefs._primary_url_map), (False, autorefs._secondary_url_map)):
        for identifier, addresses in urls.items():
            for url in addresses:
                page, _, anchor = url.partition("#")
                target = Anchor(identifier, anchor, titles.get(url), primary)
                found.setdefault(page, []).append(target)
    return found


def register(autorefs: Any, page: Page, anchors: list[Anchor]) -> None:
    """Give autorefs the targets `page` registered when it last rendered."""
    for anchor in anchors:
        autorefs.register_anchor(
            page, anchor.identifier, anchor.anchor, title=anchor.title, primary=anchor.primary
        )
