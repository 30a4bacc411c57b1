"""Faults on the real site, with its theme, hooks, notebooks and variant environments: two
builds at once from an empty cache, and a cache whose every file is garbled."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import copy_of_the_site
from site_pages import ROOT, references

pytestmark = pytest.mark.site


def build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )


def with_results(built_site: Path, project: Path) -> Path:
    """The project's stored run results (and nothing else of its cache) in `project`."""
    results = project / ".cache/snipexec"
    results.mkdir(parents=True)
    for entry in (ROOT / ".cache/snipexec").glob("*.json"):
        shutil.copy2(entry, results)
    return results


def versions(entry: Path) -> dict[str, str]:
    """The versions a stored run result names (none if it is not readable)."""
    try:
        return json.loads(entry.read_bytes())["data"]["versions"]
    except (ValueError, KeyError, TypeError):
        return {}


def test_two_builds_at_once_from_an_empty_cache_both_succeed(built_site: Path, tmp_path: Path):
    """Each stages its own folder: the theme hook of one never deletes what the other copies.

    Notebooks, their rendering, the pages' renders and the templates' cache all start
    empty; the run results are there, so that the two builds race on everything but the
    runs.
    """
    project = copy_of_the_site(tmp_path)
    with_results(built_site, project)
    with ThreadPoolExecutor(2) as pool:
        builds = list(pool.map(lambda _: build(project), range(2)))
    assert [b.returncode for b in builds] == [0, 0], (
        builds[0].stderr[-3000:] + builds[1].stderr[-3000:]
    )
    site = project / "site"
    assert (site / "index.html").is_file() and (site / "notebooks").is_dir()
    assert not list(project.glob(".site.*"))  # no staging folder left behind
    again = build(project)
    assert again.returncode == 0, again.stderr
    assert "snipexec: 0 run(s)" in again.stderr  # the cache is sound
    assert re.search(r"snipexec: (\d+) of \1 page renders", again.stderr), again.stderr[-2000:]


def test_a_cache_garbled_through_and_through_is_rebuilt(built_site: Path, tmp_path: Path):
    """Every file under `.cache/` random bytes: notebooks and their stamps, mkdocs-jupyter's
    rendered pages, the templates' cache, and two run results (of the site's own
    interpreter, so one worker runs them again)."""
    project = copy_of_the_site(tmp_path)
    shutil.copytree(ROOT / ".cache", project / ".cache")
    results = {entry: versions(entry) for entry in (project / ".cache/snipexec").glob("*.json")}
    mine = [  # Keras 3 on TensorFlow: the site's own interpreter
        entry
        for entry, versions in results.items()
        if versions.get("keras", "").startswith("3") and "jax" not in versions
    ]
    garbled = 0
    for file in (project / ".cache").rglob("*"):
        if file.is_file() and (file not in results or file in mine[:2]):
            file.write_bytes(os.urandom(256))
            garbled += 1
    assert garbled > 20
    rebuilt = build(project)
    assert rebuilt.returncode == 0, rebuilt.stderr[-5000:]
    assert "snipexec: 2 run(s)" in rebuilt.stderr
    assert "2 unreadable cache entries were run again and replaced" in rebuilt.stderr
    assert "unreadable rendered notebooks in mkdocs-jupyter's cache removed" in rebuilt.stderr
    for page in {page for page, _ in references()}:
        stem = Path(page).stem
        assert (project / "site/notebooks" / stem / "index.html").is_file(), stem
