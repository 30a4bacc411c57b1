"""The page "Inside one output value": its explorer against the output of the run it shows.

The run's JSON is read from the built page, as the explorer reads it. For every output
position of every filter (and of every depthwise output channel), the value the explorer
computes must be Keras' value from the run, and the cells it outlines must be exactly
that position's window.
"""

# The browser fixtures come from test_browser and test_calculator; as parameters they
# shadow the imports.
# ruff: noqa: F811

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright import sync_api

from site_pages import html_path, shown_snippets
from test_browser import (  # noqa: F401 (fixtures)
    DESKTOP,
    MOBILE,
    Offline,
    Screenshot,
    base_url,
    browser,
    context,
    offline,
    visit,
)
from test_calculator import CONTRAST, page, watch  # noqa: F401 (fixture)

pytestmark = [pytest.mark.site, pytest.mark.browser]

SNIPPET = "snippets/inside_one_output/explorer_data.py"
URL = "inside-one-output/"
LAYERS = {"conv2d": "Conv2D", "depthwise": "DepthwiseConv2D"}
FOCUSED = (
    "(e => [e.getAttribute('role'), getComputedStyle(e).outlineStyle])(document.activeElement)"
)


@pytest.fixture(scope="module")
def run(built_site: Path) -> dict[str, Any]:
    """The JSON the snippet printed, as the built page shows it."""
    shown = shown_snippets(html_path(built_site, "docs/inside-one-output.md").read_text())
    return json.loads(shown[SNIPPET].stdout)


def window(row: int, column: int, size: int) -> set[tuple[int, int]]:
    return {(row + u, column + v) for u in range(size) for v in range(size)}


def close(computed: float, keras: float) -> bool:
    """Equal to float32 precision."""
    return abs(computed - keras) <= 1e-6 * max(1.0, abs(keras))


def test_the_run_prints_what_the_page_says_it_holds(run: dict[str, Any]):
    """The layout the page documents: grids by channel, kernel[f][c], Keras' kernel shape."""
    image = np.moveaxis(np.array(run["input"], dtype=np.float64), 0, -1)  # (H, W, C)
    assert list(image.shape) == run["input_shape"][1:]
    kernel = np.array(run["conv2d"]["kernel"])  # [f][c][u][v]
    assert list(np.transpose(kernel, (2, 3, 1, 0)).shape) == run["conv2d"]["kernel_shape"]
    size = kernel.shape[-1]
    for f, outputs in enumerate(run["conv2d"]["output"]):
        for (i, j), value in np.ndenumerate(np.array(outputs)):
            patch = image[i : i + size, j : j + size, :]  # (u, v, c)
            expected = np.einsum("uvc,cuv->", patch, kernel[f]) + run["conv2d"]["bias"][f]
            assert close(expected, value), (f, i, j)
    for c, outputs in enumerate(run["depthwise"]["output"]):
        slice_ = np.array(run["depthwise"]["kernel"][c][0])
        for (i, j), value in np.ndenumerate(np.array(outputs)):
            patch = image[i : i + size, j : j + size, c]
            assert close((patch * slice_).sum() + run["depthwise"]["bias"][c], value)


@pytest.mark.parametrize("layer", LAYERS)
def test_every_output_value_is_kerass_and_its_window_is_outlined(
    page: sync_api.Page, base_url: str, run: dict[str, Any], layer: str
):
    visit(page, base_url + URL)
    page.get_by_role("radio", name=LAYERS[layer], exact=True).check()
    size = len(run["conv2d"]["kernel"][0][0])
    units = run[layer]["output"]
    checked = 0
    for unit, grid in enumerate(units):
        page.locator("#explorer select").select_option(str(unit))
        for i, line in enumerate(grid):
            for j, keras in enumerate(line):
                page.locator(f"#xp-out-{i}-{j}").click()
                shown = page.evaluate("explorer.read()")
                where = f"{layer} {unit} at ({i}, {j})"
                assert [shown["layer"], shown["unit"], shown["row"], shown["column"]] == [
                    layer,
                    unit,
                    i,
                    j,
                ], where
                assert close(shown["computed"], keras), f"{where}: {shown['computed']} != {keras}"
                assert shown["keras"] == keras, where
                # Conv2D reads the window on every channel; a depthwise output, on its own.
                channels = range(len(run["input"])) if layer == "conv2d" else [unit]
                expected = {(c, *cell) for c in channels for cell in window(i, j, size)}
                assert {tuple(cell) for cell in shown["windows"]} == expected, where
                checked += 1
    assert checked == sum(len(grid) * len(grid[0]) for grid in units)


def test_the_keyboard_alone_drives_the_explorer(
    page: sync_api.Page, base_url: str, run: dict[str, Any]
):
    visit(page, base_url + URL)
    grid = page.locator("#explorer [role=grid]")
    for _ in range(200):  # Tab through the page up to the output grid
        page.keyboard.press("Tab")
        if grid.evaluate("e => e === document.activeElement"):
            break
    role, outline = page.evaluate(FOCUSED)
    assert (role, outline) == ("grid", "solid"), "the grid shows that it has the focus"
    for key in ("ArrowDown", "ArrowDown", "ArrowRight", "ArrowUp"):
        page.keyboard.press(key)
    assert page.evaluate("[explorer.read().row, explorer.read().column]") == [1, 1]
    page.keyboard.press("End")
    last = len(run["conv2d"]["output"][0][0]) - 1
    assert page.evaluate("explorer.read().column") == last
    assert grid.get_attribute("aria-activedescendant") == f"xp-out-1-{last}"
    page.keyboard.press("Home")
    assert page.evaluate("explorer.read().column") == 0
    # Back to the filter picker and the layer switch, by keys.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.tagName") == "SELECT"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("explorer.read().unit") == 1
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowRight")  # radio buttons move with the arrows
    shown = page.evaluate("explorer.read()")
    assert (shown["layer"], shown["row"], shown["column"]) == ("depthwise", 1, 0)
    assert close(shown["computed"], run["depthwise"]["output"][0][1][0])


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["mobile", "desktop"])
def test_layout_on_a_phone_and_in_dark_mode(
    browser: sync_api.Browser,
    base_url: str,
    offline: Offline,
    scheme: str,
    viewport: dict[str, int],
    screenshot: Screenshot,
):
    themed = browser.new_context(viewport=viewport, color_scheme=scheme)
    themed.route("**/*", offline.route)
    page = themed.new_page()
    problems = watch(page)
    visit(page, base_url + URL)
    page.evaluate("explorer.show('conv2d', 1, 2, 1)")
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    explorer = page.locator("#explorer")
    screenshot(page, f"explorer-{'mobile' if viewport == MOBILE else 'desktop'}-{scheme}", True)
    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wide = explorer.evaluate(
        f"""e => [...e.querySelectorAll('*')].filter(n => {{
            const r = n.getBoundingClientRect();
            return r.width && (r.left < 0 || r.right > {width});
        }}).length"""
    )
    assert wide == 0, "part of the explorer is off the screen"
    for selector in (".xp-window", ".xp-chosen", ".xp-total", ".xp-products", ".xp-grid caption"):
        contrast = page.locator(f"#explorer {selector}").first.evaluate(CONTRAST)
        assert contrast >= 4.5, f"{selector}: contrast {contrast:.2f} in {scheme}"
    themed.close()
    assert not problems, "\n".join(problems)
