"""Each snippet, run alone with `python FILE`, prints exactly what its page shows."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from site_pages import ROOT, as_shown, html_path, references, run_file, shown_snippets
from snipexec import Cache
from snipexec._internal.keys import snippet_key

pytestmark = pytest.mark.site

REFERENCES = references()


def run_alone(path: str, scratch: Path) -> tuple[str, str]:
    """Run one snippet where it lives, from an empty folder of its own."""
    folder = scratch / path.replace("/", "_")
    folder.mkdir()
    return run_file(ROOT / path, folder)


@pytest.fixture(scope="module")
def standalone_outputs(tmp_path_factory) -> dict[str, tuple[str, str]]:
    """Every snippet's standalone output, two at a time (TensorFlow imports dominate)."""
    scratch = tmp_path_factory.mktemp("standalone")
    paths = sorted({ref.path for _, ref in REFERENCES})
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        outputs = pool.map(lambda path: run_alone(path, scratch), paths)
    return dict(zip(paths, outputs, strict=True))


@pytest.mark.parametrize(("page", "ref"), REFERENCES, ids=[ref.path for _, ref in REFERENCES])
def test_page_output_equals_a_standalone_run(built_site: Path, standalone_outputs, page, ref):
    shown = shown_snippets(html_path(built_site, page).read_text())[ref.path]
    stdout, stderr = standalone_outputs[ref.path]
    assert shown.stdout == as_shown(stdout)
    assert shown.stderr == as_shown(stderr)


@pytest.mark.parametrize("path", sorted({ref.path for _, ref in REFERENCES}))
def test_stored_output_is_byte_identical_to_a_standalone_run(
    built_site, snippet_environment, standalone_outputs, path
):
    key = snippet_key(ROOT / path, ROOT, snippet_environment)
    stored = Cache(ROOT / ".cache/snipexec").get(key)
    assert stored is not None
    prefix = f"{ROOT}/"
    assert (stored.stdout.replace(prefix, ""), stored.stderr.replace(prefix, "")) == (
        standalone_outputs[path]
    )
