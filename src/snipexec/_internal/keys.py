"""Snapshots of snippet files and their cache keys: what a snippet's output depends on."""

from __future__ import annotations

import ast
import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Snapshot:
    """A snippet's bytes and those of the local modules it imports, read once per build.

    The bytes hashed for its key are the bytes that run and the bytes shown.

    Attributes:
        path: The snippet's path relative to the project root.
        code: The snippet's source.
        modules: Each local module it imports (transitively), root-relative path to source.
    """

    path: str
    code: bytes
    modules: tuple[tuple[str, bytes], ...]

    @classmethod
    def take(cls, root: Path, path: str) -> Snapshot:
        """Read the snippet at `root / path` and the modules beside it that it imports."""
        snippet = root / path
        files = read_with_imports(snippet)
        code = files.pop(snippet)
        return cls(
            path=path,
            code=code,
            modules=tuple(
                (module.relative_to(root).as_posix(), files[module]) for module in sorted(files)
            ),
        )

    @property
    def text(self) -> str:
        """The snippet's source as text."""
        return self.code.decode("utf-8", errors="replace")

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


def local_imports(snippet: Path) -> set[Path]:
    """Files beside `snippet` that it imports, directly or through one another."""
    return set(read_with_imports(snippet)) - {snippet}


def read_with_imports(snippet: Path) -> dict[Path, bytes]:
    """`snippet`'s bytes and those of the files beside it that it imports, each read once.

    The imports are found in the very bytes returned, so they agree with what runs.
    """
    files: dict[Path, bytes] = {}
    pending = [snippet]
    while pending:
        source = pending.pop()
        if source in files:
            continue
        files[source] = source.read_bytes()
        pending.extend(_imported_files(source, files[source]))
    return files


def _imported_files(source: Path, code: bytes) -> Iterator[Path]:
    """Files in `source`'s folder named by its absolute imports (a package: all its files)."""
    folder = source.parent
    text = code.decode("utf-8", errors="replace")
    for top in _imported_names(text, str(source)):
        if (folder / f"{top}.py").is_file():
            yield folder / f"{top}.py"
        elif (folder / top).is_dir():
            yield from sorted((folder / top).rglob("*.py"))


@functools.lru_cache(maxsize=1024)
def parse_module(source: str, filename: str) -> ast.Module:
    """`source` parsed, once per text: the tree is shared, so it must not be changed."""
    return ast.parse(source, filename=filename)


def _imported_names(source: str, filename: str) -> tuple[str, ...]:
    """The top-level names of the absolute imports in `source`."""
    try:
        tree = parse_module(source, filename)
    except SyntaxError:
        return ()  # the run reports it, with its line
    names = []
    for node in import_statements(tree):
        if isinstance(node, ast.Import):
            found = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found = [node.module]
        else:
            continue
        names.extend(name.split(".")[0] for name in found)
    return tuple(dict.fromkeys(names))


def import_statements(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of `tree`, nested ones too, in order.

    Only statements are visited, never expressions, which hold no import: many times
    faster than `ast.walk`.
    """
    pending: list[ast.AST] = list(reversed(tree.body))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        inner = [
            child
            for field in ("body", "handlers", "orelse", "finalbody", "cases")
            for child in getattr(node, field, ())
            if isinstance(child, ast.AST)
        ]
        pending.extend(reversed(inner))
