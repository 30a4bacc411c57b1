"""A warm build redoes only what changed: notebooks, bundles, the parsing of imports."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path

import pytest
from nbformat import v4

from conftest import TinyProject
from snipexec._internal.imports import import_statements
from snipexec._internal.notebooks import made_from, write_notebook
from test_plugin import two_snippet_project

FIGURE = {"image/svg+xml": "<svg/>", "text/plain": "A red square"}


def figure_notebook() -> v4.NotebookNode:
    output = v4.new_output("display_data", data=FIGURE)
    return v4.new_notebook(cells=[v4.new_code_cell("draw()", id="draw", outputs=[output])])


def test_a_notebook_made_from_the_same_source_is_known_by_its_stamp(tmp_path: Path):
    path = tmp_path / "notebooks" / "page.ipynb"
    assert write_notebook(figure_notebook(), path, "source one") == ["A red square"]
    assert made_from(path, "source one") == ["A red square"]
    assert made_from(path, "source two") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes().replace(b"draw", b"drew")),
        lambda path: path.unlink(),
        lambda path: path.with_name(path.name + ".made-from.json").write_bytes(b"\xff{"),
        lambda path: path.with_name(path.name + ".made-from.json").write_text('{"source": 1}'),
        lambda path: path.with_name(path.name + ".made-from.json").unlink(),
        lambda path: path.with_name(path.name + ".made-from.json").write_text(
            json.dumps(
                {
                    "source": "source",
                    "written": hashlib.sha256(path.read_bytes()).hexdigest(),
                    "figure_alts": "A red square",
                }
            )
        ),
    ],
    ids=[
        "notebook edited",
        "notebook gone",
        "stamp damaged",
        "stamp of another shape",
        "no stamp",
        "alt text not a list",
    ],
)
def test_a_notebook_changed_since_its_stamp_is_made_again(tmp_path: Path, damage):
    path = tmp_path / "page.ipynb"
    write_notebook(figure_notebook(), path, "source")
    damage(path)
    assert made_from(path, "source") is None


def test_a_folder_where_the_notebook_or_its_stamp_goes_is_replaced(tmp_path: Path):
    path = tmp_path / "page.ipynb"
    for folder in (path, path.with_name(path.name + ".made-from.json")):
        folder.mkdir()
        (folder / "inside").write_text("x")
    assert write_notebook(figure_notebook(), path, "source") == ["A red square"]
    assert made_from(path, "source") == ["A red square"]


def test_a_warm_build_leaves_the_notebook_alone_and_an_edit_of_the_page_remakes_it(
    project: TinyProject,
):
    two_snippet_project(project)
    assert project.build("--strict").returncode == 0
    (notebook,) = (project.root / ".cache/snipexec/notebooks").glob("*.ipynb")
    stamp = notebook.with_name(notebook.name + ".made-from.json")
    before = (notebook.stat().st_mtime_ns, stamp.stat().st_mtime_ns)

    warm = project.build("--strict")
    assert warm.returncode == 0, warm.stderr
    assert (notebook.stat().st_mtime_ns, stamp.stat().st_mtime_ns) == before

    page = project.root / "docs/index.md"
    page.write_text(page.read_text() + "\nA closing sentence.\n")
    edited = project.build("--strict")
    assert edited.returncode == 0, edited.stderr
    assert "A closing sentence." in notebook.read_text()


def test_the_build_log_gives_the_plugins_own_time(project: TinyProject):
    two_snippet_project(project)
    project.build()
    warm = project.build()
    own = re.search(r"reused from the cache; its own work ([\d.]+) s", warm.stderr)
    assert own is not None, warm.stderr
    assert 0 < float(own[1]) < 30


def test_import_statements_finds_every_import_in_source_order():
    source = """\
import a
def f():
    import b
    try:
        from c import d
    except E:
        import e
    else:
        import f
    finally:
        import g
class K:
    def m(self):
        if x:
            import h
        elif y:
            import i
match z:
    case 1:
        import j
with w:
    import k
while v:
    import l
x = [__import__("not_a_statement")]
"""
    found = [ast.unparse(node) for node in import_statements(ast.parse(source))]
    assert found == [
        "import a",
        "import b",
        "from c import d",
        "import e",
        "import f",
        "import g",
        "import h",
        "import i",
        "import j",
        "import k",
        "import l",
    ]
