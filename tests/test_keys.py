import ast
from pathlib import Path

import pytest

from snipexec._internal.keys import Snapshot
from snipexec._internal.variants import (
    RUNTIME_SOURCES,
    MissingEnvironment,
    Variant,
    engine_fingerprint,
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    folder = tmp_path / "snippets" / "q"
    folder.mkdir(parents=True)
    (folder / "main.py").write_text("import numpy\nfrom helper import f\nprint(f())\n")
    (folder / "helper.py").write_text("from deeper import g\ndef f():\n    return g()\n")
    (folder / "deeper.py").write_text("def g():\n    return 1\n")
    (folder / "unrelated.py").write_text("x = 1\n")
    return tmp_path


def key(tree: Path, environment: str = "env", path: str = "snippets/q/main.py") -> str:
    return Snapshot.take(tree, path).key(environment)


def test_key_is_the_same_for_the_same_files_read_twice(tree: Path):
    main = tree / "snippets/q/main.py"
    first = key(tree)
    main.write_bytes(main.read_bytes())  # a save without an edit
    assert key(tree) == first
    assert len(first) == 64 and set(first) <= set("0123456789abcdef")  # a SHA-256, in hex
    main.write_bytes(main.read_bytes().replace(b"f()", b"g()"))  # one byte, same length
    assert key(tree) != first


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


def fake_environment(root: Path, group: str, packages: dict[str, tuple[str, list[str]]]) -> None:
    """A virtual environment's files at `root/.venvs/GROUP`: name -> (version, requires)."""
    folder = root / ".venvs" / group
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python").write_text("")
    (folder / "pyvenv.cfg").write_text("home = /usr/bin\nversion_info = 3.11.9.final.0\n")
    site = folder / "lib" / "python3.11" / "site-packages"
    for name, (version, requires) in packages.items():
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        lines = [f"Name: {name}", f"Version: {version}", *(f"Requires-Dist: {r}" for r in requires)]
        (info / "METADATA").write_text("\n".join(lines) + "\n")


def test_variant_versions_name_installed_packages_only(tmp_path: Path):
    variant = Variant("v", packages=("numpy", "surely-not-installed-anywhere"))
    versions = variant.versions(variant.installed(tmp_path))
    assert versions["numpy"][0].isdigit()
    assert "surely-not-installed-anywhere" not in versions
    assert versions["python"].startswith("3.")


def test_a_variant_of_its_own_environment_reads_that_environment(tmp_path: Path):
    fake_environment(tmp_path, "old", {"numpy": ("1.24.3", [])})
    old = Variant("old", group="old", packages=("numpy", "keras"))
    assert old.python(tmp_path) == str(tmp_path / ".venvs/old/bin/python")
    assert old.versions(old.installed(tmp_path)) == {"python": "3.11.9", "numpy": "1.24.3"}


def test_a_missing_environment_says_how_to_make_it(tmp_path: Path):
    with pytest.raises(MissingEnvironment, match=r"\.venvs/gone does not exist; `nox -s docs`"):
        Variant("v", group="gone").installed(tmp_path)


def test_variants_never_share_keys(tree: Path):
    keras3 = Variant("keras3", env={"KERAS_BACKEND": "tensorflow"}, packages=("numpy",))
    keras2 = Variant("keras2", env={"TF_USE_LEGACY_KERAS": "1"}, packages=("numpy",))
    installed = keras3.installed(tree)
    keys = {key(tree, variant.fingerprint(installed)) for variant in (keras3, keras2)}
    assert len(keys) == 2


def test_a_changed_version_in_one_environment_changes_only_its_variants_keys(tmp_path: Path):
    """Also a version of a package that a listed one requires, two steps down."""
    tree = tmp_path
    (tree / "snippets").mkdir()
    (tree / "snippets/a.py").write_text("print(1)\n")
    stack = {"tensorflow": ("2.12.1", ["keras>=2.12", "numpy>=1.22"]), "keras": ("2.12.0", [])}
    fake_environment(tree, "keras2", {**stack, "numpy": ("1.24.3", ["extra-only; extra == 'x'"])})
    fake_environment(tree, "other", {"numpy": ("1.24.3", [])})
    keras2 = Variant("keras2", group="keras2", packages=("tensorflow",))
    other = Variant("other", group="other", packages=("numpy",))

    def keys() -> dict[str, str]:
        return {
            v.name: key(tree, v.fingerprint(v.installed(tree)), "snippets/a.py")
            for v in (keras2, other)
        }

    before = keys()
    site = tree / ".venvs/keras2/lib/python3.11/site-packages"
    (site / "numpy-1.24.3.dist-info").rename(site / "numpy-1.26.0.dist-info")
    metadata = site / "numpy-1.26.0.dist-info/METADATA"
    metadata.write_text(metadata.read_text().replace("1.24.3", "1.26.0"))
    after = keys()
    assert after["keras2"] != before["keras2"]
    assert after["other"] == before["other"]


def test_the_key_follows_what_a_listed_package_requires_not_its_extras(tmp_path: Path):
    fake_environment(
        tmp_path,
        "e",
        {
            "tensorflow": ("2.12.1", ["keras<2.13", 'nvidia-x; extra == "and-cuda"']),
            "keras": ("2.12.0", []),
            "nvidia-x": ("1.0", []),
            "unrelated": ("3.0", []),
        },
    )
    variant = Variant("e", group="e", packages=("tensorflow",))
    assert variant.installed(tmp_path).closure(variant.packages) == {
        "keras": "2.12.0",
        "tensorflow": "2.12.1",
    }


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
