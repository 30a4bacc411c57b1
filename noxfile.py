"""Tasks: build the site, run the tests, lint, benchmark. `nox -l` lists them."""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]


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
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into site/ (strict; arguments go to `mkdocs build`)."""
    install(session, "docs")
    session.run("mkdocs", "build", "--strict", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Preview the site with live reload (arguments go to `mkdocs serve`)."""
    install(session, "docs")
    session.run("mkdocs", "serve", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite: engine, snippets, claims, built site (arguments go to pytest)."""
    install(session, "test")
    session.run("pytest", *session.posargs)


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
    session.run("python", "tests/benchmarks/build_times.py", *session.posargs)


@nox.session(name="bench-peers")
def bench_peers(session: nox.Session) -> None:
    """Time the same pages built with snipexec, markdown-exec and mkdocs-jupyter."""
    install(session, "bench")
    session.run("python", "tests/benchmarks/peers.py", *session.posargs)
