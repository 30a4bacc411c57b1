"""Folders of JSON files, one per key, written atomically: run results and page renders."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .results import RunResult

RECENT_BUILDS = 3  # entries used by none of the last builds, and older than them, go


class JsonStore:
    """JSON documents stored by key under `folder`, each with the store's `format`.

    Anything at an entry's place that is not a readable entry of this format (missing,
    empty, torn, random bytes, another shape, a folder) is a miss, never an error: it is
    counted in `damaged`, and the next `write` replaces it.
    """

    def __init__(self, folder: Path, format: int):
        """Use (and create on first write) `folder`; entries of another `format` are misses."""
        self.folder = folder
        self.format = format
        self.damaged: set[str] = set()
        self._lock = threading.Lock()

    def _entry(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def read(self, key: str) -> Any:
        """The data stored under `key`, or `None`."""
        entry = self._entry(key)
        try:
            stored = json.loads(entry.read_bytes())
            if stored.get("format") != self.format:
                raise ValueError("another format")
            return stored["data"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self.mark_damaged(key)
            return None

    def mark_damaged(self, key: str) -> None:
        """Count the entry under `key` as unreadable (its data is not of the right shape)."""
        with self._lock:
            self.damaged.add(self._entry(key).name)

    def write(self, key: str, data: Any) -> None:
        """Store `data` under `key`: readers see the old entry or the new one, never half."""
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = self._entry(key)
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            # Not synced to disk: an entry a power cut left empty or garbled reads as a
            # miss and is written again, so waiting for the disk (3 ms an entry) buys
            # nothing.
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump({"format": self.format, "data": data}, file)
            os.replace(temporary, entry)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def keep_only_recent(self, used: set[str], started: float) -> int:
        """Record the keys this build used; remove entries no recent build used.

        An entry goes only when none of the last `RECENT_BUILDS` builds used it and it
        is older than this build's start (`started`, a `time.time()`): what a build
        running at the same time writes or reads is newer, or listed once it ends.
        Returns how many entries were removed.
        """
        lists = self.folder / "used"
        lists.mkdir(parents=True, exist_ok=True)
        mine = lists / f"{time.time_ns()}-{os.getpid()}.txt"
        mine.write_text("\n".join(sorted(used)))
        recent = sorted(lists.glob("*.txt"))[-RECENT_BUILDS:]
        for old in set(lists.glob("*.txt")) - set(recent):
            old.unlink(missing_ok=True)
        kept = set(used)
        for listed in recent:
            with contextlib.suppress(OSError):
                kept.update(listed.read_bytes().decode(errors="replace").split())
        removed = 0
        for entry in self.folder.glob("*.json"):
            with contextlib.suppress(OSError):
                if entry.stem not in kept and entry.stat().st_mtime < started:
                    entry.unlink()
                    removed += 1
        return removed

    def size(self) -> int:
        """Bytes the folder holds, everything in it (and in folders under it) counted."""
        total = 0
        for file in self.folder.rglob("*"):
            with contextlib.suppress(OSError):
                total += file.stat().st_size if file.is_file() else 0
        return total


class Cache(JsonStore):
    """Run results stored by key under `folder`."""

    FORMAT = 4  # bump when the stored shape changes: older entries then count as missing

    def __init__(self, folder: Path):
        """Use (and create on first write) `folder`."""
        super().__init__(folder, self.FORMAT)

    def get(self, key: str) -> RunResult | None:
        """Return the result stored under `key`, or `None`."""
        data = self.read(key)
        if data is None:
            return None
        try:
            return RunResult.from_json(data)
        except (ValueError, TypeError, KeyError, AttributeError):
            self.mark_damaged(key)
            return None

    def put(self, key: str, result: RunResult) -> None:
        """Store `result` under `key`."""
        self.write(key, result.to_json())
