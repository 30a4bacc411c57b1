"""Capture a process's standard streams at the file-descriptor level, and read them back."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Control characters other than tab and newline would be invisible on a page or break
# a notebook; each is shown as its Unicode control picture (e.g. ESC as U+241B).
_CONTROL = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n"}
_CONTROL[0x7F] = 0x2421


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
    """Read captured output as UTF-8, undecodable bytes and control characters replaced."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ""
    text = raw.decode("utf-8", errors="replace").replace("\r\n", "\n")
    return text.translate(_CONTROL)
