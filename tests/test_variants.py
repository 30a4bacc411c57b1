"""Variants on tiny projects: one output when alike, tabs when not, failures per variant."""

import re

import pytest

from conftest import TinyProject
from test_plugin import ran

TWO_VARIANTS = """\
site_name: tiny
plugins:
  - snipexec:
      variants:
        one: {label: Version one, env: {FLAVOUR: "1"}, preload: []}
        two: {label: Version two, env: {FLAVOUR: "2"}, preload: []}
      default_variants: [one, two]
      timeout: 20
"""


@pytest.fixture
def variants(project: TinyProject) -> TinyProject:
    (project.root / "mkdocs.yml").write_text(TWO_VARIANTS)
    return project


def runs(build) -> list[str]:
    return sorted(re.findall(r"snipexec: ran (\S+ under \w+)", build.stderr))


def test_the_same_output_is_shown_once_and_says_which_variants_made_it(variants: TinyProject):
    variants.write("snippets/same.py", "print('alike everywhere')\n")
    variants.page("index.md", "snippets/same.py")
    build = variants.build("--strict")
    assert build.returncode == 0, build.stderr
    assert runs(build) == ["snippets/same.py under one", "snippets/same.py under two"]
    html = (variants.root / "site/index.html").read_text()
    assert html.count("snippet-output") == 1
    assert "Output of Version one and Version two: the same." in variants.html()


def test_different_outputs_go_into_tabs(variants: TinyProject):
    variants.write("snippets/differs.py", "import os\nprint('flavour', os.environ['FLAVOUR'])\n")
    variants.page("index.md", "snippets/differs.py")
    assert variants.build("--strict").returncode == 0
    html = (variants.root / "site/index.html").read_text()
    assert 'class="tabbed-set' in html
    labels = re.findall(r'<label for="__tabbed_\d+_\d+">([^<]+)</label>', html)
    assert labels == ["Version one", "Version two"]
    assert "flavour 1" in html and "flavour 2" in html


def test_a_failure_under_a_claimed_variant_fails_the_build_naming_it(variants: TinyProject):
    variants.write(
        "snippets/picky.py", "import os\nassert os.environ['FLAVOUR'] == '1', 'only one'\n"
    )
    variants.page("index.md", "snippets/picky.py")
    build = variants.build()
    assert build.returncode != 0
    assert (
        "docs/index.md:3: snippets/picky.py:2 raised AssertionError: only one under two"
        in build.stderr
    )


def test_a_block_can_narrow_its_variants(variants: TinyProject):
    variants.write(
        "snippets/picky.py", "import os\nassert os.environ['FLAVOUR'] == '1', 'only one'\n"
    )
    variants.page("index.md", "snippets/picky.py", options="variants=one")
    build = variants.build("--strict")
    assert build.returncode == 0, build.stderr
    assert runs(build) == ["snippets/picky.py under one"]
    assert "Output of Version one." not in variants.html()  # it printed nothing


def test_an_expected_failure_under_one_variant_shows_its_real_error(variants: TinyProject):
    variants.write(
        "snippets/picky.py",
        "import os\nif os.environ['FLAVOUR'] == '2':\n    raise ValueError('not in two')\n"
        "print('fine in one')\n",
    )
    variants.page("index.md", "snippets/picky.py", options="raises=two:ValueError")
    build = variants.build("--strict")
    assert build.returncode == 0, build.stderr
    text = variants.html()
    assert "Does not run under Version two" in text
    assert "Running it there ends with ValueError: not in two (line 3)." in text
    assert "fine in one" in text


def test_an_unknown_variant_names_the_page_and_line(variants: TinyProject):
    variants.write("snippets/a.py", "print(1)\n")
    variants.page("index.md", "snippets/a.py", options="variants=one,three")
    build = variants.build()
    assert build.returncode != 0
    assert "docs/index.md:3: unknown variant three (this site has one, two)" in build.stderr


def test_each_variant_has_its_own_cache_entry_and_an_edit_of_one_reruns_only_it(
    variants: TinyProject,
):
    variants.write("snippets/a.py", "print('a')\n")
    variants.page("index.md", "snippets/a.py")
    assert variants.build().returncode == 0
    assert len(list((variants.root / ".cache/snipexec").glob("*.json"))) == 2
    assert ran(variants.build()) == []
    config = variants.root / "mkdocs.yml"
    config.write_text(config.read_text().replace('FLAVOUR: "2"', 'FLAVOUR: "2b"'))
    assert runs(variants.build()) == ["snippets/a.py under two"]


def test_a_variant_with_an_unknown_option_is_refused(variants: TinyProject):
    config = variants.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("preload: []}", "preload: [], colour: red}", 1))
    variants.write("snippets/a.py", "print('a')\n")
    variants.page("index.md", "snippets/a.py")
    build = variants.build()
    assert build.returncode != 0
    assert "variant 'one': unknown option(s) colour" in build.stderr
