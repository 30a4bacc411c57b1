"""The built site as readers use it: layout, axe-core on every page, keyboard, and phone
legibility.

Every page of the sitemap is visited once per screen size (390x844, 1280x800) and colour
scheme (light, dark), in one browser context each; one visit runs axe-core (WCAG 2.0,
2.1 and 2.2, A and AA, and axe's best practices), where `npm ci` installed it, and
measures what the tests below assert. The colour scheme is the context's: the site's
first palette follows the system's, and Material keeps a reader's own choice
(`__palette` in local storage) only once the toggle is used, which these contexts never
do."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright import sync_api

from site_pages import ROOT
from test_browser import (  # the same served site, browser and helpers as test_browser's
    MOBILE,
    SCHEMES,
    TIMEOUT_MS,
    VIEWPORTS,
    Offline,
    Screenshot,
    site_pages,
    visit,
    watch_for_errors,
)

# test_browser's fixtures: pytest knows an imported fixture by the name it is imported as.
from test_browser import base_url as served_site  # noqa: F401
from test_browser import browser as chromium  # noqa: F401
from test_browser import offline as offline_only  # noqa: F401

pytestmark = [pytest.mark.site, pytest.mark.browser]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

ARTIFACTS = ROOT / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = {"serious", "critical"}
SMALLEST_OUTPUT_PX = 11
# Layout is measured on every page in light mode, and in dark mode on these: home, two
# questions and a notebook (the scheme changes colours, not sizes).
DARK_PAGES = ("", "thread-model/", "per-channel-outputs/", "notebooks/thread-model/")
# nbconvert's alt text for an image whose notebook output has none.
NO_DESCRIPTION = "No description has been provided for this image"
OUTPUTS = ".snippet-output pre > code, .snippet-stderr pre > code, .jp-OutputArea-output pre"

# One visit's measurements: every box that scrolls sideways and whether the keyboard
# reaches it; controls the keyboard cannot reach; each output's font size, whether it
# is wider than its box and then shows its "Full screen" button; whether an output's
# copy button overlaps its text.
MEASURE = """outputsSelector => {
    // Shown on the page: not in a closed <details> nor an inactive tab, not invisible.
    const visible = element => element.checkVisibility({visibilityProperty: true});
    const describe = element => `${element.tagName.toLowerCase()}`
        + `.${[...element.classList].join(".")}`
        + ` "${(element.textContent || "").trim().slice(0, 40)}"`;
    const article = document.querySelector("article");
    const scrollers = [...article.querySelectorAll("*")].filter(element => {
        const style = getComputedStyle(element);
        return ["auto", "scroll"].includes(style.overflowX) && visible(element)
            && element.scrollWidth > element.clientWidth + 1;
    });
    const unreachableBoxes = scrollers
        .filter(box => box.tabIndex < 0 && !box.matches(".tabbed-labels"))  // tabs: arrow keys
        .map(describe);
    const controls = article.querySelectorAll(
        "a[href], button, input:not([type=radio]), select, textarea, summary");
    const unreachableControls = [...controls]
        .filter(control => visible(control) && control.tabIndex < 0)
        // Tabs are reached by their radio buttons (and arrow keys); the arrows that scroll
        // a long row of labels are a pointer's shortcut for the same.
        .filter(control => !control.closest(".tabbed-labels, .tabbed-control"))
        .map(describe);
    const outputs = [...document.querySelectorAll(outputsSelector)].filter(visible).map(block => {
        const zoom = block.closest(".snippet-output, .snippet-stderr, .jp-OutputArea-output")
            .querySelector(".output-zoom");
        const nav = block.closest("pre").parentElement.querySelector(".md-code__nav");
        const text = block.getBoundingClientRect();
        const copy = nav && visible(nav) ? nav.getBoundingClientRect() : null;
        return {
            name: describe(block),
            fontSize: parseFloat(getComputedStyle(block).fontSize),
            wider: block.scrollWidth > block.clientWidth + 1,
            zoom: Boolean(zoom && visible(zoom)),
            copyOverText: Boolean(copy && copy.bottom > text.top && copy.top < text.bottom
                && copy.right > text.left && copy.left < text.right),
        };
    });
    return {scrollers: scrollers.length, unreachableBoxes, unreachableControls, outputs};
}"""

# Measured on a page with every tab's content shown: each output, under every variant.
MEASURE_LAYOUT = """() => {
    const shown = document.createElement("style");
    shown.textContent = ".tabbed-content > .tabbed-block { display: block !important }";
    document.head.append(shown);
    const name = element => {
        const text = (element.textContent || "").trim().split("\\n")[0].slice(0, 50);
        return `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} "${text}"`;
    };
    const problems = [];
    if (document.documentElement.scrollWidth > window.innerWidth) {
        problems.push(`page is ${document.documentElement.scrollWidth} px wide`);
    }
    const article = document.querySelector("article");
    for (const pre of article.querySelectorAll("pre")) {
        const text = pre.querySelector(":scope > code") || pre;
        const whiteSpace = getComputedStyle(text).whiteSpace;
        if (text.clientWidth && whiteSpace !== "pre") {
            problems.push(`${name(pre)} wraps its lines (white-space: ${whiteSpace})`);
        }
    }
    for (const element of article.querySelectorAll("*")) {
        const style = getComputedStyle(element);
        if (style.overflowX === "visible" || element.scrollWidth <= element.clientWidth + 1) {
            continue;
        }
        const forScreenReaders = style.clipPath === "inset(50%)" && element.clientWidth <= 1;
        if (forScreenReaders) continue;  // hidden on purpose, read aloud whole
        const scrolls = ["auto", "scroll"].includes(style.overflowX);
        // The shades scroll with the box, the covers that hide them with its content.
        const attachments = style.backgroundAttachment.split(", ");
        const marked = attachments.includes("local") && attachments.includes("scroll");
        if (!scrolls || !marked) {
            problems.push(
                `${name(element)}: ${element.scrollWidth} px in ${element.clientWidth} px, `
                + `overflow-x ${style.overflowX}, ${marked ? "" : "not "}marked`
            );
        }
    }
    for (const image of article.querySelectorAll("img")) {
        const alt = (image.getAttribute("alt") || "").trim();
        if (!alt || alt === NO_DESCRIPTION) problems.push(`image without a description: ${alt}`);
        if (!image.naturalWidth) problems.push(`image did not load: ${alt}`);
    }
    shown.remove();
    return problems;
}""".replace("NO_DESCRIPTION", repr(NO_DESCRIPTION))


AXE_RUN = """async tags => {
    const results = await axe.run(document, {
        runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
    });
    return results.violations.map(violation => ({
        rule: violation.id, impact: violation.impact,
        targets: violation.nodes.map(node => node.target.join(" ")),
    }));
}"""


@dataclass(frozen=True)
class Visit:
    """What one page showed at one size and scheme."""

    errors: list[str]  # console and script errors, failed requests
    violations: list[dict] | None  # None: axe-core is not installed
    measures: dict
    layout: list[str] | None  # None: not measured in this scheme


class Audits:
    """Every page visited once per size and scheme, on first use, in one context each."""

    def __init__(
        self,
        browser: sync_api.Browser,
        base_url: str,
        offline: Offline,
        site: Path,
        screenshot: Screenshot,
    ):
        self.browser, self.base_url, self.offline = browser, base_url, offline
        self.screenshot = screenshot
        self.paths = site_pages(site)
        self.done: dict[tuple[str, str], dict[str, Visit]] = {}

    def __call__(self, size: str, scheme: str) -> dict[str, Visit]:
        if (size, scheme) not in self.done:
            self.done[size, scheme] = self._visit_all(size, scheme)
        return self.done[size, scheme]

    def _visit_all(self, size: str, scheme: str) -> dict[str, Visit]:
        context = self.browser.new_context(viewport=VIEWPORTS[size], color_scheme=scheme)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", self.offline.route)
        context.on("request", self.offline.record)
        page = context.new_page()
        current, errors = watch_for_errors(page)
        visits = {}
        for path in self.paths:
            current[0], before = path, len(errors)
            visit(page, self.base_url + path)
            page.wait_for_function(f"document.body.dataset.mdColorScheme === '{SCHEMES[scheme]}'")
            name = path.strip("/").replace("/", "-") or "index"
            self.screenshot(page, f"{name}-{size}-{scheme}", full_page=True)
            violations = None
            if AXE.exists():
                page.add_script_tag(path=str(AXE))
                violations = page.evaluate(AXE_RUN, AXE_TAGS)
            measured = scheme == "light" or path in DARK_PAGES
            layout = page.evaluate(MEASURE_LAYOUT) if measured else None
            measures = page.evaluate(MEASURE, OUTPUTS)
            visits[path or "/"] = Visit(errors[before:], violations, measures, layout)
        context.close()
        return visits


@pytest.fixture(scope="module")
def audits(
    chromium: sync_api.Browser,  # noqa: F811 (the fixtures imported above)
    served_site: str,  # noqa: F811
    offline_only: Offline,  # noqa: F811
    built_site: Path,
    screenshot: Screenshot,
) -> Iterator[Audits]:
    yield Audits(chromium, served_site, offline_only, built_site, screenshot)


COMBINATIONS = [(size, scheme) for size in VIEWPORTS for scheme in SCHEMES]


@pytest.mark.parametrize(("size", "scheme"), COMBINATIONS)
def test_every_page_loads_offline_without_errors(
    audits: Audits,
    offline_only: Offline,  # noqa: F811
    size: str,
    scheme: str,
):
    """No console error, script error, failed request or HTTP error, and no request for
    anything but the served site."""
    visits = audits(size, scheme)
    assert len(visits) > 10
    problems = [error for seen in visits.values() for error in seen.errors]
    leaving = offline_only.leaving()
    assert not problems and not leaving, "\n".join(
        [*problems, "requests that left 127.0.0.1:", *leaving]
    )


@pytest.mark.parametrize(("size", "scheme"), COMBINATIONS)
def test_layout_of_every_page(audits: Audits, size: str, scheme: str):
    """No page is wider than the screen, outputs keep their lines, wide boxes scroll
    visibly, images load and are described."""
    visits = audits(size, scheme)
    assert len(visits) > 10
    measured = {path: seen.layout for path, seen in visits.items() if seen.layout is not None}
    assert len(measured) >= len(DARK_PAGES)
    problems = [f"{path}: {found}" for path, layout in measured.items() for found in layout]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("size", "scheme"), COMBINATIONS)
def test_axe_finds_nothing_serious_on_any_page(audits: Audits, size: str, scheme: str):
    """Fails on a serious or critical violation; lists the others (and writes them all)."""
    if not AXE.exists():
        pytest.skip("axe-core not installed: npm ci")
    visits = audits(size, scheme)
    assert len(visits) > 10
    found = [
        (path, violation) for path, seen in visits.items() for violation in seen.violations or []
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    report = {path: seen.violations for path, seen in visits.items()}
    (ARTIFACTS / f"axe-{size}-{scheme}.json").write_text(json.dumps(report, indent=1))
    by_rule = Counter()
    for _, violation in found:
        by_rule[violation["impact"], violation["rule"]] += len(violation["targets"])
    print(
        f"axe-core, {size} {scheme}: "
        + (
            ", ".join(
                f"{rule} ({impact}): {count} elements"
                for (impact, rule), count in sorted(by_rule.items())
            )
            or "no violations"
        )
    )
    serious = [
        f"{path}: {violation['rule']} ({violation['impact']}): {violation['targets'][:5]}"
        for path, violation in found
        if violation["impact"] in FAILING
    ]
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_keyboard_reaches_every_scrolling_box_and_control(audits: Audits, size: str):
    visits = audits(size, "light")
    assert sum(seen.measures["scrollers"] for seen in visits.values()) > 0
    problems = [
        f"{path}: {kind}: {what}"
        for path, seen in visits.items()
        for kind in ("unreachableBoxes", "unreachableControls")
        for what in seen.measures[kind]
    ]
    assert not problems, "\n".join(problems)


def test_outputs_on_a_phone_are_11px_or_one_tap_from_full_screen(audits: Audits):
    """No output below 11 px; one wider than its box shows its "Full screen" button."""
    outputs = [
        (path, output)
        for path, seen in audits("mobile", "light").items()
        for output in seen.measures["outputs"]
    ]
    assert len(outputs) > 20
    smallest = min(output["fontSize"] for _, output in outputs)
    print(f"smallest output font on a {MOBILE['width']} px phone: {smallest} px")
    assert smallest >= SMALLEST_OUTPUT_PX
    unopenable = [
        f"{path}: {output['name']}"
        for path, output in outputs
        if output["wider"] and not output["zoom"]
    ]
    assert not unopenable, "\n".join(unopenable)
    assert any(output["wider"] for _, output in outputs)  # the button is really exercised


@pytest.mark.parametrize("size", VIEWPORTS)
def test_no_copy_button_covers_output_text(audits: Audits, size: str):
    covered = [
        f"{path}: {output['name']}"
        for path, seen in audits(size, "light").items()
        for output in seen.measures["outputs"]
        if output["copyOverText"]
    ]
    assert not covered, "\n".join(covered)


# What shows where the focus is: an outline or a shadow on the focused element, or, for a
# content tab's hidden radio button, on its row of labels.
FOCUS_SHOWN = """() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) return null;
    const shown = focused.matches(".tabbed-set > input")
        ? focused.parentElement.querySelector(".tabbed-labels") : focused;
    const style = getComputedStyle(shown);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return {
        name: `${focused.tagName.toLowerCase()}.${[...focused.classList].join(".")}`
            + ` ${focused.getAttribute("aria-label") || focused.textContent.trim().slice(0, 40)}`,
        inArticle: Boolean(focused.closest("article")),
        shown: outline || style.boxShadow !== "none",
        scrollBox: focused.scrollWidth > focused.clientWidth + 1,
    };
}"""


@pytest.mark.parametrize("path", ["thread-model/", "notebooks/output-size/"])
def test_tab_reaches_every_scrolling_box_with_the_focus_shown(
    chromium: sync_api.Browser,  # noqa: F811
    served_site: str,  # noqa: F811
    path: str,
):
    """On a phone, Tab alone walks the page: each scrolling box in turn, focus always shown."""
    page = chromium.new_page(viewport=MOBILE)
    visit(page, served_site + path)
    boxes = page.evaluate(
        """() => [...document.querySelectorAll("article *")].filter(box =>
            ["auto", "scroll"].includes(getComputedStyle(box).overflowX)
            && box.scrollWidth > box.clientWidth + 1 && box.checkVisibility()).length"""
    )
    focused = []
    for _ in range(400):
        page.keyboard.press("Tab")
        seen = page.evaluate(FOCUS_SHOWN)
        if seen is None or (focused and seen == focused[0] and len(focused) > 5):
            break
        focused.append(seen)
    page.close()
    in_article = [seen for seen in focused if seen["inArticle"]]
    reached = [seen["name"] for seen in in_article if seen["scrollBox"]]
    assert len(reached) >= boxes > 0, reached
    hidden = [seen["name"] for seen in in_article if not seen["shown"]]
    assert not hidden, "focus not shown on:\n" + "\n".join(hidden)
