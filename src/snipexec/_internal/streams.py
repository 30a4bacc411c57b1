"""Capture a process's standard streams at the file-descriptor level, and clean them."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Lines TensorFlow's C++ runtime prints on its own, once per process: when it starts,
# first runs an op, or first compiles with XLA. They depend on the machine and the
# process (CPU flags, process id, time, addresses) and on what ran before, not on the
# snippet.
_STARTUP_SOURCES = r"(?:port|cpu_feature_guard|cuda_\w+|service|device_compiler)\.(?:cc|h)"
_TENSORFLOW_STARTUP = re.compile(
    r"^(?:"
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rf"|[IWE]\d{{4}} [\d:.]+\s+\d+ {_STARTUP_SOURCES}:\d+\] .*"
    rf"|\d{{4}}-\d\d-\d\d [\d:.]+: [IWE] \S*{_STARTUP_SOURCES}:\d+\] .*"
    r"|To enable the following instructions: .*rebuild TensorFlow with the appropriate "
    r"compiler flags\."
    r")$"
)


def without_startup_lines(text: str) -> str:
    """Drop TensorFlow's start-up log lines from captured output, keep everything else."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not _TENSORFLOW_STARTUP.match(line.rstrip("\n")))


@contextmanager
def redirected(stdout: Path, stderr: Path) -> Iterator[None]:
    """Send file descriptors 1 and 2 (and so `sys.stdout`, `sys.stderr`, C code) to files."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def read_text(path: Path) -> str:
    """Read captured output as UTF-8 (replacing undecodable bytes), without start-up lines."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ""
    return without_startup_lines(raw.decode("utf-8", errors="replace"))
