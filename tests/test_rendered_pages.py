"""Page renders and search entries kept between builds: the real site written by a build that
reuses every render is the site a build that renders every page writes; on tiny projects,
each thing a render depends on besides its page's Markdown renders the page again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import TinyProject, copy_of_the_site
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
def test_the_real_site_reusing_every_render_is_the_site_rendered_afresh(
    built_site: Path, tmp_path: Path
):
    project = copy_of_the_site(tmp_path)
    with_results(built_site, project)  # the run results only: every page renders afresh
    afresh = build(project)
    assert afresh.returncode == 0, afresh.stderr[-5000:]
    assert reused(afresh.stderr)[0] == 0
    first = files_of(project / "site")

    again = build(project)
    assert again.returncode == 0, again.stderr[-5000:]
    done, of = reused(again.stderr)
    assert done == of > 10
    second = files_of(project / "site")
    assert sorted(second) == sorted(first)
    assert [name for name in first if first[name] != second[name]] == []


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
