"""Each snippet run as a reader runs it prints what the page shows: its copy (the bundle a
copy button gives), alone in an empty folder at the snippet's relative path, under each of
its variants, in a fresh interpreter, compared byte for byte with what the build stored.

Each run happens once: a snippet that imports nothing beside it is its own copy. Only a
run that fails where its traceback would name the modules beside the snippet, which the
copy holds instead, is also run as `python FILE` where it lives, as the build ran it.
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
        for name in ref.variants or _SETTINGS.default_variants
    }
)

SNIPPETS = sorted({ref.path: ref for _, ref in REFERENCES}.items())
COPIES = {path: make_bundle(import_graph(ROOT, path)).text for path, _ in SNIPPETS}
SELF_CONTAINED = {path for path, text in COPIES.items() if text == (ROOT / path).read_text()}
# Runs whose traceback names a module beside the snippet: the copy's names its own file.
IN_PLACE = {
    (ref.path, name)
    for _, ref in REFERENCES
    for name in ref.variants or _SETTINGS.default_variants
    if ref.path not in SELF_CONTAINED and ref.expected_exception(name)
}


def primary(ref) -> str:
    """The variant whose output a page shows first (and a notebook shows)."""
    return (ref.variants or _SETTINGS.default_variants)[0]


def run_copy(path: str, variant: str, scratch: Path) -> tuple[str, str]:
    """Run a snippet's copy under `variant`, alone in an empty folder at the snippet's
    relative path, so paths it prints are those of the page."""
    folder = scratch / f"copy-{variant}-{path.replace('/', '_')}"
    copy = folder / path
    copy.parent.mkdir(parents=True)
    copy.write_text(COPIES[path])
    variant_ = VARIANTS[variant]
    return run_file(copy, folder, root=folder, env=variant_.env, python=variant_.python(ROOT))


def run_in_place(path: str, variant: str, scratch: Path) -> tuple[str, str]:
    """Run `python FILE` under `variant` where the snippet lives, from an empty folder."""
    folder = scratch / f"file-{variant}-{path.replace('/', '_')}"
    folder.mkdir(parents=True)
    variant_ = VARIANTS[variant]
    return run_file(ROOT / path, folder, env=variant_.env, python=variant_.python(ROOT))


@pytest.fixture(scope="module")
def fresh_runs(tmp_path_factory) -> dict[tuple[str, str, str], tuple[str, str]]:
    """Every fresh run, a few at a time (imports dominate); tests ask for it before the
    built site, so the runs start at once, with the suite.

    Keys are ("copy", path, variant) for every run and ("file", path, variant) for those
    in `IN_PLACE`.
    """
    scratch = tmp_path_factory.mktemp("fresh")
    jobs = [("copy", path, variant) for path, variant in RUNS]
    jobs += [("file", path, variant) for path, variant in sorted(IN_PLACE)]
    run = {"copy": run_copy, "file": run_in_place}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        outputs = pool.map(lambda job: run[job[0]](*job[1:], scratch), jobs)
        return dict(zip(jobs, outputs, strict=True))


def as_the_build_ran_it(runs, path: str, variant: str) -> tuple[str, str]:
    """The fresh run that must match the build's byte for byte."""
    return runs["file" if (path, variant) in IN_PLACE else "copy", path, variant]


@pytest.mark.parametrize(("page", "ref"), REFERENCES, ids=[ref.path for _, ref in REFERENCES])
def test_page_output_equals_a_standalone_run(fresh_runs, built_site: Path, page, ref):
    shown = shown_snippets(html_path(built_site, page).read_text())[ref.path]
    stdout, stderr = as_the_build_ran_it(fresh_runs, ref.path, primary(ref))
    assert shown.stdout == as_shown(stdout)
    assert shown.stderr == as_shown(stderr)


@pytest.mark.parametrize(("path", "variant"), RUNS, ids=[f"{v}:{p}" for p, v in RUNS])
def test_each_copy_alone_prints_what_is_stored(fresh_runs, built_site, path, variant):
    stored = stored_result(path, variant)
    stdout, stderr = fresh_runs["copy", path, variant]
    assert stdout == stored.stdout
    if (path, variant) in IN_PLACE:  # the copy's traceback ends with the same error
        assert stderr.splitlines()[-1] == stored.stderr.splitlines()[-1]
    assert (stored.stdout, stored.stderr) == as_the_build_ran_it(fresh_runs, path, variant)


def stored_result(path: str, variant: str) -> RunResult:
    """The cached result of `path` under `variant` (the build stores one for each)."""
    variant_ = VARIANTS[variant]
    key = Snapshot.take(ROOT, path).key(variant_.fingerprint(variant_.installed(ROOT)))
    stored = Cache(ROOT / ".cache/snipexec").get(key)
    assert stored is not None, f"{path} under {variant}: no stored result"
    return stored
