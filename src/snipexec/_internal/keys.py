"""Snapshots of snippet files and their cache keys: what a snippet's output depends on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .imports import ImportGraph, Module, import_graph


@dataclass(frozen=True)
class Snapshot:
    """A snippet's bytes and those of the local modules it imports, read once per build.

    The bytes hashed for its key are the bytes that run, the bytes shown and the bytes
    its copy and notebook fold in: all come from its one import graph.

    Attributes:
        path: The snippet's path relative to the project root.
        graph: The snippet and its local modules (see `imports`).
    """

    path: str
    graph: ImportGraph

    @classmethod
    def take(cls, root: Path, path: str, known: dict[str, Module] | None = None) -> Snapshot:
        """Read the snippet at `root / path` and the modules beside it that it imports.

        `known` holds the files this build read already (see `import_graph`). Raises
        `ImportRuleError` for an import the rules refuse.
        """
        return cls(path, import_graph(root, path, known))

    @property
    def code(self) -> bytes:
        """The snippet's bytes."""
        return self.graph.snippet.code

    @property
    def modules(self) -> tuple[tuple[str, bytes], ...]:
        """Each local module it imports (transitively), root-relative path and bytes, by path."""
        return tuple(sorted((module.path, module.code) for module in self.graph.helpers))

    @property
    def text(self) -> str:
        """The snippet's source as text."""
        return self.graph.snippet.text

    def key(self, fingerprint: str) -> str:
        """The cache key under a variant's `fingerprint`."""
        digest = hashlib.sha256(fingerprint.encode())
        for path, source in [(self.path, self.code), *self.modules]:
            digest.update(b"\0" + path.encode() + b"\0")
            digest.update(source)
        return digest.hexdigest()

    def unchanged(self, root: Path) -> bool:
        """Whether the files on disk still hold the bytes of this snapshot."""
        files = [(self.path, self.code), *self.modules]
        return all(_read(root / path) == source for path, source in files)


def _read(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except OSError:
        return None
