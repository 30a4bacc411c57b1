"""`mkdocs serve`: one worker for every rebuild, and a saved snippet re-runs alone."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import TinyProject

COUNTING_MARKER = "import pathlib\nwith open('worker-starts', 'a') as log:\n    log.write('x')\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            page = urllib.request.urlopen(url, timeout=5).read().decode()
        except OSError:
            page = ""
        if text in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{text!r} did not appear at {url} within {seconds} s")


def test_edit_reruns_only_that_snippet_in_the_same_worker(project: TinyProject, tmp_path: Path):
    project.write("snippets/a.py", "print('first version of a')\n")
    project.write("snippets/b.py", "print('b never changes')\n")
    project.page("index.md", "snippets/a.py", "snippets/b.py")
    project.preload("marker", COUNTING_MARKER)
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project.root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(url, "first version of a")
        starts = (project.root / "worker-starts").read_text()
        project.write("snippets/a.py", "print('second version of a')\n")  # watched folder
        wait_for(url, "second version of a")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert output.count("snipexec: ran snippets/a.py") == 2
    assert output.count("snipexec: ran snippets/b.py") == 1
    assert (project.root / "worker-starts").read_text() == starts  # no new worker
