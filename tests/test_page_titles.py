"""The rules of a question page, as docs/contributing.md states them: its title, a short
answer, a quote of the thread, a "check yourself" question, links by title, a place in the
menu under Questions and a row in the home page's table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from site_pages import references

ROOT = Path(__file__).resolve().parents[1]
NAV = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)["nav"]
QUESTIONS = {
    page: title
    for section in NAV
    for name, entries in section.items()
    if name == "Questions"
    for entry in entries
    for title, page in entry.items()
}
LINK = re.compile(r"\[([^\]]+)\]\(([\w-]+\.md)(?:#[\w-]*)?\)")
HOME_ROW = re.compile(r"^\| \[([^\]]+)\]\(([\w-]+\.md)\) \| (.*\S) \|$", re.MULTILINE)
GUIDE = "(see docs/contributing.md)"


@pytest.mark.parametrize(("page", "title"), QUESTIONS.items())
def test_the_page_opens_with_its_nav_title_a_short_answer_and_a_quote(page, title):
    text = (ROOT / "docs" / page).read_text()
    assert text.splitlines()[0] == f"# {title}", (
        f"{page}: make its first line `# {title}`, its title in mkdocs.yml's nav {GUIDE}"
    )
    assert '!!! abstract "Short answer"' in text, (
        f'{page}: add a `!!! abstract "Short answer"` box {GUIDE}'
    )
    assert re.search(r"^> .*\(the thread\)$", text, re.MULTILINE), (
        f'{page}: quote the thread\'s question as a blockquote ending in "(the thread)" {GUIDE}'
    )
    assert re.search(r'^\?\?\? question "Check yourself: .*"\n\n {4}\S', text, re.MULTILINE), (
        f'{page}: add a `??? question "Check yourself: ..."` block, its answer indented '
        f"4 spaces after a blank line {GUIDE}"
    )


def test_every_link_to_a_question_page_uses_its_title():
    for markdown in (ROOT / "docs" / page for page in [*QUESTIONS, "index.md"]):
        for text, target in LINK.findall(markdown.read_text()):
            if target in QUESTIONS:
                assert text == QUESTIONS[target], (
                    f"{markdown.name}: write the link [{text}]({target}) as "
                    f"[{QUESTIONS[target]}]({target}), the page's title in the nav {GUIDE}"
                )


def test_every_page_that_runs_snippets_is_under_questions():
    for page in sorted({page for page, _ in references()}):
        name = page.removeprefix("docs/")
        assert name in QUESTIONS, f"{name}: list it under Questions in mkdocs.yml's nav {GUIDE}"


def test_the_home_table_lists_every_question_in_menu_order():
    rows = HOME_ROW.findall((ROOT / "docs/index.md").read_text())
    listed = [target for _, target, _ in rows]
    assert listed == list(QUESTIONS), (
        "docs/index.md: its table needs one row per question, in the order of the nav's "
        f"Questions, each `| [title](page.md) | short answer |` {GUIDE}"
    )
