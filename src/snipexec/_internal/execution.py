"""Resolve snippet references to checked run results: from the cache or by running them."""

from __future__ import annotations

import datetime
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Literal

from .cache import Cache
from .directives import SnippetRef
from .keys import snippet_key
from .results import RunResult
from .runner import Runner, WorkerError

log = logging.getLogger("mkdocs.plugins.snipexec")

Mode = Literal["cache", "force", "off"]


class SnippetError(Exception):
    """A snippet could not be run, or did not end as its page says it should."""


class Execution:
    """One build's worth of snippet runs.

    Misses are queued as soon as they are known (`prefetch`), so the worker runs them
    while MkDocs reads the other pages; `result` waits for one, checks it against the
    page's expectation and only then stores it in the cache.
    """

    def __init__(
        self,
        *,
        root: Path,
        cache: Cache,
        runner: Runner,
        mode: Mode,
        timeout: float,
        environment: str,
        versions: dict[str, str],
    ):
        """Set up a build; nothing runs until `prefetch` or `result` is called."""
        self.root, self.cache, self.runner, self.mode = root, cache, runner, mode
        self.timeout, self.environment, self.versions = timeout, environment, versions
        self._queue = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snipexec")
        self._runs: dict[str, Future[RunResult]] = {}
        self.ran: dict[str, RunResult] = {}
        self.reused: set[str] = set()

    def key(self, ref: SnippetRef, page: str) -> str:
        """The cache key of `ref`; a missing file is an error naming the page and line."""
        snippet = self.root / ref.path
        if not snippet.is_file():
            raise SnippetError(f"{page}:{ref.line}: snippet file {ref.path} does not exist")
        return snippet_key(snippet, self.root, self.environment)

    def prefetch(self, ref: SnippetRef, page: str) -> None:
        """Start running `ref` in the background if its output is not cached."""
        key = self.key(ref, page)
        if self.mode == "off" or key in self._runs:
            return
        if self.mode == "cache" and self.cache.get(key) is not None:
            return
        timeout = ref.timeout or self.timeout
        self._runs[key] = self._queue.submit(self.runner.run, self.root / ref.path, timeout)

    def result(self, ref: SnippetRef, page: str) -> RunResult | None:
        """The checked result of `ref`; `None` only when execution is off and none is stored."""
        key = self.key(ref, page)
        if key in self.ran:
            return self.ran[key]
        if key not in self._runs:
            cached = self.cache.get(key) if self.mode != "force" else None
            if cached is not None or self.mode == "off":
                if cached is not None:
                    self.reused.add(key)
                return cached
            self.prefetch(ref, page)
        try:
            run = self._runs[key].result()
        except WorkerError as error:
            raise SnippetError(f"{page}:{ref.line}: {ref.path} could not run: {error}") from None
        result = replace(run, versions=self.versions, ran_at=_now())
        self._check(result, ref, page)
        self.cache.put(key, result)
        self.ran[key] = result
        log.info("snipexec: ran %s in %.1f s", ref.path, result.seconds)
        return result

    def _check(self, result: RunResult, ref: SnippetRef, page: str) -> None:
        """Raise `SnippetError` unless the run ended as the page expects."""
        failure = result.failure
        where = f"{page}:{ref.line}: {ref.path}"
        if failure is None:
            if ref.raises:
                raise SnippetError(f"{where} was expected to raise {ref.raises} but did not")
            return
        if failure.kind == "exception" and failure.exception == ref.raises:
            return
        prefix = f"{self.root}/"
        if failure.kind == "exception":
            line = f":{failure.line}" if failure.line else ""
            headline = f"{where}{line} raised {failure.summary}"
        elif failure.kind == "timeout":
            headline = f"{where} {failure.summary}; the worker was stopped"
        else:
            headline = f"{where}: {failure.summary} while running it"
        output = (result.stdout + result.stderr).replace(prefix, "").rstrip()
        raise SnippetError(f"{headline}\n{output}" if output else headline)

    def close(self) -> None:
        """Drop queued runs that have not started and wait for the one running, if any."""
        self._queue.shutdown(wait=True, cancel_futures=True)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
