"""Each snippet, run alone with `python FILE` under each of its variants, prints what the
page shows for that variant."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mkdocs.config import load_config

from site_pages import ROOT, as_shown, html_path, references, run_file, shown_snippets
from snipexec import Cache, Variant
from snipexec._internal.keys import Snapshot

pytestmark = pytest.mark.site

REFERENCES = references()
_SETTINGS = load_config(str(ROOT / "mkdocs.yml")).plugins["snipexec"].config
VARIANTS = {
    name: Variant.from_config(name, options) for name, options in _SETTINGS.variants.items()
}
RUNS = sorted(
    {
        (ref.path, name)
        for _, ref in REFERENCES
        for name in (ref.variants or _SETTINGS.default_variants)
    }
)


def primary(ref) -> str:
    """The variant whose output a page shows first (and a notebook shows)."""
    return (ref.variants or _SETTINGS.default_variants)[0]


def run_alone(path: str, variant: str, scratch: Path) -> tuple[str, str]:
    """Run one snippet where it lives, from an empty folder of its own."""
    folder = scratch / f"{variant}-{path.replace('/', '_')}"
    folder.mkdir()
    variant_ = VARIANTS[variant]
    return run_file(ROOT / path, folder, env=variant_.env, python=variant_.python(ROOT))


@pytest.fixture(scope="module")
def standalone_outputs(tmp_path_factory) -> dict[tuple[str, str], tuple[str, str]]:
    """Every (snippet, variant)'s standalone output, a few at a time (imports dominate)."""
    scratch = tmp_path_factory.mktemp("standalone")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        outputs = pool.map(lambda run: run_alone(*run, scratch), RUNS)
    return dict(zip(RUNS, outputs, strict=True))


@pytest.mark.parametrize(("page", "ref"), REFERENCES, ids=[ref.path for _, ref in REFERENCES])
def test_page_output_equals_a_standalone_run(built_site: Path, standalone_outputs, page, ref):
    shown = shown_snippets(html_path(built_site, page).read_text())[ref.path]
    stdout, stderr = standalone_outputs[ref.path, primary(ref)]
    assert shown.stdout == as_shown(stdout)
    assert shown.stderr == as_shown(stderr)


@pytest.mark.parametrize(("path", "variant"), RUNS, ids=[f"{v}:{p}" for p, v in RUNS])
def test_stored_output_is_byte_identical_to_a_standalone_run(
    built_site, standalone_outputs, path, variant
):
    variant_ = VARIANTS[variant]
    key = Snapshot.take(ROOT, path).key(variant_.fingerprint(variant_.installed(ROOT)))
    stored = Cache(ROOT / ".cache/snipexec").get(key)
    assert stored is not None
    assert (stored.stdout, stored.stderr) == standalone_outputs[path, variant]
