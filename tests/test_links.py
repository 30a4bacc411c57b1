"""The real site's build checks every internal link and anchor of its rendered pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_of_the_site
from site_pages import ROOT

pytestmark = pytest.mark.site


@pytest.fixture
def project_copy(built_site: Path, tmp_path: Path) -> Path:
    """The project's pages and configuration, reading its snippets and its filled cache."""
    copy_of_the_site(tmp_path)
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache/snipexec").symlink_to(ROOT / ".cache/snipexec")
    return tmp_path


def build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env={**os.environ, "SNIPEXEC_EXECUTE": "off", "CHECK_LINKS": "true"},
        capture_output=True,
        text=True,
        timeout=300,
    )


BROKEN = {
    "thread-model/#no-such-heading": "a missing anchor on another page",
    "#no-such-heading": "a missing anchor on this page",
    "no-such-page/": "a missing page",
}


def test_each_broken_link_in_the_html_fails_the_build(project_copy: Path):
    """The real site itself builds with its links checked: see the `built_site` fixture."""
    index = project_copy / "docs" / "index.md"
    links = "\n".join(f'<a href="{href}">{text}</a>' for href, text in BROKEN.items())
    index.write_text(index.read_text() + f"\n{links}\n")
    completed = build(project_copy)
    assert completed.returncode != 0
    for href in BROKEN:
        assert f"invalid url - {href} [404] [index.md]" in completed.stderr
