"""Build a site beside its folder and move it into place only when the build succeeded."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mkdocs.utils import CountHandler


class StagedSite:
    """A one-off build's site, written to a folder of its own and swapped in at the end.

    A build that fails (or that `--strict` will fail for a warning) leaves the previous
    site as it was. Builds running at once each write their own folder and swap in turn.
    """

    def __init__(self, site_dir: Path):
        """Stage a build of `site_dir`."""
        self.final = site_dir
        self.partial: Path | None = None
        self._holding = contextlib.ExitStack()  # a shared lock on `partial`: it is in use
        self._warnings = CountHandler(level=logging.WARNING)
        self._strict = False

    def begin(self, *, strict: bool) -> Path:
        """Return a new, empty folder for the build to write to.

        Folders left by builds that were killed, which no build holds, are removed.
        """
        folder = self.final.parent
        folder.mkdir(parents=True, exist_ok=True)
        prefix = f".{self.final.name}.partial-"
        for stale in folder.glob(f"{prefix}*"):
            with _locked(stale, blocking=False) as free:
                if free:
                    shutil.rmtree(stale, ignore_errors=True)
        self.partial = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
        self._holding.enter_context(_locked(self.partial, blocking=True, shared=True))
        self._warnings.counts.clear()
        self._strict = strict
        logging.getLogger("mkdocs").addHandler(self._warnings)
        return self.partial

    def commit(self) -> None:
        """Put the new site in place of the old one, unless strict mode will reject it."""
        assert self.partial is not None
        if self._stop_counting():
            self.discard()
            return
        self.partial.chmod(0o755)  # mkdtemp made it private; a site is read by a server
        folder = self.final.parent
        with _locked(folder, blocking=True):  # one swap at a time
            previous = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.previous-", dir=folder))
            if self.final.exists():
                self.final.replace(previous / self.final.name)
            self.partial.rename(self.final)
        shutil.rmtree(previous, ignore_errors=True)
        self._release()

    def discard(self) -> None:
        """Drop what the failed build wrote."""
        self._stop_counting()
        if self.partial is not None:
            shutil.rmtree(self.partial, ignore_errors=True)
            self._release()

    def _release(self) -> None:
        self._holding.close()
        self.partial = None

    def _stop_counting(self) -> bool:
        """Stop counting warnings; return whether a strict build has seen one."""
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        return self._strict and bool(self._warnings.counts)


@contextlib.contextmanager
def _locked(folder: Path, *, blocking: bool, shared: bool = False) -> Iterator[bool]:
    """Lock `folder` with POSIX `flock` while inside; yield whether the lock was taken.

    Without `flock` (Windows) nothing is locked and the answer is `True`.
    """
    try:
        import fcntl
    except ImportError:
        yield True
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        yield False
        return
    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if blocking else fcntl.LOCK_NB)
    try:
        try:
            fcntl.flock(descriptor, mode)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)
