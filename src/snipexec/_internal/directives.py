"""Find the snippet references in a page's Markdown.

A reference is a fenced block whose info string is `snippet`, optionally followed by
`key=value` options, and whose body is one path relative to the project root:

    ```snippet timeout=300 variants=keras3,keras2
    snippets/thread_model/forum_model.py
    ```

Options: `timeout=SECONDS`; `variants=A,B` (the variants it runs under, each of which
must succeed); `raises=Error` (it must fail with that exception) or `raises=VARIANT:Error`
(only under that variant: the page then shows that variant's error as the reason it
cannot run there); `max-lines=N` and `max-bytes=N` (how much output may be shown).

A block runs exactly where the site's Markdown renders it as a fenced block: in an
admonition, a collapsible note, a content tab, a list item or a blockquote, nested as
deep as Markdown allows; never inside another fenced block, an indented code block or
an HTML comment. Finding them follows the site's own parsers, in two passes:
`pymdownx.superfences`' scan for fences (any indentation, `>` included; closed by the
same fence at the same indentation), then the block structure Python-Markdown builds
around them (what an indented block continues, where a comment hides it). What replaces a
block keeps its indentation.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TypeVar

from .markdown_blocks import Fence, visible_fences

Number = TypeVar("Number", int, float)
OPTIONS = ("timeout", "raises", "variants", "max-lines", "max-bytes")
OPTIONS_HELP = "timeout=SECONDS, variants=A,B, raises=[VARIANT:]Error, max-lines=N or max-bytes=N"


class DirectiveError(ValueError):
    """A malformed snippet reference; the message names the page and line."""


@dataclass(frozen=True)
class SnippetRef:
    """One snippet reference in a page.

    Attributes:
        path: The snippet's path relative to the project root, as written.
        line: 1-based line of the opening fence in the page.
        end: 1-based line of the closing fence.
        indent: The fence's indentation, kept for the Markdown that replaces it.
        timeout: Seconds the run may take, or `None` for the site's default.
        raises: Exception names the snippet is expected to raise, by variant name; the
            key `"*"` stands for every variant.
        variants: The variants it runs under, or `None` for the site's default.
        max_lines: Lines of output the page may show, or `None` for the site's default.
        max_bytes: Bytes of output the page may show, or `None` for the site's default.
    """

    path: str
    line: int
    end: int
    indent: str = ""
    timeout: float | None = None
    raises: Mapping[str, str] = field(default_factory=dict)
    variants: tuple[str, ...] | None = None
    max_lines: int | None = None
    max_bytes: int | None = None

    def expected_exception(self, variant: str) -> str | None:
        """The exception this snippet must raise under `variant`, if any."""
        return self.raises.get(variant, self.raises.get("*"))


def find_snippets(markdown: str, page: str) -> list[SnippetRef]:
    """Return the snippet references in `markdown`; `page` names it in error messages."""
    refs = []
    for fence in visible_fences(markdown.splitlines()):
        words = fence.info.strip().split(maxsplit=1)
        if not words or words[0] != "snippet":
            continue
        if fence.end is None:
            raise DirectiveError(
                f"{page}:{fence.start + 1}: this snippet block is never closed (its closing "
                "fence must match its opening one, at the same indentation)"
            )
        options = words[1] if len(words) > 1 else ""
        refs.append(_reference(fence, options, page))
    return refs


def _reference(fence: Fence, options: str, page: str) -> SnippetRef:
    line = fence.start + 1
    paths = [text.strip() for text in fence.body if text.strip()]
    if len(paths) != 1:
        raise DirectiveError(f"{page}:{line}: a snippet block holds exactly one path")
    path = paths[0]
    if PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts:
        raise DirectiveError(f"{page}:{line}: snippet path {path!r} must be inside the project")
    settings: dict[str, str] = {}
    raises: dict[str, str] = {}
    for option in shlex.split(options):
        key, equals, value = option.partition("=")
        if key not in OPTIONS or not equals or not value:
            raise DirectiveError(
                f"{page}:{line}: unknown snippet option {option!r} (expected {OPTIONS_HELP})"
            )
        if key == "raises":
            variant, _, exception = value.rpartition(":")
            raises[variant or "*"] = exception
        else:
            settings[key] = value
    variants = tuple(settings["variants"].split(",")) if "variants" in settings else None
    unknown = set(raises) - {"*", *(variants or raises)}
    if unknown:
        raise DirectiveError(
            f"{page}:{line}: raises= names {', '.join(sorted(unknown))}, "
            "which is not in this block's variants="
        )
    return SnippetRef(
        path,
        line,
        (fence.end or fence.start) + 1,
        fence.indent,
        timeout=_number(settings, "timeout", float, page, line),
        raises=raises,
        variants=variants,
        max_lines=_number(settings, "max-lines", int, page, line),
        max_bytes=_number(settings, "max-bytes", int, page, line),
    )


def _number(
    settings: dict[str, str], key: str, kind: type[Number], page: str, line: int
) -> Number | None:
    """The option `key` as a positive number, or `None` if absent."""
    if key not in settings:
        return None
    try:
        value = kind(settings[key])
    except ValueError:
        value = kind(0)
    if value <= 0:
        raise DirectiveError(f"{page}:{line}: {key} must be a positive number")
    return value
