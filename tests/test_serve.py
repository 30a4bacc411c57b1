"""`mkdocs serve`: one worker for every rebuild, a saved snippet re-runs alone, and a failing
snippet is shown in place while the server keeps serving.

The tests follow the server's log line by line and read a page once the log says the
build that made it is visible; nothing is polled.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from conftest import TinyProject

COUNTING_MARKER = "import pathlib\nwith open('worker-starts', 'a') as log:\n    log.write('x')\n"
SECONDS = 180  # for any one awaited log line: a slow machine, never a measurement
READY = "Serving on"  # the first build is visible
RELOADED = "Reloading browsers"  # a rebuild is visible
BROKEN = "An error happened during the rebuild"


class Server:
    """`mkdocs serve` of a project, its log read line by line as it is written."""

    def __init__(self, process: subprocess.Popen[str], url: str):
        self.process = process
        self.url = url
        self.log: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, text: str) -> None:
        """Read the log up to the next line holding `text`."""
        deadline = time.monotonic() + SECONDS
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                message = f"no log line with {text!r} within {SECONDS} s"
                raise AssertionError(f"{message}; the log:\n{self.text()}") from None
            if line is None:
                raise AssertionError(f"the server stopped; its log:\n{self.text()}")
            self.log.append(line)
            if BROKEN in line:
                raise AssertionError(f"a rebuild failed; the log:\n{self.text()}")
            if text in line:
                return

    def page(self) -> str:
        """The home page as served now."""
        with urllib.request.urlopen(self.url, timeout=SECONDS) as response:
            return response.read().decode()

    def text(self) -> str:
        return "".join(self.log)


@contextmanager
def serving(project: TinyProject) -> Iterator[Server]:
    """Serve `project` on a port held for it until the server has bound it too.

    The holding socket, bound with SO_REUSEADDR and never listening, keeps the port from
    being handed to anyone else, and lets the server (which sets SO_REUSEADDR) bind it.
    """
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        server = Server(process, f"http://127.0.0.1:{port}/")
        try:
            server.wait_for(READY)
            yield server
        finally:
            process.send_signal(signal.SIGINT)  # Ctrl-C, as a maintainer stops it
            try:
                process.wait(timeout=SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_edit_reruns_only_that_snippet_in_the_same_worker(project: TinyProject):
    project.write("snippets/a.py", "print('first version of a')\n")
    project.write("snippets/b.py", "print('b never changes')\n")
    project.page("index.md", "snippets/a.py", "snippets/b.py")
    project.preload("marker", COUNTING_MARKER)
    with serving(project) as server:
        assert "first version of a" in server.page()
        starts = (project.root / "worker-starts").read_text()
        project.write("snippets/a.py", "print('second version of a')\n")  # watched folder
        server.wait_for(RELOADED)
        assert "second version of a" in server.page()
        log = server.text()
    assert log.count("snipexec: ran snippets/a.py") == 2
    assert log.count("snipexec: ran snippets/b.py") == 1
    assert (project.root / "worker-starts").read_text() == starts  # no new worker


def test_serve_shows_a_failing_snippet_in_place_and_keeps_serving(project: TinyProject):
    project.write("snippets/a.py", "print('fine so far')\n")
    project.page("index.md", "snippets/a.py")
    with serving(project) as server:
        assert "fine so far" in server.page()
        project.write("snippets/a.py", "print('half')\nraise KeyError('oops')\n")
        server.wait_for(RELOADED)
        page = server.page()
        assert "docs/index.md:3: snippets/a.py:2 raised KeyError" in page
        assert 'class="admonition failure"' in page
        project.write("snippets/a.py", "print('fixed again')\n")
        server.wait_for(RELOADED)
        assert "fixed again" in server.page()
