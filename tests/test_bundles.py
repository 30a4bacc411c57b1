"""A snippet's bundle: its local modules folded in, so that the copy runs alone."""

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mkdocs.config import load_config

from site_pages import ROOT, references, run_file
from snipexec import Cache, RunResult, Variant
from snipexec._internal.bundles import Bundle, make_bundle
from snipexec._internal.imports import import_graph
from snipexec._internal.keys import Snapshot


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


# The real site: every snippet's bundle, alone in an empty folder, prints what the page shows.

SETTINGS = load_config(str(ROOT / "mkdocs.yml")).plugins["snipexec"].config
VARIANTS = {name: Variant.from_config(name, options) for name, options in SETTINGS.variants.items()}
SNIPPETS = sorted({ref.path: ref for _, ref in references()}.items())


def stored(ref) -> RunResult:
    """The cached result the page shows first for `ref`."""
    variant = VARIANTS[(ref.variants or SETTINGS.default_variants)[0]]
    key = Snapshot.take(ROOT, ref.path).key(variant.fingerprint(variant.installed(ROOT)))
    result = Cache(ROOT / ".cache/snipexec").get(key)
    assert result is not None, f"{ref.path}: no stored result (build the site first)"
    return result


@pytest.fixture(scope="module")
def bundle_outputs(tmp_path_factory) -> dict[str, tuple[str, str]]:
    """Each snippet's bundle run as `python NAME.py` alone in an empty folder."""
    scratch = tmp_path_factory.mktemp("bundles")

    def run(item: tuple[str, object]) -> tuple[str, str]:
        path, ref = item
        folder = scratch / path.replace("/", "_")
        folder.mkdir()
        copy = folder / Path(path).name
        copy.write_text(make_bundle(import_graph(ROOT, path)).text)
        variant = VARIANTS[(ref.variants or SETTINGS.default_variants)[0]]
        return run_file(copy, folder, root=folder, env=variant.env, python=variant.python(ROOT))

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip([path for path, _ in SNIPPETS], pool.map(run, SNIPPETS), strict=True))


@pytest.mark.site
@pytest.mark.parametrize(("path", "ref"), SNIPPETS, ids=[path for path, _ in SNIPPETS])
def test_each_bundle_alone_prints_what_the_page_shows(bundle_outputs, path: str, ref):
    result = stored(ref)
    stdout, stderr = bundle_outputs[path]
    assert stdout == result.stdout
    if result.failure is None:
        assert stderr == result.stderr
    else:  # the traceback names the copy's own file: the error it ends with is the same
        assert stderr.splitlines()[-1] == result.stderr.splitlines()[-1]
