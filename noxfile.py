"""Tasks: build the site, run the tests, lint, benchmark. `nox -l` lists them."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
# Environments are kept between runs and synced again only when what they were
# installed from changed (see `install`), so a second `nox -s docs` starts at once.
nox.options.reuse_venv = "yes"
LOCK_INPUTS = ("uv.lock", "pyproject.toml")

QUIET = {"NO_MKDOCS_2_WARNING": "1"}  # MkDocs' and Material's banners about their successors


def install(session: nox.Session, *groups: str) -> None:
    """Install the project and dependency `groups` exactly as `uv.lock` pins them.

    Skipped when the environment was installed from the same lock file and groups.
    """
    venv = Path(session.virtualenv.location)
    if installed_from(venv) == lock_fingerprint(groups):
        session.log("Environment matches uv.lock: not syncing it again")
        return
    if session.venv_backend != "uv":
        session.install("uv")
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--no-default-groups",
        *(f"--group={group}" for group in groups),
        # Bytecode compiled once at install: every process then imports TensorFlow in
        # less than half the time, even where PYTHONDONTWRITEBYTECODE is set.
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location, "UV_COMPILE_BYTECODE": "1"},
    )
    (venv / STAMP).write_text(lock_fingerprint(groups))


STAMP = ".installed-from"


def lock_fingerprint(groups: tuple[str, ...], root: Path = Path(__file__).parent) -> str:
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
    session.run("mkdocs", "build", "--strict", *session.posargs, env=QUIET)


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the site with live reload (arguments go to `mkdocs serve`)."""
    install(session, "docs")
    session.run("mkdocs", "serve", *session.posargs, env=QUIET)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite: engine, snippets, claims, built site (arguments go to pytest)."""
    install(session, "test")
    install_chromium(session)
    install_axe(session)
    session.run("pytest", *session.posargs, env=QUIET)


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
    session.run("python", "tests/benchmarks/build_times.py", *session.posargs, env=QUIET)


@nox.session(name="bench-peers")
def bench_peers(session: nox.Session) -> None:
    """Time the same pages built with snipexec, markdown-exec, mkdocs-jupyter and -gallery."""
    install(session, "bench")
    session.run("python", "tests/benchmarks/peers.py", *session.posargs, env=QUIET)
