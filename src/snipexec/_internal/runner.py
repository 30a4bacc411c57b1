"""Run snippets in a long-lived worker process, restarting it after a timeout or a crash."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from multiprocessing.connection import Connection
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from .results import Failure, Figure, RunResult
from .streams import read_text
from .variants import MissingEnvironment, Variant

log = get_plugin_logger("snipexec")

STARTUP_TIMEOUT = 600.0
# The worker runs in the variant's interpreter, which need not have this engine or the
# site's packages installed: it imports the engine's `snipexec` package from this folder
# without running its `__init__` (which needs MkDocs) and without adding to `sys.path`.
ENGINE_PACKAGE = str(Path(__file__).parents[1])
BOOTSTRAP = (
    "import sys, types; package = types.ModuleType('snipexec'); "
    "package.__path__ = [sys.argv.pop(1)]; sys.modules['snipexec'] = package; "
    "from snipexec._internal.worker import main; main(sys.argv[1], sys.argv[2:])"
)


class WorkerError(RuntimeError):
    """The worker could not be started."""


class Runner:
    """Runs snippet files, one at a time, in a worker that imported `variant.preload` once.

    The worker starts on the first `run`, so a build that needs no run never starts it
    (nor imports what it preloads). It survives between runs, and between rebuilds of
    `mkdocs serve`; after a timeout or a crash the next `run` starts a new one.
    """

    def __init__(
        self, variant: Variant, env: Mapping[str, str] | None = None, root: Path | None = None
    ):
        """Prepare a runner for a project at `root` (default: the working directory).

        `env` is added to the worker's environment (tests use it).
        """
        self.variant = variant
        self.root = root or Path.cwd()
        self.profile = importlib.import_module(variant.profile)
        snippet_environment = getattr(self.profile, "SNIPPET_ENVIRONMENT", {})
        self.env = {
            **os.environ,
            **_activated(variant.environment(self.root)),
            **snippet_environment,
            **variant.env,
            **(env or {}),
        }
        self._process: subprocess.Popen[bytes] | None = None
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
        """Start the worker if none is alive, and wait until it has imported `preload`."""
        if self._process is not None and self._process.poll() is None:
            assert self._requests is not None and self._replies is not None
            return self._requests, self._replies
        self._stop()
        try:
            python = self.variant.python(self.root)
        except MissingEnvironment as error:
            raise WorkerError(str(error)) from None
        process = subprocess.Popen(
            [python, "-c", BOOTSTRAP, ENGINE_PACKAGE, self.variant.profile, *self.variant.preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self.env,
            # Its own process group: what a snippet starts can be ended with it, and a
            # Ctrl-C meant for the build reaches the build, which ends the workers.
            start_new_session=True,
        )
        assert process.stdin is not None and process.stdout is not None
        self._process = process
        self._requests = Connection(os.dup(process.stdin.fileno()), readable=False)
        self._replies = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        self.starts += 1
        try:
            if self._replies.poll(STARTUP_TIMEOUT) and self._replies.recv_bytes() == b"ready":
                return self._requests, self._replies
        except (EOFError, OSError):
            pass
        status = self._reap()
        raise WorkerError(f"the snippet worker did not start ({status}); see the log above")

    def _reap(self) -> str:
        """Stop the worker process and describe how it ended."""
        process = self._process
        assert process is not None
        self._stop()
        return f"exit code {process.returncode}"

    def close(self) -> None:
        """Stop the worker, if one is running; a thread waiting on it gets a crash or error."""
        process = self._process
        if process is not None and process.poll() is None:
            _end_group(process)  # first, to wake a thread that holds the lock while it waits
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        """Stop the worker and forget it; the caller holds the lock."""
        for connection in (self._requests, self._replies):
            if connection is not None:
                connection.close()
        self._requests = self._replies = None
        if self._process is not None:
            _end_group(self._process)
        self._process = None


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the worker and every process left in its group, and reap the worker."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _activated(environment: Path | None) -> dict[str, str]:
    """What activating a variant's own environment sets: its `bin` first on `PATH`."""
    if environment is None:
        return {}
    path = os.pathsep.join([str(environment / "bin"), os.environ.get("PATH", "")])
    return {"VIRTUAL_ENV": str(environment), "PATH": path}
