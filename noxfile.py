"""Tasks: build the site, run the tests, lint, benchmark. `nox -l` lists them."""

from __future__ import annotations

import os
import shutil

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

QUIET = {"NO_MKDOCS_2_WARNING": "1"}  # MkDocs' and Material's banners about their successors


def install(session: nox.Session, *groups: str) -> None:
    """Install the project and dependency `groups` exactly as `uv.lock` pins them."""
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


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/ (strict; arguments go to `mkdocs build`)."""
    install(session, "docs")
    session.run("mkdocs", "build", "--strict", *session.posargs, env=QUIET)


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the site with live reload (arguments go to `mkdocs serve`)."""
    install(session, "docs")
    session.run("mkdocs", "serve", *session.posargs, env={**QUIET, "CHECK_LINKS": "false"})


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite: engine, snippets, claims, built site (arguments go to pytest)."""
    install(session, "test")
    install_chromium(session)
    session.run("pytest", *session.posargs, env=QUIET)


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
    """Time cold, warm and one-edit builds against execution off and a bare TF import."""
    install(session, "docs")
    session.run("python", "tests/benchmarks/build_times.py", *session.posargs, env=QUIET)


@nox.session(name="bench-peers")
def bench_peers(session: nox.Session) -> None:
    """Time the same pages built with snipexec, markdown-exec and mkdocs-jupyter."""
    install(session, "bench")
    session.run("python", "tests/benchmarks/peers.py", *session.posargs, env=QUIET)
