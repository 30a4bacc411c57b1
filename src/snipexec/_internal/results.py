"""What one run of a snippet produced, in a form that survives a JSON round trip."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FailureKind = Literal["exception", "timeout", "crash"]


@dataclass(frozen=True)
class Figure:
    """A matplotlib figure left open by a snippet, saved as SVG."""

    svg: str
    alt: str


@dataclass(frozen=True)
class Failure:
    """Why a run did not finish normally.

    Attributes:
        kind: `"exception"` (the snippet raised), `"timeout"` or `"crash"` (the worker died).
        summary: One line, e.g. `ValueError: bad shape` or `the worker process died (exit code 1)`.
        exception: The exception's class name, for `"exception"` failures.
        line: The line of the snippet where the exception surfaced, if known.
    """

    kind: FailureKind
    summary: str
    exception: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class RunResult:
    """Output of one snippet run.

    Attributes:
        stdout: Everything written to standard output, TensorFlow's start-up lines removed.
        stderr: The same for standard error, including a traceback if the snippet raised.
        figures: Figures left open when the snippet ended, in creation order.
        failure: `None` when the snippet ran to the end.
        seconds: Wall-clock run time of the snippet itself.
        versions: Versions of Python and the libraries that produced this output.
        ran_at: ISO 8601 date and time (UTC) of the run.
        values: The snippet's module-level numbers, strings and tuples of them when it
            ended, by name: what a page can place in its prose.
    """

    stdout: str
    stderr: str
    figures: tuple[Figure, ...] = ()
    failure: Failure | None = None
    seconds: float = 0.0
    versions: dict[str, str] = field(default_factory=dict)
    ran_at: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        """Rebuild a result from `to_json` output; raises `TypeError` on any malformed field."""
        data = dict(data)
        failure = data.pop("failure")
        result = cls(
            figures=tuple(Figure(**figure) for figure in data.pop("figures")),
            failure=Failure(**failure) if failure is not None else None,
            **data,
        )
        texts = [result.stdout, result.stderr, result.ran_at]
        texts += [text for figure in result.figures for text in (figure.svg, figure.alt)]
        if result.failure is not None:
            texts.append(result.failure.summary)
            if result.failure.kind not in ("exception", "timeout", "crash"):
                raise TypeError(f"unknown failure kind {result.failure.kind!r}")
        if not all(isinstance(text, str) for text in texts):
            raise TypeError("a text field is not a string")
        if not isinstance(result.seconds, int | float) or not isinstance(result.versions, dict):
            raise TypeError("seconds or versions has the wrong type")
        if not isinstance(result.values, dict):
            raise TypeError("values is not a mapping")
        return result
