"""Variants: named ways of running every snippet (environment, preloads, tracked packages)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import platform
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PROFILE = "snipexec._internal.profile"
# The engine's modules that decide what a run produces (not how it is shown): a change to
# one of them invalidates every cached result.
RUNTIME_SOURCES = tuple(
    Path(__file__).with_name(f"{name}.py")
    for name in ("worker", "streams", "runner", "results", "variants")
)


@dataclass(frozen=True)
class Variant:
    """One way of running snippets.

    Attributes:
        name: What pages and `mkdocs.yml` call it, e.g. `keras2`.
        label: What readers see, e.g. `Keras 2 (tf-keras)`.
        env: Environment variables set for its worker (and for a reader's own run).
        preload: Modules its worker imports once, before the first snippet.
        packages: Distributions whose versions are part of its cache keys and shown
            with its outputs; those not installed are left out.
        profile: The module that resets library state and collects figures.
    """

    name: str
    label: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    preload: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    profile: str = DEFAULT_PROFILE

    @classmethod
    def from_config(cls, name: str, options: Mapping[str, Any]) -> Variant:
        """Build a variant from its `mkdocs.yml` entry; unknown keys are an error."""
        unknown = set(options) - {"label", "env", "preload", "packages", "profile"}
        if unknown:
            raise ValueError(f"variant {name!r}: unknown option(s) {', '.join(sorted(unknown))}")
        return cls(
            name=name,
            label=str(options.get("label", name)),
            env={str(key): str(value) for key, value in options.get("env", {}).items()},
            preload=tuple(options.get("preload", ())),
            packages=tuple(options.get("packages", ())),
            profile=str(options.get("profile", DEFAULT_PROFILE)),
        )

    def versions(self) -> dict[str, str]:
        """Python's version and each installed package's, without importing any of them."""
        versions = {"python": platform.python_version()}
        for package in self.packages:
            try:
                versions[package] = importlib.metadata.version(package)
            except importlib.metadata.PackageNotFoundError:
                continue
        return versions

    def fingerprint(self, versions: Mapping[str, str]) -> str:
        """What every cache key of this variant shares: its settings, versions and engine."""
        settings = {
            "name": self.name,
            "env": dict(self.env),
            "preload": list(self.preload),
            "profile": self.profile,
            "versions": dict(versions),
        }
        profile = importlib.util.find_spec(self.profile)
        sources = [*RUNTIME_SOURCES, Path(profile.origin)] if profile and profile.origin else []
        return json.dumps(settings, sort_keys=True) + engine_fingerprint(sources or RUNTIME_SOURCES)


def engine_fingerprint(sources: Iterable[Path] = RUNTIME_SOURCES) -> str:
    """Hash of the engine's code that runs snippets: changing it invalidates the cache."""
    digest = hashlib.sha256()
    for source in sorted(sources):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()
