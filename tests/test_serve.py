"""`mkdocs serve`: one worker for every rebuild, a saved snippet re-runs alone, and a failing
snippet is shown in place while the server keeps serving. With `--dirty` (as `nox -s serve`
runs it), a rebuild renders only the pages a save changed, and the site stays whole.

The tests follow the server's log line by line and read a page once the log says the
build that made it is visible; nothing is polled.
"""

from __future__ import annotations

import json
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
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import TINY_CONFIG, TinyProject

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

    def page(self, path: str = "") -> str:
        """The page (or file) at `path` under the site, as served now; the home page."""
        with urllib.request.urlopen(self.url + path, timeout=SECONDS) as response:
            return response.read().decode()

    def text(self) -> str:
        return "".join(self.log)


@contextmanager
def serving(project: TinyProject, *arguments: str) -> Iterator[Server]:
    """Serve `project` (`mkdocs serve` with `arguments`) on a port held for it until the
    server has bound it too; the site it builds goes under the project's `served/`.

    The holding socket, bound with SO_REUSEADDR and never listening, keeps the port from
    being handed to anyone else, and lets the server (which sets SO_REUSEADDR) bind it.
    """
    (project.root / "served").mkdir()
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *arguments],
            cwd=project.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(project.root / "served")},
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


def served_site(project: TinyProject) -> Path:
    """The folder `mkdocs serve` builds the site into (a temporary folder of its own)."""
    (site,) = (project.root / "served").glob("mkdocs_*")
    return site


def written(site: Path) -> dict[str, int]:
    """When each page's HTML in `site` was last written."""
    return {
        path.relative_to(site).as_posix(): path.stat().st_mtime_ns for path in site.rglob("*.html")
    }


def search_locations(server: Server) -> dict[str, str]:
    """The served search index: each page's address and the text it holds for it."""
    index = json.loads(server.page("search/search_index.json"))
    texts: dict[str, str] = {}
    for entry in index["docs"]:
        page = entry["location"].partition("#")[0]
        texts[page] = texts.get(page, "") + entry["title"] + " " + entry["text"] + " "
    return texts


def test_a_dirty_rebuild_renders_only_the_pages_a_save_changed(project: TinyProject):
    """A saved snippet re-renders the page that shows it, and then its notebook, and nothing
    else; the search index keeps every page; a saved page's Markdown re-renders that page."""
    project.write(
        "mkdocs.yml", TINY_CONFIG.replace("plugins:\n", "theme: material\nplugins:\n  - search\n")
    )
    project.write("snippets/a.py", "print('first version of a')\n")
    project.write("snippets/b.py", "print('b never changes')\n")
    project.write("docs/index.md", "# Home\n\nProse of home.\n\n```snippet\nsnippets/a.py\n```\n")
    project.write("docs/other.md", "# Other\n\nProse of other.\n\n```snippet\nsnippets/b.py\n```\n")
    project.write("docs/plain.md", "# Plain\n\nProse of plain, which runs nothing.\n")
    with serving(project, "--dirty") as server:
        site = served_site(project)
        before = written(site)
        assert set(before) >= {"index.html", "other/index.html", "plain/index.html"}

        project.write("snippets/a.py", "print('second version of a')\n")
        server.wait_for("rendering 1 of 3 pages again")
        server.wait_for(RELOADED)
        home = server.page()
        assert "second version of a" in home
        nav = [
            link.get_text(strip=True)
            for link in BeautifulSoup(home, "html.parser").select(".md-nav__link")
        ]
        assert {"Other", "Plain"} <= set(nav)  # the skipped pages' titles, from their headings
        server.wait_for(RELOADED)  # the notebook, made once the page was visible
        assert "second version of a" in server.page("notebooks/index.ipynb")
        after = written(site)
        assert after["index.html"] > before["index.html"]
        for page in ("other/index.html", "plain/index.html"):
            assert after[page] == before[page], f"{page} was written again"

        texts = search_locations(server)
        assert set(texts) == {"", "other/", "plain/"}
        assert "Prose of other." in texts["other/"]
        assert "Prose of plain" in texts["plain/"]

        project.write(
            "docs/other.md",
            "# Other\n\nProse of other, edited.\n\n```snippet\nsnippets/b.py\n```\n",
        )
        server.wait_for(RELOADED)
        assert "Prose of other, edited." in server.page("other/")
        assert "b never changes" in server.page("other/")
        assert written(site)["index.html"] == after["index.html"]
        texts = search_locations(server)
        assert set(texts) == {"", "other/", "plain/"}
        assert "Prose of other, edited." in texts["other/"]
        assert "Prose of home." in texts[""]
        log = server.text()
    assert log.count("snipexec: ran snippets/b.py") == 1  # the page's edit did not run it again
