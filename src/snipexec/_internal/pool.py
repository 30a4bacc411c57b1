"""A pool of workers: runners per variant, started only when that variant has a run.

A variant's workers are all forked from its one fork server.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

from .fork_server import ForkServer
from .results import RunResult
from .runner import Runner
from .variants import Variant


class WorkerPool:
    """Hands out an idle runner of the right variant for each run, starting one if none is.

    How many run at once is up to the caller (one thread per worker slot); a variant
    never gets more runners than there were runs of it at the same time.
    """

    def __init__(
        self,
        variants: Mapping[str, Variant],
        env: Mapping[str, str] | None = None,
        root: Path | None = None,
    ):
        """Prepare runners for `variants` of the project at `root`; none is started yet."""
        self.variants = dict(variants)
        self.env = dict(env or {})
        self.root = root
        self._idle: dict[str, list[Runner]] = {name: [] for name in self.variants}
        self._all: list[Runner] = []
        self._fork_servers: dict[str, ForkServer] = {}
        self._lock = threading.Lock()

    def run(self, variant: str, snippet: Path, code: str, timeout: float) -> RunResult:
        """Run `code` as the file `snippet` under `variant`."""
        runner = self._take(variant)
        try:
            return runner.run(snippet, timeout, code)
        finally:
            with self._lock:
                self._idle[variant].append(runner)

    def start(self, variant: str) -> None:
        """Start one worker of `variant` now (e.g. while a server waits for the first edit)."""
        runner = self._take(variant)
        try:
            runner.start()
        finally:
            with self._lock:
                self._idle[variant].append(runner)

    @property
    def starts(self) -> int:
        """How many worker processes were started so far."""
        return sum(runner.starts for runner in self._all)

    @property
    def imports(self) -> int:
        """How many times a variant's libraries were imported (fork servers started)."""
        return sum(server.starts for server in self._fork_servers.values())

    def _take(self, variant: str) -> Runner:
        with self._lock:
            if self._idle[variant]:
                return self._idle[variant].pop()
            variant_ = self.variants[variant]
            if variant not in self._fork_servers:
                root = self.root or Path.cwd()
                self._fork_servers[variant] = ForkServer(variant_, root, self.env)
            runner = Runner(variant_, fork_server=self._fork_servers[variant])
            self._all.append(runner)
            return runner

    def close(self) -> None:
        """Stop every worker, then the fork servers."""
        for runner in self._all:
            runner.close()
        for server in self._fork_servers.values():
            server.close()
