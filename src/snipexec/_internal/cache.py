"""A folder of JSON files, one per run result, written atomically."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from .results import RunResult

log = logging.getLogger("mkdocs.plugins.snipexec")


class Cache:
    """Run results stored by key under `folder`.

    A missing, torn or otherwise unreadable entry is a miss, never an error: a build
    that was killed half-way cannot poison the next one.
    """

    def __init__(self, folder: Path):
        """Use (and create on first write) `folder`."""
        self.folder = folder

    def _entry(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> RunResult | None:
        """Return the result stored under `key`, or `None`."""
        try:
            data = json.loads(self._entry(key).read_text(encoding="utf-8"))
            return RunResult.from_json(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("Ignoring unreadable cache entry %s (%s)", self._entry(key), error)
            return None

    def put(self, key: str, result: RunResult) -> None:
        """Store `result` under `key`: readers see the old entry or the new one, never half."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(result.to_json(), file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self._entry(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
