"""A snippet's bundle: its local modules folded in, so that the copy runs alone."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snipexec._internal.bundles import BundleError, make_bundle


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))


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
    bundle = make_bundle(tmp_path / "alone.py")
    assert (bundle.text, bundle.helpers) == (source, ())


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
    bundle = make_bundle(tmp_path / "snippet.py")
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
    bundle = make_bundle(tmp_path / "snippet.py")
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
    assert run_alone(make_bundle(tmp_path / "snippet.py").text, tmp_path / "empty") == "1\n"


def test_the_build_reads_the_files_it_snapshotted(tmp_path: Path):
    write(tmp_path, {"helper.py": "X = 'on disk'\n", "snippet.py": "from helper import X\n"})
    texts = {"helper.py": "X = 'snapshot'\n", "snippet.py": "from helper import X\nprint(X)\n"}
    bundle = make_bundle(tmp_path / "snippet.py", lambda path: texts[path.name])
    assert bundle.helpers == (("helper.py", "X = 'snapshot'\n"),)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"snippet.py": "import helper\n"}, r"snippet.py:1: import names from the local module"),
        (
            {"snippet.py": "def f():\n    from helper import X\n"},
            r"snippet.py:2: import the local module helper at the top level",
        ),
        ({"snippet.py": "from .helper import X\n"}, r"snippet.py:1: .*relative import"),
        (
            {"snippet.py": "from helper import X\n", "helper.py": "from snippet import Y\n"},
            r"local modules import each other \(snippet.py -> helper.py -> snippet.py\)",
        ),
        ({"snippet.py": "from helper import X\n", "helper.py": "X = (\n"}, r"helper.py:1: "),
    ],
    ids=["plain-import", "nested-import", "relative", "cycle", "syntax-error"],
)
def test_imports_a_bundle_cannot_fold_are_errors_naming_the_line(
    tmp_path: Path, files: dict[str, str], message: str
):
    write(tmp_path, {"helper.py": "X = 1\n", **files})
    with pytest.raises(BundleError, match=message):
        make_bundle(tmp_path / "snippet.py")
