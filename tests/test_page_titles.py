"""Each question page: one title in the nav, its H1 and every link to it; a short answer, a
quote of the thread and a "check yourself" question."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

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


@pytest.mark.parametrize(("page", "title"), QUESTIONS.items())
def test_the_page_opens_with_its_nav_title_a_short_answer_and_a_quote(page, title):
    text = (ROOT / "docs" / page).read_text()
    assert text.splitlines()[0] == f"# {title}"
    assert '!!! abstract "Short answer"' in text
    assert re.search(r"^> .*\(the thread\)$", text, re.MULTILINE)
    assert re.search(r'^\?\?\? question "Check yourself: .*"\n\n {4}\S', text, re.MULTILINE)


def test_every_link_to_a_question_page_uses_its_title():
    for markdown in (ROOT / "docs" / page for page in [*QUESTIONS, "index.md"]):
        for text, target in LINK.findall(markdown.read_text()):
            if target in QUESTIONS:
                assert text == QUESTIONS[target], f"{markdown.name}: [{text}]({target})"
