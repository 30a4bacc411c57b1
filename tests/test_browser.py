"""The built site in a real browser: pages load offline, copy, search, layout, dark mode."""

from __future__ import annotations

import functools
import io
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageStat
from playwright import sync_api

from site_pages import ROOT, html_path, references, shown_snippets
from snipexec._internal.bundles import make_bundle
from snipexec._internal.imports import import_graph

pytestmark = [pytest.mark.site, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 15_000
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
VIEWPORTS = {"desktop": DESKTOP, "mobile": MOBILE}
SCHEMES = {"light": "default", "dark": "slate"}  # material's name for each
# Pages also measured and photographed in dark mode: a question, a notebook, home.
DARK_PAGES = ("", "thread-model/", "per-channel-outputs/", "notebooks/thread-model/")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BOX_TABLE_STARTS = tuple("┏┃┡│├└")
# Material 9.8 puts the button in `nav.md-code__nav`; earlier versions use `.md-clipboard`.
COPY_BUTTON = 'button.md-code__button[data-md-type="copy"], button.md-clipboard'
# nbconvert's alt text for an image whose notebook output has none.
NO_DESCRIPTION = "No description has been provided for this image"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that hangs up mid-transfer (it left the page) is no fault of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 at a free port."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class Offline:
    """Every request the browser makes; anything not served from 127.0.0.1 is aborted."""

    def __init__(self) -> None:
        self.requested: list[str] = []
        self.blocked: list[str] = []

    def record(self, request: sync_api.Request) -> None:
        self.requested.append(request.url)

    def route(self, route: sync_api.Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def leaving(self) -> list[str]:
        return sorted({url for url in self.requested if not is_local(url)} | set(self.blocked))


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname == "127.0.0.1"


@pytest.fixture(scope="module")
def offline() -> Offline:
    return Offline()


def offline_context(
    browser: sync_api.Browser, base_url: str, offline: Offline, viewport: dict[str, int]
) -> sync_api.BrowserContext:
    """A light-mode context kept on 127.0.0.1, allowed to use the clipboard."""
    context = browser.new_context(viewport=viewport, color_scheme="light")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", offline.route)
    context.on("request", offline.record)
    return context


@pytest.fixture(scope="module")
def context(
    browser: sync_api.Browser, base_url: str, offline: Offline
) -> Iterator[sync_api.BrowserContext]:
    context = offline_context(browser, base_url, offline, DESKTOP)
    yield context
    context.close()


@pytest.fixture(scope="module")
def contexts(
    browser: sync_api.Browser, base_url: str, offline: Offline, context: sync_api.BrowserContext
) -> Iterator[dict[str, sync_api.BrowserContext]]:
    """One context per viewport: the desktop one above and a phone."""
    mobile = offline_context(browser, base_url, offline, MOBILE)
    yield {"desktop": context, "mobile": mobile}
    mobile.close()


@pytest.fixture
def page(context: sync_api.BrowserContext) -> Iterator[sync_api.Page]:
    page = context.new_page()
    yield page
    page.close()


def site_pages(site: Path) -> list[str]:
    """Every page's URL path relative to the site root ("", "thread-model/", ...).

    Read from the site's sitemap, which must list exactly the pages the build wrote.
    """
    namespace = {"map": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [
        loc.text or "" for loc in ET.parse(site / "sitemap.xml").findall(".//map:loc", namespace)
    ]
    root = min(locations, key=len)
    found = sorted(location.removeprefix(root) for location in locations)
    written = sorted(
        "" if index.parent == site else f"{index.parent.relative_to(site).as_posix()}/"
        for index in site.rglob("index.html")
    )
    assert found == written, "the sitemap and the built pages disagree"
    return found


def url_of(page: str) -> str:
    """The URL path of `docs/x.md`."""
    stem = Path(page).relative_to("docs").with_suffix("").as_posix()
    return "" if stem == "index" else f"{stem}/"


def visit(page: sync_api.Page, url: str) -> None:
    page.goto(url, wait_until="networkidle", timeout=TIMEOUT_MS)


def test_every_page_loads_offline_without_errors(
    built_site: Path, base_url: str, page: sync_api.Page, offline: Offline
):
    paths = site_pages(built_site)
    assert len(paths) > 1
    problems: list[str] = []
    current = [""]
    page.on(
        "console",
        lambda message: (
            problems.append(f"{current[0]}: console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{current[0]}: page error: {error}"))
    # ERR_ABORTED is the browser cancelling a request (the next navigation), not a failure;
    # blocked requests fail with ERR_FAILED and missing files show as HTTP 404.
    page.on(
        "requestfailed",
        lambda request: (
            problems.append(f"{current[0]}: request failed: {request.url} ({request.failure})")
            if request.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{current[0]}: HTTP {response.status}: {response.url}")
            if response.status >= 400
            else None
        ),
    )
    for path in paths:
        current[0] = path or "/"
        visit(page, base_url + path)
    leaving = offline.leaving()
    assert not problems and not leaving, "\n".join(
        [*problems, "requests that left 127.0.0.1:", *leaving]
    )


def test_each_copy_button_gives_the_snippets_copy(
    built_site: Path, base_url: str, page: sync_api.Page
):
    """What a copy button puts on the clipboard is the copy that `test_standalone` runs alone
    in an empty folder and compares with the page."""
    copied: dict[str, str] = {}  # snippet path -> clipboard text
    for name in sorted({name for name, _ in references()}):
        shown = shown_snippets(html_path(built_site, name).read_text())
        visit(page, base_url + url_of(name))
        # A reader opens a check-yourself answer before copying the run inside it.
        page.evaluate("document.querySelectorAll('details').forEach(box => { box.open = true; })")
        blocks = page.locator("div.snippet-code")
        assert blocks.count() == len(shown), name
        for index in range(blocks.count()):
            block = blocks.nth(index)
            path = block.locator("span.filename").inner_text()
            page.evaluate("navigator.clipboard.writeText('')")
            block.locator("pre").hover()
            block.locator(COPY_BUTTON).click()
            page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''")
            copied[path] = page.evaluate("navigator.clipboard.readText()")
    assert set(copied) == {ref.path for _, ref in references()}
    copies = {path: make_bundle(import_graph(ROOT, path)).text for path in copied}
    # The theme copies a block's text without its final newline, which Python never needs.
    wrong = [path for path, text in copied.items() if text != copies[path].removesuffix("\n")]
    assert not wrong, f"copy buttons that give something else than the copy: {wrong}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("depthwise", {"per-channel-outputs/"}),
        ("filters", {"output-channels/"}),
        ("get_weights", {"output-channels/", "thread-model/"}),
    ],
)
def test_search_finds_the_page(base_url: str, page: sync_api.Page, query: str, expected: set):
    visit(page, base_url)
    page.keyboard.press("s")  # material's search shortcut, at any width
    # Typed key by key: material searches on keyboard events, which fill() does not send.
    page.locator("input.md-search__input").press_sequentially(query, delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=TIMEOUT_MS)
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item a", "links => links.map(link => link.href)"
    )
    found = {urlsplit(href).path.removeprefix(urlsplit(base_url).path) for href in hrefs}
    assert found & expected, f"{query!r} found {sorted(found)}"


def test_search_previews_are_short_and_links_carry_no_empty_parameter(
    base_url: str, contexts: dict[str, sync_api.BrowserContext]
):
    """On a phone: results for a number in the thread's summary, previews without code or
    tables, links without an empty `?h=`, and the focus shown on a result."""
    page = contexts["mobile"].new_page()
    visit(page, base_url)
    page.keyboard.press("s")
    page.locator("input.md-search__input").press_sequentially("9,494,561", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=TIMEOUT_MS)
    results = page.evaluate(
        """() => [...document.querySelectorAll(".md-search-result__article")].map(article => ({
            height: article.getBoundingClientRect().height,
            blocks: [...article.querySelectorAll("pre, table")]
                .filter(block => block.getClientRects().length).length,
            href: article.closest("a").getAttribute("href"),
        }))"""
    )
    page.keyboard.press("ArrowDown")
    focus = page.evaluate(
        """() => [document.activeElement.classList.contains("md-search-result__link"),
            getComputedStyle(document.activeElement).outlineStyle]"""
    )
    page.screenshot(path=SCREENSHOTS / "search-mobile.png")
    page.close()
    assert results
    for result in results:
        assert result["height"] <= MOBILE["height"] / 3 and not result["blocks"], result
        query = urlsplit(result["href"]).query
        assert "h=" not in query or parse_qs(query).get("h"), result
    assert focus[0] and focus[1] != "none", focus


MEASURE_LINES = """code => {
    const probe = document.createElement("span");
    probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre;left:0;top:0";
    code.appendChild(probe);
    const widths = code.textContent.split("\\n").map(line => {
        probe.textContent = line;
        return [line, probe.getBoundingClientRect().width];
    });
    probe.remove();
    return widths;
}"""


def summary_code(page: sync_api.Page) -> sync_api.Locator:
    """The summary in the first tab (Keras 3: the box-drawn one)."""
    return page.locator("div.snippet-output", has_text="Total params").first.locator("pre code")


@pytest.mark.parametrize("label", VIEWPORTS)
def test_model_summary_table_lines_up(
    contexts: dict[str, sync_api.BrowserContext], base_url: str, label: str
):
    page = contexts[label].new_page()
    visit(page, base_url + "thread-model/")
    code = summary_code(page)
    widths = code.evaluate(MEASURE_LINES)
    page.close()
    rows = [(line, width) for line, width in widths if line.startswith(BOX_TABLE_STARTS)]
    assert len(rows) > 4
    narrowest = min(width for _, width in rows)
    widest = max(width for _, width in rows)
    assert widest - narrowest <= 0.5, "\n".join(f"{width:8.2f} {line}" for line, width in rows)


def test_model_summary_reads_at_11_px_on_a_phone_and_opens_full_screen(
    contexts: dict[str, sync_api.BrowserContext], base_url: str
):
    """Its 76 columns keep the code size on a desktop; on a 390 px phone they are 11 px,
    scroll sideways, and "Full screen" (by keyboard here) shows them on the whole screen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    measure = """code => ({
        whiteSpace: getComputedStyle(code).whiteSpace,
        fits: code.scrollWidth <= code.clientWidth,
        fontSize: parseFloat(getComputedStyle(code).fontSize),
        pageFits: document.documentElement.scrollWidth <= window.innerWidth,
    })"""
    sizes = {}
    for label, context in contexts.items():
        page = context.new_page()
        visit(page, base_url + "thread-model/")
        code = summary_code(page)
        sizes[label] = code.evaluate(measure)
        button = page.locator("div.snippet-output", has_text="Total params").first.locator(
            "button.output-zoom"
        )
        sizes[label]["button"] = button.is_visible()
        if label == "mobile":
            code.scroll_into_view_if_needed()
            page.screenshot(path=SCREENSHOTS / "summary-mobile-inline.png")
            button.focus()
            page.keyboard.press("Enter")
            dialog = page.locator("dialog.output-dialog")
            full = dialog.locator("pre").evaluate(
                """pre => ({open: pre.closest("dialog").open, text: pre.textContent,
                    fontSize: parseFloat(getComputedStyle(pre).fontSize),
                    width: pre.closest("dialog").getBoundingClientRect().width})"""
            )
            page.screenshot(path=SCREENSHOTS / "summary-mobile-full-screen.png")
            assert full["open"] and full["width"] == MOBILE["width"], full
            assert full["text"] == code.evaluate("code => code.textContent").rstrip("\n")
            assert full["fontSize"] > sizes[label]["fontSize"], full
            page.keyboard.press("Escape")
            assert not dialog.evaluate("dialog => dialog.open")
            assert button.evaluate("button => button === document.activeElement")
        page.close()
    desktop, mobile = sizes["desktop"], sizes["mobile"]
    assert desktop["whiteSpace"] == mobile["whiteSpace"] == "pre"
    assert desktop["fits"] and not desktop["button"] and mobile["pageFits"], sizes
    assert 11 <= mobile["fontSize"] < desktop["fontSize"], sizes
    assert not mobile["fits"] and mobile["button"], sizes


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


@pytest.mark.parametrize("label", VIEWPORTS)
def test_layout_of_every_page(
    built_site: Path,
    base_url: str,
    contexts: dict[str, sync_api.BrowserContext],
    label: str,
):
    """No page is wider than the screen, outputs keep their lines, wide boxes scroll visibly."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = contexts[label].new_page()
    problems = []
    for path in site_pages(built_site):
        visit(page, base_url + path)
        name = path.strip("/").replace("/", "-") or "index"
        schemes = ("light", "dark") if path in DARK_PAGES else ("light",)
        for scheme in schemes:
            page.emulate_media(color_scheme=scheme)
            page.wait_for_function(f"document.body.dataset.mdColorScheme === '{SCHEMES[scheme]}'")
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}-{scheme}.png", full_page=True)
            problems += [
                f"{path or '/'} ({scheme}): {found}" for found in page.evaluate(MEASURE_LAYOUT)
            ]
        page.emulate_media(color_scheme="light")
    page.close()
    assert not problems, "\n".join(problems)


def edge_shades(code: sync_api.Locator) -> tuple[float, float]:
    """How much darker than its middle a block's top padding is at its left and right edges."""
    image = Image.open(io.BytesIO(code.screenshot())).convert("L")
    border, top = code.evaluate(
        "code => [code.clientLeft, parseFloat(getComputedStyle(code).paddingTop)]"
    )
    band = image.crop((border, 1, image.width, max(2, int(top) - 1)))
    middle = ImageStat.Stat(band.crop((band.width // 3, 0, 2 * band.width // 3, band.height)))
    left = ImageStat.Stat(band.crop((0, 0, 6, band.height)))
    right = ImageStat.Stat(band.crop((band.width - 6, 0, band.width, band.height)))
    return middle.mean[0] - left.mean[0], middle.mean[0] - right.mean[0]


def test_a_block_that_scrolls_shows_a_shade_where_it_continues(
    base_url: str, contexts: dict[str, sync_api.BrowserContext]
):
    """On a phone, the comparison table's edge shades follow its scroll position."""
    page = contexts["mobile"].new_page()
    visit(page, base_url + "per-channel-outputs/")
    code = page.locator("div.snippet-output", has_text="per pair").first.locator("pre > code")
    code.scroll_into_view_if_needed()
    assert code.evaluate("code => code.scrollWidth > code.clientWidth")
    at_start = edge_shades(code)
    code.evaluate("code => { code.scrollLeft = code.scrollWidth; }")
    at_end = edge_shades(code)
    page.close()
    assert at_start[0] < 3 < 15 < at_start[1], at_start
    assert at_end[1] < 3 < 15 < at_end[0], at_end


@pytest.mark.parametrize("label", VIEWPORTS)
def test_a_figure_opens_larger_and_closes(
    base_url: str, contexts: dict[str, sync_api.BrowserContext], label: str
):
    """By keyboard, the tallest figure: Enter shows it larger than shown (on a phone, wider
    than the screen), Escape closes and gives the focus back."""
    page = contexts[label].new_page()
    visit(page, base_url + "channels-are-summed/")
    buttons = page.locator("figure.snippet-figure button.figure-zoom")
    ratios = buttons.locator("img").evaluate_all(
        "images => images.map(img => img.naturalHeight / img.naturalWidth)"
    )
    button = buttons.nth(ratios.index(max(ratios)))
    button.scroll_into_view_if_needed()
    size = "img => [img.getBoundingClientRect().width, img.getBoundingClientRect().height]"
    shown = button.locator("img").evaluate(size)
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.figure-dialog")
    assert dialog.evaluate("dialog => dialog.open")
    enlarged = dialog.locator("img").evaluate(size)
    page.screenshot(path=SCREENSHOTS / f"figure-enlarged-{label}.png")
    assert enlarged[0] > shown[0] and enlarged[1] > shown[1], (shown, enlarged)
    if label == "mobile":
        assert enlarged[0] > MOBILE["width"]
    page.keyboard.press("Escape")
    assert not dialog.evaluate("dialog => dialog.open")
    assert button.evaluate("button => button === document.activeElement")
    page.close()


def test_dark_mode_toggle(browser: sync_api.Browser, base_url: str, offline: Offline):
    """The palette toggle switches colours (in its own context: the choice is stored)."""
    context = offline_context(browser, base_url, offline, DESKTOP)
    page = context.new_page()
    visit(page, base_url)
    body = page.locator("body")
    toggle = page.locator('form[data-md-component="palette"] label:visible')

    def switch_to(scheme: str) -> None:
        for _ in range(3):
            if body.get_attribute("data-md-color-scheme") == scheme:
                return
            toggle.first.click()
        assert body.get_attribute("data-md-color-scheme") == scheme

    assert body.get_attribute("data-md-color-scheme") == "default"
    switch_to("slate")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    switch_to("default")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background
    context.close()
