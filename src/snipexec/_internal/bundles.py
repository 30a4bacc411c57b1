"""A snippet and the local modules it imports, as one file that runs alone.

The copy button and the download of a snippet give its bundle: each module beside it
that it imports (transitively, dependencies first), headed by a comment naming the
file and without its `if __name__ == "__main__":` block, then the snippet itself without
the lines that import those modules. The code comes from the files, so a helper shown in
several copies has one source.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .keys import import_statements, parse_module

Reader = Callable[[Path], str]


class BundleError(Exception):
    """A snippet whose local imports cannot be folded into one file."""


@dataclass(frozen=True)
class Bundle:
    """A snippet as one self-contained file.

    Attributes:
        helpers: The local modules it needs, in the order they run: file name, code.
        text: The whole file: the snippet's docstring, `from __future__` lines, the
            helpers, then the snippet without its local imports.
    """

    helpers: tuple[tuple[str, str], ...]
    text: str


def make_bundle(snippet: Path, read: Reader = lambda path: path.read_text("utf-8")) -> Bundle:
    """Fold the modules beside `snippet` that it imports into one file with it.

    `read` gives a file's text (the build passes the bytes it snapshotted). A snippet
    that imports nothing local is its own bundle, unchanged.
    """
    order = _dependency_order(snippet, read)
    if len(order) == 1:
        return Bundle((), read(snippet))
    futures: dict[str, None] = {}
    parts, helpers = [], []
    docstring = ""
    for module in order:
        path = module.path
        futures.update(dict.fromkeys(module.futures))
        if path == snippet:
            docstring = module.docstring_text
            parts.append(f"# {path.name}\n{module.body(keep_main=True, keep_head=False)}")
        else:
            code = module.body(keep_main=False, keep_head=False)
            helpers.append((path.name, code))
            parts.append(f"{module.header}\n{code}")
    sections = [text for text in (docstring, "\n".join(futures), *parts) if text]
    return Bundle(tuple(helpers), "\n\n\n".join(s.strip("\n") for s in sections) + "\n")


def without_local_imports(snippet: Path, source: str) -> str:
    """`source` (the text of `snippet`) without the lines that import modules beside it."""
    return _Module(snippet, source).body(keep_main=True, keep_head=True)


def _dependency_order(snippet: Path, read: Reader) -> list[_Module]:
    """`snippet`'s local modules, each after the modules it imports, then `snippet`."""
    order: dict[Path, _Module] = {}
    visiting: list[Path] = []

    def visit(path: Path) -> None:
        if path in order:
            return
        if path in visiting:
            cycle = " -> ".join(p.name for p in [*visiting[visiting.index(path) :], path])
            raise BundleError(f"{snippet}: local modules import each other ({cycle})")
        visiting.append(path)
        module = _Module(path, read(path))
        for imported in module.local_modules:
            visit(imported)
        visiting.pop()
        order[path] = module

    visit(snippet)
    return list(order.values())


class _Module:
    """One file's source and the statements a bundle drops or rewrites."""

    def __init__(self, path: Path, source: str):
        self.path, self.lines = path, source.splitlines()
        try:
            self.tree = parse_module(source, str(path))
        except SyntaxError as error:
            raise BundleError(f"{path}:{error.lineno}: {error.msg}") from None
        self.local_modules = [path.parent / f"{name}.py" for name in self._local_names()]

    def _local_names(self) -> Iterator[str]:
        top_level = {id(node) for node in self.tree.body}
        for node in import_statements(self.tree):
            name = _local_name(node, self.path)
            if name is None:
                continue
            where = f"{self.path}:{node.lineno}"
            if isinstance(node, ast.Import):
                raise BundleError(
                    f"{where}: import names from the local module {name} "
                    f"(`from {name} import ...`), so that its copy can run alone"
                )
            if id(node) not in top_level:
                raise BundleError(f"{where}: import the local module {name} at the top level")
            yield name

    @property
    def docstring(self) -> ast.stmt | None:
        first = self.tree.body[0] if self.tree.body else None
        is_text = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        return first if is_text and isinstance(first.value.value, str) else None  # type: ignore[union-attr]

    @property
    def docstring_text(self) -> str:
        node = self.docstring
        return "\n".join(self.lines[node.lineno - 1 : node.end_lineno]) if node else ""

    @property
    def header(self) -> str:
        """A one-line comment naming the file, with its docstring's first line."""
        node = self.docstring
        summary = ast.get_docstring(self.tree) if node else None
        return f"# {self.path.name}" + (f": {summary.splitlines()[0]}" if summary else "")

    @property
    def futures(self) -> list[str]:
        return [ast.unparse(node) for node in self.tree.body if _is_future(node)]

    def body(self, *, keep_main: bool, keep_head: bool) -> str:
        """This file without its local imports (an alias becomes an assignment).

        Unless `keep_head`, its docstring and `from __future__` lines go too; unless
        `keep_main`, its `if __name__ == "__main__":` block.
        """
        replaced: dict[int, tuple[int, list[str]]] = {}
        head = [node for node in self.tree.body if node is self.docstring or _is_future(node)]
        for node in self.tree.body:
            end = node.end_lineno or node.lineno
            if (not keep_head and node in head) or (not keep_main and _is_main(node)):
                replaced[node.lineno] = (end, [])
            elif _local_name(node, self.path) is not None:
                assert isinstance(node, ast.ImportFrom)
                aliases = [a for a in node.names if a.asname and a.asname != a.name]
                replaced[node.lineno] = (end, [f"{a.asname} = {a.name}" for a in aliases])
        kept: list[str] = []
        number = 1
        while number <= len(self.lines):
            if number in replaced:
                end, lines = replaced[number]
                kept.extend(lines)
                number = end + 1
            else:
                kept.append(self.lines[number - 1])
                number += 1
        return "\n".join(kept).strip("\n") + "\n"


def _local_name(node: ast.AST, path: Path) -> str | None:
    """The module beside `path` that an import statement in it names, if any."""
    folder = path.parent
    if isinstance(node, ast.ImportFrom) and node.level:
        raise BundleError(f"{path}:{node.lineno}: a snippet cannot use a relative import")
    if isinstance(node, ast.ImportFrom) and node.module:
        names = [node.module]
    elif isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        return None
    for name in names:
        top = name.split(".")[0]
        if (folder / f"{top}.py").is_file():
            return top
        if (folder / top).is_dir() and any((folder / top).glob("*.py")):
            raise BundleError(f"{path}:{node.lineno}: a snippet cannot import a local package")
    return None


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _is_main(node: ast.stmt) -> bool:
    """Whether `node` is `if __name__ == "__main__":` (either way round)."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = (test.left, test.comparators[0])
    names = [side.id for side in sides if isinstance(side, ast.Name)]
    texts = [side.value for side in sides if isinstance(side, ast.Constant)]
    return names == ["__name__"] and texts == ["__main__"]
