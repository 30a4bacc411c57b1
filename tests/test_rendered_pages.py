"""Page renders and search entries kept between builds, and notebooks rendered early: the
real site is the same either way; on tiny projects, each thing a render depends on
besides its page's Markdown renders the page again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import TinyProject, copy_of_the_site
from site_pages import references
from test_faults_real_site import build, with_results

REUSED = re.compile(r"snipexec: (\d+) of (\d+) page renders and search indexings reused")


def reused(log: str) -> tuple[int, int]:
    """How many renders and search indexings a build reused, of how many."""
    found = REUSED.search(log)
    assert found is not None, log[-3000:]
    return int(found[1]), int(found[2])


def files_of(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.site
def test_the_real_site_is_the_same_with_renders_reused_and_notebooks_rendered_early(
    built_site: Path, tmp_path: Path
):
    """A first build renders every page, and each notebook as soon as it is written; a
    second reuses every page's render and renders the notebooks in MkDocs' own order
    (mkdocs-jupyter's cache emptied). Both write the same files, byte for byte."""
    project = copy_of_the_site(tmp_path)
    with_results(built_site, project)  # the run results only: every page renders afresh
    first = build(project)
    assert first.returncode == 0, first.stderr[-5000:]
    assert reused(first.stderr)[0] == 0
    notebooks = {Path(page).stem for page, _ in references()}
    assert notebooks_rendered(first.stderr, "Cache hit") == notebooks  # they were ready
    afresh = files_of(project / "site")

    shutil.rmtree(project / ".cache/mkdocs-jupyter")
    store = project / ".cache/snipexec/pages"
    kept = files_of(store)
    second = build(project)
    assert second.returncode == 0, second.stderr[-5000:]
    done, of = reused(second.stderr)
    made = [data[:500] for name, data in files_of(store).items() if name not in kept]
    assert done == of > 10, made  # the start of each entry made again
    assert notebooks_rendered(second.stderr, "Cache miss") == notebooks  # rendered in turn
    reusing = files_of(project / "site")
    assert sorted(reusing) == sorted(afresh)
    assert [name for name in afresh if afresh[name] != reusing[name]] == []


def notebooks_rendered(log: str, how: str) -> set[str]:
    """The notebooks whose page mkdocs-jupyter's log says it rendered `how`."""
    return set(re.findall(rf"{how}[^:]*: \S*/notebooks/([\w-]+)\.ipynb", log))


def linked_pages(project: TinyProject) -> None:
    """Two pages, one linking to a heading of the other; links to anchors checked."""
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text() + "validation:\n  anchors: warn\n")
    project.write("docs/index.md", "# Home\n\nSee [there](other.md#a-heading), [or](third.md).\n")
    project.write("docs/other.md", "# Other\n\n## A heading\n\nText.\n")
    project.write("docs/third.md", "# Third\n")


def test_a_reused_page_whose_link_target_went_warns_again(project: TinyProject):
    linked_pages(project)
    assert project.build("--strict").returncode == 0
    (project.root / "docs/third.md").unlink()
    gone = project.build("--strict")
    assert gone.returncode != 0
    assert "'index.md' contains a link 'third.md', but the target is not found" in gone.stderr


def test_a_link_to_a_heading_that_went_from_a_reused_page_warns_again(project: TinyProject):
    linked_pages(project)
    assert project.build("--strict").returncode == 0
    project.write("docs/other.md", "# Other\n\n## Another heading\n\nText.\n")
    moved = project.build("--strict")
    assert moved.returncode != 0
    assert "does not contain an anchor '#a-heading'" in moved.stderr
    assert reused(moved.stderr)[0] >= 1  # index.md was not rendered again, and still warned


def test_a_render_that_warned_is_rendered_and_warns_again(project: TinyProject):
    project.write("docs/index.md", "# Home\n\nSee [nowhere](missing.md).\n")
    for _ in range(2):
        built = project.build()
        assert built.returncode == 0, built.stderr
        assert "'missing.md'" in built.stderr


def test_changed_markdown_settings_render_every_page_again(project: TinyProject):
    linked_pages(project)
    assert project.build().returncode == 0
    assert 'class="headerlink"' not in (project.root / "site/other/index.html").read_text()
    config = project.root / "mkdocs.yml"
    permalinks = "markdown_extensions:\n  - toc:\n      permalink: true\n"
    config.write_text(config.read_text() + permalinks)
    rebuilt = project.build()
    assert reused(rebuilt.stderr)[0] == 0
    assert 'class="headerlink"' in (project.root / "site/other/index.html").read_text()


def test_a_reused_page_is_still_a_cross_reference_target(project: TinyProject):
    """mkdocs-autorefs learns a page's headings as it renders: a reused page gives them back."""
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:\n", "plugins:\n  - autorefs\n"))
    project.write("docs/index.md", "# Home\n\nSee [the heading][a-heading].\n")
    project.write("docs/other.md", "# Other\n\n## A heading\n\nText.\n")
    assert project.build("--strict").returncode == 0
    project.write("docs/index.md", "# Home\n\nSee [the heading][a-heading], again.\n")
    rebuilt = project.build("--strict")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert reused(rebuilt.stderr)[0] >= 1  # other.md
    assert 'href="other/#a-heading"' in (project.root / "site/index.html").read_text()


def test_entries_of_a_page_s_old_versions_are_removed(project: TinyProject):
    linked_pages(project)
    assert project.build().returncode == 0
    store = project.root / ".cache/snipexec/pages"
    kept = set(store.glob("*.json"))
    project.write("docs/other.md", "# Other\n\n## A heading\n\nEdited.\n")
    for _ in range(4):  # the old versions go once no recent build used them
        assert project.build().returncode == 0
    now = set(store.glob("*.json"))
    assert len(now) == len(kept) == 3  # a render a page (this project has no search)
    assert len(now & kept) == 2  # those of the pages not edited
    shutil.rmtree(store)
    assert reused(project.build().stderr)[0] == 0
