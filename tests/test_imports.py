"""One import graph per snippet: the cache key, the copy, the download and the notebook see
the same local modules, and an import the rules refuse fails the build naming page and line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import TinyProject
from snipexec._internal import imports, keys
from snipexec._internal.bundles import make_bundle
from snipexec._internal.imports import ImportRuleError, import_graph
from snipexec._internal.keys import Snapshot

# Each case: the files of snippets/q/ (main.py is the snippet) and its local modules, in
# the order they run.
ACCEPTED = {
    "transitive": (
        {
            "main.py": "import math\nfrom helper import f\nprint(f(), math.pi > 3)\n",
            "helper.py": "from deeper import g\n\ndef f():\n    return g() + 1\n",
            "deeper.py": "def g():\n    return 1\n",
            "unrelated.py": "X = 1\n",
        },
        ["deeper.py", "helper.py"],
    ),
    "aliased": (
        {
            "main.py": "from tools import twice as double, BASE\nprint(double(BASE))\n",
            "tools.py": "BASE = 21\n\ndef twice(x):\n    return 2 * x\n",
        },
        ["tools.py"],
    ),
    "missing module": (
        {"main.py": "from absent import f\nimport numpy\n"},
        [],
    ),
    "a module beats a folder without __init__.py": (
        {
            "main.py": "from helper import f\nprint(f())\n",
            "helper.py": "def f():\n    return 'module'\n",
            "helper/other.py": "X = 1\n",
        },
        ["helper.py"],
    ),
}

REFUSED = {
    "relative": (
        {"main.py": "import math\nfrom . import helper\n", "helper.py": ""},
        r"snippets/q/main.py:2: `from \. import helper` is a relative import",
    ),
    "relative in a helper": (
        {"main.py": "from helper import X\n", "helper.py": "from .deeper import Y\nX = 1\n"},
        r"snippets/q/helper.py:1: `from \.deeper import Y` is a relative import",
    ),
    "local package": (
        {"main.py": "from pkg.sub import x\n", "pkg/__init__.py": "", "pkg/sub.py": "x = 1\n"},
        r"snippets/q/main.py:1: `from pkg\.sub import x` imports the local package pkg/",
    ),
    "namespace package": (
        {"main.py": "\nimport pkg.sub\n", "pkg/sub.py": "x = 1\n"},
        r"snippets/q/main.py:2: `import pkg\.sub` imports the local package pkg/",
    ),
    "whole module": (
        {"main.py": "import helper as h\n", "helper.py": ""},
        r"snippets/q/main.py:1: `import helper as h` imports the local module helper whole",
    ),
    "nested import": (
        {"main.py": "def f():\n    from helper import X\n", "helper.py": "X = 1\n"},
        r"snippets/q/main.py:2: `from helper import X` imports the local module helper: "
        r"do so at the top level",
    ),
    "module as a package": (
        {"main.py": "from helper.inner import X\n", "helper.py": ""},
        r"snippets/q/main.py:1: `from helper\.inner import X` names a module inside helper\.py",
    ),
    "cycle": (
        {"main.py": "from helper import X\n", "helper.py": "from main import Y\n"},
        r"snippets/q/helper.py:1: local modules import each other "
        r"\(main\.py -> helper\.py -> main\.py\)",
    ),
}


def write(root: Path, files: dict[str, str], folder: str = "snippets/q") -> None:
    for name, text in files.items():
        path = root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.mark.parametrize(("files", "expected"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_key_and_bundle_hold_the_same_local_modules(
    tmp_path: Path, files: dict[str, str], expected: list[str]
):
    write(tmp_path, files)
    snapshot = Snapshot.take(tmp_path, "snippets/q/main.py")
    bundle = make_bundle(snapshot.graph)
    assert [Path(path).name for path, _ in snapshot.modules] == sorted(expected)
    assert [name for name, _ in bundle.helpers] == expected
    assert [module.name for module in snapshot.graph.helpers] == expected
    for name in expected:  # each one is hashed: an edit of it changes the key
        before = snapshot.key("env")
        (tmp_path / "snippets/q" / name).write_text("# edited\n")
        assert Snapshot.take(tmp_path, "snippets/q/main.py").key("env") != before


def test_an_alias_of_a_local_name_is_kept_in_the_copy(tmp_path: Path):
    files, _ = ACCEPTED["aliased"]
    write(tmp_path, files)
    bundle = make_bundle(import_graph(tmp_path, "snippets/q/main.py"))
    assert bundle.code == "double = twice\nprint(double(BASE))\n"
    namespace: dict[str, object] = {}
    exec(bundle.text.replace("print(", "result = ("), namespace)
    assert namespace["result"] == 42


@pytest.mark.parametrize(("files", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_an_import_one_file_cannot_hold_is_refused_naming_file_line_and_statement(
    tmp_path: Path, files: dict[str, str], message: str
):
    write(tmp_path, files)
    with pytest.raises(ImportRuleError, match="^" + message):
        Snapshot.take(tmp_path, "snippets/q/main.py")


def test_a_file_that_is_not_python_is_left_to_the_run(tmp_path: Path):
    """Its copy fails as its run does, at the same statement."""
    write(tmp_path, {"main.py": "from helper import X\nprint(X)\n", "helper.py": "X = (\n"})
    graph = import_graph(tmp_path, "snippets/q/main.py")
    assert [module.name for module in graph.modules] == ["helper.py", "main.py"]
    bundle = make_bundle(graph)
    assert bundle.helpers == (("helper.py", "X = (\n"),)
    with pytest.raises(SyntaxError):
        compile(bundle.text, "copy.py", "exec")


def test_the_graph_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    files, expected = ACCEPTED["transitive"]
    write(tmp_path, files)
    reads: list[str] = []
    read = Path.read_bytes

    def counted(path: Path) -> bytes:
        reads.append(path.name)
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    graph = import_graph(tmp_path, "snippets/q/main.py")
    monkeypatch.undo()
    assert sorted(reads) == sorted([*expected, "main.py"])
    assert [module.code for module in graph.modules] == [
        (tmp_path / "snippets/q" / module.name).read_bytes() for module in graph.modules
    ]


def test_snippets_importing_one_module_share_one_read_of_it(tmp_path: Path, monkeypatch):
    files, _ = ACCEPTED["transitive"]
    write(tmp_path, {**files, "again.py": "from helper import f\n"})
    reads: list[str] = []
    read = Path.read_bytes

    def counted(path: Path) -> bytes:
        reads.append(path.name)
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    known: dict[str, imports.Module] = {}
    first = import_graph(tmp_path, "snippets/q/main.py", known)
    second = import_graph(tmp_path, "snippets/q/again.py", known)
    monkeypatch.undo()
    assert sorted(reads) == ["again.py", "deeper.py", "helper.py", "main.py"]
    assert second.helpers == first.helpers


# The same snippets in a build: the download, the copy button and the notebook.

PAGE = """\
# Imports

```snippet
snippets/transitive/main.py
```

```snippet
snippets/aliased/main.py
```

```snippet raises=ModuleNotFoundError
snippets/missing/main.py
```
"""
CASES = ["transitive", "aliased", "missing"]


def three_imports_project(project: TinyProject) -> None:
    for case, name in zip(CASES, ACCEPTED, strict=False):
        files, _ = ACCEPTED[name]
        write(project.root, files, f"snippets/{case}")
    project.write("docs/index.md", PAGE)


def notebook_modules(notebook: dict) -> list[list[str]]:
    """For each snippet cell of `notebook`, the modules of the cells just before it."""
    found: list[list[str]] = []
    modules: list[str] = []
    for cell in notebook["cells"]:
        if cell["id"].startswith("module-"):  # module-STEM-NUMBER
            modules.append(cell["id"].split("-")[1] + ".py")
        elif cell["id"].startswith("snippet-"):
            found.append(modules)
            modules = []
    return found


def test_key_download_copy_and_notebook_hold_the_same_local_modules(project: TinyProject):
    three_imports_project(project)
    built = project.build("--strict")
    assert built.returncode == 0, built.stderr
    site = project.root / "site"
    soup = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    copies = [
        element["data-copy"] for element in soup.select("[data-copy]")
    ]  # only blocks with helpers get a copy text of their own
    notebook = json.loads((site / "notebooks/index.ipynb").read_text())
    in_notebook = notebook_modules(notebook)
    for number, (case, name) in enumerate(zip(CASES, ACCEPTED, strict=False)):
        _, expected = ACCEPTED[name]
        snapshot = Snapshot.take(project.root, f"snippets/{case}/main.py")
        assert sorted(Path(path).name for path, _ in snapshot.modules) == sorted(expected)
        download = (site / f"snippets/{case}/main.py").read_text()
        headers = re.findall(r"^# (\w+\.py)", download, re.MULTILINE)
        assert headers == ([*expected, "main.py"] if expected else []), case
        assert in_notebook[number] == expected, case
        if expected:
            assert download in copies, case
    assert len(copies) == 2


@pytest.mark.parametrize("case", ["relative", "local package", "whole module"])
def test_a_refused_import_fails_the_build_naming_page_line_and_statement(
    project: TinyProject, case: str
):
    files, message = REFUSED[case]
    write(project.root, files)
    project.write("docs/index.md", "# Page\n\nSome prose.\n\n```snippet\nsnippets/q/main.py\n```\n")
    built = project.build("--strict")
    assert built.returncode != 0
    assert re.search(r"ERROR +-  docs/index\.md:5: " + message, built.stderr), built.stderr


def test_a_build_takes_each_snippets_graph_once_and_reads_each_file_once(
    project: TinyProject, monkeypatch: pytest.MonkeyPatch
):
    """In a warm build, a module two snippets import included; a cold one reads each file
    once more after its run, to store the result only if no file changed while it ran."""
    three_imports_project(project)
    project.write("snippets/transitive/again.py", "from helper import f\nprint(f())\n")
    project.write("docs/again.md", "# Again\n\n```snippet\nsnippets/transitive/again.py\n```\n")
    assert project.build().returncode == 0
    graphs: list[str] = []
    reads: list[str] = []
    take, read = imports.import_graph, Path.read_bytes

    def counted_graph(root: Path, snippet: str, known=None) -> imports.ImportGraph:
        graphs.append(snippet)
        return take(root, snippet, known)

    def counted_read(path: Path) -> bytes:
        if path.suffix == ".py" and "snippets" in path.parts:
            reads.append(path.relative_to(project.root).as_posix())
        return read(path)

    monkeypatch.setattr(keys, "import_graph", counted_graph)
    monkeypatch.setattr(Path, "read_bytes", counted_read)
    monkeypatch.chdir(project.root)
    config = load_config(str(project.root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    snippets = [f"snippets/{case}/main.py" for case in CASES] + ["snippets/transitive/again.py"]
    assert sorted(graphs) == sorted(snippets)
    files = [
        f"snippets/{case}/{name}"
        for case, key in zip(CASES, ACCEPTED, strict=False)
        for name in ["main.py", *ACCEPTED[key][1]]
    ]  # helper.py and deeper.py once, though two snippets import them
    assert sorted(reads) == sorted([*files, "snippets/transitive/again.py"])
