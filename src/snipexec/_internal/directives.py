"""Find the snippet references in a page's Markdown.

A reference is a fenced block whose info string is `snippet`, optionally followed by
`key=value` options, and whose body is one path relative to the project root:

    ```snippet timeout=300
    snippets/thread_model/forum_model.py
    ```

Fences of any other kind are skipped whole, so a page can show the syntax itself.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


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
        raises: Name of the exception the snippet is expected to raise, if any.
    """

    path: str
    line: int
    end: int
    indent: str = ""
    timeout: float | None = None
    raises: str | None = None


def find_snippets(markdown: str, page: str) -> list[SnippetRef]:
    """Return the snippet references in `markdown`; `page` names it in error messages."""
    refs = []
    lines = markdown.splitlines()
    number = 0
    while number < len(lines):
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
    for option in shlex.split(options):
        key, equals, value = option.partition("=")
        if key not in ("timeout", "raises") or not equals or not value:
            raise DirectiveError(
                f"{page}:{line}: unknown snippet option {option!r} "
                "(expected timeout=SECONDS or raises=ExceptionName)"
            )
        settings[key] = value
    try:
        timeout = float(settings["timeout"]) if "timeout" in settings else None
    except ValueError:
        raise DirectiveError(f"{page}:{line}: timeout must be a number of seconds") from None
    return SnippetRef(path, line, end, indent, timeout, settings.get("raises"))
