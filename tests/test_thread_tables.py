"""The thread page's summary tables: the Keras 2.12 tab is the post's table, word for word,
and the note's sentences about the three tables hold for what renders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_pages import html_path, variant_tabs

pytestmark = pytest.mark.site

# The output the thread posted, copied from the forum post (its quotes made typographic
# by the forum, its last rule dropped).
POST = (Path(__file__).parent / "data" / "thread_post_output.txt").read_text()
KERAS3, KERAS2_12, TF_KERAS = (
    "Keras 3 (TensorFlow)",
    "Keras 2.12 (TensorFlow 2.12)",
    "Keras 2 (tf-keras)",
)


def words(text: str) -> list[str]:
    """The words of a summary in order: whitespace and `___` / `===` rules ignored."""
    text = text.replace("“", '"').replace("”", '"')
    return [word for word in text.split() if not re.fullmatch(r"[_=]+", word)]


@pytest.fixture(scope="module")
def tabs(built_site: Path) -> dict[str, str]:
    page = html_path(built_site, "docs/thread-model.md").read_text()
    return variant_tabs(page, "snippets/thread_model/forum_model.py")


def test_the_page_shows_the_three_environments(tabs):
    assert list(tabs) == [KERAS3, KERAS2_12, TF_KERAS]


def test_the_keras_2_12_tab_is_the_posted_table_word_for_word(tabs):
    assert words(tabs[KERAS2_12]) == words(POST)


def test_the_posted_wrap_points_are_those_of_keras_2_12(tabs):
    lines = [line.strip() for line in tabs[KERAS2_12].splitlines()]
    assert lines.count(")") == 1 and lines.count("2D)") == 2


def test_totals_are_written_as_the_note_says(tabs):
    total = {
        label: re.search(r"^ ?Total params: (.*)$", text, re.M)[1] for label, text in tabs.items()
    }
    assert total[KERAS2_12] == "9,494,561"  # separators, nothing more
    assert total[TF_KERAS] == "9494561 (36.22 MB)"  # no separators, the size
    assert total[KERAS3] == "9,494,561 (36.22 MB)"  # both


def test_rules_are_plain_text_in_keras_2_and_a_box_in_keras_3(tabs):
    for label in (KERAS2_12, TF_KERAS):
        assert tabs[label].count("=" * 65) == 2 and "┃" not in tabs[label]
    assert "┏" in tabs[KERAS3] and "=" * 65 not in tabs[KERAS3]


def test_names_shapes_and_counts_are_the_same_in_all_three(tabs):
    def rows(text: str) -> list[tuple[str, str, str]]:
        found = re.findall(r"(\w+) \(\w+.*?(\(None[\d, ]*\))\D*?([\d,]+)", text)
        return [(name, shape, count.replace(",", "")) for name, shape, count in found]

    first = rows(tabs[KERAS3])
    assert len(first) == 9
    assert all(rows(text) == first for text in tabs.values())
