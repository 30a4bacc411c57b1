"""Faults a build must survive: a damaged cache, huge or garbled output, two builds at once."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import TinyProject
from snipexec import Cache, RunResult
from snipexec._internal.bounds import Limits, bounded
from test_plugin import ran, two_snippet_project

RESULT = RunResult(stdout="fine\n", stderr="")

DAMAGE = {
    "random bytes": lambda entry: entry.write_bytes(os.urandom(64)),
    "empty": lambda entry: entry.write_bytes(b""),
    "truncated": lambda entry: entry.write_bytes(entry.read_bytes()[:25]),
    "JSON of another shape": lambda entry: entry.write_text(
        json.dumps({"format": Cache.FORMAT, "data": [1]})
    ),
    "a text field that is a number": lambda entry: entry.write_text(
        json.dumps({"format": Cache.FORMAT, "data": {**RESULT.to_json(), "stdout": 5}})
    ),
    "an older format": lambda entry: entry.write_text(json.dumps(RESULT.to_json())),
    "a folder": lambda entry: (entry.unlink(), entry.mkdir(), (entry / "x").write_text("x")),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_a_miss_and_the_next_put_repairs_it(tmp_path: Path, damage: str):
    cache = Cache(tmp_path)
    cache.put("k", RESULT)
    DAMAGE[damage](tmp_path / "k.json")
    assert cache.get("k") is None
    assert cache.damaged == {"k.json"}
    cache.put("k", RESULT)
    assert cache.get("k") == RESULT


def test_a_strict_build_runs_damaged_entries_again_and_reports_them_once(project: TinyProject):
    for number in range(len(DAMAGE)):
        project.write(f"snippets/s{number}.py", f"print({number})\n")
    project.page("index.md", *(f"snippets/s{n}.py" for n in range(len(DAMAGE))))
    assert project.build("--strict").returncode == 0
    entries = sorted((project.root / ".cache/snipexec").glob("*.json"))
    for entry, damage in zip(entries, DAMAGE.values(), strict=True):
        damage(entry)
    rebuilt = project.build("--strict")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert len(ran(rebuilt)) == len(DAMAGE)
    assert rebuilt.stderr.count("unreadable cache entries were run again") == 1
    assert "WARNING" not in rebuilt.stderr
    assert ran(project.build("--strict")) == []  # repaired


def test_two_builds_at_once_both_succeed_and_leave_a_sound_cache(project: TinyProject):
    two_snippet_project(project)
    with ThreadPoolExecutor(2) as pool:
        builds = list(pool.map(lambda n: project.build("--site-dir", f"site{n}"), (1, 2)))
    assert [build.returncode for build in builds] == [0, 0], builds[0].stderr + builds[1].stderr
    cache = Cache(project.root / ".cache/snipexec")
    entries = list(cache.folder.glob("*.json"))
    assert len(entries) == 2
    assert all(cache.get(entry.stem) is not None for entry in entries)
    assert not list(cache.folder.glob(".*.tmp"))


def test_output_beyond_the_limit_shows_head_and_tail_and_warns(project: TinyProject):
    project.write("snippets/loud.py", "for n in range(5000):\n    print(f'line {n}')\n")
    project.page("index.md", "snippets/loud.py")
    strict = project.build("--strict")
    assert strict.returncode != 0
    assert "docs/index.md:3: snippets/loud.py printed more than its output limit" in strict.stderr
    assert project.build().returncode == 0
    text = project.html()
    assert "line 0\n" in text and "line 4999" in text and "line 2500" not in text
    assert "lines omitted" in text
    assert len((project.root / "site/index.html").read_bytes()) < 100_000


def test_a_block_can_allow_more_output(project: TinyProject):
    project.write("snippets/loud.py", "for n in range(500):\n    print(f'line {n}')\n")
    project.page("index.md", "snippets/loud.py", options="max-lines=600")
    assert project.build("--strict").returncode == 0
    assert "line 250\n" in project.html()


def test_bounded_keeps_short_text_and_cuts_long_text_by_lines_and_bytes():
    assert bounded("a\nb\n", Limits(lines=5, bytes=100)) == ("a\nb\n", 0)
    text = "".join(f"{n}\n" for n in range(100))
    cut, omitted = bounded(text, Limits(lines=11, bytes=10_000))
    assert cut.splitlines()[:5] == ["0", "1", "2", "3", "4"]
    assert cut.splitlines()[-5:] == ["95", "96", "97", "98", "99"]
    assert f"… {omitted} lines omitted …" in cut and omitted == 90
    wide = "x" * 1000 + "\n"
    cut, omitted = bounded(wide * 10, Limits(lines=100, bytes=3000))
    assert len(cut.encode()) <= 3000 and omitted == 8


def test_invalid_utf8_and_control_bytes_are_shown_replaced(project: TinyProject):
    project.write(
        "snippets/garbled.py",
        "import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe \\x1b[31m red \\x00 end\\n')\n",
    )
    project.page("index.md", "snippets/garbled.py")
    assert project.build("--strict").returncode == 0
    assert "ok \ufffd\ufffd \u241b[31m red \u2400 end" in project.html()


def test_stored_results_hold_no_path_of_the_build_machine(project: TinyProject):
    project.write("snippets/fails.py", "print(__file__)\nraise ValueError('expected')\n")
    project.page("index.md", "snippets/fails.py", options="raises=ValueError")
    assert project.build("--strict").returncode == 0
    (entry,) = (project.root / ".cache/snipexec").glob("*.json")
    stored = entry.read_text()
    assert str(project.root) not in stored
    assert 'File \\"snippets/fails.py\\", line 2' in stored


def test_a_shard_runs_its_part_and_the_merged_cache_builds_without_the_libraries(
    project: TinyProject,
):
    """Three shards fill three caches; merged, they build the same site with nothing run.

    Blocks that expect their snippet to fail are stored by their shard too.
    """
    paths = [f"snippets/s{n}.py" for n in range(9)]
    for number, path in enumerate(paths):
        project.write(path, f"import heavy\nprint({number} * heavy.FACTOR)\n")
    failing = [f"snippets/f{n}.py" for n in range(3)]
    for path in failing:
        project.write(path, f"import heavy\nraise ValueError({path!r})\n")
    blocks = [f"```snippet\n{path}\n```\n" for path in paths]
    blocks += [f"```snippet raises=ValueError\n{path}\n```\n" for path in failing]
    project.write("docs/index.md", "# index\n\n" + "\n".join(blocks))
    project.preload("heavy", "FACTOR = 7\n")
    same_date = {"SOURCE_DATE_EPOCH": "1790000000"}  # the theme stamps the build's date
    normal = project.build("--strict", **same_date)
    assert normal.returncode == 0, normal.stderr
    expected = snapshot(project.root / "site")

    shards = []
    for index in (1, 2, 3):
        cache = f"shard{index}"
        shard = project.build(SNIPEXEC_SHARD=f"{index}/3", SNIPEXEC_CACHE_DIR=cache)
        assert shard.returncode == 0, shard.stderr
        assert f"shard {index}/3" in shard.stderr
        shards.append({entry.name for entry in (project.root / cache).glob("*.json")})
    assert sorted(name for shard in shards for name in shard) == sorted(
        entry.name for entry in (project.root / ".cache/snipexec").glob("*.json")
    )  # each run in exactly one shard

    merged = project.root / ".cache/snipexec"
    for entry in merged.glob("*.json"):
        entry.unlink()
    for index in (1, 2, 3):
        for entry in (project.root / f"shard{index}").glob("*.json"):
            (merged / entry.name).write_bytes(entry.read_bytes())
    project.write("heavy.py", "raise ImportError('the libraries are not installed here')\n")
    warm = project.build("--strict", **same_date)
    assert warm.returncode == 0, warm.stderr
    assert ran(warm) == []
    assert snapshot(project.root / "site") == expected


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("damage", [b"\xff\xfe not a notebook", b""])
def test_a_damaged_notebook_in_the_cache_is_written_again(project: TinyProject, damage: bytes):
    two_snippet_project(project)
    assert project.build("--strict").returncode == 0
    (notebook,) = (project.root / ".cache/snipexec/notebooks").glob("*.ipynb")
    good = notebook.read_bytes()
    notebook.write_bytes(damage)
    rebuilt = project.build("--strict")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert notebook.read_bytes() == good


def test_a_shard_fails_for_a_snippet_that_does_not_end_as_its_block_expects(
    project: TinyProject,
):
    project.write("snippets/ok.py", "print('no error')\n")
    project.page("index.md", "snippets/ok.py", options="raises=ValueError")
    shard = project.build(SNIPEXEC_SHARD="1/1")
    assert shard.returncode != 0
    assert "docs/index.md:3: snippets/ok.py was expected to raise ValueError" in shard.stderr
    assert not list((project.root / ".cache/snipexec").glob("*.json"))


SPAWNS = """\
import subprocess
subprocess.Popen(["sleep", "{seconds}"])
subprocess.Popen(["sh", "-c", "sleep {seconds}1 &"])  # a grandchild, orphaned at once
print("started")
"""


def left_running(marker: str) -> list[str]:
    listed = subprocess.run(["pgrep", "-af", marker], capture_output=True, text=True)
    return [line for line in listed.stdout.splitlines() if "pgrep" not in line]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_processes_a_snippet_leaves_running_are_ended_and_logged(project: TinyProject):
    project.write("snippets/spawns.py", SPAWNS.format(seconds=4242))
    project.page("index.md", "snippets/spawns.py")
    build = project.build("--strict")
    assert build.returncode == 0, build.stderr
    # The shell may be caught before or after it started its `sleep`: 2 or 3 processes.
    ended = r"spawns\.py left [23] process\(es\) running under plain, now ended: .*sleep 4242"
    assert re.search(ended, build.stderr)
    assert left_running("sleep 4242") == []
    assert "started" in project.html()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_build_stopped_midway_leaves_no_worker_or_child(project: TinyProject, how):
    marker = f"{4300 + how}"
    project.write(
        "snippets/slow.py", SPAWNS.format(seconds=marker) + "import time\ntime.sleep(60)\n"
    )
    project.page("index.md", "snippets/slow.py")
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=project.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_until(lambda: left_running(f"sleep {marker}1"), seconds=60)  # all started
    build.send_signal(how)
    build.wait(timeout=30)
    assert wait_until(lambda: not left_running(marker), seconds=10)
    assert wait_until(lambda: not working_in(project.root), seconds=10)  # no worker either


def working_in(folder: Path) -> list[int]:
    """Processes whose working directory is `folder`: a build's workers."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(entry / "cwd")) == folder:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_until(condition, seconds: float) -> bool:
    """Whether `condition()` holds within `seconds` (checked every 0.1 s)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
