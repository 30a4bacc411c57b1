"""Whole builds of tiny projects: caching, switches and failure modes, seen from outside."""

import json
import re
from pathlib import Path

import pytest

from conftest import TinyProject

MARKER = "import pathlib\npathlib.Path('worker-started').touch()\n"


def ran(build) -> list[str]:
    return re.findall(r"snipexec: ran (\S+)", build.stderr)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def two_snippet_project(project: TinyProject) -> TinyProject:
    project.write("snippets/a.py", "print('a says hi')\n")
    project.write("snippets/b.py", "from helper import NAME\nprint(NAME)\n")
    project.write("snippets/helper.py", "NAME = 'b says hi'\n")
    project.page("index.md", "snippets/a.py", "snippets/b.py")
    project.preload("marker", MARKER)
    return project


def test_cold_warm_and_one_edit(project: TinyProject):
    two_snippet_project(project)
    cold = project.build()
    assert cold.returncode == 0, cold.stderr
    assert sorted(ran(cold)) == ["snippets/a.py", "snippets/b.py"]
    assert "a says hi" in project.html() and "b says hi" in project.html()
    (project.root / "worker-started").unlink()

    warm = project.build()
    assert warm.returncode == 0, warm.stderr
    assert ran(warm) == []
    assert not (project.root / "worker-started").exists()  # no worker, so nothing imported

    project.write("snippets/helper.py", "NAME = 'b was edited'\n")
    edited = project.build()
    assert ran(edited) == ["snippets/b.py"]
    assert "b was edited" in project.html()


def test_force_reruns_everything_and_off_runs_nothing(project: TinyProject):
    two_snippet_project(project)
    assert project.build().returncode == 0
    assert sorted(ran(project.build(SNIPEXEC_EXECUTE="force"))) == [
        "snippets/a.py",
        "snippets/b.py",
    ]

    project.write("snippets/a.py", "print('edited, never run')\n")
    (project.root / "worker-started").unlink()
    off = project.build(SNIPEXEC_EXECUTE="off")
    assert off.returncode == 0, off.stderr
    assert ran(off) == [] and not (project.root / "worker-started").exists()
    html = project.html()
    assert "b says hi" in html  # stored output is still shown
    assert "Not run" in html and "edited, never run" in html  # code shown, output missing


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SNIPEXEC_EXECUTE", "sometimes", "expected one of cache, force, off"),
        ("SNIPEXEC_SHARD", "4/3", "expected K/N with 1 <= K <= N"),
    ],
)
def test_a_bad_setting_is_refused(project: TinyProject, variable: str, value: str, message: str):
    two_snippet_project(project)
    build = project.build(**{variable: value})
    assert build.returncode != 0
    assert f"{variable}={value!r}: {message}" in build.stderr


def test_missing_snippet_names_page_and_line(project: TinyProject):
    project.page("index.md", "snippets/misspelt.py")
    build = project.build()
    assert build.returncode != 0
    assert "docs/index.md:3: snippet file snippets/misspelt.py does not exist" in build.stderr


def test_failing_snippet_fails_the_build_and_keeps_site_and_cache(project: TinyProject):
    two_snippet_project(project)
    assert project.build().returncode == 0
    site, cache = snapshot(project.root / "site"), snapshot(project.root / ".cache")

    project.write("snippets/b.py", "x = 1\nraise RuntimeError('broken on purpose')\n")
    build = project.build()
    assert build.returncode != 0
    assert "docs/index.md:7: snippets/b.py:2 raised RuntimeError: broken on purpose" in build.stderr
    assert 'File "snippets/b.py", line 2, in <module>' in build.stderr
    assert snapshot(project.root / "site") == site
    assert snapshot(project.root / ".cache") == cache
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith("site")) == ["site"]


def test_strict_warning_keeps_the_previous_site(project: TinyProject):
    two_snippet_project(project)
    assert project.build().returncode == 0
    site = snapshot(project.root / "site")
    project.write("docs/index.md", "# Page\n\n[broken](nowhere.md)\n")
    build = project.build("--strict")
    assert build.returncode != 0 and "nowhere.md" in build.stderr
    assert snapshot(project.root / "site") == site


@pytest.mark.parametrize(
    "hook",
    [
        "def on_post_build(config):\n    warn('a check after the pages failed')\n",
        "@event_priority(50)\ndef on_config(config):\n    warn('an early check failed')\n",
    ],
    ids=["last-event", "first-event"],
)
def test_another_plugins_warning_keeps_the_previous_site(project: TinyProject, hook: str):
    two_snippet_project(project)
    assert project.build().returncode == 0
    site = snapshot(project.root / "site")
    project.write(
        "checks.py",
        "import logging\nfrom mkdocs.plugins import event_priority\n\n"
        "warn = logging.getLogger('mkdocs.hooks').warning\n\n" + hook,
    )
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks: [checks.py]\n")
    build = project.build("--strict")
    assert build.returncode != 0 and "check" in build.stderr and "failed" in build.stderr
    assert snapshot(project.root / "site") == site


def test_expected_failure_shows_its_traceback(project: TinyProject):
    project.write("snippets/err.py", "print('before')\nraise KeyError('on purpose')\n")
    project.page("index.md", "snippets/err.py", options="raises=KeyError")
    build = project.build()
    assert build.returncode == 0, build.stderr
    html = project.html()
    assert "before" in html and "KeyError: 'on purpose'" in html
    assert 'File "snippets/err.py", line 2, in <module>' in html


def failed_build(project: TinyProject, snippet: str, source: str, options: str = "") -> str:
    """Build a page showing one snippet; the build must fail. Return its log."""
    project.write(snippet, source)
    project.page("index.md", snippet, options=options)
    build = project.build()
    assert build.returncode != 0
    return build.stderr


def test_expected_failure_that_does_not_raise_fails_the_build(project: TinyProject):
    log = failed_build(project, "snippets/fine.py", "print('fine')\n", options="raises=KeyError")
    assert "docs/index.md:3: snippets/fine.py was expected to raise KeyError but did not" in log


def test_wrong_exception_is_not_an_expected_failure(project: TinyProject):
    source = "raise TypeError('other')\n"
    log = failed_build(project, "snippets/err.py", source, options="raises=KeyError")
    assert "docs/index.md:3: snippets/err.py:1 raised TypeError: other" in log


def test_timeout_is_settable_per_snippet_and_fails_the_build(project: TinyProject):
    source = "import time\ntime.sleep(30)\n"
    log = failed_build(project, "snippets/slow.py", source, options="timeout=1")
    assert "docs/index.md:3: snippets/slow.py did not finish within 1 s" in log


def test_worker_crash_fails_the_build_naming_the_snippet(project: TinyProject):
    log = failed_build(project, "snippets/crash.py", "import os\nos._exit(1)\n")
    assert "docs/index.md:3: snippets/crash.py: the worker process died (exit code 1)" in log


def test_worker_that_cannot_start_fails_the_build_naming_the_snippet(project: TinyProject):
    project.preload("broken", "raise ImportError('cannot load')\n")
    log = failed_build(project, "snippets/a.py", "print('a')\n")
    assert (
        "docs/index.md:3: snippets/a.py could not run under plain: the snippet worker did not start"
        in log
    )
    assert "ImportError: cannot load" in log


def test_corrupted_cache_entry_is_rerun(project: TinyProject):
    two_snippet_project(project)
    assert project.build().returncode == 0
    for entry in (project.root / ".cache/snipexec").glob("*.json"):
        entry.write_text(entry.read_text()[:20])
    build = project.build("--strict")
    assert build.returncode == 0, build.stderr
    assert sorted(ran(build)) == ["snippets/a.py", "snippets/b.py"]
    assert "2 unreadable cache entries were run again and replaced" in build.stderr


def test_page_offers_versions_notebook_and_downloads(project: TinyProject):
    two_snippet_project(project)
    assert project.build().returncode == 0
    html = project.html()
    assert re.search(
        r"Outputs on this page were produced on \d{4}-\d\d-\d\d, by:\s+plain: Python 3\.", html
    )
    assert "Run this page as a notebook" in html
    assert "Download the examples: a.py, b.py" in html
    site = project.root / "site"
    bundle = (site / "snippets/b.py").read_text()  # runs alone: the helper folded in
    assert bundle == "# helper.py\nNAME = 'b says hi'\n\n\n# b.py\nprint(NAME)\n"
    notebook = json.loads((site / "notebooks/index.ipynb").read_text())
    cells = {cell["id"]: cell for cell in notebook["cells"]}
    assert [cell["id"] for cell in notebook["cells"]] == [
        "title",
        "how-to-run",
        "fresh-session",
        "snippet-1",
        "about-helper-1",
        "module-helper-1",
        "snippet-2",
    ]
    assert "".join(cells["module-helper-1"]["source"]) == "NAME = 'b says hi'"
    assert "".join(cells["snippet-2"]["source"]) == "print(NAME)"
    outputs = ["".join(cells[n]["outputs"][0]["text"]) for n in ("snippet-1", "snippet-2")]
    assert outputs == ["a says hi\n", "b says hi\n"]
