"""Time builds of the real site side by side, in one run, and compare them with targets.

Builds a copy of the project in a temporary folder: execution off (the baseline: MkDocs'
own work), cold (empty cache), warm (nothing changed) and one snippet edited; plus a bare
`import tensorflow` as the floor. Prints a table of medians and ratios.

Usage: python tests/benchmarks/build_times.py [--repeat N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EDITED_SNIPPET = "snippets/thread_model/derive_numbers.py"

# Runs `mkdocs build` and reports on stderr whether this process imported TensorFlow.
BUILD = """\
import runpy, sys
sys.argv = ["mkdocs", "build"]
try:
    runpy.run_module("mkdocs", run_name="__main__")
finally:
    print("tensorflow imported:", "tensorflow" in sys.modules, file=sys.stderr)
"""


@dataclass
class Build:
    """One timed build."""

    seconds: float
    snippets_run: int
    snippet_seconds: float
    imported_tensorflow: bool


def build(project: Path, mode: str = "cache") -> Build:
    """Build `project` once in a fresh process and time it."""
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", BUILD],
        cwd=project,
        env={**_environ(), "SNIPEXEC_EXECUTE": mode},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"build failed:\n{completed.stderr}")
    summary = re.search(r"snipexec: (\d+) snippet\(s\) run in ([\d.]+) s", completed.stderr)
    assert summary, completed.stderr
    return Build(
        seconds=seconds,
        snippets_run=int(summary[1]),
        snippet_seconds=float(summary[2]),
        imported_tensorflow="tensorflow imported: True" in completed.stderr,
    )


def _environ() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "SNIPEXEC_EXECUTE"}


def import_tensorflow() -> float:
    """Seconds for a fresh interpreter to import TensorFlow and exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True)
    return time.perf_counter() - start


def copy_project(destination: Path) -> Path:
    """Copy what a build reads (pages, snippets, config) into `destination`."""
    for name in ("docs", "snippets"):
        shutil.copytree(ROOT / name, destination / name)
    shutil.copy2(ROOT / "mkdocs.yml", destination / "mkdocs.yml")
    return destination


def main() -> None:
    """Run every build kind, print the table and check the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind (median)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="snipexec-bench-") as scratch:
        project = copy_project(Path(scratch))
        floor = statistics.median(import_tensorflow() for _ in range(options.repeat))
        colds, warms, offs, edits = [], [], [], []
        for round_ in range(options.repeat):
            shutil.rmtree(project / ".cache", ignore_errors=True)
            colds.append(build(project))
            offs.append(build(project, mode="off"))
            warms.append(build(project))
            snippet = project / EDITED_SNIPPET
            snippet.write_text(snippet.read_text() + f"# edit {round_}\n")
            edits.append(build(project))

    off = statistics.median(b.seconds for b in offs)
    rows = [
        ("import tensorflow (floor)", floor, None, None),
        ("execution off (baseline)", off, None, None),
        _row("warm (nothing changed)", warms, off, 1.3),
        _row("cold (empty cache)", colds, floor + off, 1.2),
        _row(f"one edit ({EDITED_SNIPPET})", edits, floor + off, 1.2),
    ]
    print(_table(rows))
    warm_imports = any(b.imported_tensorflow or b.snippets_run for b in warms)
    print(f"\nwarm builds imported TensorFlow or ran a snippet: {warm_imports}")
    if options.json:
        options.json.write_text(json.dumps({name: seconds for name, seconds, *_ in rows}, indent=2))


def _row(name: str, builds: list[Build], fixed: float, target: float) -> tuple:
    """Median time, and its ratio to `fixed` plus the snippets' own run time."""
    seconds = statistics.median(b.seconds for b in builds)
    reference = fixed + statistics.median(b.snippet_seconds for b in builds)
    return (name, seconds, reference, target)


def _table(rows: list[tuple]) -> str:
    width = max(len(name) for name, *_ in rows)
    lines = [f"{'build':{width}} {'seconds':>8} {'reference':>10} {'ratio':>6} {'target':>7}  met"]
    for name, seconds, reference, target in rows:
        if reference is None:
            lines.append(f"{name:{width}} {seconds:8.2f}")
            continue
        ratio = seconds / reference
        met = "yes" if ratio <= target else "NO"
        lines.append(
            f"{name:{width}} {seconds:8.2f} {reference:10.2f} {ratio:6.2f} {target:7.2f}  {met}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
