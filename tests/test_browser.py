"""The built site in a real browser: copy buttons, search, the thread's summary and figures
on a phone, scrolling shades, dark mode; and the server, browser and helpers that
`test_accessibility` (every page at each size and scheme) and the tools' tests share."""

from __future__ import annotations

import functools
import io
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
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
BOX_TABLE_STARTS = tuple("┏┃┡│├└")
# Material 9.8 puts the button in `nav.md-code__nav`; earlier versions use `.md-clipboard`.
COPY_BUTTON = 'button.md-code__button[data-md-type="copy"], button.md-clipboard'


Screenshot = Callable[..., None]  # conftest's `screenshot`: (page, name, full_page=False)


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


def watch_for_errors(page: sync_api.Page) -> tuple[list[str], list[str]]:
    """Record what goes wrong on `page`: console errors, script errors, failed requests and
    HTTP errors, each after the path in the first list (set it before each visit)."""
    current = [""]
    problems: list[str] = []

    def report(problem: str) -> None:
        problems.append(f"{current[0] or '/'}: {problem}")

    page.on(
        "console", lambda message: message.type == "error" and report(f"console: {message.text}")
    )
    page.on("pageerror", lambda error: report(f"page error: {error}"))
    # ERR_ABORTED is the browser cancelling a request (the next navigation), not a failure;
    # blocked requests fail with ERR_FAILED and missing files show as HTTP 404.
    page.on(
        "requestfailed",
        lambda request: (
            request.failure != "net::ERR_ABORTED"
            and report(f"request failed: {request.url} ({request.failure})")
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and report(f"HTTP {response.status}: {response.url}")
        ),
    )
    return current, problems


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
    base_url: str, contexts: dict[str, sync_api.BrowserContext], screenshot: Screenshot
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
    screenshot(page, "search-mobile")
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
    contexts: dict[str, sync_api.BrowserContext], base_url: str, screenshot: Screenshot
):
    """Its 76 columns keep the code size on a desktop; on a 390 px phone they are 11 px,
    scroll sideways, and "Full screen" (by keyboard here) shows them on the whole screen."""
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
            screenshot(page, "summary-mobile-inline")
            button.focus()
            page.keyboard.press("Enter")
            dialog = page.locator("dialog.output-dialog")
            full = dialog.locator("pre").evaluate(
                """pre => ({open: pre.closest("dialog").open, text: pre.textContent,
                    fontSize: parseFloat(getComputedStyle(pre).fontSize),
                    width: pre.closest("dialog").getBoundingClientRect().width})"""
            )
            screenshot(page, "summary-mobile-full-screen")
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
    base_url: str, contexts: dict[str, sync_api.BrowserContext], label: str, screenshot: Screenshot
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
    screenshot(page, f"figure-enlarged-{label}")
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
