"""Tasks: build the site, run the tests, lint, benchmark. `nox -l` lists them."""

from __future__ import annotations

import hashlib
import os
import shutil
import tomllib
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
# Environments are kept between runs and synced again only when what they were
# installed from changed (see `install`), so a second `nox -s docs` starts at once.
nox.options.reuse_venv = "yes"
LOCK_INPUTS = ("uv.lock", "pyproject.toml")
ROOT = Path(__file__).parent

QUIET = {"NO_MKDOCS_2_WARNING": "1"}  # MkDocs' and Material's banners about their successors


def install(session: nox.Session, *groups: str) -> None:
    """Install the project and dependency `groups` exactly as `uv.lock` pins them.

    Skipped when the environment was installed from the same lock file and groups.
    """
    if session.venv_backend != "uv":
        session.install("uv")
    sync(session, Path(session.virtualenv.location), groups)


def install_variants(session: nox.Session) -> None:
    """Make each variant's own environment, `.venvs/GROUP` (see `variant_groups`).

    Shared by every session that runs snippets; each is synced only when the lock changed.
    """
    for group in variant_groups():
        sync(session, ROOT / ".venvs" / group, (group,), only=True)


def sync(session: nox.Session, venv: Path, groups: tuple[str, ...], only: bool = False) -> None:
    """`uv sync` the environment at `venv` with `groups`, unless its stamp says it is.

    `only`: the groups alone, without the project and its dependencies.
    """
    if installed_from(venv) == lock_fingerprint(groups):
        session.log(f"{venv.name}: matches uv.lock, not syncing it again")
        return
    session.run_install(
        "uv",
        "sync",
        "--locked",
        *(f"--only-group={group}" for group in groups)
        if only
        else ("--no-default-groups", *(f"--group={group}" for group in groups)),
        # Bytecode compiled once at install: every process then imports TensorFlow in
        # less than half the time, even where PYTHONDONTWRITEBYTECODE is set.
        env={"UV_PROJECT_ENVIRONMENT": str(venv), "UV_COMPILE_BYTECODE": "1"},
    )
    (venv / STAMP).write_text(lock_fingerprint(groups))


def variant_groups(root: Path = ROOT) -> list[str]:
    """Dependency groups that conflict with the snippets' own: each a variant's environment.

    They cannot be installed beside the site's packages, so each gets its own
    environment under `.venvs/`, where the engine looks for it.
    """
    project = tomllib.loads((root / "pyproject.toml").read_text())
    conflicts = project.get("tool", {}).get("uv", {}).get("conflicts", [])
    paired = [pair for pair in conflicts if {"group": "snippets"} in pair]
    return sorted({item["group"] for pair in paired for item in pair} - {"snippets"})


STAMP = ".installed-from"


def lock_fingerprint(groups: tuple[str, ...], root: Path = ROOT) -> str:
    """A hash of the lock inputs and the groups an environment is installed with."""
    digest = hashlib.sha256(",".join(groups).encode())
    for name in LOCK_INPUTS:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def installed_from(venv: Path) -> str | None:
    """The `lock_fingerprint` an environment was last installed with, if any."""
    try:
        return (venv / STAMP).read_text()
    except OSError:
        return None


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/ (strict; arguments go to `mkdocs build`)."""
    install(session, "docs")
    install_variants(session)
    session.run("mkdocs", "build", "--strict", *session.posargs, env=QUIET)


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the site with live reload (arguments go to `mkdocs serve`).

    `--dirty`: a rebuild renders only the pages a save changed (see snipexec's `rebuilds`).
    """
    install(session, "docs")
    install_variants(session)
    session.run("mkdocs", "serve", "--dirty", *session.posargs, env=QUIET)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite: engine, snippets, claims, built site (arguments go to pytest)."""
    install(session, "test")
    install_variants(session)
    install_chromium(session)
    install_axe(session)
    # One worker per core, each test file kept on one worker: a file's expensive fixtures
    # (fresh interpreters, a browser, a site copy) are made once.
    parallel = ["--numprocesses", "auto", "--dist", "loadfile"]
    session.run("pytest", *parallel, *session.posargs, env=QUIET)


def install_axe(session: nox.Session) -> None:
    """Install axe-core, which the accessibility tests inject, as package-lock.json pins it.

    Skipped while node_modules/ holds what the lock file asks for (npm's own record of
    it is then as new as the lock file).
    """
    installed = Path("node_modules/.package-lock.json")
    lock = Path("package-lock.json")
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    if not shutil.which("npm"):
        session.warn("npm is missing: the accessibility tests will skip")
        return
    session.run("npm", "ci", "--no-audit", "--no-fund", external=True)


def install_chromium(session: nox.Session) -> None:
    """Install Debian's Chromium for the browser tests, where this machine allows it."""
    if shutil.which("chromium"):
        return
    if not (shutil.which("apt-get") and os.geteuid() == 0):
        session.warn("Chromium is missing and cannot be installed here: browser tests will skip")
        return
    session.run("apt-get", "update", "-qq", external=True)
    session.run(
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "chromium",
        external=True,
        env={"DEBIAN_FRONTEND": "noninteractive"},
    )


@nox.session(python=False)
def clean(session: nox.Session) -> None:
    """Empty the caches in .cache/: run results, notebooks, rendered pages, templates."""
    shutil.rmtree(ROOT / ".cache", ignore_errors=True)
    session.log("Removed .cache/: the next build runs every snippet again")


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common mistakes with ruff."""
    install(session, "lint")
    session.run("ruff", "check", *session.posargs)
    session.run("ruff", "format", "--check")


@nox.session
def bench(session: nox.Session) -> None:
    """Time the README command, builds against their floors, variants, scale and shards."""
    install(session, "bench")
    install_variants(session)
    session.run("python", "tests/benchmarks/build_times.py", *session.posargs, env=QUIET)


@nox.session(name="bench-peers")
def bench_peers(session: nox.Session) -> None:
    """Time the same pages built with snipexec, markdown-exec, mkdocs-jupyter and -gallery."""
    install(session, "bench")
    install_variants(session)
    session.run("python", "tests/benchmarks/peers.py", *session.posargs, env=QUIET)
