"""Which fenced blocks of a page Markdown renders, and where they sit.

The site's Markdown finds fences first, with `pymdownx.superfences`' line scan: a fence
opens at any indentation (blockquote `>` marks count as indentation) and closes at the
same fence, at the same indentation; a line indented less abandons it. Python-Markdown
then builds blocks around each fence, now one line: an HTML comment at the top level
hides what it holds, an indented block continues the admonition, note, tab or list before
it or else is indented code, which shows a fence as text, and a comment inside one
paragraph hides the fences in it. This module follows both passes for the blocks a page
uses (admonitions, `???` notes, content tabs, list items, blockquotes, comments, code,
paragraphs); `tests/test_directives_markdown.py` checks it against the real parsers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TAB = 4
INDENT = " " * TAB
_FENCE = re.compile(r"(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_TOKEN = re.compile(r"\x00(\d+)\x00")
_COMMENT = re.compile(r"<!--(?:(?!<!--|-->).)*-->", re.DOTALL)  # Python-Markdown's inline one
_BOX = re.compile(r'^(?:!!! ?[\w-]+(?: +[\w-]+)*(?: +".*?")?|\?{3}\+? ?(?:[\w-]+|")[^\n]*) *$')
_TAB_HEADER = re.compile(r'^={3}(?P<new>!)?\+? +".*?" *$')
_ITEM = re.compile(r"^ {0,3}(?:\d+\.|[*+-]) +")
_NESTED_ITEM = re.compile(rf"^ {{{TAB},{2 * TAB - 1}}}(?:\d+\.|[*+-]) +")
_QUOTE = re.compile(r"^ {0,3}> ?(?P<rest>.*)$")


@dataclass
class Fence:
    """A fenced block as superfences finds it (0-based lines).

    Attributes:
        start: The line of its opening fence.
        end: The line of its closing fence; `None` if nothing closes it.
        indent: What precedes the opening fence on its line (spaces, `>` marks).
        info: The opening fence's info string.
        body: Its lines between the fences, without the indentation.
    """

    start: int
    end: int | None
    indent: str
    info: str
    body: list[str] = field(default_factory=list)


def visible_fences(lines: list[str]) -> list[Fence]:
    """The fences of `lines` that Markdown renders as fenced blocks, in order.

    A fence nothing closes (or a line indented less than it abandons) is among them, with
    no `end`, if its opening line would show: it is for the caller to say so.
    """
    lines = [line.expandtabs(TAB) for line in lines]
    fences, folded = _scan(lines)
    shown: set[int] = set()
    _Parser(shown).chunk(_Node("root"), _without_comments(folded), "")
    return [fences[number] for number in sorted(shown)]


def _scan(lines: list[str]) -> tuple[list[Fence], list[str]]:
    """Superfences' scan: every fence, and the lines with each one folded into a token."""
    fences: list[Fence] = []
    folded: list[str] = []
    opened: Fence | None = None
    held: list[str] = []  # the lines of the open fence, as they were
    for number, line in enumerate(lines):
        if opened is None:
            width = len(line) - len(line.lstrip(" >"))
            match = _FENCE.match(line, width)
            if match is None:
                folded.append(line)
                continue
            opened = Fence(number, None, line[:width], match["info"])
            closing = re.compile(re.escape(match["fence"]) + r"[ \t]*$")
            held, blanks = [line], 0
            continue
        held.append(line)
        prefix, content = _split_prefix(line, len(opened.indent))
        verdict = _verdict(opened.indent, prefix, content, closing, blanks)
        if verdict == "abandon":  # its lines stay text; this one opens nothing
            folded.extend(_unclosed(opened, held, len(fences)))
            fences.append(opened)
            opened = None
        elif verdict == "close":
            opened.end = number
            folded.append(f"{opened.indent}\x00{len(fences)}\x00")
            fences.append(opened)
            opened = None
        else:
            blanks = blanks + 1 if verdict == "blank" else 0
            opened.body.append(content)
    if opened is not None:
        folded.extend(_unclosed(opened, held, len(fences)))
        fences.append(opened)
    return fences, folded


def _unclosed(fence: Fence, lines: list[str], number: int) -> list[str]:
    """The lines of a fence nothing closes: text, but its opening a token, to be told of."""
    return [f"{fence.indent}\x00{number}\x00", *lines[1:]]


def _verdict(indent: str, prefix: str, content: str, closing: re.Pattern[str], blanks: int) -> str:
    """What a line does to the fence opened after `indent`: blank, content, close, abandon.

    `prefix` is as much of the line's indentation as the opening's; `blanks` counts the
    blank lines just before it.
    """
    quotes, line_quotes = indent.count(">"), prefix.count(">")
    if not quotes:
        if line_quotes:
            return "abandon"
        if not (prefix + content).strip():
            return "blank"
        if len(prefix) != len(indent):
            return "abandon"
        if closing.match(content) and not content.startswith((" ", "\t")):
            return "close"
        return "content"
    if line_quotes > quotes:
        return "abandon"
    if not content:
        return "blank"
    if len(prefix) < len(indent) or (blanks and line_quotes < quotes):
        return "abandon"
    return "close" if closing.match(content) else "content"


def _split_prefix(line: str, width: int) -> tuple[str, str]:
    """The line's first `width` indentation characters at most, and the rest."""
    taken = 0
    while taken < width and taken < len(line) and line[taken] in " >":
        taken += 1
    return line[:taken], line[taken:]


def _without_comments(lines: list[str]) -> list[str]:
    """`lines` with each HTML comment that opens a line (3 spaces at most) as one raw line.

    Python-Markdown takes such a comment out before it builds blocks, blank lines and
    all: the fences in it never show.
    """
    out: list[str] = []
    number = 0
    while number < len(lines):
        line = lines[number]
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) > 3 or not stripped.startswith("<!--"):
            out.append(line)
            number += 1
            continue
        rest = stripped[4:]
        while "-->" not in rest and number + 1 < len(lines):
            number += 1
            rest = lines[number]
        out.extend(["", "\x01", ""])
        number += 1
    return out


@dataclass
class _Node:
    """An element of the page as Python-Markdown builds it, by kind only."""

    kind: str  # root, box, tabs, list, item, quote, code, p
    children: list[_Node] = field(default_factory=list)


class _Parser:
    """Python-Markdown's block parser, for the blocks pages use; notes each fence shown."""

    def __init__(self, shown: set[int]):
        self.shown = shown

    def chunk(self, parent: _Node, lines: list[str], state: str) -> None:
        """Parse `lines`, split into blocks at blank lines, into `parent`."""
        blocks = _split(lines)
        while blocks:
            self.block(parent, blocks, state)

    def block(self, parent: _Node, blocks: list[list[str]], state: str) -> None:
        """Parse the first of `blocks` into `parent`, as the first processor that takes it."""
        lines = blocks.pop(0)
        header = _first_header(lines)
        if header is not None:  # admonition, details, tabbed: a header on any line
            self._box(parent, lines, header, blocks, state)
            return
        first = lines[0]
        last = parent.children[-1] if parent.children else None
        indented = first.startswith(INDENT)
        if indented and last is not None and last.kind in ("box", "tabs"):
            self._continued(last, lines, blocks, state)
        elif indented and state != "detabbed" and last is not None and last.kind == "list":
            level, item = _list_level(parent, first)
            detabbed = [
                line[TAB * level :] if line.startswith(INDENT * level) else line for line in lines
            ]
            self.chunk(item, detabbed, "detabbed")
        elif indented:  # indented code: a fence in it shows as text
            _, rest = _detab(lines)
            if last is None or last.kind != "code":
                parent.children.append(_Node("code"))
            if rest:
                blocks.insert(0, rest)
        elif _ITEM.match(first):
            self._list(parent, lines, last)
        elif (quoted := _first_quoted(lines)) is not None:
            self._quote(parent, lines, quoted, state)
        else:
            parent.children.append(_Node("p"))
            text = _COMMENT.sub("", "\n".join(lines))
            self.shown.update(int(number) for number in _TOKEN.findall(text))

    def _box(
        self, parent: _Node, lines: list[str], header: int, blocks: list[list[str]], state: str
    ) -> None:
        """An admonition, note or tab whose header is `lines[header]`, after what precedes it."""
        if header:
            self.block(parent, [lines[:header]], state)
        last = parent.children[-1] if parent.children else None
        tab = _TAB_HEADER.match(lines[header])
        if tab and not tab["new"] and last is not None and last.kind == "tabs":
            node, node.children = last, []  # the next tab of the set
        else:
            node = _Node("tabs" if tab else "box")
            parent.children.append(node)
        self._detabbed(node, lines[header + 1 :], blocks, state)

    def _continued(self, box: _Node, lines: list[str], blocks: list[list[str]], state: str) -> None:
        """More of `box`, or of the item of a list at its end that the block is indented under."""
        target, width, first = box, TAB, lines[0]
        while (
            target.children and target.children[-1].kind == "list" and first.startswith(INDENT * 2)
        ):
            target = target.children[-1].children[-1]
            first, width = first[TAB:], width + TAB
        self._detabbed(target, lines, blocks, state, width)

    def _detabbed(
        self, node: _Node, lines: list[str], blocks: list[list[str]], state: str, width: int = TAB
    ) -> None:
        content, rest = _detab(lines, width)
        self.chunk(node, content, state)
        if rest:
            blocks.insert(0, rest)

    def _list(self, parent: _Node, lines: list[str], last: _Node | None) -> None:
        if last is not None and last.kind == "list":
            listing = last
        else:
            listing = _Node("list")
            parent.children.append(listing)
        items: list[list[str]] = []
        for line in lines:
            item = _ITEM.match(line)
            if item:
                items.append([line[item.end() :]])
            elif _NESTED_ITEM.match(line) and not items[-1][0].startswith(INDENT):
                items.append([line])
            else:
                items[-1].append(line)
        for item_lines in items:
            if item_lines[0].startswith(INDENT) and listing.children:
                self.block(listing.children[-1], [item_lines], "list")
            else:
                node = _Node("item")
                listing.children.append(node)
                self.block(node, [item_lines], "list")

    def _quote(self, parent: _Node, lines: list[str], at: int, state: str) -> None:
        if at:
            self.block(parent, [lines[:at]], state)
        cleaned = []
        for line in lines[at:]:
            match = _QUOTE.match(line)
            cleaned.append("" if line.strip() == ">" else match["rest"] if match else line)
        last = parent.children[-1] if parent.children else None
        if last is not None and last.kind == "quote":
            quote = last
        else:
            quote = _Node("quote")
            parent.children.append(quote)
        self.chunk(quote, cleaned, "blockquote")


def _first_header(lines: list[str]) -> int | None:
    """The index of the first line of `lines` that opens an admonition, a note or a tab."""
    return next(
        (n for n, line in enumerate(lines) if _BOX.match(line) or _TAB_HEADER.match(line)), None
    )


def _first_quoted(lines: list[str]) -> int | None:
    """The index of the first line of `lines` that a `>` marks as quoted, if any."""
    return next((number for number, line in enumerate(lines) if _QUOTE.match(line)), None)


def _split(lines: list[str]) -> list[list[str]]:
    """`lines` as blocks: runs of lines between blank ones."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _detab(lines: list[str], width: int = TAB) -> tuple[list[str], list[str]]:
    """The lines indented by `width`, without it, up to the first that is not; the rest."""
    content: list[str] = []
    for line in lines:
        if line.startswith(" " * width):
            content.append(line[width:])
        elif not line.strip():
            content.append("")
        else:
            break
    return content, lines[len(content) :]


def _list_level(parent: _Node, first: str) -> tuple[int, _Node]:
    """How many lists deep an indented block reaches, and the item it continues."""
    indent_level = (len(first) - len(first.lstrip(" "))) // TAB
    level, node = 0, parent
    while indent_level > level:
        child = node.children[-1] if node.children else None
        if child is None or child.kind not in ("list", "item"):
            break
        if child.kind == "list":
            level += 1
        node = child
    if node.kind == "list":
        if not node.children:
            node.children.append(_Node("item"))
        node = node.children[-1]
    return level, node
