"""The MkDocs plugin: finds snippet references, runs or reuses them, renders the results."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .cache import Cache
from .directives import DirectiveError, find_snippets
from .execution import Execution, Mode, SnippetError
from .keys import engine_fingerprint, environment_versions
from .render import render, replace_lines
from .runner import Runner

log = logging.getLogger("mkdocs.plugins.snipexec")

MODE_VARIABLE = "SNIPEXEC_EXECUTE"
MODES = ("cache", "force", "off")


class PluginConfig(Config):
    """Options of the `snipexec` plugin in `mkdocs.yml`."""

    execute = opt.Choice(MODES, default="cache")
    """`cache` runs what changed, `force` runs everything, `off` runs nothing and shows
    stored output where there is some. The environment variable `SNIPEXEC_EXECUTE`
    overrides it."""
    cache_dir = opt.Type(str, default=".cache/snipexec")
    """Where run results are stored, relative to `mkdocs.yml`."""
    timeout = opt.Type((int, float), default=120)
    """Seconds a snippet may run before it is stopped; a page can set its own."""
    preload = opt.ListOfItems(opt.Type(str), default=["tensorflow", "keras", "matplotlib.pyplot"])
    """Modules the worker imports once, before the first snippet."""
    watch = opt.ListOfItems(opt.Type(str), default=["snippets"])
    """Folders `mkdocs serve` watches, relative to `mkdocs.yml`."""


class SnippetExecPlugin(BasePlugin[PluginConfig]):
    """Replace each `snippet` block with the file's code and the output of its run.

    Defining `on_startup` keeps one instance, and so one worker, for the whole of
    `mkdocs serve`: a rebuild re-runs only the snippets that changed.
    """

    def __init__(self) -> None:
        """Start with no worker; the first run starts it."""
        self.command = "build"
        self.runner: Runner | None = None
        self.execution: Execution | None = None
        self.root = Path.cwd()
        self._site_dir: Path | None = None
        self._warnings = _WarningCounter()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether this is a one-off build or a long-lived server."""
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Prepare the cache and the runner; stage a one-off build in a side folder."""
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        mode = os.environ.get(MODE_VARIABLE, self.config.execute)
        if mode not in MODES:
            raise PluginError(f"{MODE_VARIABLE}={mode!r}: expected one of {', '.join(MODES)}")
        preload = list(self.config.preload)
        if self.runner is None or self.runner.preload != preload:
            self._close_runner()
            self.runner = Runner(preload)
        versions = environment_versions()
        self.execution = Execution(
            root=self.root,
            cache=Cache(self.root / self.config.cache_dir),
            runner=self.runner,
            mode=_as_mode(mode),
            timeout=float(self.config.timeout),
            environment=json.dumps(versions, sort_keys=True) + engine_fingerprint(),
            versions=versions,
        )
        if self.command in ("build", "gh-deploy"):
            self._site_dir = Path(config.site_dir)
            config.site_dir = str(self._site_dir.with_name(self._site_dir.name + ".partial"))
            shutil.rmtree(config.site_dir, ignore_errors=True)
            self._warnings.start(strict=bool(config.strict))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Queue every snippet the pages reference that has no stored output."""
        assert self.execution is not None
        for file in files.documentation_pages():
            page = self._page_name(file.abs_src_path)
            for ref in _parse(file.content_string, page):
                self._guard(self.execution.prefetch, ref, page)
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Replace the page's snippet blocks, last first so line numbers stay valid."""
        assert self.execution is not None
        name = self._page_name(page.file.abs_src_path)
        for ref in reversed(_parse(markdown, name)):
            result = self._guard(self.execution.result, ref, name)
            code = (self.root / ref.path).read_text(encoding="utf-8")
            block = render(ref.path, code, result, f"{self.root}/")
            markdown = replace_lines(markdown, ref.line, ref.end, block, ref.indent)
        return markdown

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Swap the finished site into place, unless strict mode is about to fail it."""
        self._report()
        if self._site_dir is None:
            return
        staged = Path(config.site_dir)
        if self._warnings.stop():
            shutil.rmtree(staged, ignore_errors=True)
            return
        previous = self._site_dir.with_name(self._site_dir.name + ".previous")
        shutil.rmtree(previous, ignore_errors=True)
        if self._site_dir.exists():
            self._site_dir.rename(previous)
        staged.rename(self._site_dir)
        shutil.rmtree(previous, ignore_errors=True)
        config.site_dir = str(self._site_dir)

    def on_build_error(self, *, error: Exception) -> None:
        """Leave the previous site and the cache as they were."""
        if self.execution is not None:
            self.execution.close()
        if self._site_dir is not None:
            self._warnings.stop()
            shutil.rmtree(self._site_dir.with_name(self._site_dir.name + ".partial"), True)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when a snippet (or a module beside it) changes."""
        for folder in self.config.watch:
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server

    def on_shutdown(self) -> None:
        """Stop the worker."""
        self._close_runner()

    def _close_runner(self) -> None:
        if self.runner is not None:
            self.runner.close()

    def _page_name(self, path: str | None) -> str:
        """A page's path as a maintainer types it: relative to the project root."""
        file = Path(path or "")
        return (
            file.relative_to(self.root).as_posix() if file.is_relative_to(self.root) else str(file)
        )

    def _guard(self, action: Any, *args: Any) -> Any:
        """Call `action`, turning a snippet's failure into a build error."""
        try:
            return action(*args)
        except (SnippetError, DirectiveError) as error:
            raise PluginError(str(error)) from None

    def _report(self) -> None:
        assert self.execution is not None
        ran = self.execution.ran
        seconds = sum(result.seconds for result in ran.values())
        log.info(
            "snipexec: %d snippet(s) run in %.1f s, %d reused from the cache",
            len(ran),
            seconds,
            self.execution.reused,
        )
        self.execution.close()


def _parse(markdown: str, page: str) -> list[Any]:
    try:
        return find_snippets(markdown, page)
    except DirectiveError as error:
        raise PluginError(str(error)) from None


def _as_mode(value: str) -> Mode:
    assert value in MODES
    return value  # type: ignore[return-value]


class _WarningCounter(logging.Handler):
    """Counts MkDocs warnings, to know before MkDocs does whether `--strict` will abort."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.strict = False

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def start(self, *, strict: bool) -> None:
        self.count, self.strict = 0, strict
        logging.getLogger("mkdocs").addHandler(self)

    def stop(self) -> bool:
        """Detach; return whether a strict build has seen a warning."""
        logging.getLogger("mkdocs").removeHandler(self)
        return self.strict and self.count > 0
