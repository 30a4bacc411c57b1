"""Cache keys: what a snippet's output depends on, hashed."""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import platform
from collections.abc import Iterable, Iterator
from pathlib import Path

# Libraries whose version changes what a snippet prints, by import name.
TRACKED_LIBRARIES = ("tensorflow", "keras", "numpy", "matplotlib")
# The engine's modules that decide what a run produces (not how it is shown): a change to
# one of them invalidates every cached result.
RUNTIME_SOURCES = tuple(
    Path(__file__).with_name(f"{name}.py") for name in ("worker", "streams", "runner", "results")
)


def environment_versions(libraries: Iterable[str] = TRACKED_LIBRARIES) -> dict[str, str]:
    """Versions of Python and of each library (without importing any of them)."""
    providers = importlib.metadata.packages_distributions()
    versions = {"python": platform.python_version()}
    for library in libraries:
        distributions = providers.get(library, [])
        versions[library] = (
            importlib.metadata.version(distributions[0]) if distributions else "not installed"
        )
    return versions


def environment_fingerprint(versions: dict[str, str]) -> str:
    """What every key shares: library versions and the engine's own source."""
    return json.dumps(versions, sort_keys=True) + engine_fingerprint()


def engine_fingerprint(sources: Iterable[Path] = RUNTIME_SOURCES) -> str:
    """Hash of the engine's code that runs snippets: changing it invalidates the cache."""
    digest = hashlib.sha256()
    for source in sorted(sources):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def snippet_key(snippet: Path, root: Path, environment: str) -> str:
    """Key for `snippet`: its bytes, its local imports' bytes, and `environment`."""
    digest = hashlib.sha256(environment.encode())
    for file in [snippet, *sorted(local_imports(snippet))]:
        digest.update(b"\0" + file.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def local_imports(snippet: Path) -> set[Path]:
    """Files beside `snippet` that it imports, directly or through one another."""
    found: set[Path] = set()
    pending = [snippet]
    while pending:
        for module in _imported_files(pending.pop()):
            if module not in found:
                found.add(module)
                pending.append(module)
    found.discard(snippet)
    return found


def _imported_files(source: Path) -> Iterator[Path]:
    """Files in `source`'s folder named by its absolute imports (a package: all its files)."""
    try:
        tree = ast.parse(source.read_bytes(), filename=str(source))
    except SyntaxError:
        return  # the run reports it, with its line
    folder = source.parent
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if (folder / f"{top}.py").is_file():
                yield folder / f"{top}.py"
            elif (folder / top).is_dir():
                yield from sorted((folder / top).rglob("*.py"))
