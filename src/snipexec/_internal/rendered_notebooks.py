"""mkdocs-jupyter's cache of rendered notebooks, kept readable.

mkdocs-jupyter reads an entry of its cache without a guard: one damaged entry would fail
the build. Before it reads any, the entries that cannot be read are removed, so it
renders those notebooks again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig


def drop_unreadable(config: MkDocsConfig) -> int:
    """Remove mkdocs-jupyter's cache entries that are not JSON of its shape; how many."""
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config.get("cache"):
        return 0
    dropped = 0
    for entry in Path(plugin.config["cache_dir"]).glob("*.json"):
        if not _readable(entry):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            dropped += 1
    return dropped


def _readable(entry: Path) -> bool:
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("content"), str)
        and isinstance(data.get("toc_tokens"), list)
    )
