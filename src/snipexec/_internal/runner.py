"""Run snippets in a long-lived worker process, forking a new one after a timeout or a crash."""

from __future__ import annotations

import importlib
import json
import tempfile
import threading
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from .fork_server import STARTUP_TIMEOUT, ForkServer, WorkerError, kill_group
from .results import Failure, Figure, RunResult
from .streams import read_text
from .variants import Variant

log = get_plugin_logger("snipexec")


class Runner:
    """Runs snippet files, one at a time, in a worker forked from the variant's fork server.

    The worker starts on the first `run`, so a build that needs no run never starts it
    (nor imports what it preloads). It survives between runs, and between rebuilds of
    `mkdocs serve`; after a timeout or a crash the next `run` forks a new one.
    """

    def __init__(
        self,
        variant: Variant,
        env: Mapping[str, str] | None = None,
        root: Path | None = None,
        fork_server: ForkServer | None = None,
    ):
        """Prepare a runner for a project at `root` (default: the working directory).

        `env` is added to the worker's environment (tests use it). Runners of one variant
        share a `fork_server` (by default, the runner has one of its own).
        """
        self.variant = variant
        self.profile = importlib.import_module(variant.profile)
        self._own_fork_server = fork_server is None
        self.fork_server = fork_server or ForkServer(variant, root or Path.cwd(), env)
        self._pid: int | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._lock = threading.Lock()  # one run at a time, whichever thread asks
        self.starts = 0

    def start(self) -> None:
        """Start the worker now rather than at the first run (e.g. while a server idles)."""
        with self._lock:
            self._ensure_started()

    def run(self, snippet: Path, timeout: float, code: str | None = None) -> RunResult:
        """Run `snippet` (an absolute path) and return what it printed and drew.

        `code` is the source to run under the snippet's name (by default, the file's).
        """
        if code is None:
            code = snippet.read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="snipexec-") as scratch:
            folder = Path(scratch)
            (folder / "cwd").mkdir()
            request = {
                "path": str(snippet),
                "code": code,
                "cwd": str(folder / "cwd"),
                "stdout": str(folder / "stdout"),
                "stderr": str(folder / "stderr"),
            }
            with self._lock:
                start = time.perf_counter()
                reply, failure = self._exchange(request, timeout)
                elapsed = time.perf_counter() - start
            if reply.get("ended"):
                log.info(
                    "%s left %d process(es) running under %s, now ended: %s",
                    snippet.name,
                    len(reply["ended"]),
                    self.variant.name,
                    "; ".join(reply["ended"]),
                )
            clean = self.profile.without_startup_lines
            return RunResult(
                stdout=clean(read_text(folder / "stdout")),
                stderr=clean(read_text(folder / "stderr")),
                figures=tuple(Figure(**figure) for figure in reply.get("figures", ())),
                failure=failure,
                seconds=reply.get("seconds", elapsed),
                values=reply.get("values", {}),
            )

    def _exchange(self, request: dict[str, str], timeout: float) -> tuple[dict, Failure | None]:
        """Send one request; return the reply and the failure, if any."""
        requests, replies = self._ensure_started()
        try:
            requests.send_bytes(json.dumps(request).encode())
            if not replies.poll(timeout):
                self._stop()
                return {}, Failure("timeout", f"did not finish within {timeout:g} s")
            reply = json.loads(replies.recv_bytes())
        except (EOFError, OSError):
            return {}, Failure("crash", f"the worker process died ({self._reap()})")
        failure = reply["failure"]
        return reply, Failure(**failure) if failure is not None else None

    def _ensure_started(self) -> tuple[Connection, Connection]:
        """Fork a worker if none is alive, and wait until it is ready."""
        if self._pid is not None and not self._died():
            assert self._requests is not None and self._replies is not None
            return self._requests, self._replies
        self._stop()
        self._pid, self._requests, self._replies = self.fork_server.fork()
        self.starts += 1
        try:
            if self._replies.poll(STARTUP_TIMEOUT) and self._replies.recv_bytes() == b"ready":
                return self._requests, self._replies
        except (EOFError, OSError):
            pass
        status = self._reap()
        raise WorkerError(f"the snippet worker did not start ({status}); see the log above")

    def _died(self) -> bool:
        """Whether the idle worker ended (its reply pipe, empty between runs, is closed)."""
        assert self._replies is not None
        return self._replies.poll(0)

    def _reap(self) -> str:
        """Stop the worker process and describe how it ended."""
        code = self._stop()
        return "exit code unknown" if code is None else f"exit code {code}"

    def close(self) -> None:
        """Stop the worker, if one is running; a thread waiting on it gets a crash or error."""
        pid = self._pid
        if pid is not None:
            kill_group(pid)  # first, to wake a thread that holds the lock while it waits
        with self._lock:
            self._stop()
        if self._own_fork_server:
            self.fork_server.close()

    def _stop(self) -> int | None:
        """Stop the worker and forget it; its exit code, if known. The caller holds the lock."""
        for connection in (self._requests, self._replies):
            if connection is not None:
                connection.close()
        self._requests = self._replies = None
        pid, self._pid = self._pid, None
        if pid is None:
            return None
        kill_group(pid)
        return self.fork_server.exit_code(pid)
