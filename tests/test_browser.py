"""The built site in a real browser: pages load offline, copy, search, layout, dark mode."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright import sync_api

from site_pages import ROOT, as_shown, html_path, references, run_file, shown_snippets

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
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BOX_TABLE_STARTS = tuple("┏┃┡│├└")
# Material 9.8 puts the button in `nav.md-code__nav`; earlier versions use `.md-clipboard`.
COPY_BUTTON = 'button.md-code__button[data-md-type="copy"], button.md-clipboard'


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 at a free port."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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


@pytest.fixture(scope="module")
def context(
    browser: sync_api.Browser, base_url: str, offline: Offline
) -> Iterator[sync_api.BrowserContext]:
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", offline.route)
    context.on("request", offline.record)
    yield context
    context.close()


@pytest.fixture
def page(context: sync_api.BrowserContext) -> Iterator[sync_api.Page]:
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    yield page
    page.close()


def site_pages(site: Path) -> list[str]:
    """Every page's URL path relative to the site root: "", "thread-model/", ..."""
    found = []
    for index in sorted(site.rglob("index.html")):
        folder = index.parent.relative_to(site).as_posix()
        found.append("" if folder == "." else f"{folder}/")
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


def test_copy_button_copies_the_snippet_and_the_copy_prints_the_output(
    built_site: Path, base_url: str, page: sync_api.Page, tmp_path: Path
):
    copied: list[tuple[str, str, str]] = []  # (snippet path, clipboard text, shown output)
    for name in sorted({name for name, _ in references()}):
        shown = shown_snippets(html_path(built_site, name).read_text())
        visit(page, base_url + url_of(name))
        blocks = page.locator("div.snippet-code")
        assert blocks.count() == len(shown), name
        for index in range(blocks.count()):
            block = blocks.nth(index)
            path = block.locator("span.filename").inner_text()
            page.evaluate("navigator.clipboard.writeText('')")
            block.locator("pre").hover()
            block.locator(COPY_BUTTON).click()
            page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''")
            text = page.evaluate("navigator.clipboard.readText()")
            # The copy may drop the file's final newline; nothing else may differ.
            assert text.rstrip("\n") == (ROOT / path).read_text().rstrip("\n"), path
            copied.append((path, text, shown[path].stdout))
    assert {path for path, _, _ in copied} == {ref.path for _, ref in references()}

    def run(item: tuple[int, tuple[str, str, str]]) -> tuple[str, str, str]:
        number, (path, text, _) = item
        return (path, *run_copied(path, text, tmp_path / str(number)))

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, enumerate(copied)))
    for (path, out, err), (_, _, expected) in zip(results, copied, strict=True):
        assert as_shown(out) == expected, f"{path} printed something else\nstderr:\n{err}"


def run_copied(path: str, text: str, scratch: Path) -> tuple[str, str]:
    """Run pasted code as `python FILE`, beside the snippet's sibling modules, in an empty cwd."""
    source = ROOT / path
    target = scratch / "copy" / path
    target.parent.mkdir(parents=True)
    for sibling in source.parent.glob("*.py"):
        shutil.copy(sibling, target.parent / sibling.name)
    target.write_text(text)
    cwd = scratch / "cwd"
    cwd.mkdir()
    return run_file(target, cwd, root=scratch / "copy")


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
    return page.locator("div.snippet-output", has_text="Total params").locator("pre code")


def test_model_summary_table_lines_up(base_url: str, page: sync_api.Page):
    visit(page, base_url + "thread-model/")
    code = summary_code(page)
    assert code.count() == 1
    widths = code.evaluate(MEASURE_LINES)
    rows = [(line, width) for line, width in widths if line.startswith(BOX_TABLE_STARTS)]
    assert len(rows) > 4
    narrowest = min(width for _, width in rows)
    widest = max(width for _, width in rows)
    assert widest - narrowest <= 0.5, "\n".join(f"{width:8.2f} {line}" for line, width in rows)


def test_model_summary_scrolls_without_wrapping_on_a_phone(base_url: str, page: sync_api.Page):
    page.set_viewport_size(MOBILE)
    visit(page, base_url + "thread-model/")
    code = summary_code(page)
    layout = code.evaluate(
        """code => ({
            whiteSpace: getComputedStyle(code).whiteSpace,
            scrolls: [code, code.parentElement].some(
                element => element.scrollWidth > element.clientWidth
            ),
            pageScrolls: document.documentElement.scrollWidth > window.innerWidth,
        })"""
    )
    assert layout == {"whiteSpace": "pre", "scrolls": True, "pageScrolls": False}


def test_dark_mode_toggle(base_url: str, page: sync_api.Page):
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


def test_figures_have_alt_text_and_load(built_site: Path, base_url: str, page: sync_api.Page):
    seen = 0
    for path in site_pages(built_site):
        visit(page, base_url + path)
        for figure in page.locator("figure.snippet-figure img").all():
            figure.scroll_into_view_if_needed()
            alt, width = figure.evaluate(
                "async img => { await img.decode(); return [img.alt, img.naturalWidth]; }"
            )
            assert alt.strip(), f"{path}: a figure without alt text"
            assert width > 0, f"{path}: figure {alt!r} did not load"
            seen += 1
    assert seen > 0


def test_screenshots(built_site: Path, base_url: str, page: sync_api.Page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(viewport)
        for path in site_pages(built_site):
            visit(page, base_url + path)
            name = path.strip("/").replace("/", "-") or "index"
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
            assert (SCREENSHOTS / f"{name}-{label}.png").stat().st_size > 0


def test_no_page_is_wider_than_a_phone(built_site: Path, base_url: str, page: sync_api.Page):
    """Wide content (code, tables, formulas) scrolls inside its own box, not the whole page."""
    page.set_viewport_size(MOBILE)
    too_wide = {}
    for path in site_pages(built_site):
        visit(page, base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > MOBILE["width"]:
            too_wide[path or "/"] = width
    assert not too_wide, f"pages wider than {MOBILE['width']} px: {too_wide}"
