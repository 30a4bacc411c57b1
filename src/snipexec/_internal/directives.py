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
Fences of any other kind are skipped whole, so a page can show the syntax itself, and
so are HTML comments: a block commented out does not run. A block may be indented, as in
an admonition, a content tab or a list item; what replaces it keeps that indentation.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TypeVar

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_COMMENT_OPENS = re.compile(r"^[ \t]*<!--")


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
    lines = markdown.splitlines()
    number = 0
    while number < len(lines):
        if _COMMENT_OPENS.match(lines[number]):
            number = _after_comment(lines, number)
            continue
        opening = _FENCE.match(lines[number])
        number += 1
        if not opening:
            continue
        start = number
        fence = opening["fence"]
        body = []
        while number < len(lines) and not _closes(lines[number], fence):
            body.append(lines[number])
            number += 1
        if number == len(lines):
            raise DirectiveError(f"{page}:{start}: this code fence is never closed")
        number += 1
        words = opening["info"].strip().split(maxsplit=1)
        if words and words[0] == "snippet":
            options = words[1] if len(words) > 1 else ""
            refs.append(_reference(body, options, page, start, number, opening["indent"]))
    return refs


def _after_comment(lines: list[str], number: int) -> int:
    """The index of the line after the HTML comment that opens on line `number`."""
    rest = lines[number].split("<!--", 1)[1]
    while "-->" not in rest and number + 1 < len(lines):
        number += 1
        rest = lines[number]
    return number + 1


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and not stripped.strip(fence[0])


def _reference(
    body: list[str], options: str, page: str, line: int, end: int, indent: str
) -> SnippetRef:
    paths = [text.strip() for text in body if text.strip()]
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
        end,
        indent,
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
