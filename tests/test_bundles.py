"""A snippet's bundle: its local modules folded in, so that the copy runs alone."""

import subprocess
import sys
import textwrap
from pathlib import Path

from snipexec._internal.bundles import Bundle, make_bundle
from snipexec._internal.imports import import_graph


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))


def bundle_of(folder: Path, snippet: str = "snippet.py") -> Bundle:
    return make_bundle(import_graph(folder, snippet))


def run_alone(text: str, folder: Path) -> str:
    """Run `text` as the only file of an empty folder; return what it printed."""
    folder.mkdir()
    (folder / "copy.py").write_text(text)
    completed = subprocess.run(
        [sys.executable, "copy.py"], cwd=folder, capture_output=True, text=True, check=True
    )
    return completed.stdout


def test_a_snippet_without_local_imports_is_its_own_bundle(tmp_path: Path):
    source = '"""Doc."""\nimport math\n\nprint(math.pi)\n'
    write(tmp_path, {"alone.py": source, "unused.py": "X = 1\n"})
    bundle = bundle_of(tmp_path, "alone.py")
    assert (bundle.text, bundle.code, bundle.helpers) == (source, source, ())


def test_bundle_folds_in_modules_dependencies_first(tmp_path: Path):
    write(
        tmp_path,
        {
            "base.py": '''\
                """Numbers everyone needs.

                More words that the bundle leaves out.
                """
                BASE = 40

                if __name__ == "__main__":
                    print("base run as a script")
                ''',
            "middle.py": """\
                from base import BASE as START

                def answer():
                    return START + 2
                """,
            "snippet.py": '''\
                """What the snippet shows."""
                from __future__ import annotations

                import math
                from middle import answer as compute, START

                print(compute(), START, math.floor(2.5))
                ''',
        },
    )
    bundle = bundle_of(tmp_path)
    assert [name for name, _ in bundle.helpers] == ["base.py", "middle.py"]
    assert bundle.text == textwrap.dedent('''\
        """What the snippet shows."""


        from __future__ import annotations


        # base.py: Numbers everyone needs.
        BASE = 40


        # middle.py
        START = BASE

        def answer():
            return START + 2


        # snippet.py
        import math
        compute = answer

        print(compute(), START, math.floor(2.5))
        ''')
    assert run_alone(bundle.text, tmp_path / "empty") == "42 40 2\n"


def test_a_module_imported_twice_comes_once(tmp_path: Path):
    write(
        tmp_path,
        {
            "common.py": "print('common ran')\n",
            "left.py": "from common import *\nLEFT = 'l'\n",
            "right.py": "from common import *\nRIGHT = 'r'\n",
            "snippet.py": "from left import LEFT\nfrom right import RIGHT\nprint(LEFT + RIGHT)\n",
        },
    )
    bundle = bundle_of(tmp_path)
    assert [name for name, _ in bundle.helpers] == ["common.py", "left.py", "right.py"]
    assert run_alone(bundle.text, tmp_path / "empty") == "common ran\nlr\n"


def test_the_snippets_own_main_block_stays(tmp_path: Path):
    write(
        tmp_path,
        {
            "helper.py": "def f():\n    return 1\n",
            "snippet.py": "from helper import f\n\nif __name__ == '__main__':\n    print(f())\n",
        },
    )
    assert run_alone(bundle_of(tmp_path).text, tmp_path / "empty") == "1\n"


def test_the_bundle_holds_the_bytes_the_graph_read(tmp_path: Path):
    """A save after the snapshot changes neither its key's bytes nor its copy's."""
    write(tmp_path, {"helper.py": "X = 'snapshot'\n", "snippet.py": "from helper import X\n"})
    graph = import_graph(tmp_path, "snippet.py")
    write(tmp_path, {"helper.py": "X = 'saved later'\n"})
    assert make_bundle(graph).helpers == (("helper.py", "X = 'snapshot'\n"),)
