"""Each snippet run as a reader runs it prints what the page shows: `python FILE` under
each of its variants, and its copy (the bundle a copy button gives) alone in an empty
folder.

Every distinct run happens once: a snippet that imports nothing beside it is its own
copy, so its copy, run alone at the same relative path, proves both claims.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mkdocs.config import load_config

from site_pages import ROOT, as_shown, html_path, references, run_file, shown_snippets
from snipexec import Cache, RunResult, Variant
from snipexec._internal.bundles import make_bundle
from snipexec._internal.imports import import_graph
from snipexec._internal.keys import Snapshot

pytestmark = [pytest.mark.site, pytest.mark.longest]

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

SNIPPETS = sorted({ref.path: ref for _, ref in REFERENCES}.items())
COPIES = {path: make_bundle(import_graph(ROOT, path)).text for path, _ in SNIPPETS}
SELF_CONTAINED = {path for path, text in COPIES.items() if text == (ROOT / path).read_text()}


def primary(ref) -> str:
    """The variant whose output a page shows first (and a notebook shows)."""
    return (ref.variants or _SETTINGS.default_variants)[0]


def run_alone(path: str, variant: str, scratch: Path) -> tuple[str, str]:
    """Run one snippet under `variant` from an empty folder of its own: where it lives if
    it has modules beside it, or else as its copy (which is the file itself)."""
    if path in SELF_CONTAINED:
        return run_copy(path, variant, scratch / "file")
    folder = scratch / "file" / f"{variant}-{path.replace('/', '_')}"
    folder.mkdir(parents=True)
    variant_ = VARIANTS[variant]
    return run_file(ROOT / path, folder, env=variant_.env, python=variant_.python(ROOT))


def run_copy(path: str, variant: str, scratch: Path) -> tuple[str, str]:
    """Run a snippet's copy under `variant`, alone in an empty folder at the snippet's
    relative path, so paths it prints are those of the page."""
    folder = scratch / f"{variant}-{path.replace('/', '_')}"
    copy = folder / path
    copy.parent.mkdir(parents=True)
    copy.write_text(COPIES[path])
    variant_ = VARIANTS[variant]
    return run_file(copy, folder, root=folder, env=variant_.env, python=variant_.python(ROOT))


@pytest.fixture(scope="module")
def fresh_runs(tmp_path_factory) -> dict[tuple[str, str, str], tuple[str, str]]:
    """Every distinct fresh run, a few at a time (imports dominate); tests ask for it
    before the built site, so the runs start at once, with the suite.

    Keys are ("file", path, variant) and ("copy", path, variant); a self-contained
    snippet's copy is its file's run under its first variant.
    """
    scratch = tmp_path_factory.mktemp("fresh")
    jobs = [(run_alone, "file", path, variant, scratch) for path, variant in RUNS] + [
        (run_copy, "copy", path, primary(ref), scratch / "copy")
        for path, ref in SNIPPETS
        if path not in SELF_CONTAINED
    ]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        outputs = pool.map(lambda job: job[0](*job[2:]), jobs)
        runs = {
            (kind, path, variant): out
            for (_, kind, path, variant, _), out in zip(jobs, outputs, strict=True)
        }
    for path, ref in SNIPPETS:
        if path in SELF_CONTAINED:
            runs["copy", path, primary(ref)] = runs["file", path, primary(ref)]
    return runs


@pytest.mark.parametrize(("page", "ref"), REFERENCES, ids=[ref.path for _, ref in REFERENCES])
def test_page_output_equals_a_standalone_run(fresh_runs, built_site: Path, page, ref):
    shown = shown_snippets(html_path(built_site, page).read_text())[ref.path]
    stdout, stderr = fresh_runs["file", ref.path, primary(ref)]
    assert shown.stdout == as_shown(stdout)
    assert shown.stderr == as_shown(stderr)


@pytest.mark.parametrize(("path", "variant"), RUNS, ids=[f"{v}:{p}" for p, v in RUNS])
def test_stored_output_is_byte_identical_to_a_standalone_run(fresh_runs, built_site, path, variant):
    stored = stored_result(path, variant)
    assert (stored.stdout, stored.stderr) == fresh_runs["file", path, variant]


@pytest.mark.parametrize(("path", "ref"), SNIPPETS, ids=[path for path, _ in SNIPPETS])
def test_each_copy_alone_prints_what_the_page_shows(fresh_runs, built_site, path: str, ref):
    result = stored_result(path, primary(ref))
    stdout, stderr = fresh_runs["copy", path, primary(ref)]
    assert stdout == result.stdout
    if result.failure is None:
        assert stderr == result.stderr
    else:  # the traceback names the copy's own file: the error it ends with is the same
        assert stderr.splitlines()[-1] == result.stderr.splitlines()[-1]


def stored_result(path: str, variant: str) -> RunResult:
    """The cached result of `path` under `variant` (the build stores one for each)."""
    variant_ = VARIANTS[variant]
    key = Snapshot.take(ROOT, path).key(variant_.fingerprint(variant_.installed(ROOT)))
    stored = Cache(ROOT / ".cache/snipexec").get(key)
    assert stored is not None, f"{path} under {variant}: no stored result"
    return stored
