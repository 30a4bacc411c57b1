import ast
from pathlib import Path

import pytest

from snipexec._internal.keys import Snapshot, local_imports
from snipexec._internal.variants import RUNTIME_SOURCES, Variant, engine_fingerprint


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    folder = tmp_path / "snippets" / "q"
    folder.mkdir(parents=True)
    (folder / "main.py").write_text("import numpy\nfrom helper import f\nprint(f())\n")
    (folder / "helper.py").write_text("from deeper import g\ndef f():\n    return g()\n")
    (folder / "deeper.py").write_text("def g():\n    return 1\n")
    (folder / "unrelated.py").write_text("x = 1\n")
    (folder / "pkg").mkdir()
    (folder / "pkg" / "__init__.py").write_text("")
    return tmp_path


def key(tree: Path, environment: str = "env", path: str = "snippets/q/main.py") -> str:
    return Snapshot.take(tree, path).key(environment)


def test_local_imports_are_followed_transitively(tree: Path):
    folder = tree / "snippets/q"
    assert local_imports(folder / "main.py") == {folder / "helper.py", folder / "deeper.py"}
    (folder / "main.py").write_text("import pkg.sub\n")
    assert local_imports(folder / "main.py") == {folder / "pkg/__init__.py"}


def test_key_is_the_same_for_the_same_files_read_twice(tree: Path):
    first = key(tree)
    (tree / "snippets/q/main.py").write_bytes((tree / "snippets/q/main.py").read_bytes())
    assert key(tree) == first
    assert len(first) == 64 and int(first, 16) >= 0


def test_a_snapshot_knows_when_its_files_changed(tree: Path):
    snapshot = Snapshot.take(tree, "snippets/q/main.py")
    assert snapshot.unchanged(tree)
    (tree / "snippets/q/deeper.py").write_text("def g():\n    return 2\n")
    assert not snapshot.unchanged(tree)


@pytest.mark.parametrize("changed", ["main.py", "helper.py", "deeper.py"])
def test_key_changes_with_the_snippet_or_a_module_it_imports(tree: Path, changed: str):
    before = key(tree)
    (tree / "snippets/q" / changed).write_text("# edited\n", encoding="utf-8")
    assert key(tree) != before


def test_key_ignores_files_the_snippet_does_not_import(tree: Path):
    before = key(tree)
    (tree / "snippets/q/unrelated.py").write_text("x = 2\n")
    assert key(tree) == before


def test_key_changes_with_the_environment(tree: Path):
    assert key(tree, "tensorflow 2.20") != key(tree, "tensorflow 2.21")


def test_key_changes_with_the_snippet_path(tree: Path):
    other = tree / "snippets/q/copy.py"
    other.write_bytes((tree / "snippets/q/main.py").read_bytes())
    assert key(tree, path="snippets/q/copy.py") != key(tree)


def test_variant_versions_name_installed_packages_only():
    versions = Variant("v", packages=("numpy", "surely-not-installed-anywhere")).versions()
    assert versions["numpy"][0].isdigit()
    assert "surely-not-installed-anywhere" not in versions
    assert versions["python"].startswith("3.")


def test_variants_never_share_keys(tree: Path):
    keras3 = Variant("keras3", env={"KERAS_BACKEND": "tensorflow"}, packages=("numpy",))
    keras2 = Variant("keras2", env={"TF_USE_LEGACY_KERAS": "1"}, packages=("numpy",))
    versions = keras3.versions()
    keys = {key(tree, variant.fingerprint(versions)) for variant in (keras3, keras2)}
    assert len(keys) == 2


def test_a_changed_package_version_changes_only_the_variants_that_use_it(tree: Path):
    keras2 = Variant("keras2", packages=("tf-keras", "numpy"))
    jax = Variant("jax", packages=("jax", "numpy"))
    before = {v.name: key(tree, v.fingerprint(v.versions())) for v in (keras2, jax)}
    bumped = {**keras2.versions(), "tf-keras": "99.0"}
    assert key(tree, keras2.fingerprint(bumped)) != before["keras2"]
    assert key(tree, jax.fingerprint(jax.versions())) == before["jax"]


def test_the_engine_fingerprint_covers_all_code_a_run_depends_on():
    """Every engine module the worker or runner imports, transitively, is hashed."""
    covered = {source.name for source in RUNTIME_SOURCES}
    pending, seen = ["worker.py", "runner.py"], set()
    covered |= {"profile.py"}  # the default profile, hashed through the variant
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((RUNTIME_SOURCES[0].parent / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                pending.append(f"{node.module}.py")
    assert seen <= covered


def test_the_engine_fingerprint_changes_with_its_sources(tmp_path: Path):
    sources = [tmp_path / "worker.py", tmp_path / "streams.py"]
    for source in sources:
        source.write_text("x = 1\n")
    before = engine_fingerprint(sources)
    sources[1].write_text("x = 2\n")
    assert engine_fingerprint(sources) != before
