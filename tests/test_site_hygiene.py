"""Every file of the built site names no build-machine path and no host but the site's own.

Pages, scripts, stylesheets, the search index, sitemaps, notebooks, downloads and the
figures inside them (base64 `data:` URIs, decoded) are read as text; a binary file that
is not UTF-8 is skipped. Allowed hosts: those of `site_url` and `repo_url` in mkdocs.yml,
as the build resolves them (`!ENV`: the Pages workflow gives the real addresses; a local
build has a neutral `site_url` and no repository).
A namespace declaration (`xmlns="http://www.w3.org/2000/svg"`, `xmlns:xlink=...`) is
allowed: it names a namespace, which XML never fetches, and an SVG file needs it. The
same address anywhere else (a DOCTYPE's DTD, a script) counts as naming another host.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from yaml_env_tag import construct_env_tag

from site_pages import ROOT

pytestmark = pytest.mark.site

URL = re.compile(r"https?://((?:[\w-]+@)?[\w.-]+)")
NAMESPACE_DECLARATION = re.compile(r"""xmlns(?::[\w.-]+)?\s*=\s*(["'])https?://[^"']*\1""")
DATA_URI = re.compile(r"data:[\w/+.-]+(?:;[\w=.-]+)*;base64,([A-Za-z0-9+/=]+)")


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml as MkDocs does: `!ENV` from the environment (the tests' build runs
    in this one); `!!python/name:` tags become None."""


_ConfigLoader.add_constructor("!ENV", construct_env_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *args: None)


def site_config() -> dict[str, Any]:
    """mkdocs.yml, with the values the tests' build of the site sees."""
    return yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_ConfigLoader)


def allowed_hosts() -> set[str]:
    """The hosts of the site's and the repository's addresses, as the build sees them."""
    config = site_config()
    site_host = urlsplit(config["site_url"] or "").hostname
    assert site_host, "the site needs a site_url with a host"
    return {site_host} | ({urlsplit(config["repo_url"]).hostname} if config["repo_url"] else set())


def texts(site: Path) -> Iterator[tuple[str, str]]:
    """(name, text) for every text file of the site and every base64 text inside one."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        try:
            text = data.decode()
        except UnicodeDecodeError:
            continue
        name = path.relative_to(site).as_posix()
        yield name, text
        for number, encoded in enumerate(DATA_URI.findall(text), 1):
            try:
                yield f"{name} (data URI {number})", base64.b64decode(encoded).decode()
            except (binascii.Error, UnicodeDecodeError):
                continue


def foreign_hosts(text: str, allowed: set[str]) -> set[str]:
    """Hosts named in `text` outside namespace declarations, other than `allowed`."""
    text = NAMESPACE_DECLARATION.sub("", text.replace("\\/", "/").replace('\\"', '"'))
    hosts = {match.split("@")[-1].split(":")[0].lower() for match in URL.findall(text)}
    return hosts - allowed


def test_a_namespace_is_allowed_a_request_is_not():
    svg = (
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/svg11.dtd">'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    )
    assert foreign_hosts(svg, set()) == {"www.w3.org"}
    script = 'import("https:\\/\\/cdn.test:443/a.js"); fetch("https://user@site.test/")'
    assert foreign_hosts(script, {"site.test"}) == {"cdn.test"}


def test_no_build_machine_path_anywhere(built_site: Path):
    needles = {str(ROOT), f"{Path.home()}/"}
    found = [
        f"{name}: …{text[max(0, at - 60) : at + 80]}…"
        for name, text in texts(built_site)
        for needle in needles
        if (at := text.find(needle)) >= 0
    ]
    assert not found, f"{len(found)} files name {sorted(needles)}:\n" + "\n".join(found)


# The theme's own scripts and styles, as mkdocs-material ships them: hosts named in
# licence notices that must stay (clipboard.js, lunr, the Porter stemmer, Font Awesome,
# with a short link), and in code no page of this site runs (mermaid from a CDN, for
# diagrams, which the site has none of; the repository's star count, which the header
# override does not request). The browser tests prove that no page requests them.
THEME_HOSTS = {
    "assets/javascripts/bundle.*.min.js": {"api.github.com", "clipboardjs.com", "unpkg.com"},
    "assets/javascripts/workers/search.*.min.js": {"bit.ly", "lunrjs.com", "tartarus.org"},
    "assets/stylesheets/main.*.min.css": {"fontawesome.com"},
}


def allowed_in(name: str) -> set[str]:
    """Hosts a theme file may name (see `THEME_HOSTS`); none for any other file."""
    return next(
        (hosts for pattern, hosts in THEME_HOSTS.items() if PurePosixPath(name).match(pattern)),
        set(),
    )


def test_no_host_but_the_site_and_its_repository(built_site: Path):
    allowed = allowed_hosts()
    files_by_host: dict[str, list[str]] = defaultdict(list)
    for name, text in texts(built_site):
        for host in foreign_hosts(text, allowed | allowed_in(name)):
            files_by_host[host].append(name)
    report = [
        f"{host}: {len(names)} files: {', '.join(names[:6])}{' …' if len(names) > 6 else ''}"
        for host, names in sorted(files_by_host.items())
    ]
    assert not files_by_host, f"hosts other than {sorted(allowed)}:\n" + "\n".join(report)


def test_the_theme_allowance_is_exact(built_site: Path):
    """Each theme file listed exists and names every host allowed for it: no stale entry."""
    names = {name: text for name, text in texts(built_site) if "(data URI" not in name}
    for pattern, hosts in THEME_HOSTS.items():
        matching = [name for name in names if PurePosixPath(name).match(pattern)]
        assert matching, f"no file matches {pattern}"
        named = set().union(*(foreign_hosts(names[name], allowed_hosts()) for name in matching))
        assert named == hosts, pattern


# What a reader's browser downloads for a page: its HTML as hosts serve it, compressed.
MAX_PAGE_GZIP_BYTES = 100_000


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_is_at_most_100_kb_gzip_compressed(built_site: Path):
    sizes = {
        page.relative_to(built_site).as_posix(): len(gzip.compress(page.read_bytes(), 6))
        for page in pages(built_site)
    }
    largest = max(sizes, key=sizes.__getitem__)
    print(f"largest page: {largest}, {sizes[largest]:,} bytes gzip-compressed")
    too_large = {name: size for name, size in sizes.items() if size > MAX_PAGE_GZIP_BYTES}
    assert not too_large, too_large


def test_notebook_pages_share_one_cacheable_stylesheet(built_site: Path):
    """nbconvert's styles are one file named by its content, linked by every notebook page."""
    linked = set()
    for page in sorted(built_site.glob("notebooks/*/index.html")):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        assert not soup.select("article style"), page
        sheets = {
            str(link["href"])
            for link in soup.select("article link[rel=stylesheet]")
            if "notebook." in str(link["href"])
        }
        assert len(sheets) == 1, page
        linked.add((page.parent / sheets.pop()).resolve())
    assert len(linked) == 1 and linked.pop().is_file()


# A formula left as TeX: `$...$` or `$$...$$` (no space just inside), `\(...\)`, `\[...\]`.
RAW_TEX = re.compile(r"\$\$?[^$\s][^$]*?(?<!\s)\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)


def test_no_page_shows_raw_tex(built_site: Path):
    """Every formula is MathML; TeX is left only in code, where it is what a reader types."""
    found = []
    for page in pages(built_site):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for element in soup.select("pre, code, script, style, math, textarea"):
            element.decompose()
        found += [
            f"{page.relative_to(built_site)}: {tex[:60]}"
            for tex in RAW_TEX.findall(soup.get_text())
        ]
    assert not found, "\n".join(found)


def test_the_pages_workflow_gives_the_build_the_real_addresses():
    """Each address mkdocs.yml reads from the environment, the publishing build sets."""
    variables = {}

    class Names(yaml.SafeLoader):
        """Reads the variable names of `!ENV [NAME, default]`."""

    Names.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[0])
    Names.add_multi_constructor("tag:yaml.org,2002:python/", lambda *args: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Names)
    for key in ("site_url", "repo_url", "edit_uri"):
        variables[key] = config[key]
    workflow = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    build = next(step for step in steps if step.get("run") == "nox -s docs")
    pages = next(step for step in steps if "configure-pages" in step.get("uses", ""))
    assert set(variables.values()) <= set(build["env"]), variables
    assert f"steps.{pages['id']}.outputs.base_url" in build["env"][variables["site_url"]]
    assert "github.repository" in build["env"][variables["repo_url"]]
