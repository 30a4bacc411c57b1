"""Time builds side by side, in one run, and judge each against its target.

All in temporary folders, each build in a fresh process:

- **The real site** (a copy of the project): cold (empty cache), execution off with the
  pages' kept renders removed (MkDocs' own work: the render of every page), warm
  (nothing changed) and one snippet edited. The floor is one framework import per
  variant that ran (a fresh interpreter importing the variant's preloads in its
  environment) + the snippets' own run time + the render.
- **The README command** in the same copy, with its own nox environments: `nox -s docs`
  a second time (the environment reused) against a bare `mkdocs build --strict` in that
  environment; and once after a lock input changed (the environment synced again).
- **Install size** each variant adds to the first: the sizes in the RECORD files of the
  distributions its packages need and the first variant's do not; a variant with an
  environment of its own counts that whole environment. And the time to make each such
  environment with `uv sync --only-group` from an empty package cache (downloads
  included), as on a new machine.
- **Scale**: generated sites of 20 pages of 10 snippets (small Keras models with
  summaries, NumPy, a figure a page), built at 20, 100 and 200 snippets; a cold build
  against (framework import + run time / workers + render), and the engine's overhead in
  a warm build per snippet: the time its hooks took, which its log reports (execution
  off is no baseline for it: that build reads the cache and renders just the same). The
  smallest also runs under every variant.
- **Shards**: on the largest generated site, three `SNIPEXEC_SHARD=k/3` builds into three
  cache folders, merged by copying, then a warm build; against one cold build.

Usage: python tests/benchmarks/build_times.py [--quick] [--repeat N] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from snipexec._internal.profile import DEFAULT_RUNS, DEFAULT_VARIANTS, SNIPPET_ENVIRONMENT
from snipexec._internal.variants import Variant

ROOT = Path(__file__).resolve().parents[2]
EDITED_SNIPPET = "snippets/thread_model/derive_numbers.py"
VARIANTS = {name: Variant.from_config(name, options) for name, options in DEFAULT_VARIANTS.items()}
BASE_VARIANT = next(iter(VARIANTS))
WORKERS = os.cpu_count() or 1  # the plugin's default pool size
SIZES = (20, 100, 200)
PER_PAGE = 10
SHARDS = 3
KINDS = ("cold", "off", "warm", "one-edit")
KEPT_RENDERS = ".cache/snipexec/pages"  # where a build keeps the pages' renders
# Variables that would change what a build does; each build sets its own.
OWN_VARIABLES = ("SNIPEXEC_EXECUTE", "SNIPEXEC_SHARD", "SNIPEXEC_CACHE_DIR", "CHECK_LINKS")
QUIET = {"NO_MKDOCS_2_WARNING": "1"}
RAN = re.compile(r"ran (\S+) under (\S+) in ([\d.]+) s")
OWN_WORK = re.compile(r"its own work ([\d.]+) s")


@dataclass
class Build:
    """One timed build: wall time, and the snippet runs its log reports."""

    seconds: float
    runs: int
    run_seconds: float
    variants: tuple[str, ...]
    own_seconds: float  # the plugin's hooks, waits for runs left out (from its log)


@dataclass
class Row:
    """A measured value; with a `limit`, a target: `value` (over `reference`) <= `limit`."""

    name: str
    value: float
    reference: float | None = None
    limit: float | None = None

    @property
    def ratio(self) -> float:
        """`value` over `reference`, or `value` itself where there is no reference."""
        return self.value / self.reference if self.reference else self.value

    @property
    def verdict(self) -> str:
        """`met`, or by how much the target is missed."""
        if self.limit is None:
            return ""
        if self.ratio <= self.limit:
            return "met"
        return f"not met, by {self.ratio / self.limit - 1:.0%}"


def environ(**extra: str) -> dict[str, str]:
    """This process's environment less the variables builds set themselves, plus `extra`."""
    base = {key: value for key, value in os.environ.items() if key not in OWN_VARIABLES}
    return {**base, **QUIET, **extra}


def timed(command: list[str], cwd: Path, **env: str) -> tuple[float, str]:
    """Run `command` in `cwd`; its wall time and its output (stop if it fails)."""
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=environ(**env), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(
            f"{' '.join(command)} failed in {cwd}:\n{done.stdout[-3000:]}{done.stderr[-5000:]}"
        )
    return seconds, done.stdout + done.stderr


def build(project: Path, **env: str) -> Build:
    """`mkdocs build` of `project` in a fresh process, timed, with the runs it logged."""
    seconds, log = timed([sys.executable, "-m", "mkdocs", "build"], project, **env)
    ran = RAN.findall(log)
    return Build(
        seconds=seconds,
        runs=len(ran),
        run_seconds=sum(float(run_seconds) for *_, run_seconds in ran),
        variants=tuple(sorted({variant for _, variant, _ in ran})),
        own_seconds=sum(float(own) for own in OWN_WORK.findall(log)),
    )


def measure(project: Path, edited: str, repeat: int) -> dict[str, list[Build]]:
    """Cold, execution off, warm and one-edit builds of `project`, `repeat` times each."""
    builds: dict[str, list[Build]] = {kind: [] for kind in KINDS}
    for round_ in range(repeat):
        shutil.rmtree(project / ".cache", ignore_errors=True)
        builds["cold"].append(build(project))
        builds["off"].append(render_only(project))
        builds["warm"].append(build(project))
        append(project / edited, f"# edit {round_}\n")
        builds["one-edit"].append(build(project))
    return builds


def render_only(project: Path) -> Build:
    """A build that runs nothing and renders every page: the pages' kept renders removed."""
    shutil.rmtree(project / KEPT_RENDERS, ignore_errors=True)
    return build(project, SNIPEXEC_EXECUTE="off")


def append(path: Path, text: str) -> None:
    """Add `text` at the end of `path`."""
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def median(values: Iterable[float]) -> float:
    """The median of `values`."""
    return statistics.median(list(values))


def import_seconds(variant: Variant, repeat: int) -> float:
    """Median seconds for a fresh interpreter (the variant's own) to import its preloads."""
    code = "\n".join(f"import {module}" for module in variant.preload)
    env = {**SNIPPET_ENVIRONMENT, **variant.env}
    python = variant.python(ROOT)
    return median(timed([python, "-c", code], ROOT, **env)[0] for _ in range(repeat))


def floor(build: Build, imports: dict[str, float], render: float, workers: int) -> float:
    """One import per variant that ran + the build's run time over `workers` + `render`."""
    return sum(imports[name] for name in build.variants) + build.run_seconds / workers + render


def build_rows(
    label: str, builds: dict[str, list[Build]], imports: dict[str, float], workers: int
) -> list[Row]:
    """Median times of each kind; cold and one-edit against their floor, which must hold."""
    render = median(b.seconds for b in builds["off"])
    rows = []
    for kind in KINDS:
        seconds = median(b.seconds for b in builds[kind])
        runs = median(b.runs for b in builds[kind])
        if kind in ("cold", "one-edit"):
            reference = median(floor(b, imports, render, workers) for b in builds[kind])
            rows.append(Row(f"{label}: {kind} ({runs:g} runs) / floor", seconds, reference, 1.2))
        else:
            rows.append(Row(f"{label}: {kind} ({runs:g} runs)", seconds))
    return rows


def with_environments(project: Path) -> Path:
    """`project` reading the variants' environments of this checkout (made by nox)."""
    (project / ".venvs").symlink_to(ROOT / ".venvs")
    return project


def copy_project(destination: Path) -> Path:
    """Copy the project's tracked files, as they are in the working tree, to `destination`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return with_environments(destination)


def readme_rows(project: Path, repeat: int) -> list[Row]:
    """`nox -s docs` run again against a bare build in its environment; then a changed lock."""
    nox = [sys.executable, "-m", "nox", "-s", "docs"]
    bare = [str(project / ".nox" / "docs" / "bin" / "mkdocs"), "build", "--strict"]
    first = timed(nox, project)[0]
    again, bares = [], []
    for _ in range(repeat):
        again.append(timed(nox, project)[0])
        bares.append(timed(bare, project)[0])
    append(project / "pyproject.toml", "# a change to a lock input\n")
    changed = timed(nox, project)[0]
    reference = median(bares)
    return [
        Row("bare mkdocs build --strict", reference),
        Row("nox -s docs, new environment (info)", first, reference),
        Row("nox -s docs, lock input changed (info)", changed, reference),
        Row("nox -s docs, again / bare build", median(again), reference, 1.15),
    ]


def installed_closure(names: Iterable[str]) -> set[str]:
    """The installed distributions `names` need, themselves included (canonical names)."""
    found: set[str] = set()
    pending = [canonicalize_name(name) for name in names]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        try:
            requires = importlib.metadata.distribution(name).requires or []
        except importlib.metadata.PackageNotFoundError:
            continue
        found.add(name)
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(canonicalize_name(requirement.name))
    return found


def installed_bytes(distribution: importlib.metadata.Distribution) -> int:
    """The size of an installed distribution, from its RECORD file."""
    return sum(file.size or 0 for file in distribution.files or [])


def size_rows() -> list[Row]:
    """MB each variant adds to an installation of the first variant's packages."""
    base = installed_closure(VARIANTS[BASE_VARIANT].packages)
    megabytes = sum(installed_bytes(importlib.metadata.distribution(n)) for n in base) / 1e6
    rows = [Row(f"{BASE_VARIANT} (base): MB installed", megabytes)]
    for name, variant in VARIANTS.items():
        if variant.group:
            installed = variant.installed(ROOT)
            found = importlib.metadata.distributions(path=list(installed.paths))
            megabytes = sum(map(installed_bytes, found)) / 1e6
            rows.append(Row(f"{name}: MB, its own environment (.venvs/{variant.group})", megabytes))
        elif name != BASE_VARIANT:
            added = sorted(installed_closure(variant.packages) - base)
            megabytes = sum(installed_bytes(importlib.metadata.distribution(n)) for n in added)
            rows.append(Row(f"{name} adds: MB ({', '.join(added) or 'nothing'})", megabytes / 1e6))
    return rows


def environment_rows(scratch: Path) -> list[Row]:
    """Seconds to make each variant's own environment from an empty package cache."""
    rows = []
    for name, variant in VARIANTS.items():
        if variant.group:
            folder = scratch / f"env-{variant.group}"
            seconds = timed(
                ["uv", "sync", "--locked", f"--only-group={variant.group}"],
                ROOT,
                UV_PROJECT_ENVIRONMENT=str(folder),
                UV_CACHE_DIR=str(scratch / f"uv-cache-{variant.group}"),
                UV_COMPILE_BYTECODE="1",
            )[0]
            rows.append(Row(f"{name}: uv sync, empty package cache, seconds", seconds))
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(scratch / f"uv-cache-{variant.group}", ignore_errors=True)
    return rows


def generate_site(folder: Path, snippets: int, variants: list[str]) -> Path:
    """Write a site of `snippets` snippets, `PER_PAGE` a page, run under `variants`."""
    nav = []
    for page in range(snippets // PER_PAGE):
        blocks = []
        for index in range(PER_PAGE):
            path = f"snippets/page_{page:02}/snippet_{index:02}.py"
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(snippet_code(page * PER_PAGE + index), encoding="utf-8")
            blocks.append(f"Snippet {index}.\n\n```snippet\n{path}\n```\n")
        (folder / "docs").mkdir(exist_ok=True)
        name = f"page_{page:02}.md"
        (folder / "docs" / name).write_text(f"# Page {page}\n\n" + "\n".join(blocks))
        nav.append(name)
    (folder / "docs" / "index.md").write_text("# Generated\n")
    config = {
        "site_name": "Generated",
        "nav": ["index.md", *nav],
        "theme": {"name": "material", "features": ["content.tabs.link"]},
        "plugins": ["search", {"snipexec": {"default_variants": variants, "notebooks": False}}],
        "markdown_extensions": [
            "pymdownx.superfences",
            {"pymdownx.tabbed": {"alternate_style": True}},
        ],
    }
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return with_environments(folder)


def snippet_code(number: int) -> str:
    """Snippet `number`: a figure at the end of each page, else a model, NumPy or a layer."""
    if number % PER_PAGE == PER_PAGE - 1:
        return (
            "import matplotlib.pyplot as plt\nimport numpy as np\n\n"
            f"x = np.linspace(0, {number + 1}, 50)\n"
            f'plt.plot(x, np.sin(x))\nplt.title("Figure {number}")\n'
        )
    if number % 3 == 0:
        return (
            "import keras\n\n"
            "model = keras.Sequential([\n"
            "    keras.Input((16, 16, 3)),\n"
            f'    keras.layers.Conv2D({number % 7 + 2}, 3, activation="relu"),\n'
            "    keras.layers.GlobalAveragePooling2D(),\n"
            "    keras.layers.Dense(10),\n"
            "])\nmodel.summary()\n"
        )
    if number % 3 == 1:
        return (
            "import numpy as np\n\n"
            f"rng = np.random.default_rng({number})\n"
            "image, kernel = rng.normal(size=(8, 8, 3)), rng.normal(size=(3, 3, 3, 4))\n"
            "windows = np.lib.stride_tricks.sliding_window_view(image, (3, 3), axis=(0, 1))\n"
            'out = np.einsum("ijcab,abcf->ijf", windows, kernel)\n'
            "print(out.shape, round(float(out.sum()), 3))\n"
        )
    return (
        "import keras\nimport numpy as np\n\n"
        f"layer = keras.layers.Conv2D({number % 5 + 1}, 3)\n"
        'print(layer(np.ones((1, 8, 8, 3), "float32")).shape, layer.count_params())\n'
    )


def scale_rows(
    scratch: Path, sizes: tuple[int, ...], repeat: int, imports: dict[str, float]
) -> tuple[list[Row], dict[str, list[Build]], Path]:
    """Builds of generated sites of each size, and of the smallest under every variant."""
    edited = "snippets/page_00/snippet_00.py"
    rows: list[Row] = []
    runs: dict[str, list[Build]] = {}
    cases = [(size, [BASE_VARIANT]) for size in sizes] + [(sizes[0], list(DEFAULT_RUNS))]
    for size, variants in cases:
        label = f"{size} snippets x {len(variants)} variant(s)"
        builds = measure(generate_site(scratch / label, size, variants), edited, repeat)
        rows += build_rows(label, builds, imports, WORKERS)
        own = median(b.own_seconds for b in builds["warm"]) * 1000 / size
        rows.append(Row(f"{label}: warm, the plugin's own work, ms per snippet", own, None, 5))
        runs.update({f"{label}: {kind}": kind_runs for kind, kind_runs in builds.items()})
    return rows, runs, scratch / f"{sizes[-1]} snippets x 1 variant(s)"


def shard_rows(project: Path, cold: float) -> list[Row]:
    """Three shard builds into their own caches, merged by copying, then a warm build."""
    cache = project / ".cache" / "snipexec"
    shutil.rmtree(cache, ignore_errors=True)
    folders = [project / f"shard-{index}" for index in range(1, SHARDS + 1)]
    shards = [
        build(project, SNIPEXEC_SHARD=f"{index}/{SHARDS}", SNIPEXEC_CACHE_DIR=str(folder))
        for index, folder in enumerate(folders, 1)
    ]
    start = time.perf_counter()
    for folder in folders:
        shutil.copytree(folder, cache, dirs_exist_ok=True)
    merge = time.perf_counter() - start
    warm = build(project)
    slowest = max(b.seconds for b in shards)
    rows = [
        Row(f"shard {index}/{SHARDS} ({stored(folder)} runs)", shard.seconds)
        for index, (folder, shard) in enumerate(zip(folders, shards, strict=True), 1)
    ]
    return [
        *rows,
        Row("merge by copying", merge),
        Row(f"warm build after the merge ({warm.runs} runs)", warm.seconds),
        Row(
            "one machine: shards one after another + merge + warm / cold",
            sum(b.seconds for b in shards) + merge + warm.seconds,
            cold,
        ),
        Row(
            f"{SHARDS} machines: slowest shard + merge + warm / cold",
            slowest + merge + warm.seconds,
            cold,
        ),
    ]


def stored(cache: Path) -> int:
    """How many runs a cache folder holds (a shard logs no run of its own)."""
    return len(list(cache.glob("*.json")))


def table(title: str, rows: list[Row]) -> str:
    """`rows` as aligned text under `title`."""
    width = max(len(row.name) for row in rows)
    lines = [title, f"{'':{width}} {'value':>8} {'reference':>9} {'ratio':>6} {'target':>7}"]
    for row in rows:
        reference = f"{row.reference:9.2f} {row.ratio:6.2f}" if row.reference else " " * 16
        limit = f"{row.limit:7.2f}" if row.limit is not None else " " * 7
        lines.append(f"{row.name:{width}} {row.value:8.2f} {reference} {limit}  {row.verdict}")
    return "\n".join(lines)


def main() -> None:
    """Measure every section, print the tables, optionally save the raw numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each, 20 snippets only")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind (median)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers to this file")
    options = parser.parse_args()
    repeat = 1 if options.quick else options.repeat
    sizes = SIZES[:1] if options.quick else SIZES

    imports = {name: import_seconds(variant, repeat) for name, variant in VARIANTS.items()}
    with tempfile.TemporaryDirectory(prefix="snipexec-bench-") as scratch:
        project = copy_project(Path(scratch, "project"))
        site = measure(project, EDITED_SNIPPET, repeat)
        site_table = build_rows("site", site, imports, 1)
        own = median(b.own_seconds for b in site["warm"])
        site_table.append(Row("site: warm, the plugin's own work", own))
        readme = readme_rows(project, repeat)
        scale, generated, largest = scale_rows(Path(scratch), sizes, repeat, imports)
        cold = median(b.seconds for b in generated[f"{sizes[-1]} snippets x 1 variant(s): cold"])
        shards = shard_rows(largest, cold)
        environments = [] if options.quick else environment_rows(Path(scratch))
    sections = {
        "Imports, seconds (fresh interpreter, preloads of each variant)": [
            Row(name, seconds) for name, seconds in imports.items()
        ],
        "The real site, seconds (floor: imports of the variants run + runs + render)": site_table,
        "The README command, seconds": readme,
        "Install size each variant adds, MB (RECORD files)": size_rows(),
        "Each variant's own environment, new machine": environments,
        f"Generated sites, seconds (floor: imports + runs / {WORKERS} workers + render)": scale,
        f"Shards of the {sizes[-1]}-snippet site, seconds": shards,
    }
    print("\n\n".join(table(title, rows) for title, rows in sections.items()))
    if options.json:
        raw = {
            "sections": {title: [asdict(row) for row in rows] for title, rows in sections.items()},
            "builds": {
                **{f"site: {kind}": [asdict(b) for b in runs] for kind, runs in site.items()},
                **{name: [asdict(b) for b in runs] for name, runs in generated.items()},
            },
        }
        options.json.write_text(json.dumps(raw, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
