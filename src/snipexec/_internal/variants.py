"""Variants: named ways of running every snippet (interpreter, environment, preloads)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import platform
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import Distribution, distributions
from pathlib import Path
from typing import Any

DEFAULT_PROFILE = "snipexec._internal.profile"
# Where a variant's own environment lives, relative to the project root: one virtual
# environment per dependency group, `ENVIRONMENTS/GROUP`, made by the project's tasks.
ENVIRONMENTS = ".venvs"
# The engine's modules that decide what a run produces (not how it is shown): a change to
# one of them invalidates every cached result.
RUNTIME_SOURCES = tuple(
    Path(__file__).with_name(f"{name}.py")
    for name in (
        "worker",
        "fork_server",
        "streams",
        "leftovers",
        "runner",
        "results",
        "variants",
        "portable",
    )
)
_OPTIONS = {"label", "env", "preload", "packages", "profile", "group"}


class MissingEnvironment(RuntimeError):
    """A variant's own environment is missing or is not a Python environment."""


@dataclass(frozen=True)
class Variant:
    """One way of running snippets.

    Attributes:
        name: What pages and `mkdocs.yml` call it, e.g. `keras2`.
        label: What readers see, e.g. `Keras 2.12 (TensorFlow 2.12)`.
        env: Environment variables set for its worker (and for a reader's own run).
        preload: Modules its worker imports once, before the first snippet.
        packages: Distributions whose versions are shown with its outputs; they and
            everything they require key its cache. Those not installed are left out.
        profile: The module that resets library state and collects figures.
        group: The `pyproject.toml` dependency group its own environment is made from
            (at `.venvs/GROUP`); empty: the interpreter that builds the site.
    """

    name: str
    label: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    preload: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    profile: str = DEFAULT_PROFILE
    group: str = ""

    @classmethod
    def from_config(cls, name: str, options: Mapping[str, Any]) -> Variant:
        """Build a variant from its `mkdocs.yml` entry; unknown keys are an error."""
        unknown = set(options) - _OPTIONS
        if unknown:
            raise ValueError(f"variant {name!r}: unknown option(s) {', '.join(sorted(unknown))}")
        return cls(
            name=name,
            label=str(options.get("label", name)),
            env={str(key): str(value) for key, value in options.get("env", {}).items()},
            preload=tuple(options.get("preload", ())),
            packages=tuple(options.get("packages", ())),
            profile=str(options.get("profile", DEFAULT_PROFILE)),
            group=str(options.get("group", "")),
        )

    def environment(self, root: Path) -> Path | None:
        """The folder of this variant's own environment, or `None` for the site's own."""
        return root / ENVIRONMENTS / self.group if self.group else None

    def python(self, root: Path) -> str:
        """The interpreter its worker (and a reader's `python FILE`) runs in."""
        folder = self.environment(root)
        if folder is None:
            return sys.executable
        for candidate in (folder / "bin" / "python", folder / "Scripts" / "python.exe"):
            if candidate.is_file():
                return str(candidate)
        raise MissingEnvironment(
            f"variant {self.name!r}: its environment {folder.relative_to(root)} does not exist;"
            f" `nox -s docs` makes it from the dependency group {self.group!r} of pyproject.toml"
        )

    def installed(self, root: Path) -> Installed:
        """What its interpreter has installed, read from metadata without running it."""
        folder = self.environment(root)
        if folder is None:
            return Installed(platform.python_version(), tuple(sys.path))
        self.python(root)  # a missing environment is an error that says how to make it
        paths = [*folder.glob("lib*/python3*/site-packages"), *folder.glob("Lib/site-packages")]
        return Installed(_venv_python(folder), tuple(str(path) for path in paths))

    def versions(self, installed: Installed) -> dict[str, str]:
        """Python's version and each listed package's, as its outputs are labelled."""
        versions = {"python": installed.python}
        for package in self.packages:
            found = installed.distribution(package)
            if found is not None:
                versions[package] = found.version
        return versions

    def fingerprint(self, installed: Installed) -> str:
        """What every cache key of this variant shares: settings, interpreter, versions, engine.

        The versions are those of its packages and of everything they require, so a
        change anywhere below them runs its snippets again, and nothing else does.
        """
        settings = {
            "name": self.name,
            "env": dict(self.env),
            "preload": list(self.preload),
            "profile": self.profile,
            "group": self.group,
            "python": installed.python,
            "versions": installed.closure(self.packages),
        }
        profile = importlib.util.find_spec(self.profile)
        sources = [*RUNTIME_SOURCES, Path(profile.origin)] if profile and profile.origin else []
        return json.dumps(settings, sort_keys=True) + engine_fingerprint(sources or RUNTIME_SOURCES)

    def install_command(self, root: Path) -> str:
        """How a reader makes this variant's own environment: `pip install` its group.

        Empty for the site's own interpreter, or where `pyproject.toml` has no such group.
        """
        project_file = root / "pyproject.toml"
        if not self.group or not project_file.is_file():
            return ""
        project = tomllib.loads(project_file.read_text(encoding="utf-8"))
        group = project.get("dependency-groups", {}).get(self.group, [])
        requirements = [f'"{item}"' for item in group if isinstance(item, str)]
        return "pip install " + " ".join(requirements) if requirements else ""


@dataclass(frozen=True)
class Installed:
    """An interpreter's version and where its distributions are installed (`sys.path`)."""

    python: str
    paths: tuple[str, ...]

    def distribution(self, name: str) -> Distribution | None:
        """The installed distribution called `name`, if any (found by its folder's name)."""
        return next(iter(distributions(name=name, path=list(self.paths))), None)

    def closure(self, packages: Iterable[str]) -> dict[str, str]:
        """The versions of `packages` and of everything they require, transitively.

        Requirements that only an extra asks for, and those not installed, are left out.
        """
        found: dict[str, str] = {}
        pending = [_normal(package) for package in packages]
        while pending:
            name = pending.pop()
            distribution = None if name in found else self.distribution(name)
            if distribution is None:
                continue
            metadata = distribution.metadata  # parsed once: the version and requirements
            found[name] = metadata["Version"]
            for requirement in metadata.get_all("Requires-Dist") or ():
                name_part, _, marker = requirement.partition(";")
                required = _REQUIREMENT_NAME.match(name_part.strip())
                if required and "extra" not in marker:
                    pending.append(_normal(required[0]))
        return dict(sorted(found.items()))


_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _normal(name: str) -> str:
    """A distribution name as packaging compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _venv_python(folder: Path) -> str:
    """The Python version a virtual environment was made with, from its `pyvenv.cfg`."""
    try:
        config = (folder / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        config = ""
    match = re.search(r"^(?:version_info|version)\s*=\s*(\S+)", config, re.MULTILINE)
    if match is None:
        raise MissingEnvironment(f"{folder}/pyvenv.cfg does not say which Python it holds")
    return ".".join(match[1].split(".")[:3])


def engine_fingerprint(sources: Iterable[Path] = RUNTIME_SOURCES) -> str:
    """Hash of the engine's code that runs snippets: changing it invalidates the cache."""
    digest = hashlib.sha256()
    for source in sorted(sources):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()
