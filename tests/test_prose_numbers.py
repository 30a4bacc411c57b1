"""Numbers in a page's prose: placed from runs where a run computes them, typed otherwise.

A value a snippet computes is placed in the prose by its run (`{glue}`, checked against
the stored run by `test_glue`). What is still typed appears in an output the page shows,
or is one of a few listed below, each with the reason it needs no run (a definition, a
name, a release). And a number a placement computes is not typed elsewhere on its page,
where it would no longer follow the run.

Quotes of the thread (blockquotes) and the "check yourself" boxes (whose answers
`test_every_check_yourself_answer_is_printed_by_the_run_in_its_box` checks) are not prose
claims of the page.
"""

from __future__ import annotations

import importlib.util
import io
import re
import tokenize
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from tensorflow import keras

from site_pages import ROOT, html_path, references
from snipexec._internal.glue import PLACEMENT
from snipexec._internal.keys import Snapshot
from test_glue import placed_values

_spec = importlib.util.spec_from_file_location(
    "shared_conv", ROOT / "snippets/per_channel_outputs/shared_conv.py"
)
assert _spec is not None and _spec.loader is not None
shared_conv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shared_conv)

NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)")  # not in float32
PAGES = sorted({page for page, _ in references()})
SMALL = {"0", "1", "2", "3", "4"}  # axis positions, "one", "two", ...: counting words
ALLOWED = {  # typed numbers that no output on their page prints, and why they need none
    "docs/words-and-axes.md": {"32": "the thread's example, quoted just above"},
    "docs/thread-model.md": {
        "2.16": "the TensorFlow release whose `import keras` is Keras 3 (its release notes)"
    },
    "docs/one-by-one.md": {"50": "ResNet-50, a model's name"},
}


def numbers(text: str) -> set[str]:
    return {token.replace(",", "") for token in NUMBER.findall(text)}


def prose_and_outputs(html: str) -> tuple[str, str]:
    article = BeautifulSoup(html, "html.parser").select_one("article")
    assert article is not None
    # What runs printed, and the versions of the environments that ran them.
    made = ".snippet-output pre, .snippet-provenance, .snippet-versions, .snippet-variants"
    outputs = "\n".join(block.get_text() for block in article.select(made))
    for noise in article.select(
        f"pre, .highlight, {made}, .headerlink, figure, blockquote, details, h1"
    ):
        noise.decompose()
    return "\n".join(element.get_text(" ") for element in article.select("p, li, td")), outputs


def placed_numbers(page: str) -> set[str]:
    return {number for _, shown in placed_values(page) for number in numbers(shown)}


@pytest.mark.site
@pytest.mark.parametrize("page", PAGES)
def test_every_number_in_the_prose_is_placed_or_printed_on_the_page(built_site: Path, page: str):
    prose, outputs = prose_and_outputs(html_path(built_site, page).read_text(encoding="utf-8"))
    assert outputs, "a page that runs snippets shows their output"
    typed = numbers(prose) - placed_numbers(page) - numbers(outputs) - SMALL
    allowed = set(ALLOWED.get(page, {}))
    assert not typed - allowed, f"place from a run, or list why not: {sorted(typed - allowed)}"
    assert not allowed - typed, f"listed, but placed or printed now: {sorted(allowed - typed)}"


def typed_prose(markdown: str) -> str:
    """What a page's author typed as prose: its Markdown without code blocks, quotes of the
    thread, placements, code spans that name something (`Conv2D(16, 3)`), link targets,
    HTML tags and the questions that set up a check-yourself box."""
    for pattern in (
        r"(?s)^( *)(```|~~~).*?^\1\2 *$",  # fenced code blocks, snippet blocks among them
        r"^ *>.*$",  # blockquotes: the thread's words
        r'^ *\?\?\?\+? *question ".*"$',  # a check-yourself question: its set-up
        PLACEMENT.pattern,
        r"`[^`\n]*[A-Za-z_][^`\n]*`",  # code that names a layer, an argument, an axis
        r"\]\([^)]*\)",  # link targets
        r"<[^>\n]*>",  # HTML tags and their attributes
        r'"[^"\n]*"',  # words in quotes: the thread's
    ):
        markdown = re.sub(pattern, " ", markdown, flags=re.MULTILINE)
    return markdown


def literals(path: str) -> set[str]:
    """The numbers written as literals in a snippet's code and the modules it imports."""
    snapshot = Snapshot.take(ROOT, path)
    found = set()
    for source in [snapshot.code, *(code for _, code in snapshot.modules)]:
        tokens = tokenize.tokenize(io.BytesIO(source).readline)
        found |= {token.string for token in tokens if token.type == tokenize.NUMBER}
    return found


@pytest.mark.site
@pytest.mark.parametrize("page", PAGES)
def test_no_number_a_run_places_is_also_typed_on_its_page(built_site: Path, page: str):
    """A number the run computed (not one its code writes) is placed wherever it is said."""
    computed = {
        number
        for match, shown in placed_values(page)
        for number in numbers(shown) - literals(match["path"])
    }
    typed = numbers(typed_prose((ROOT / page).read_text(encoding="utf-8")))
    twice = typed & computed - SMALL - set(ALLOWED.get(page, {}))
    assert not twice, f"typed, but a run on the page computes them: place them {sorted(twice)}"


@pytest.mark.site
@pytest.mark.parametrize("page", PAGES)
def test_every_check_yourself_answer_is_printed_by_the_run_in_its_box(built_site: Path, page: str):
    """The learner who opens an answer finds its numbers printed, with no arithmetic left."""
    soup = BeautifulSoup(html_path(built_site, page).read_text(encoding="utf-8"), "html.parser")
    boxes = soup.select("article details.question")
    assert boxes, "every page ends with a check-yourself box"
    for box in boxes:
        printed = "\n".join(block.get_text() for block in box.select(".snippet-output pre"))
        assert printed, f"no run in the box {box.summary.get_text()!r}"
        prose = box.select("p:not(.snippet-variants):not(.snippet-versions)")
        answer = "\n".join(p.get_text(" ") for p in prose)
        missing = numbers(answer) - numbers(printed) - SMALL
        assert not missing, f"{box.summary.get_text()!r}: {sorted(missing)} not printed"


def params(layer, channels: int) -> int:
    layer.build((None, 32, 32, channels))
    return layer.count_params()


def test_check_yourself_answers():
    """The numbers the pages' "check yourself" answers give."""
    conv = keras.layers.Conv2D(8, 5)
    conv.build((None, 32, 32, 4))
    assert conv.get_weights()[0].shape == (5, 5, 4, 8)  # words-and-axes
    assert params(keras.layers.Conv2D(10, 1), 6) == 70  # one-by-one
    assert params(keras.layers.Conv2D(64, 3), 32) == 18_496  # output-channels
    assert params(keras.layers.DepthwiseConv2D(5, depth_multiplier=8), 3) == 624  # per-channel
    assert params(shared_conv.SharedKernelConv2D(8, 5), 3) == 208  # per-channel
    for padding, size in (("valid", 14), ("same", 16)):  # output-size
        layer = keras.layers.Conv2D(8, 5, strides=2, padding=padding)
        assert tuple(layer.compute_output_shape((None, 32, 32, 3))) == (None, size, size, 8)
    model = keras.Sequential(  # thread-model: the thread's model on 300 x 300 images
        [keras.Input((300, 300, 3))]
        + [
            layer
            for filters in (16, 32, 64)
            for layer in (keras.layers.Conv2D(filters, 3), keras.layers.MaxPooling2D(2, 2))
        ]
        + [keras.layers.Flatten(), keras.layers.Dense(512)]
    )
    sides = [layer.output.shape[1] for layer in model.layers[:6]]
    assert sides == [298, 149, 147, 73, 71, 35]
    assert model.layers[-1].input.shape[-1] == 78_400
    assert model.layers[-1].count_params() == 40_141_312
