"""Read the built site: which snippets each page shows, and the output shown under each."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from snipexec import SNIPPET_ENVIRONMENT, without_startup_lines
from snipexec._internal.directives import SnippetRef, find_snippets
from snipexec._internal.portable import portable_text

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Shown:
    """What a page shows for one snippet."""

    code: str
    stdout: str
    stderr: str


def references() -> list[tuple[str, SnippetRef]]:
    """Every (page, snippet reference) in `docs/`, in page order."""
    found = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        name = page.relative_to(ROOT).as_posix()
        found.extend((name, ref) for ref in find_snippets(page.read_text(), name))
    return found


def html_path(site: Path, page: str) -> Path:
    """Where `docs/x.md` lands in the built site (directory URLs)."""
    stem = Path(page).relative_to("docs").with_suffix("")
    return site / "index.html" if stem.name == "index" else site / stem / "index.html"


def shown_snippets(html: str) -> dict[str, Shown]:
    """Map each snippet path on a page to its code and the output blocks under it."""
    soup = BeautifulSoup(html, "html.parser")
    shown = {}
    for block in soup.select("div.snippet-code"):
        title = block.select_one("span.filename")
        assert title is not None
        outputs = {"snippet-output": "", "snippet-stderr": ""}
        for sibling in block.find_next_siblings():
            if not isinstance(sibling, Tag) or "snippet-code" in sibling.get("class", []):
                break
            if "tabbed-set" in sibling.get("class", []):  # outputs per variant: the first tab
                sibling = sibling.select_one(".tabbed-block") or sibling
                for kind in outputs:
                    found = sibling.select_one(f".{kind}")
                    outputs[kind] = _text(found) if found else outputs[kind]
                break
            for kind in outputs:
                if kind in sibling.get("class", []):
                    outputs[kind] = _text(sibling)
                elif sibling.name == "p" and not sibling.get("class"):  # inside an admonition,
                    found = sibling.select_one(f".{kind}")  # Markdown wraps raw HTML in <p>
                    outputs[kind] = _text(found) if found else outputs[kind]
        shown[title.get_text()] = Shown(
            _text(block), outputs["snippet-output"], outputs["snippet-stderr"]
        )
    return shown


def variant_tabs(html: str, snippet: str) -> dict[str, str]:
    """The outputs of `snippet` on a page, one per variant tab: label -> standard output."""
    soup = BeautifulSoup(html, "html.parser")
    for block in soup.select("div.snippet-code"):
        title = block.select_one("span.filename")
        if title is None or title.get_text() != snippet:
            continue
        tabs = block.find_next_sibling("div", class_="tabbed-set")
        assert tabs is not None, f"{snippet}: its outputs are not in tabs"
        labels = [label.get_text() for label in tabs.select(".tabbed-labels > label")]
        outputs = [_text(tab.select_one(".snippet-output")) for tab in tabs.select(".tabbed-block")]
        return dict(zip(labels, outputs, strict=True))
    raise AssertionError(f"{snippet} is not on the page")


def _text(block: Tag) -> str:
    code = block.select_one("pre code")
    assert code is not None
    return code.get_text()


def run_file(
    file: Path,
    cwd: Path,
    root: Path = ROOT,
    env: Mapping[str, str] | None = None,
    python: str = sys.executable,
) -> tuple[str, str]:
    """Run `python FILE` in a fresh interpreter from `cwd`, as a reader would.

    `env` adds a variant's environment variables, `python` is its interpreter. Returns
    standard output and error as a page shows them: paths portable (under `root`
    relative, in an environment shortened), TensorFlow's start-up lines dropped.
    """
    completed = subprocess.run(
        [python, str(file)],
        cwd=cwd,
        env={**os.environ, **SNIPPET_ENVIRONMENT, **(env or {})},
        capture_output=True,
        timeout=600,
        check=False,
    )
    out, err = (
        portable_text(stream.decode(), root) for stream in (completed.stdout, completed.stderr)
    )
    return out, without_startup_lines(err)


def as_shown(text: str) -> str:
    """A page shows output without trailing blank lines."""
    return text.rstrip("\n") + "\n" if text else ""
