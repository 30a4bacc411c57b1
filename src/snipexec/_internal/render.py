"""Turn a snippet and its run into the Markdown that replaces its reference."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping, Sequence
from textwrap import indent

from .profile import LIBRARY_NAMES
from .results import RunResult
from .variants import Variant

NOT_RUN = (
    '!!! warning "Not run"\n\n    Execution is off and this snippet has no stored output yet.\n'
)


# Printed outputs longer than this (model summaries, arrays, the explorer's JSON) stay out
# of the search index: a reader searches the prose that explains them, not their digits.
SEARCHED_OUTPUT_LINES = 10


def fenced(text: str, language: str, title: str, css_class: str) -> str:
    """A fenced block that no backtick run inside `text` can close early.

    Blocks a reader does not search for are marked for the theme's search to skip
    (`data-search-exclude`): long printed outputs, and the helper code a copy adds,
    which repeats a module's own source.
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    unsearched = css_class == "snippet-helper" or (
        css_class == "snippet-output" and text.count("\n") >= SEARCHED_OUTPUT_LINES
    )
    skip = ' data-search-exclude="true"' if unsearched else ""
    header = f'{fence} {{ .{language} .{css_class} title="{html.escape(title)}"{skip} }}'
    return f"{header}\n{text.rstrip(chr(10))}\n{fence}\n"


def figure(url: str, alt: str) -> str:
    """An image tag for a figure saved as its own file at `url`, cached by the browser."""
    return (
        f'<figure class="snippet-figure"><img alt="{html.escape(alt)}" '
        f'src="{html.escape(url)}"></figure>\n'
    )


def replace_lines(markdown: str, start: int, end: int, replacement: str, prefix: str) -> str:
    """Replace lines `start`..`end` (1-based, inclusive) of `markdown`, keeping `prefix`."""
    lines = markdown.splitlines(keepends=True)
    block = indent(replacement, prefix, lambda line: True) + "\n"
    return "".join([*lines[: start - 1], block, *lines[end:]])


def provenance(runs: Sequence[tuple[Variant, RunResult]], installs: Mapping[str, str]) -> str:
    """When, and in which environments, a page's outputs were produced (empty if never run).

    Each variant that produced an output is listed once with its versions, and with
    `installs[name]`, how a reader gets its own environment, where it has one.
    """
    ran = {variant.name: (variant, result) for variant, result in reversed(runs) if result.ran_at}
    if not ran:
        return ""
    dates = sorted({result.ran_at[:10] for _, result in ran.values()})
    when = f"on {dates[0]}" if len(dates) == 1 else f"between {dates[0]} and {dates[-1]}"
    lines = [f"Outputs on this page were produced {when}, by:", ""]
    for name, (variant, result) in sorted(ran.items(), key=lambda item: _order(runs, item[0])):
        install = f"; its own environment: `{installs[name]}`" if name in installs else ""
        lines.append(f"- {variant.label}: {versions_text(result.versions)}{install}")
    return "\n".join(lines)


def versions_text(versions: Mapping[str, str]) -> str:
    """`Python 3.11.7, TensorFlow 2.12.1, ...`: the versions a run was made with."""
    return ", ".join(
        f"{LIBRARY_NAMES.get(name, name)} {version}" for name, version in versions.items()
    )


def _order(runs: Sequence[tuple[Variant, RunResult]], name: str) -> int:
    return next(index for index, (variant, _) in enumerate(runs) if variant.name == name)


def page_footer(stamp: str, notebook: str | None, downloads: list[tuple[str, str]]) -> str:
    """The box under a page: the versions stamp, the notebook and the files to download."""
    lines = [stamp] if stamp else []
    if notebook:
        lines.append(f"[Run this page as a notebook]({notebook})")
    if downloads:
        links = ", ".join(f"[`{name}`]({link})" for name, link in downloads)
        lines.append(f"Download the examples: {links}")
    body = "\n\n".join(lines)
    return f'\n\n<div class="snippet-provenance" markdown>\n\n{body}\n\n</div>\n'


_SNIPPET_HEADER = re.compile(
    r'^(?P<indent>[ \t>]*)(?P<fence>`{3,}) \{ \.python \.snippet-code title="(?P<title>[^"]*)" \}$'
)
# What an attribute value keeps as it is; anything else becomes a character reference.
_ATTRIBUTE_UNSAFE = re.compile(r"[^A-Za-z0-9 _\-.,:;()\[\]=+*/%!?#@$^|~]")


def with_copy(markdown: str, path: str, copy: str, helpers: Sequence[tuple[str, str]]) -> str:
    """Give the code block of snippet `path` the copy text `copy`, and show `helpers` under it.

    mkdocs-material copies the `data-copy` attribute of a code block's container when it
    has one. The helpers (file name, code) go in a collapsed note after the block, so the
    snippet's own code stays first on the page.
    """
    lines = markdown.splitlines(keepends=True)
    value = _ATTRIBUTE_UNSAFE.sub(lambda unsafe: f"&#{ord(unsafe[0])};", copy)
    names = " and ".join(name for name, _ in helpers)
    for index in reversed(range(len(lines))):
        header = _SNIPPET_HEADER.match(lines[index].rstrip("\n"))
        if header is None or html.unescape(header["title"]) != path:
            continue
        indent, fence = header["indent"], header["fence"]
        lines[index] = f'{lines[index].rstrip()[:-1]}data-copy="{value}" }}\n'
        close = next(i for i in range(index + 1, len(lines)) if lines[i].rstrip() == indent + fence)
        blocks = "\n".join(fenced(code, "python", name, "snippet-helper") for name, code in helpers)
        note = f'??? note "Copying this example also copies {names}, which it imports"\n\n'
        note += indent_text(blocks, "    ")
        lines.insert(close + 1, "\n" + indent_text(note, indent))
    return "".join(lines)


def indent_text(text: str, prefix: str) -> str:
    """`text` with `prefix` before every line, blank lines included."""
    return indent(text, prefix, lambda line: True)


_LOADERS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r"|<script type=\"module\">(?:(?!</script>).)*?jp-Mermaid"
    r".*?<!-- End of mermaid configuration -->",
    re.DOTALL,
)
_TAGS = re.compile(r'<div class="celltoolbar">.*?</span>\s*</span>\s*</div>\s*</div>', re.DOTALL)
_NO_ALT = 'alt="No description has been provided for this image"'
_FOCUSABLE_WRAPPER = '<div class="jp-Cell-inputWrapper" tabindex="0">'


def notebook_page_html(content: str, alts: Sequence[str], site_url: str, page_url: str) -> str:
    """A notebook page as the site shows it, at `page_url` (relative to the site's root).

    nbconvert gives SVG figures a placeholder alt text: each gets its figure's own, in
    order. The cells' tag labels, the MathJax and mermaid loaders (scripts from another
    host, which this site never loads), and the tab stop on every cell's wrapper (which
    does nothing for a reader) go. The notebook's links to the site,
    absolute under `site_url` so that a downloaded notebook keeps them, become relative:
    they stay on the site that shows the page, wherever it is served.
    """
    content = _TAGS.sub("", _LOADERS.sub("", content))
    content = content.replace(_FOCUSABLE_WRAPPER, '<div class="jp-Cell-inputWrapper">')
    for alt in alts:
        content = content.replace(_NO_ALT, f'alt="{html.escape(alt)}"', 1)
    site_link = re.compile(rf'href="{re.escape(html.escape(site_url))}(?P<path>[^"?#]*)')
    return site_link.sub(lambda link: f'href="{_relative(link["path"], page_url)}', content)


def _relative(path: str, page_url: str) -> str:
    """The URL of `path` (under the site's root) from the page at `page_url`."""
    relative = posixpath.relpath(path or ".", page_url or ".")
    return relative + "/" if path.endswith("/") or not path else relative
