"""Paths in captured output, written the same whichever checkout or environment ran it."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .results import Figure, RunResult

# A path into an installed package, up to its `site-packages/` folder, e.g.
# `/home/me/.venv/lib/python3.11/site-packages/` or `C:\Python311\Lib\site-packages\`.
_INSTALLED = re.compile(r"""(?:[A-Za-z]:)?[^\s"'<>()|,]*[/\\](?:site|dist)-packages(?=[/\\])""")
# A path into Python's own library, e.g. `/usr/lib/python3.11/`.
_STANDARD = re.compile(r"""(?:[A-Za-z]:)?[^\s"'<>()|,]*[/\\](lib[/\\]python3\.\d+)(?=[/\\])""")


def portable_text(text: str, root: Path) -> str:
    """`text` with paths under `root` made relative and environments' paths shortened.

    A file of an installed package reads `.../site-packages/PACKAGE/...`, one of Python's
    library `.../lib/python3.N/...`: what a reader recognises in their own traceback.
    """
    text = _INSTALLED.sub(".../site-packages", text)
    text = _STANDARD.sub(lambda match: f".../{match[1]}", text)
    return text.replace(f"{root}/", "")


def portable_result(result: RunResult, root: Path) -> RunResult:
    """`result` with `portable_text` applied to everything it shows."""

    def clean(text: str) -> str:
        return portable_text(text, root)

    failure = result.failure
    return replace(
        result,
        stdout=clean(result.stdout),
        stderr=clean(result.stderr),
        figures=tuple(Figure(clean(item.svg), clean(item.alt)) for item in result.figures),
        failure=failure and replace(failure, summary=clean(failure.summary)),
    )
