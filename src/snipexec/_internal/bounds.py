"""Keep a snippet's shown output within a number of lines and bytes: head, marker, tail."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How much output one snippet may show, per stream."""

    lines: int
    bytes: int


def bounded(text: str, limits: Limits) -> tuple[str, int]:
    """`text` cut to `limits`: its head and tail around a marker; returns it and lines cut."""
    lines = text.splitlines(keepends=True)
    if len(lines) <= limits.lines and len(text.encode()) <= limits.bytes:
        return text, 0
    keep = max(limits.lines - 1, 2)
    head, tail = keep - keep // 2, keep // 2
    budget = max(limits.bytes - 200, 2) // 2
    head_lines = _within(lines[:head], budget)
    tail_lines = _within(lines[len(lines) - tail :][::-1], budget)[::-1]
    omitted = len(lines) - len(head_lines) - len(tail_lines)
    marker = f"… {omitted} line{'s' if omitted != 1 else ''} omitted …\n"
    return "".join([*head_lines, marker, *tail_lines]), omitted


def _within(lines: list[str], budget: int) -> list[str]:
    """The leading `lines` whose UTF-8 size adds up to at most `budget` bytes."""
    kept, used = [], 0
    for line in lines:
        used += len(line.encode())
        if used > budget:
            break
        kept.append(line)
    return kept
