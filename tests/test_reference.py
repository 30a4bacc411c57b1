"""The reference page documents every public object, reachable through objects.inv."""

import ast
import inspect
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.config.base import BaseConfigOption
from mkdocstrings import Inventory

import snipexec
from snipexec._internal import plugin as plugin_module

pytestmark = pytest.mark.site

PAGE_MODULES = ["conv_reference.conv2d_reference", "shared_conv.SharedKernelConv2D"]


def public_names() -> list[str]:
    """`snipexec.X` for everything exported, and the public methods of exported classes."""
    names = []
    for name in snipexec.__all__:
        names.append(f"snipexec.{name}")
        obj = getattr(snipexec, name)
        if inspect.isclass(obj) and obj is not snipexec.SnippetExecPlugin:  # hooks: MkDocs' API
            names += [
                f"snipexec.{name}.{member}"
                for member, value in vars(obj).items()
                if not member.startswith("_") and inspect.isfunction(value)
            ]
    return names


def plugin_options() -> dict[str, BaseConfigOption]:
    return {
        name: value
        for name, value in vars(snipexec.PluginConfig).items()
        if isinstance(value, BaseConfigOption)
    }


@pytest.fixture(scope="module")
def inventory(built_site: Path) -> Inventory:
    with (built_site / "objects.inv").open("rb") as file:
        return Inventory.parse_sphinx(file)


@pytest.mark.parametrize("name", public_names() + PAGE_MODULES)
def test_public_object_is_in_the_inventory_and_documented(inventory, built_site, name):
    assert name in inventory
    page, anchor = inventory[name].uri.split("#")
    html = BeautifulSoup((built_site / page / "index.html").read_text(), "html.parser")
    assert html.find(id=anchor) is not None, f"{name}: no anchor {anchor} on {page}"
    if name.startswith("snipexec."):
        obj = snipexec
        for part in name.split(".")[1:]:
            obj = getattr(obj, part)
        assert inspect.getdoc(obj), f"{name} has no docstring"


@pytest.mark.parametrize("option", sorted(plugin_options()))
def test_plugin_option_is_listed_with_its_default(inventory, built_site, option):
    name = f"snipexec.PluginConfig.{option}"
    assert name in inventory
    html = BeautifulSoup((built_site / "reference/index.html").read_text(), "html.parser")
    heading = html.find(id=name)
    section = heading.find_parent("div", class_="doc-object")
    assert section is not None
    text = section.get_text()
    shown_source = text[text.index(f"{option} =") :].split("\n\n")[0]
    call = ast.parse(shown_source).body[0].value  # `timeout = opt.Type(..., default=120)`
    (expression,) = [keyword.value for keyword in call.keywords if keyword.arg == "default"]
    # A literal, or a name of the plugin's module such as DEFAULT_VARIANTS: evaluated there.
    shown = eval(compile(ast.Expression(expression), "<shown>", "eval"), vars(plugin_module))
    assert shown == plugin_options()[option].default
