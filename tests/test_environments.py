"""Variants with environments of their own: the worker runs in that interpreter, without the
site's packages; a version changed there runs only that variant again; the real site's
footers name what ran, and no page shows where an environment lives."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.config import load_config

from conftest import TinyProject
from site_pages import ROOT, html_path, references
from snipexec import Variant

SNIPPET = """\
import importlib.util
import sys
from pathlib import Path
print("in .venvs/own:", Path(sys.prefix).parts[-2:] == (".venvs", "own"))
print("mkdocs importable:", importlib.util.find_spec("mkdocs") is not None)
"""


def own_environment(project: TinyProject, version: str) -> Path:
    """A real virtual environment at `.venvs/own` holding a package `thing` at `version`."""
    folder = project.root / ".venvs" / "own"
    if not folder.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next(folder.glob("lib/python3*/site-packages"))
    for old in site.glob("thing-*.dist-info"):
        for file in old.iterdir():
            file.unlink()
        old.rmdir()
    info = site / f"thing-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Name: thing\nVersion: {version}\n")
    return folder


@pytest.fixture
def two_environments(project: TinyProject) -> TinyProject:
    project.write(
        "mkdocs.yml",
        """\
        site_name: tiny
        plugins:
          - snipexec:
              variants:
                plain: {preload: []}
                own: {group: own, packages: [thing], label: Own environment}
              default_variants: [plain, own]
              notebooks: false
        """,
    )
    project.write("pyproject.toml", '[dependency-groups]\nown = ["thing==1.0"]\n')
    project.write("snippets/where.py", SNIPPET)
    project.page("index.md", "snippets/where.py")
    return project


def ran(build: subprocess.CompletedProcess[str]) -> list[str]:
    return re.findall(r"ran snippets/where\.py under (\w+)", build.stderr)


def test_a_variant_runs_in_its_own_interpreter_without_the_sites_packages(two_environments):
    own_environment(two_environments, "1.0")
    build = two_environments.build()
    assert build.returncode == 0, build.stderr
    text = two_environments.html()
    # The own environment's worker needs nothing from the site; the site's has MkDocs.
    assert "in .venvs/own: True\nmkdocs importable: False" in text
    assert "in .venvs/own: False\nmkdocs importable: True" in text
    assert "Own environment: Python 3." in text and "thing 1.0" in text
    assert 'its own environment: pip install "thing==1.0"' in text


def test_a_changed_version_in_an_environment_runs_only_its_variant_again(two_environments):
    own_environment(two_environments, "1.0")
    assert sorted(ran(two_environments.build())) == ["own", "plain"]
    assert ran(two_environments.build()) == []
    own_environment(two_environments, "1.1")
    assert ran(two_environments.build()) == ["own"]


def test_a_missing_environment_fails_the_build_saying_how_to_make_it(two_environments):
    build = two_environments.build()
    assert build.returncode != 0
    assert "variant 'own': its environment .venvs/own does not exist; `nox -s docs`" in build.stderr


# The real site.

SETTINGS = load_config(str(ROOT / "mkdocs.yml")).plugins["snipexec"].config
VARIANTS = {name: Variant.from_config(name, options) for name, options in SETTINGS.variants.items()}


@pytest.mark.site
@pytest.mark.parametrize("page", sorted({page for page, _ in references()}))
def test_each_footer_lists_every_variant_that_ran_on_the_page(built_site: Path, page: str):
    ran_here = {name for p, ref in references() if p == page for name in ref.variants}
    footer = BeautifulSoup(html_path(built_site, page).read_text(), "html.parser")
    items = [item.get_text() for item in footer.select(".snippet-provenance li")]
    labels = {item.split(":")[0] for item in items}
    assert labels == {VARIANTS[name].label for name in ran_here}
    for name in ran_here:
        variant = VARIANTS[name]
        (line,) = [item for item in items if item.startswith(f"{variant.label}:")]
        installed = variant.installed(ROOT)
        for package, version in variant.versions(installed).items():
            assert f" {version}" in line, f"{page}: {variant.label} does not show {package}"
        command = variant.install_command(ROOT)
        assert (command in line) if variant.group else ("pip install" not in line)


@pytest.mark.site
def test_no_page_or_file_shows_where_an_environment_lives(built_site: Path):
    places = [str(ROOT), ".nox/", sys.prefix, sys.base_prefix, str(Path.home())]
    places += [f".venvs/{variant.group}/" for variant in VARIANTS.values() if variant.group]
    for file in built_site.rglob("*"):
        if file.suffix in {".html", ".ipynb", ".py", ".json", ".txt"}:
            text = file.read_text(errors="replace")
            for place in places:
                assert place not in text, f"{file.relative_to(built_site)} shows {place}"


@pytest.mark.site
@pytest.mark.parametrize("page", sorted({page for page, _ in references()}))
def test_each_notebook_says_how_to_get_the_environments_its_examples_run_in(
    built_site: Path, page: str
):
    stem = Path(page).stem
    notebook = json.loads((built_site / "notebooks" / stem / f"{stem}.ipynb").read_text())
    (how_to_run,) = [cell for cell in notebook["cells"] if cell["id"] == "how-to-run"]
    text = "".join(how_to_run["source"])
    blocks = [ref for p, ref in references() if p == page]
    for variant in VARIANTS.values():
        runs = [
            ref
            for ref in blocks
            if variant.name in ref.variants and not ref.expected_exception(variant.name)
        ]
        if variant.group and runs:
            files = ", ".join(f"`{Path(ref.path).name}`" for ref in runs)
            assert f"**On {variant.label}** ({files}): " in text
            assert variant.install_command(ROOT) in text
        else:
            assert f"**On {variant.label}**" not in text
