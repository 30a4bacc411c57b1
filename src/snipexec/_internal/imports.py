"""A snippet's import graph: the modules beside it that it imports, each file read once.

A snippet runs as `python FILE`, so Python looks for `import NAME` in the snippet's
folder first: a module found there is local. The cache key hashes the local modules, the
copy button and the download fold them into one file with the snippet, and the page's
notebook gives each a cell of its own; all three take them from this graph, found under
one set of rules. What one file cannot hold, or holds otherwise than the run, is an
`ImportRuleError` naming the file, the line and the statement:

- a local module is imported by name at the top level (`from helper import f`): `import
  helper` needs a module object, and an import inside a function runs later, neither of
  which the one file has;
- a local package (a folder beside the snippet holding Python files) cannot be one file;
- a relative import (`from . import x`) fails in a script, which is no package;
- local modules cannot import each other in a circle: one of them must run first.

A name with no module beside it is a library's: the graph leaves it to the run, which
fails if it is missing. A file that is not valid Python has no imports for the graph;
the run reports its error, with its line.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


class ImportRuleError(ValueError):
    """An import the rules refuse; the message names the file, line and statement."""


@dataclass(frozen=True)
class Module:
    """One file of the graph, compared by its path and bytes.

    Attributes:
        path: Its path relative to the project root.
        code: Its bytes, as read once.
        tree: Its syntax tree (`None` if it is not valid Python); shared, never changed.
        local: Its statements that import local modules, each with the module's path.
    """

    path: str
    code: bytes
    tree: ast.Module | None = field(compare=False, repr=False)
    local: tuple[tuple[ast.ImportFrom, str], ...] = field(compare=False, repr=False)

    @property
    def text(self) -> str:
        """Its source as text."""
        return self.code.decode("utf-8", errors="replace")

    @property
    def name(self) -> str:
        """Its file name."""
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class ImportGraph:
    """A snippet and its local modules, each after the modules it imports, the snippet last."""

    modules: tuple[Module, ...]

    @property
    def snippet(self) -> Module:
        """The snippet itself."""
        return self.modules[-1]

    @property
    def helpers(self) -> tuple[Module, ...]:
        """Its local modules, in the order they must run."""
        return self.modules[:-1]


def import_graph(root: Path, snippet: str, known: dict[str, Module] | None = None) -> ImportGraph:
    """The graph of the snippet at `root / snippet` (root-relative), each file read once.

    The imports are found in the very bytes read, so they agree with what runs. `known`
    holds the files read so far, by path: a build passes one for all its snippets, so a
    module several of them import is read once, and all of them see the same bytes.
    """
    known = {} if known is None else known
    order: dict[str, Module] = {}
    visiting: list[str] = []

    def visit(path: str, importer: str) -> None:
        if path in order:
            return
        if path in visiting:
            cycle = " -> ".join(PurePosixPath(p).name for p in [*visiting, path])
            raise ImportRuleError(f"{importer}: local modules import each other ({cycle})")
        visiting.append(path)
        module = known.get(path)
        if module is None:
            module = known[path] = _module(root, path, (root / path).read_bytes())
        for statement, imported in module.local:
            visit(imported, f"{path}:{statement.lineno}")
        visiting.pop()
        order[path] = module

    visit(snippet, snippet)
    return ImportGraph(tuple(order.values()))


def _module(root: Path, path: str, code: bytes) -> Module:
    text = code.decode("utf-8", errors="replace")
    try:
        tree = parse_module(text, path)
    except SyntaxError:
        return Module(path, code, None, ())
    folder = PurePosixPath(path).parent
    local = tuple(
        (statement, (folder / f"{name}.py").as_posix())
        for statement, name in _local_imports(root, path, tree, text)
    )
    return Module(path, code, tree, local)


def _local_imports(
    root: Path, path: str, tree: ast.Module, text: str
) -> Iterator[tuple[ast.ImportFrom, str]]:
    """Each statement of `tree` that imports a module beside `path`, with its name."""
    folder = root / PurePosixPath(path).parent
    top_level = {id(node) for node in tree.body}

    def refused(node: ast.stmt, why: str) -> ImportRuleError:
        written = text.splitlines()[node.lineno - 1].strip()
        return ImportRuleError(f"{path}:{node.lineno}: `{written}` {why}")

    for node in import_statements(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise refused(
                node,
                "is a relative import, which fails when the snippet runs as a script: "
                "import from the module by its name",
            )
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = [alias.name for alias in node.names]
        for name in names:
            top = name.split(".")[0]
            if _is_package(folder, top):
                raise refused(
                    node,
                    f"imports the local package {top}/, and a snippet's copy is one file, "
                    f"which cannot hold a package: make it a module {top}.py beside the snippet",
                )
            if not (folder / f"{top}.py").is_file():
                continue
            if isinstance(node, ast.Import):
                raise refused(
                    node,
                    f"imports the local module {top} whole: import names from it "
                    f"(`from {top} import ...`), so that the snippet's copy can run alone",
                )
            if name != top:
                raise refused(node, f"names a module inside {top}.py, which is no package")
            if id(node) not in top_level:
                raise refused(node, f"imports the local module {top}: do so at the top level")
            yield node, top


def _is_package(folder: Path, name: str) -> bool:
    """Whether `import NAME` in `folder` finds a package there, as Python looks for one.

    A folder with `__init__.py` comes first; a folder of Python files without one is a
    namespace package, which a module `NAME.py` beside it wins over.
    """
    package = folder / name
    if (package / "__init__.py").is_file():
        return True
    if (folder / f"{name}.py").is_file() or not package.is_dir():
        return False
    return next(package.rglob("*.py"), None) is not None


@functools.lru_cache(maxsize=1024)
def parse_module(source: str, filename: str) -> ast.Module:
    """`source` parsed, once per text: the tree is shared, so it must not be changed."""
    return ast.parse(source, filename=filename)


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
            for field_name in ("body", "handlers", "orelse", "finalbody", "cases")
            for child in getattr(node, field_name, ())
            if isinstance(child, ast.AST)
        ]
        pending.extend(reversed(inner))
