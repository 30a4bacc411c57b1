"""Resolve snippet references to checked run results: from the cache or by running them."""

from __future__ import annotations

import datetime
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from mkdocs.plugins import get_plugin_logger

from .bounds import Limits, bounded
from .cache import Cache
from .directives import SnippetRef
from .fork_server import WorkerError
from .imports import ImportRuleError, Module
from .keys import Snapshot
from .pool import WorkerPool
from .portable import portable_result
from .results import Failure, RunResult
from .variants import MissingEnvironment, Variant

log = get_plugin_logger("snipexec")

Mode = Literal["cache", "force", "off"]


class SnippetError(Exception):
    """A snippet could not be run, or did not end as its page says it should."""


@dataclass(frozen=True)
class Shard:
    """Run only the misses whose key falls in shard `index` (1-based) of `count`."""

    index: int
    count: int

    def holds(self, key: str) -> bool:
        """Whether the run with this key belongs to this shard."""
        return int(key[:12], 16) % self.count == self.index - 1


@dataclass(frozen=True)
class Run:
    """A queued run of a block's snippet under one variant."""

    future: Future[RunResult]
    variant: Variant
    ref: SnippetRef
    page: str


@dataclass(frozen=True)
class Outcome:
    """What a page shows for one snippet: its snapshot and one result per variant.

    A result is `None` where execution is off and nothing is stored; `omitted` counts
    the output lines cut to the output limits.
    """

    snapshot: Snapshot
    results: dict[str, RunResult | None]
    omitted: int = 0


class Execution:
    """One build's worth of snippet runs.

    Misses are queued as soon as they are known (`prefetch`), so workers run them while
    MkDocs reads and renders pages; `outcome` waits for a snippet's runs, checks each
    against the page's expectation and only then stores it in the cache.
    """

    def __init__(
        self,
        *,
        root: Path,
        cache: Cache,
        pool: WorkerPool,
        workers: int,
        mode: Mode,
        timeout: float,
        default_variants: tuple[str, ...],
        limits: Limits,
        shard: Shard | None = None,
    ):
        """Set up a build; nothing runs until `prefetch` or `outcome` is called."""
        self.root, self.cache, self.pool, self.mode = root, cache, pool, mode
        self.timeout, self.default_variants, self.limits = timeout, default_variants, limits
        self.shard = shard
        self._queue = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="snipexec")
        self._runs: dict[str, Run] = {}
        self._snapshots: dict[str, Snapshot] = {}
        self._files: dict[str, Module] = {}  # each file read this build, once
        self._fingerprints: dict[str, tuple[str, dict[str, str]]] = {}
        self._outcomes: dict[tuple[str, int], Outcome] = {}
        self.ran: dict[str, RunResult] = {}
        self.reused: set[str] = set()
        self.waited = 0.0  # seconds spent waiting for runs to end
        self.started = time.time()  # entries older than this no recent build used may go

    def variants(self, ref: SnippetRef, page: str) -> tuple[Variant, ...]:
        """The variants `ref` runs under; an unknown name is an error naming page and line."""
        names = ref.variants or self.default_variants
        unknown = [name for name in names if name not in self.pool.variants]
        if unknown:
            known = ", ".join(self.pool.variants)
            raise SnippetError(
                f"{page}:{ref.line}: unknown variant {', '.join(unknown)} (this site has {known})"
            )
        return tuple(self.pool.variants[name] for name in names)

    def snapshot(self, ref: SnippetRef, page: str) -> Snapshot:
        """The snippet's bytes for this build, read once.

        A missing file, or an import the rules refuse, is an error naming page and line.
        """
        if ref.path not in self._snapshots:
            if not (self.root / ref.path).is_file():
                raise SnippetError(f"{page}:{ref.line}: snippet file {ref.path} does not exist")
            try:
                self._snapshots[ref.path] = Snapshot.take(self.root, ref.path, self._files)
            except ImportRuleError as error:
                raise SnippetError(f"{page}:{ref.line}: {error}") from None
        return self._snapshots[ref.path]

    def _fingerprint(self, variant: Variant) -> tuple[str, dict[str, str]]:
        """The variant's key prefix and shown versions, read from its environment once."""
        if variant.name not in self._fingerprints:
            try:
                installed = variant.installed(self.root)
            except MissingEnvironment as error:
                raise SnippetError(str(error)) from None
            self._fingerprints[variant.name] = (
                variant.fingerprint(installed),
                variant.versions(installed),
            )
        return self._fingerprints[variant.name]

    def key(self, snapshot: Snapshot, variant: Variant) -> str:
        """The cache key of `snapshot` under `variant`."""
        return snapshot.key(self._fingerprint(variant)[0])

    def prefetch(self, ref: SnippetRef, page: str) -> None:
        """Start running `ref` under each of its variants whose output is not cached."""
        snapshot = self.snapshot(ref, page)
        for variant in self.variants(ref, page):
            key = self.key(snapshot, variant)
            if self.mode == "off" or key in self._runs or key in self.ran:
                continue
            if self.shard is not None and not self.shard.holds(key):
                continue
            if self.mode == "cache" and self.cache.get(key) is not None:
                continue
            future = self._queue.submit(
                self.pool.run,
                variant.name,
                self.root / ref.path,
                snapshot.text,
                ref.timeout or self.timeout,
            )
            self._runs[key] = Run(future, variant, ref, page)

    def wait(self) -> None:
        """Wait for every queued run, check it as its page expects, and store it (for shards).

        A run that did not end as its page expects fails, as it would fail the build.
        """
        for key, run in list(self._runs.items()):
            where = f"{run.page}:{run.ref.line}: {run.ref.path}"
            result = self._checked(run, where)
            self.cache.put(key, result)
            self.ran[key] = result

    def _checked(self, run: Run, where: str) -> RunResult:
        """The run's result, once it ended as its block expects under its variant."""
        try:
            result = self._finish(run.future, run.variant)
        except SnippetError as error:
            raise SnippetError(f"{where} could not run under {run.variant.name}: {error}") from None
        expected = run.ref.expected_exception(run.variant.name)
        _check(result, expected, where, run.variant.name)
        return result

    def result(self, ref: SnippetRef, page: str) -> RunResult | None:
        """The result under the first of `ref`'s variants: what a notebook shows."""
        return next(iter(self.outcome(ref, page).results.values()))

    def outcome(self, ref: SnippetRef, page: str) -> Outcome:
        """The checked results of `ref` under each of its variants, cut to the limits."""
        if (page, ref.line) not in self._outcomes:
            self._outcomes[page, ref.line] = self._outcome(ref, page)
        return self._outcomes[page, ref.line]

    def _outcome(self, ref: SnippetRef, page: str) -> Outcome:
        snapshot = self.snapshot(ref, page)
        results: dict[str, RunResult | None] = {}
        for variant in self.variants(ref, page):
            results[variant.name] = self._result(ref, page, snapshot, variant)
        limits = Limits(ref.max_lines or self.limits.lines, ref.max_bytes or self.limits.bytes)
        omitted = 0
        for name, result in results.items():
            if result is not None:
                results[name], cut = _bounded(result, limits)
                omitted = max(omitted, cut)
        if omitted:
            log.warning(
                "%s:%d: %s printed more than its output limit (%d lines, %d bytes); %d lines "
                "are not shown (raise it with max-lines= or max-bytes= on the block)",
                page,
                ref.line,
                ref.path,
                limits.lines,
                limits.bytes,
                omitted,
            )
        return Outcome(snapshot, results, omitted)

    def _result(
        self, ref: SnippetRef, page: str, snapshot: Snapshot, variant: Variant
    ) -> RunResult | None:
        key = self.key(snapshot, variant)
        if key in self.ran:
            return self.ran[key]
        if key not in self._runs:
            cached = self.cache.get(key) if self.mode != "force" else None
            if cached is not None or self.mode == "off":
                if cached is not None:
                    self.reused.add(key)
                return cached
            self.prefetch(ref, page)
        where = f"{page}:{ref.line}: {ref.path}"
        result = self._checked(Run(self._runs[key].future, variant, ref, page), where)
        if snapshot.unchanged(self.root):  # else a file was saved during the run: not stored
            self.cache.put(key, result)
        self.ran[key] = result
        log.info("ran %s under %s in %.1f s", ref.path, variant.name, result.seconds)
        return result

    def _finish(self, future: Future[RunResult], variant: Variant) -> RunResult:
        """The run's result as it is stored: stamped, paths relative to the project root."""
        start = time.perf_counter()
        try:
            result = future.result()
        except WorkerError as error:
            raise SnippetError(str(error)) from None
        finally:
            self.waited += time.perf_counter() - start
        stamped = replace(result, versions=self._fingerprint(variant)[1], ran_at=_now())
        return portable_result(stamped, self.root)

    def close(self) -> None:
        """Drop queued runs that have not started and wait for those running, if any."""
        self._queue.shutdown(wait=True, cancel_futures=True)


def _bounded(result: RunResult, limits: Limits) -> tuple[RunResult, int]:
    stdout, cut_out = bounded(result.stdout, limits)
    stderr, cut_err = bounded(result.stderr, limits)
    return replace(result, stdout=stdout, stderr=stderr), max(cut_out, cut_err)


def _check(result: RunResult, expected: str | None, where: str, variant: str) -> None:
    """Raise `SnippetError` unless the run ended as the page expects.

    `where` is `PAGE:LINE: SNIPPET`; the message adds the snippet's line and the variant.
    """
    failure: Failure | None = result.failure
    if failure is None:
        if expected:
            raise SnippetError(
                f"{where} was expected to raise {expected} but did not (under {variant})"
            )
        return
    if failure.kind == "exception" and failure.exception == expected:
        return
    if failure.kind == "exception":
        line = f":{failure.line}" if failure.line else ""
        headline = f"{where}{line} raised {failure.summary} under {variant}"
    elif failure.kind == "timeout":
        headline = f"{where} {failure.summary} under {variant}; the worker was stopped"
    else:
        headline = f"{where}: {failure.summary} while running it under {variant}"
    output = (result.stdout + result.stderr).rstrip()
    raise SnippetError(f"{headline}\n{output}" if output else headline)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
