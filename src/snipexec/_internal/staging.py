"""Build a site beside its folder and move it into place only when the build succeeded."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.utils import CountHandler


class StagedSite:
    """A one-off build's site folder, written as `SITE.partial` and swapped in at the end.

    A build that fails (or that `--strict` will fail for a warning) leaves the previous
    site as it was.
    """

    def __init__(self, site_dir: Path):
        """Stage a build of `site_dir`."""
        self.final = site_dir
        self.partial = site_dir.with_name(site_dir.name + ".partial")
        self._warnings = CountHandler(level=logging.WARNING)
        self._strict = False

    def begin(self, *, strict: bool) -> Path:
        """Start afresh and return the folder the build should write to."""
        shutil.rmtree(self.partial, ignore_errors=True)
        self._warnings.counts.clear()
        self._strict = strict
        logging.getLogger("mkdocs").addHandler(self._warnings)
        return self.partial

    def commit(self) -> None:
        """Put the new site in place of the old one, unless strict mode will reject it."""
        if self._stop_counting():
            shutil.rmtree(self.partial, ignore_errors=True)
            return
        previous = self.final.with_name(self.final.name + ".previous")
        shutil.rmtree(previous, ignore_errors=True)
        if self.final.exists():
            self.final.rename(previous)
        self.partial.rename(self.final)
        shutil.rmtree(previous, ignore_errors=True)

    def discard(self) -> None:
        """Drop what the failed build wrote."""
        self._stop_counting()
        shutil.rmtree(self.partial, ignore_errors=True)

    def _stop_counting(self) -> bool:
        """Stop counting warnings; return whether a strict build has seen one."""
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        return self._strict and bool(self._warnings.counts)
