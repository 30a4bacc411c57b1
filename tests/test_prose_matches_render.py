"""The words around an output match how the built site renders it.

Read from the built site's HTML: a sentence that speaks of a "tab" stands next to a
block whose outputs really are in tabs (not merged into one "Output of ...: the same"),
a variant named next to a block is one the block ran (or one it shows failing), and
"the snippet above", "the run below", "the figure below" and the like have their target
on that side, in the same section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from site_pages import html_path, references

PAGES = sorted({page for page, _ in references()})
VARIANT_WORDS = {  # words in prose -> what the variant's label contains
    "Keras 2": "Keras 2",
    "tf-keras": "Keras 2",
    "Keras 3": "Keras 3",
    "JAX": "JAX",
}
TAB = re.compile(r"\btabs?\b", re.I)
POINTER = re.compile(
    r"\b(?:(?P<thing>snippet|run|output|figure|picture|table|code|example)s?"
    r"\s+(?:shown\s+|printed\s+|drawn\s+)?(?P<side>above|below)"
    r"|(?:shown|printed|drawn)\s+(?P<side2>above|below)"
    r"|the\s+next\s+(?P<next>run|snippet))\b",
    re.I,
)
SKIPPED = "pre, .highlight, .snippet-output, .snippet-variants, .snippet-versions, blockquote"


@dataclass
class Block:
    """A snippet block as rendered: the variants that ran it, whether in tabs, its figures."""

    section: int
    ran: set[str] = field(default_factory=set)  # empty when the block printed nothing
    failing: set[str] = field(default_factory=set)
    tabbed: bool = False
    figures: int = 0


@dataclass
class Prose:
    section: int
    text: str
    before: int  # how many blocks come before it on the page


def rendered(block: Tag, section: int) -> Block:
    """Read what follows a snippet's code, up to the next snippet."""
    found = Block(section)
    for sibling in block.find_next_siblings():
        classes = sibling.get("class") or []
        if "snippet-code" in classes:
            break
        if sibling.name == "p" and not classes and sibling.select_one(".snippet-variants"):
            sibling = sibling.select_one(".snippet-variants")  # an admonition wraps it in <p>
            classes = sibling.get("class") or []
        if "snippet-variants" in classes:
            text = sibling.get_text(" ", strip=True).removeprefix("Output of ")
            found.ran |= set(re.split(r", | and ", text.split(":")[0].rstrip(".")))
        elif "tabbed-set" in classes:
            found.tabbed = True
            found.ran |= {
                label.get_text(strip=True) for label in sibling.select(".tabbed-labels label")
            }
            found.figures += len(sibling.select("figure.snippet-figure"))
        elif "admonition" in classes and sibling.select_one(".admonition-title"):
            title = sibling.select_one(".admonition-title").get_text(strip=True)
            if title.startswith("Does not run under "):
                found.failing.add(title.removeprefix("Does not run under "))
        elif sibling.name == "figure" and "snippet-figure" in classes:
            found.figures += 1
        elif sibling.name in {"p", "h2", "h3"} and not classes:
            break  # the prose goes on: the outputs are over
    return found


def read_page(html: str) -> tuple[list[Block], list[Prose]]:
    """The page's snippet blocks and prose paragraphs, in order, with their h2 section."""
    article = BeautifulSoup(html, "html.parser").select_one("article")
    assert article is not None
    blocks: list[Block] = []
    prose: list[Prose] = []
    section = 0
    for element in article.find_all(["h2", "div", "p", "li"]):
        classes = element.get("class") or []
        if element.name == "h2":
            section += 1
        elif element.name == "div" and "snippet-code" in classes:
            blocks.append(rendered(element, section))
        elif element.name in {"p", "li"} and not classes and not element.select_one("p"):
            if element.find_parent(class_=re.compile("snippet|tabbed|admonition-title")):
                continue
            if element.find_parent(["blockquote", "pre"]):
                continue
            prose.append(Prose(section, element.get_text(" ", strip=True), len(blocks)))
    return blocks, prose


def neighbours(blocks: list[Block], paragraph: Prose) -> list[Block]:
    """The blocks just before and just after the paragraph, in its own section."""
    candidates = blocks[max(paragraph.before - 1, 0) : paragraph.before + 1]
    return [block for block in candidates if block.section == paragraph.section]


def mismatches(html: str) -> list[str]:
    """Every sentence of the page that speaks of output the page does not render so."""
    blocks, prose = read_page(html)
    found = []
    for paragraph in prose:
        near = neighbours(blocks, paragraph)
        quote = paragraph.text[:90]
        if TAB.search(paragraph.text) and near and not any(block.tabbed for block in near):
            found.append(f"speaks of a tab, but the outputs next to it are merged: {quote!r}")
        for word, label in VARIANT_WORDS.items():
            if word not in paragraph.text or not near:
                continue
            shown = {name for block in near if block.ran for name in block.ran | block.failing}
            if shown and not any(label in name for name in shown):
                found.append(f"names {word}, which no block next to it ran: {quote!r}")
        for pointer in POINTER.finditer(paragraph.text):
            side = pointer["side"] or pointer["side2"] or "below"
            same_section = [block for block in blocks if block.section == paragraph.section]
            earlier = blocks[: paragraph.before]
            targets = [
                block
                for block in (earlier if side == "above" else blocks[paragraph.before :])
                if block in same_section
            ]
            if (pointer["thing"] or "").lower() in {"figure", "picture"}:
                targets = [block for block in targets if block.figures]
            if not targets:
                found.append(f"says {pointer.group()!r}, with nothing there: {quote!r}")
    return found


@pytest.mark.site
@pytest.mark.parametrize("page", PAGES)
def test_the_prose_speaks_of_output_as_it_renders(built_site: Path, page: str):
    found = mismatches(html_path(built_site, page).read_text(encoding="utf-8"))
    assert not found, f"{page}:\n" + "\n".join(found)


CODE = '<div class="snippet-code"><pre><code>x</code></pre></div>'
MERGED = (
    '<p class="snippet-variants">Output of Keras 3 (TensorFlow) and Keras 3 (JAX): the same.</p>'
)
TABS = (
    '<div class="tabbed-set"><div class="tabbed-labels"><label>Keras 3 (TensorFlow)</label>'
    "<label>Keras 2 (tf-keras)</label></div></div>"
)


@pytest.mark.parametrize(
    ("body", "wrong"),
    [
        (f"{CODE}{MERGED}<p>The Keras 2 tab shows it.</p>", True),  # tab, and no Keras 2 run
        (f"{CODE}{TABS}<p>The Keras 2 tab shows it.</p>", False),
        (f"<p>The snippet above shows it.</p>{CODE}{MERGED}", True),
        (f"<p>The snippet below shows it.</p>{CODE}{MERGED}", False),
        (f"{CODE}{MERGED}<h2>Next</h2><p>The run above shows it.</p>", True),
        (f"{CODE}{MERGED}<p>The figure above shows it.</p>", True),
        (f"{CODE}{MERGED}<p>Keras 3 on JAX agrees.</p>", False),
    ],
)
def test_the_check_catches_words_that_do_not_match(body: str, wrong: bool):
    assert bool(mismatches(f"<article><h2>A</h2>{body}</article>")) is wrong
