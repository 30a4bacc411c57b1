"""Processes a snippet started and left running: found and ended by the worker.

The worker leads its own process group and, on Linux, adopts orphaned descendants
(`PR_SET_CHILD_SUBREAPER`), so what a snippet started is either in its group or its child,
even after a double fork. Only the standard library: it runs in every variant's interpreter.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from pathlib import Path

_PR_SET_CHILD_SUBREAPER = 36
_GRACE = 2.0  # seconds a process gets to end after SIGTERM, before SIGKILL


def adopt_orphans() -> None:
    """Become the parent of descendants whose parent ended (Linux; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def running() -> set[int]:
    """The processes this one started that still run (those of its start-up, say)."""
    return set(_descendants())


def end_leftovers(keep: set[int]) -> list[str]:
    """End every process this one started that still runs, but `keep`; their command lines.

    SIGTERM first, SIGKILL after a grace period; the ended ones are reaped. Processes
    that appear meanwhile (a shell's child that was still being started) are ended too.
    """
    ended: dict[int, str] = {}
    deadline = time.monotonic() + _GRACE
    while True:
        _reap_all()
        running = {pid: line for pid, line in _descendants().items() if pid not in keep}
        if not running:
            return list(ended.values())
        if time.monotonic() > deadline:
            for pid in running:
                _signal(pid, signal.SIGKILL)
            time.sleep(0.02)
            _reap_all()
            return list({**ended, **running}.values())
        for pid, line in running.items():
            if pid not in ended:
                _signal(pid, signal.SIGTERM)
                ended[pid] = line
        time.sleep(0.02)


def end_group_when_orphaned(interval: float = 0.5) -> None:
    """Watch the parent: if it goes (killed, interrupted), end this process group at once."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os.killpg(os.getpgid(0), signal.SIGKILL)

    threading.Thread(target=watch, name="snipexec-orphan-watch", daemon=True).start()


def _descendants() -> dict[int, str]:
    """Processes in this one's group or adopted by it (not itself): pid -> command line."""
    me, group = os.getpid(), os.getpgid(0)
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if (
                pid == me
                or fields[0] == "Z"
                or not (int(fields[2]) == group or int(fields[1]) == me)
            ):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").strip()
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile, or no /proc here
        found[pid] = command.decode(errors="replace") or f"pid {pid}"
    return found


def _reap_all() -> None:
    """Collect every ended child, so none stays a zombie."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _signal(pid: int, number: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, number)
