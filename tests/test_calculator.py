"""The calculator page against Keras: random stacks, the thread's model, keyboard, phone, dark.

Random stacks are built with Keras in this process and entered into the page through its
`window.calculator` API; a few edits go through real clicks and keys. A failure names the
seed: `CALCULATOR_SEED=N pytest tests/test_calculator.py` replays it.
"""

# The browser fixtures come from test_browser; as test parameters they shadow the imports.
# ruff: noqa: F811

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keras
import pytest
from keras.src.utils.summary_utils import readable_memory_size
from playwright import sync_api

from calculator_models import Spec, Stacks, Verdict, judge, keras_layer
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

pytestmark = [pytest.mark.site, pytest.mark.browser]

SEED = int(os.environ.get("CALCULATOR_SEED") or random.SystemRandom().randrange(2**32))
VALID, INVALID = 500, 100
TIMES, NONE = "\N{MULTIPLICATION SIGN}", "\N{EN DASH}"  # as the page writes them
CONTROLS = "#calculator input, #calculator select, #calculator button:not([disabled])"
# What the page's prose says each example ends with: its last layer's output channels.
EXAMPLE_CHANNELS = {
    "4 filters on 4 channels": 4,
    "DepthwiseConv2D with depth_multiplier=4": 16,
    "Conv2D with groups=4": 16,
    "SharedKernelConv2D": 16,
    "1 channel, a Conv2D with 4 filters, then a SharedKernelConv2D with 4": 16,
}
# The example the prose says keeps to the past and sees more at each layer.
CAUSAL_EXAMPLE = "causal Conv1D layers dilated by 1, 2 and 4"
READ_ALL = """specs => specs.map(spec => {
    calculator.load(spec);
    const shown = calculator.read();
    return { ...shown, reparsed: calculator.parse(shown.address).spec };
})"""
CONTRAST = """element => {
    const rgba = text => {
        const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number);
        return [r, g, b, a];
    };
    let back = element;
    while (back && rgba(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
    const ground = back ? rgba(getComputedStyle(back).backgroundColor) : [255, 255, 255, 1];
    const ink = rgba(getComputedStyle(element).color);
    const seen = ink.slice(0, 3).map((value, i) => ink[3] * value + (1 - ink[3]) * ground[i]);
    const luminance = rgb => rgb.map(value => value / 255)
        .map(c => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
        .reduce((total, c, index) => total + c * [0.2126, 0.7152, 0.0722][index], 0);
    const [light, dark] = [luminance(seen), luminance(ground.slice(0, 3))].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
}"""


SPILLING = """controls => controls.filter(control => {
    const box = control.closest("fieldset, .calc-layer, .calc-add");
    const [inner, outer] = [control, box].map(e => e.getBoundingClientRect());
    return inner.left < outer.left || inner.right > outer.right;
}).map(control => control.outerHTML.slice(0, 80))"""
# Where the summary of the model on the page lies: the widths of its box and table, and
# the Param # cells and totals that lie outside the box or the screen.
SUMMARY_PLACE = """() => {
    const box = document.querySelector(".calc-summary");
    const table = box.querySelector(".calc-table");
    const within = (element, left, right) => {
        const r = element.getBoundingClientRect();
        return r.left >= left - 0.5 && r.right <= right + 0.5;
    };
    const { left, right } = box.getBoundingClientRect();
    const params = [...table.querySelectorAll("tr > :nth-child(3)")];
    return {
        rows: table.rows.length,
        params: params.map(cell => cell.textContent),
        box: box.clientWidth,
        table: table.getBoundingClientRect().width,
        scroll: box.scrollWidth,
        page: document.documentElement.scrollWidth,
        hiddenParams: params.filter(cell => !within(cell, left, right))
            .map(cell => cell.textContent),
        hiddenTotals: [...document.querySelectorAll(".calc-total")]
            .filter(total => !within(total, 0, innerWidth)).map(total => total.textContent),
    };
}"""


def watch(page: sync_api.Page) -> list[str]:
    """Console errors and uncaught exceptions of `page`, as they happen."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


@pytest.fixture
def page(context: sync_api.BrowserContext, offline: Offline) -> Iterator[sync_api.Page]:
    """A desktop page that must see no console error and send nothing off 127.0.0.1."""
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    problems = watch(page)
    yield page
    page.close()
    assert not problems, "\n".join(problems)
    assert not offline.leaving(), offline.leaving()


def count(text: str) -> int | None:
    """A number as the page writes it; None for NONE (not known)."""
    return None if text == NONE else int(text.replace(",", ""))


def shown_rows(shown: dict[str, Any]) -> list[tuple[str, int, int | None, str, str]]:
    """The page's rows as (shape, parameters, multiply-adds, memory, receptive field)."""
    return [
        (
            row["shape"],
            int(row["params"].replace(",", "")),
            count(row["macs"]),
            row["memory"],
            row["rf"],
        )
        for row in shown["rows"]
        if row["verdict"] == "ok"
    ]


def keras_rows(verdict: Verdict) -> list[tuple[str, int, int | None, str, str]]:
    """Keras' rows in the page's terms: its summary's memory sizes, receptive fields as
    height TIMES width, and NONE where there is no image."""
    return [
        (
            row.shape,
            row.params,
            row.macs,
            readable_memory_size(4 * row.params),
            TIMES.join(map(str, row.rf)) if row.rf else NONE,
        )
        for row in verdict.rows
    ]


def disagreements(spec: Spec, verdict: Verdict, shown: dict[str, Any]) -> list[str]:
    """How the page's summary of `spec` differs from what Keras did with it."""
    found = []
    if shown_rows(shown) != keras_rows(verdict):
        found.append(f"rows {shown_rows(shown)} != Keras {keras_rows(verdict)}")
    verdicts = [row["verdict"] for row in shown["rows"]]
    errors = [error and error["kind"] for error in shown["errors"]]
    if verdict.failed_at is None:
        total = sum(row.params for row in verdict.rows)
        trainable = sum(row.trainable for row in verdict.rows)
        macs = [row.macs for row in verdict.rows]
        all_macs = NONE if None in macs else f"{sum(macs):,}"
        expected = [f"{value:,}" for value in (total, trainable, total - trainable)] + [all_macs]
        page = [shown["params"], shown["trainable"], shown["frozen"], shown["macs"]]
        if page != expected:
            found.append(f"totals {page} != Keras {expected}")
        if set(verdicts) != {"ok"} and spec["layers"]:
            found.append(f"page refuses a model Keras builds: {verdicts}")
    else:
        at = verdict.failed_at
        after = len(spec["layers"]) - at - 1
        if verdicts[at:] != ["error"] + ["skipped"] * after or errors[at] != verdict.kind:
            found.append(f"Keras refuses layer {at} ({verdict.kind}): page {verdicts}, {errors}")
            found.append(f"Keras: {verdict.message}")
        elif error := shown["errors"][at]:
            # Words the page quotes from Keras' message must be in it.
            quoted = re.findall(r'"([^"]+)"', error["text"])
            found.extend(
                f"Keras never says {words!r}" for words in quoted if words not in verdict.message
            )
    if shown["reparsed"] != spec:
        found.append(f"the address {shown['address']} reads back as {shown['reparsed']}")
    return found


def test_random_stacks_agree_with_keras(page: sync_api.Page, base_url: str):
    print(f"CALCULATOR_SEED={SEED} (set it to replay this run)")
    stacks = Stacks(SEED)
    specs = [stacks.valid()[0] for _ in range(VALID)] + [stacks.invalid() for _ in range(INVALID)]
    verdicts = [judge(spec) for spec in specs]
    built = sum(verdict.failed_at is None for verdict in verdicts)
    assert (built, len(specs) - built) == (VALID, INVALID), f"seed {SEED}"
    visit(page, base_url + "calculator/")
    # Every layer type the page offers is in the run, and Conv1D's padding="causal".
    used = {layer["type"] for spec in specs for layer in spec["layers"]}
    missing = set(page.evaluate("Object.keys(calculatorLayers.TYPES)")) - used
    assert not missing, f"CALCULATOR_SEED={SEED}: no stack has {missing}"
    causal = [layer for spec in specs[:VALID] for layer in spec["layers"]]
    causal = [layer for layer in causal if layer.get("padding") == "causal"]
    assert causal, f"CALCULATOR_SEED={SEED}: no valid stack has a causal Conv1D"
    shown = page.evaluate(READ_ALL, specs)
    problems = [
        f"{spec}\n  " + "\n  ".join(found)
        for spec, verdict, result in zip(specs, verdicts, shown, strict=True)
        if (found := disagreements(spec, verdict, result))
    ]
    assert not problems, f"CALCULATOR_SEED={SEED}: {len(problems)} stacks differ\n" + "\n".join(
        problems[:5]
    )


def test_the_thread_model_matches_the_thread_page(
    built_site: Path, page: sync_api.Page, base_url: str
):
    shown = shown_snippets(html_path(built_site, "docs/thread-model.md").read_text())
    summary = shown["snippets/thread_model/forum_model.py"].stdout
    rows = [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in summary.splitlines()
        if line.startswith("│")
    ]
    total = re.search(r"Total params: ([\d,]+)", summary)
    assert rows and total
    visit(page, base_url + "calculator/")  # no model in the address: the thread's
    calculator = page.evaluate("calculator.read()")
    assert [[row["layer"], row["shape"], row["params"]] for row in calculator["rows"]] == rows
    assert calculator["params"] == total[1]


def executed_summary(spec: Spec) -> str:
    """Keras 3's `model.summary()` of `spec`, run in this process."""
    model = keras.Sequential([keras.Input(tuple(spec["input"]))])
    for layer in spec["layers"]:
        model.add(keras_layer(layer, spec.get("format", "channels_last")))
    lines: list[str] = []
    model.summary(print_fn=lambda line, **_: lines.append(line))
    return "\n".join(lines)


# A model with BatchNormalization, whose moving statistics are Keras' non-trainable weights.
BATCHNORM_MODEL = "input=32x32x3&conv2d=f8,k3,same&batchnorm&activation&maxpool=p2&gmp&dense=u10"


@pytest.mark.parametrize("query", ["", "?" + BATCHNORM_MODEL], ids=["thread", "batchnorm"])
def test_totals_are_those_of_kerass_executed_summary(
    page: sync_api.Page, base_url: str, query: str
):
    visit(page, base_url + "calculator/" + query)
    spec = page.evaluate("calculator.parse(location.search).spec")
    summary = executed_summary(spec)
    totals = {
        label: f"{count} ({size})"
        for label, count, size in re.findall(r"(\w[\w-]* params): ([\d,]+) \(([^)]+)\)", summary)
    }
    assert set(totals) == {"Total params", "Trainable params", "Non-trainable params"}
    if query:
        assert totals["Non-trainable params"] != "0 (0.00 B)"  # the model shows the split
    shown = page.evaluate("calculator.read()")["totals"]
    for label, text in totals.items():
        assert f"{label}: {text}" in shown, summary


def test_the_examples_are_what_keras_builds(page: sync_api.Page, base_url: str):
    visit(page, base_url + "calculator/")
    links = page.eval_on_selector_all(
        "a[data-model]", "links => links.map(link => [link.textContent, link.href])"
    )
    names = [" ".join(text.split()) for text, _ in links]
    assert {*EXAMPLE_CHANNELS, CAUSAL_EXAMPLE} < set(names)
    for text, href in links:
        visit(page, href)
        spec = page.evaluate("calculator.parse(location.search).spec")
        verdict = judge(spec)
        shown = page.evaluate("calculator.read()")
        assert verdict.failed_at is None, text
        assert shown_rows(shown) == keras_rows(verdict)
        channels = EXAMPLE_CHANNELS.get(" ".join(text.split()))
        if channels is not None:
            assert verdict.rows[-1].shape.endswith(f", {channels})"), text
        if " ".join(text.split()) == CAUSAL_EXAMPLE:
            assert {layer["padding"] for layer in spec["layers"]} == {"causal"}
            fields = [row.rf for row in verdict.rows]
            assert fields == sorted(set(fields)), fields  # wider at each layer


def tab_to(page: sync_api.Page, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def test_editing_with_keys_and_clicks(page: sync_api.Page, base_url: str):
    visit(page, base_url + "calculator/")
    spec = page.evaluate("calculator.parse(location.search).spec")
    # Keys only: add a Dense layer of 10 units without a bias.
    tab_to(page, ".calc-add select")
    page.keyboard.type("Dense", delay=30)  # the closed select's type-ahead
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("10")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    spec["layers"].append({"type": "Dense", "units": 10, "use_bias": False})
    # Clicks: remove the first pooling layer, move the third layer up, pad the first.
    cards = page.locator(".calc-layer")
    cards.nth(1).get_by_role("button", name="Remove").click()
    del spec["layers"][1]
    cards.nth(2).get_by_role("button", name="up").click()
    spec["layers"][1], spec["layers"][2] = spec["layers"][2], spec["layers"][1]
    focused = page.evaluate(
        "(e => [e.closest('.calc-layer').dataset.layer, e.dataset.action])(document.activeElement)"
    )
    assert focused == ["1", "up"]  # the focus moves with the layer
    cards.nth(0).locator("select").select_option("same")
    spec["layers"][0]["padding"] = "same"
    cards.nth(0).get_by_label("filters", exact=True).fill("7")
    spec["layers"][0]["filters"] = 7

    verdict = judge(spec)
    shown = page.evaluate("calculator.read()")
    assert page.evaluate("calculator.parse(location.search).spec") == spec
    assert shown_rows(shown) == keras_rows(verdict)
    assert shown["params"] == f"{sum(row.params for row in verdict.rows):,}"
    visit(page, page.url)  # the address alone brings the same model back
    assert page.evaluate("calculator.read()") == shown


def test_every_control_is_reachable_by_keyboard(page: sync_api.Page, base_url: str):
    visit(page, base_url + "calculator/?input=8x8x3&maxpool=p3,s2,same&dense=u4&flatten&gap")
    controls = page.locator(CONTROLS).count()
    reached, unmarked = set(), []
    for _ in range(controls + 200):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """s => { const e = document.activeElement; const style = getComputedStyle(e);
                return [e.matches(s) ? [...document.querySelectorAll(s)].indexOf(e) : -1,
                        style.outlineStyle !== "none" || style.boxShadow !== "none"]; }""",
            CONTROLS,
        )
        if focused[0] >= 0:
            reached.add(focused[0])
            if not focused[1]:
                unmarked.append(focused[0])
    assert reached == set(range(controls))
    assert not unmarked, "controls without a visible focus mark"


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
    # A Dense layer on an image (a note) and a convolution after Flatten (an error).
    visit(
        page, base_url + "calculator/?input=8x8x3&maxpool=p3,s2,same&dense=u4&flatten&conv2d=f2,k3"
    )
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    name = f"calculator-{'mobile' if viewport == MOBILE else 'desktop'}-{scheme}"
    screenshot(page, name, full_page=True)
    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    outside = page.eval_on_selector_all(
        CONTROLS,
        f"""controls => controls.map(c => c.getBoundingClientRect())
            .filter(r => r.left < 0 || r.right > {width}).length""",
    )
    assert outside == 0
    # Nor out of the input's box or the layer's card that holds it.
    spilling = page.eval_on_selector_all(CONTROLS, SPILLING)
    assert not spilling, f"controls wider than their box: {spilling}"
    selectors = (".calc-error", ".calc-note", ".calc-formulas li", "#calculator input", ".calc-sub")
    for selector in selectors:
        contrast = page.locator(selector).first.evaluate(CONTRAST)
        assert contrast >= 4.5, f"{selector}: contrast {contrast:.2f} in {scheme}"
    themed.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["mobile", "desktop"])
def test_the_thread_models_summary_fits_the_screen(
    browser: sync_api.Browser, base_url: str, offline: Offline, viewport: dict[str, int]
):
    themed = browser.new_context(viewport=viewport)
    themed.route("**/*", offline.route)
    page = themed.new_page()
    visit(page, base_url + "calculator/")  # no model in the address: the thread's
    place = page.evaluate(SUMMARY_PLACE)
    shown = page.evaluate("calculator.read()")
    themed.close()
    width = viewport["width"]
    print(f"{width} px: the summary table is {place['table']:.0f} px in a {place['box']} px box")
    # The header's Param #, the input's and each layer's, all in the box and on the screen.
    assert place["params"][0].startswith("Param #") and place["rows"] == len(shown["rows"]) + 2
    assert place["table"] <= place["box"] and place["scroll"] <= place["box"], place
    assert place["page"] <= viewport["width"], place
    assert not place["hiddenParams"] and not place["hiddenTotals"], place


def test_a_bad_address_is_reported_at_the_top(page: sync_api.Page, base_url: str):
    visit(page, base_url + "calculator/?input=150x150x3x3x3&conv2d=f8,k3,q7&bogus")
    report = page.locator(".calc-address-error")
    assert report.get_attribute("role") == "alert"
    text = report.inner_text()
    for part in ("input=150x150x3x3x3", "conv2d=q7", "bogus", "(None, 150, 150, 3)"):
        assert part in text, text
    # It comes before the input's fields, and the model is what the address could say.
    order = page.evaluate(
        """() => { const all = [...document.querySelectorAll('#calculator *')];
            return [all.indexOf(document.querySelector('.calc-address-error')),
                    all.indexOf(document.querySelector('.calc-input'))]; }"""
    )
    assert order[0] < order[1]
    spec = {"input": [150, 150, 3], "format": "channels_last", "layers": [{"type": "Conv2D"}]}
    spec["layers"][0].update(filters=8, kernel_size=[3, 3], strides=[1, 1], padding="valid")
    spec["layers"][0].update(dilation_rate=[1, 1], groups=1, use_bias=True)
    assert shown_rows(page.evaluate("calculator.read()")) == keras_rows(judge(spec))


@pytest.mark.parametrize(
    ("kind", "axes"),
    [("sequence", ["length", "channels"]), ("volume", ["depth", "height", "width", "channels"])],
)
def test_a_sequence_or_a_volume_is_chosen_in_the_form(
    page: sync_api.Page, base_url: str, kind: str, axes: list[str], screenshot: Screenshot
):
    visit(page, base_url + "calculator/?input=8x8x3")
    choice = page.locator('.calc-input select[data-input="kind"]')
    choice.select_option(
        next(text for text in choice.locator("option").all_inner_texts() if kind in text)
    )
    legend = page.locator(".calc-input legend").inner_text()
    assert legend == f"Input shape ({', '.join(axes)})"
    # Add the convolution of that rank: it builds as Keras builds it, with one box per axis.
    conv = "Conv1D" if kind == "sequence" else "Conv3D"
    page.locator(".calc-add select").select_option(conv)
    page.get_by_role("button", name="Add").click()
    boxes = page.locator(".calc-layer").first.get_by_role("group", name="kernel_size")
    assert boxes.locator("input").count() == len(axes) - 1
    spec = page.evaluate("calculator.parse(location.search).spec")
    assert len(spec["input"]) == len(axes)
    assert shown_rows(page.evaluate("calculator.read()")) == keras_rows(judge(spec))
    for name, viewport in (("mobile", MOBILE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        screenshot(page, f"calculator-{kind}-{name}", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
