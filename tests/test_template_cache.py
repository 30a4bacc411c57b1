"""The site's Jinja template cache: compiled once, again after an edit, damage is a miss."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from conftest import ROOT

spec = importlib.util.spec_from_file_location(
    "template_cache", ROOT / "docs" / "hooks" / "template_cache.py"
)
assert spec is not None and spec.loader is not None
template_cache = importlib.util.module_from_spec(spec)
spec.loader.exec_module(template_cache)


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source from now on."""
    names: list[str] = []
    compile_source = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        names.append(name)
        return compile_source(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def render(templates: Path, cache: Path, **values: str) -> str:
    """`page.html` rendered by a new environment, as a new build would."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=template_cache.TemplateCache(str(cache)),
    )
    return env.get_template("page.html").render(**values)


def test_a_template_compiles_once_and_again_after_an_edit(tmp_path: Path, compiled: list[str]):
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    cache.mkdir()
    (templates / "page.html").write_text("Hello {{ name }}")
    assert render(templates, cache, name="you") == "Hello you"
    assert render(templates, cache, name="again") == "Hello again"
    assert compiled == ["page.html"]

    (templates / "page.html").write_text("Goodbye {{ name }}")
    assert render(templates, cache, name="you") == "Goodbye you"
    assert compiled == ["page.html", "page.html"]


@pytest.mark.parametrize(
    "damage",
    [b"", b"random bytes", bc_magic, bc_magic + b"\x80garbage"],
    ids=["empty", "random bytes", "header only", "header and garbage"],
)
def test_a_damaged_entry_compiles_again_and_is_replaced(
    tmp_path: Path, compiled: list[str], damage: bytes
):
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    cache.mkdir()
    (templates / "page.html").write_text("Hello {{ name }}")
    render(templates, cache, name="you")
    (entry,) = cache.iterdir()
    entry.write_bytes(damage)
    assert render(templates, cache, name="you") == "Hello you"
    assert len(compiled) == 2
    assert entry.read_bytes().startswith(bc_magic) and len(entry.read_bytes()) > len(bc_magic)


def test_each_notebook_exporter_reads_the_templates_the_first_compiled(
    tmp_path: Path, compiled: list[str], monkeypatch: pytest.MonkeyPatch
):
    """mkdocs-jupyter makes a new exporter, with a new environment, for every notebook."""
    nbformat = pytest.importorskip("nbformat")
    from nbconvert.exporters.html import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    monkeypatch.setattr(
        TemplateExporter, "_create_environment", TemplateExporter._create_environment
    )
    config = type("Config", (), {"config_file_path": str(tmp_path / "mkdocs.yml"), "plugins": {}})
    template_cache.on_pre_build(config)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")])
    first, _ = HTMLExporter().from_notebook_node(notebook)
    after_first = len(compiled)
    second, _ = HTMLExporter().from_notebook_node(notebook)
    assert after_first > 0 and len(compiled) == after_first
    assert second == first
    assert any((tmp_path / ".cache/jinja").iterdir())


def test_loading_the_hook_again_wraps_nbconvert_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`mkdocs serve` loads the hooks anew for every rebuild."""
    from nbconvert.exporters.templateexporter import TemplateExporter

    original = TemplateExporter._create_environment
    monkeypatch.setattr(TemplateExporter, "_create_environment", original)
    config = type("Config", (), {"config_file_path": str(tmp_path / "mkdocs.yml"), "plugins": {}})
    for _ in range(3):
        hook = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(hook)
        hook.on_pre_build(config)
    assert TemplateExporter._create_environment.__wrapped__ is original
