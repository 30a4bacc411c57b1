"""A snippet and the local modules it imports, as one file that runs alone.

The copy button and the download of a snippet give its bundle: each module beside it
that it imports (transitively, dependencies first), headed by a comment naming the
file and without its `if __name__ == "__main__":` block, then the snippet itself without
the lines that import those modules. Which modules those are, and their bytes, come from
the snippet's import graph (`imports`), as for its cache key and its notebook, so a
helper shown in several copies has one source.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .imports import ImportGraph, Module


@dataclass(frozen=True)
class Bundle:
    """A snippet as one self-contained file.

    Attributes:
        helpers: The local modules it needs, in the order they run: file name, code.
        text: The whole file: the snippet's docstring, `from __future__` lines, the
            helpers, then the snippet without its local imports.
        code: The snippet alone without its local imports (a notebook's cell of it).
    """

    helpers: tuple[tuple[str, str], ...]
    text: str
    code: str


def make_bundle(graph: ImportGraph) -> Bundle:
    """Fold the snippet's local modules, from `graph`, into one file with it.

    A snippet that imports nothing local is its own bundle, unchanged.
    """
    snippet = _Module(graph.snippet)
    if not graph.helpers:
        return Bundle((), snippet.source.text, snippet.source.text)
    futures: dict[str, None] = {}
    parts, helpers = [], []
    for module in map(_Module, graph.helpers):
        futures.update(dict.fromkeys(module.futures))
        code = module.body(keep_main=False, keep_head=False)
        helpers.append((module.source.name, code))
        parts.append(f"{module.header}\n{code}")
    futures.update(dict.fromkeys(snippet.futures))
    parts.append(f"# {snippet.source.name}\n{snippet.body(keep_main=True, keep_head=False)}")
    sections = [text for text in (snippet.docstring_text, "\n".join(futures), *parts) if text]
    text = "\n\n\n".join(s.strip("\n") for s in sections) + "\n"
    return Bundle(tuple(helpers), text, snippet.body(keep_main=True, keep_head=True))


class _Module:
    """One file of the graph and the statements a bundle drops or rewrites.

    A file that is not valid Python is folded in as it is: its copy fails as its run does.
    """

    def __init__(self, source: Module):
        self.source, self.lines = source, source.text.splitlines()
        self.tree = source.tree or ast.Module(body=[], type_ignores=[])
        self.local = {id(statement) for statement, _ in source.local}

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
        return f"# {self.source.name}" + (f": {summary.splitlines()[0]}" if summary else "")

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
            elif id(node) in self.local:
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
