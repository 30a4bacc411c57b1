"""Shared fixtures: tiny throwaway projects for the engine, the real site for the pages."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from snipexec._internal.profile import DEFAULT_VARIANTS
from snipexec._internal.variants import Variant

ROOT = Path(__file__).resolve().parents[1]

TINY_CONFIG = """\
site_name: tiny
plugins:
  - snipexec:
      variants:
        plain: {preload: []}
      default_variants: [plain]
      timeout: 20
"""


SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        help=f"save what the browser tests see as PNG files in {SCREENSHOTS.relative_to(ROOT)}/",
    )


@pytest.fixture(scope="session")
def screenshot(request: pytest.FixtureRequest) -> Callable[..., None]:
    """Save a Playwright page as NAME.png in SCREENSHOTS, with `--screenshots`; or else
    nothing. They are for people to look at (no test reads them), and encoding every
    page's is a good part of the browser tests' time."""
    wanted = request.config.getoption("screenshots")

    def save(page: Any, name: str, full_page: bool = False) -> None:
        if wanted:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)

    return save


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `longest` first: spread over workers a file at a time, the longest
    file then starts at once and the other files fill the other cores around it."""
    items.sort(key=lambda item: item.get_closest_marker("longest") is None)


class TinyProject:
    """A MkDocs project in a temporary folder, built in a subprocess like a maintainer would."""

    def __init__(self, root: Path):
        self.root = root
        (root / "docs").mkdir()
        (root / "snippets").mkdir()
        (root / "mkdocs.yml").write_text(TINY_CONFIG)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path

    def page(self, name: str, *snippets: str, options: str = "") -> None:
        """A page running `snippets`; the first block opens on line 3."""
        blocks = "".join(f"\n```snippet {options}\n{snippet}\n```\n" for snippet in snippets)
        self.write(f"docs/{name}", f"# {name}\n{blocks}")

    def preload(self, module: str, source: str) -> None:
        """Have the worker import `module` (written beside mkdocs.yml) when it starts."""
        self.write(f"{module}.py", source)
        config = self.root / "mkdocs.yml"
        config.write_text(config.read_text().replace("preload: []", f"preload: [{module}]"))

    def build(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", *args],
            cwd=self.root,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )

    def html(self, page: str = "index") -> str:
        """The text a reader sees on `page` (tags removed, entities decoded)."""
        name = "index.html" if page == "index" else f"{page}/index.html"
        markup = (self.root / "site" / name).read_text()
        return BeautifulSoup(markup, "html.parser").get_text()


def copy_of_the_site(folder: Path) -> Path:
    """The real site's pages, theme overrides and hooks copied into `folder`, reading the
    project's snippets, engine and variant environments where they are; no cache."""
    shutil.copytree(ROOT / "docs", folder / "docs")
    shutil.copy2(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    for name in ("snippets", "src", ".venvs", "pyproject.toml"):
        (folder / name).symlink_to(ROOT / name)
    return folder


@pytest.fixture
def project(tmp_path: Path) -> TinyProject:
    return TinyProject(tmp_path)


@pytest.fixture(scope="session")
def site_variants() -> dict[str, Variant]:
    """The real site's variants, as its build sees them."""
    return {name: Variant.from_config(name, options) for name, options in DEFAULT_VARIANTS.items()}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The real site, built once per test session with the project's own cache.

    The session's workers (pytest-xdist) share one build: the first to get here makes
    it, the others wait for it and read it.
    """
    session = tmp_path_factory.getbasetemp()
    shared = session if worker_id == "master" else session.parent
    site, made = shared / "built" / "site", shared / "built" / "made"
    with (shared / "built.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            site.parent.mkdir(exist_ok=True)
            completed = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                cwd=ROOT,
                env={**os.environ, "CHECK_LINKS": "true"},
                capture_output=True,
                text=True,
                timeout=1800,
            )
            if completed.returncode != 0:
                pytest.fail(f"mkdocs build failed:\n{completed.stdout}\n{completed.stderr}")
            made.touch()
    return site


Builder = Callable[..., subprocess.CompletedProcess[str]]
