"""The outputs of one snippet under its variants, as Markdown: once if alike, else in tabs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from textwrap import indent

from .directives import SnippetRef
from .render import NOT_RUN, fenced, figure, versions_text
from .results import RunResult
from .variants import Variant

# Where a figure's SVG is put for the page to show: its URL relative to the page.
FigureLink = Callable[[str], str]


def render_outputs(
    ref: SnippetRef,
    results: Mapping[str, RunResult | None],
    variants: Mapping[str, Variant],
    link: FigureLink,
) -> str:
    """Outputs, stderr and figures; a note for each variant that cannot run the snippet."""
    cannot = {
        name: result
        for name, result in results.items()
        if result is not None and result.failure is not None and name in ref.raises
    }
    shown = {name: result for name, result in results.items() if name not in cannot}
    parts = []
    if any(result is None for result in shown.values()):
        parts.append(NOT_RUN)
    else:
        parts.append(_shown(shown, variants, link))
    parts.extend(_cannot_run(variants[name], result) for name, result in cannot.items())
    return "\n".join(part for part in parts if part)


def _shown(
    results: Mapping[str, RunResult | None], variants: Mapping[str, Variant], link: FigureLink
) -> str:
    runs = {name: result for name, result in results.items() if result is not None}
    if not runs:
        return ""
    distinct = {_signature(result) for result in runs.values()}
    if distinct == {("", "", ())}:
        return ""  # nothing printed or drawn: nothing to attribute
    if len(distinct) == 1:
        labels = [variants[name].label for name in runs]
        note = f"Output of {_join(labels)}{': the same' if len(labels) > 1 else ''}."
        paragraph = f"{note}\n{{: .snippet-variants }}\n\n"
        return paragraph + single_output(next(iter(runs.values())), link)
    tabs = []
    for name, result in runs.items():
        body = f"{single_output(result, link)}\n{_versions(result)}"
        tabs.append(f'=== "{variants[name].label}"\n\n{indent(body, "    ")}')
    return "\n".join(tabs)


def single_output(result: RunResult, link: FigureLink) -> str:
    """Standard output, standard error and figures of one run."""
    parts = []
    if result.stdout:
        parts.append(fenced(result.stdout, "text", "Output", "snippet-output"))
    if result.stderr:
        parts.append(fenced(result.stderr, "text", "Error output", "snippet-stderr"))
    parts.extend(figure(link(item.svg), item.alt) for item in result.figures)
    return "\n".join(parts)


def _cannot_run(variant: Variant, result: RunResult) -> str:
    failure = result.failure
    assert failure is not None
    line = f" (line {failure.line})" if failure.line else ""
    body = f"Running it there ends with `{failure.summary}`{line}."
    return f'!!! note "Does not run under {variant.label}"\n\n    {body}\n'


def _versions(result: RunResult) -> str:
    listed = versions_text(result.versions)
    return f"{listed}\n{{: .snippet-versions }}\n" if listed else ""


def _signature(result: RunResult) -> tuple[str, str, tuple[str, ...]]:
    return result.stdout, result.stderr, tuple(item.svg for item in result.figures)


def _join(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
