"""Values computed by a page's runs, placed in its prose: `` {glue}`SNIPPET:NAME[:FORMAT]` ``.

A snippet's module-level numbers, strings and tuples are stored with its run. A page
that runs `SNIPPET` can place one of them in a sentence; `FORMAT` is a Python format
specification (`,` for thousands separators). The value shown is the one the page's
run computed, under the block's first variant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEMENT = re.compile(r"\{glue\}`(?P<path>[^`:]+):(?P<name>\w+)(?::(?P<spec>[^`]*))?`")


class GlueError(ValueError):
    """A placement names a snippet the page does not run, or a value it did not compute."""


def place_values(markdown: str, page: str, values: Mapping[str, Mapping[str, Any] | None]) -> str:
    """`markdown` with every placement replaced by its value, formatted.

    `values` maps each snippet the page runs to what its run exported (`None`: not run).
    """

    def value(match: re.Match[str]) -> str:
        line = markdown.count("\n", 0, match.start()) + 1
        path, name, spec = match["path"], match["name"], match["spec"] or ""
        if path not in values:
            raise GlueError(f"{page}:{line}: {match[0]} names {path}, which no block here runs")
        exported = values[path]
        if exported is None:
            return "(not run)"
        if name not in exported:
            known = ", ".join(sorted(exported)) or "none"
            raise GlueError(f"{page}:{line}: {path} has no value {name!r} (it has: {known})")
        return formatted(exported[name], spec)

    return PLACEMENT.sub(value, markdown)


def formatted(value: Any, spec: str) -> str:
    """`value` as prose shows it: a list as a tuple, `spec` applied to each number."""
    if isinstance(value, list):
        items = [formatted(item, spec) for item in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if value is None:
        return "None"
    return format(value, spec)
