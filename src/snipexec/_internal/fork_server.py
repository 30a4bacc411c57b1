"""A variant's fork server: the variant's libraries imported once, its workers forked.

Every worker of a variant is forked from one process that imported the variant's
libraries, ready to run, instead of importing them again.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import socket
import subprocess
import threading
from collections.abc import Mapping
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .variants import MissingEnvironment, Variant

STARTUP_TIMEOUT = 600.0
# The fork server runs in the variant's interpreter, which need not have this engine or
# the site's packages installed: it imports the engine's `snipexec` package from this
# folder without running its `__init__` (which needs MkDocs) and without adding to
# `sys.path`.
ENGINE_PACKAGE = str(Path(__file__).parents[1])
BOOTSTRAP = (
    "import sys, types; package = types.ModuleType('snipexec'); "
    "package.__path__ = [sys.argv.pop(1)]; sys.modules['snipexec'] = package; "
    "from snipexec._internal.worker import main; main(sys.argv[1], sys.argv[2:])"
)


class WorkerError(RuntimeError):
    """The worker could not be started."""


class ForkServer:
    """Forks workers of one variant from a process that imported `variant.preload` once.

    The process starts with the first worker asked for, and again if it died.
    """

    def __init__(self, variant: Variant, root: Path, env: Mapping[str, str] | None = None):
        """Prepare the fork server of `variant` for the project at `root`.

        `env` is added to its environment (tests use it).
        """
        self.variant, self.root = variant, root
        self.env = worker_environment(variant, root, env)
        self._process: subprocess.Popen[bytes] | None = None
        self._socket: socket.socket | None = None
        self._messages: Connection | None = None
        self._lock = threading.Lock()  # one request at a time, whichever runner asks
        self.starts = 0

    def fork(self) -> tuple[int, Connection, Connection]:
        """A new worker: its pid, the pipe to send it requests and the one of its replies."""
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        try:
            with self._lock:
                self._ensure_started()
                pid = self._ask({"fork": True}, fds=(requests_read, replies_write))["pid"]
        except BaseException:
            os.close(requests_write)
            os.close(replies_read)
            raise
        finally:
            os.close(requests_read)
            os.close(replies_write)
        return (
            pid,
            Connection(requests_write, readable=False),
            Connection(replies_read, writable=False),
        )

    def exit_code(self, pid: int) -> int | None:
        """Wait for the worker `pid` to end (the caller ended it, or it died).

        Its exit code, or minus the signal that ended it; None if that is not known.
        """
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                return None
            return self._ask({"exit_code_of": pid})["exit_code"]

    def _ask(self, request: dict[str, Any], fds: tuple[int, ...] = ()) -> dict[str, Any]:
        """Send `request` (and `fds`) to the fork server; its reply."""
        assert self._messages is not None and self._socket is not None
        try:
            self._messages.send_bytes(json.dumps(request).encode())
            if fds:
                reduction.sendfds(self._socket, fds)
            return json.loads(self._messages.recv_bytes())
        except (EOFError, OSError):
            status = self._stop()
            raise WorkerError(f"the fork server of {self.variant.name} died ({status})") from None

    def _ensure_started(self) -> None:
        """Start the fork server if none is alive, and wait until it has imported `preload`."""
        if self._process is not None and self._process.poll() is None:
            return
        self._stop()
        try:
            python = self.variant.python(self.root)
        except MissingEnvironment as error:
            raise WorkerError(str(error)) from None
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(
                [
                    python,
                    "-c",
                    BOOTSTRAP,
                    ENGINE_PACKAGE,
                    self.variant.profile,
                    *self.variant.preload,
                ],
                stdin=theirs.fileno(),
                env=self.env,
                # Its own process group, as each worker's: a Ctrl-C meant for the build
                # reaches the build, which ends them.
                start_new_session=True,
            )
        self._process, self._socket = process, ours
        self._messages = Connection(os.dup(ours.fileno()))
        self.starts += 1
        try:
            if self._messages.poll(STARTUP_TIMEOUT) and self._messages.recv_bytes() == b"ready":
                return
        except (EOFError, OSError):
            pass
        status = self._stop()
        raise WorkerError(f"the snippet worker did not start ({status}); see the log above")

    def close(self) -> None:
        """Stop the fork server (its workers are their runners' to stop)."""
        with self._lock:
            self._stop()

    def _stop(self) -> str:
        """Stop the fork server and forget it; how it ended. The caller holds the lock."""
        for endpoint in (self._messages, self._socket):
            if endpoint is not None:
                endpoint.close()
        self._messages = self._socket = None
        process, self._process = self._process, None
        if process is None:
            return "not started"
        kill_group(process.pid)
        process.wait()
        return f"exit code {process.returncode}"


def kill_group(pid: int) -> None:
    """Kill the process group led by `pid`: a worker (or fork server) and all it started."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def worker_environment(
    variant: Variant, root: Path, env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment a worker of `variant` runs snippets in.

    The build's, with the variant's own environment activated, the profile's and the
    variant's settings, then `env`.
    """
    profile = importlib.import_module(variant.profile)
    return {
        **os.environ,
        **_activated(variant.environment(root)),
        **getattr(profile, "SNIPPET_ENVIRONMENT", {}),
        **variant.env,
        **(env or {}),
    }


def _activated(environment: Path | None) -> dict[str, str]:
    """What activating a variant's own environment sets: its `bin` first on `PATH`."""
    if environment is None:
        return {}
    path = os.pathsep.join([str(environment / "bin"), os.environ.get("PATH", "")])
    return {"VIRTUAL_ENV": str(environment), "PATH": path}
