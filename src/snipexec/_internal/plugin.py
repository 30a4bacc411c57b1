"""The MkDocs plugin: finds snippet references, runs or reuses them, renders the results."""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .bounds import Limits
from .bundles import Bundle, make_bundle
from .cache import Cache
from .directives import DirectiveError, SnippetRef, find_snippets
from .execution import Execution, Mode, Shard, SnippetError
from .fork_server import WorkerError
from .glue import GlueError, place_values
from .keys import Snapshot
from .notebook_pages import Block, NotebookPages, notebook_uri
from .outputs import FigureLink, render_outputs
from .pool import WorkerPool
from .profile import DEFAULT_RUNS, DEFAULT_VARIANTS
from .rebuilds import PartialRebuilds
from .render import (
    fenced,
    page_footer,
    provenance,
    replace_lines,
    with_copy,
)
from .rendered_notebooks import drop_unreadable
from .rendered_pages import RenderedPages
from .results import RunResult
from .staging import StagedSite
from .variants import Variant

log = get_plugin_logger("snipexec")

# What the rendered Markdown uses: fence titles and classes, the footer box, the notes,
# the tabs of outputs that differ between variants, the collapsed note of a bundle's helpers.
REQUIRED_EXTENSIONS: dict[str, dict[str, Any]] = {
    "admonition": {},
    "attr_list": {},
    "md_in_html": {},
    "pymdownx.superfences": {},
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.details": {},
}
MODE_VARIABLE = "SNIPEXEC_EXECUTE"
SHARD_VARIABLE = "SNIPEXEC_SHARD"
CACHE_VARIABLE = "SNIPEXEC_CACHE_DIR"
MODES = ("cache", "force", "off")


class PluginConfig(Config):
    """Options of the `snipexec` plugin in `mkdocs.yml`."""

    execute = opt.Choice(MODES, default="cache")
    """`cache` runs what changed, `force` runs everything, `off` runs nothing and shows
    stored output where there is some. The environment variable `SNIPEXEC_EXECUTE`
    overrides it."""
    cache_dir = opt.Type(str, default=".cache/snipexec")
    """Where run results are stored, relative to `mkdocs.yml`. The environment variable
    `SNIPEXEC_CACHE_DIR` overrides it."""
    timeout = opt.Type((int, float), default=120)
    """Seconds a snippet may run before it is stopped; a page can set its own."""
    variants = opt.Type(dict, default=DEFAULT_VARIANTS)
    """Named ways of running snippets: for each, its `label`, `env` (environment
    variables), `preload` (modules its worker imports once), `packages` (distributions
    whose versions key its cache) and `profile` (the module that resets library state
    between snippets and collects figures)."""
    default_variants = opt.ListOfItems(opt.Type(str), default=list(DEFAULT_RUNS))
    """The variants a snippet block runs under unless it says `variants=`."""
    workers = opt.Type(int, default=os.cpu_count() or 1)
    """How many snippets run at once, each in its own worker process."""
    max_output_lines = opt.Type(int, default=300)
    """Lines of output (per stream) a snippet may show; beyond, its head and tail are
    shown and the build warns. A block can allow more with `max-lines=`."""
    max_output_bytes = opt.Type(int, default=32_768)
    """Bytes of output (per stream) a snippet may show; a block can allow more with
    `max-bytes=`."""
    watch = opt.ListOfItems(opt.Type(str), default=["snippets"])
    """Folders `mkdocs serve` watches, relative to `mkdocs.yml`."""
    notebooks = opt.Type(bool, default=True)
    """Make a Jupyter notebook of every page that runs snippets, at `notebooks/PAGE.ipynb`,
    holding the outputs of the same runs (render it with mkdocs-jupyter)."""


Hook = TypeVar("Hook", bound=Callable[..., Any])


def _timed(hook: Hook) -> Hook:
    """Count the hook's wall time in its plugin's `own_seconds`."""

    @functools.wraps(hook)
    def timed(plugin: SnippetExecPlugin, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return hook(plugin, *args, **kwargs)
        finally:
            plugin.own_seconds += time.perf_counter() - start

    return cast(Hook, timed)


class SnippetExecPlugin(BasePlugin[PluginConfig]):
    """Replace each `snippet` block with the file's code and the output of its run.

    Defining `on_startup` keeps one instance, and so one worker, for the whole of
    `mkdocs serve`: a rebuild re-runs only the snippets that changed.
    """

    def __init__(self) -> None:
        """Start with no worker; the first run starts it."""
        self.command = "build"
        self.pool: WorkerPool | None = None
        self.execution: Execution | None = None
        self.root = Path.cwd()
        self.staged: StagedSite | None = None
        self.notebook_pages: NotebookPages | None = None
        self.bundles: dict[Snapshot, Bundle] = {}  # this build's, by the bytes they are made of
        self.installs: dict[str, str] = {}  # variant with an environment of its own -> pip line
        self.references: dict[str, tuple[str, list[SnippetRef]]] = {}  # page -> text, blocks
        self.own_seconds = 0.0  # this build's time in the plugin's hooks, waits for runs included
        self.rebuilds = PartialRebuilds()
        self.rendered_pages: RenderedPages | None = None  # this build's, from `on_config`

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether this is a one-off build or a long-lived server.

        Under `mkdocs serve --dirty`, a rebuild renders only the pages a save changed.
        """
        self.command = command
        self.rebuilds.start(command=command, dirty=dirty)

    @event_priority(100)  # first, to count every warning a strict build will abort for
    @_timed
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Prepare the cache and the runner; stage a one-off build in a side folder."""
        self.own_seconds = 0.0
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        for extension, settings in REQUIRED_EXTENSIONS.items():
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
                config.mdx_configs.setdefault(extension, settings)
        mode = os.environ.get(MODE_VARIABLE, self.config.execute)
        if mode not in MODES:
            raise PluginError(f"{MODE_VARIABLE}={mode!r}: expected one of {', '.join(MODES)}")
        variants = self._variants()
        if self.pool is None or self.pool.variants != variants:
            self._close_pool()
            self.pool = WorkerPool(variants, root=self.root)
        self.installs = {
            name: command
            for name, variant in variants.items()
            if (command := variant.install_command(self.root))
        }
        generated = self._generated()
        self.bundles = {}
        self.references = {}
        # Kept across the builds of `mkdocs serve`: a page that fails keeps its notebook.
        if self.notebook_pages is None or self.notebook_pages.folder != generated:
            self.notebook_pages = NotebookPages(self.root, generated)
        self.notebook_pages.sources.clear()
        self.rendered_pages = RenderedPages(generated / "pages")
        self.notebook_pages.later = {} if self.rebuilds.notebooks_watched else None
        self.execution = Execution(
            root=self.root,
            cache=Cache(generated),
            pool=self.pool,
            workers=max(1, self.config.workers),
            mode=_as_mode(mode),
            timeout=float(self.config.timeout),
            default_variants=tuple(self.config.default_variants),
            limits=Limits(self.config.max_output_lines, self.config.max_output_bytes),
            shard=_shard(os.environ.get(SHARD_VARIABLE, "")),
        )
        if self.command in ("build", "gh-deploy"):
            self.staged = StagedSite(Path(config.site_dir))
            config.site_dir = str(self.staged.begin(strict=bool(config.strict)))
        return config

    @_timed
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Queue every snippet without stored output; add its files and the page's notebook."""
        assert self.execution is not None
        pages = {}
        for file in files.documentation_pages():
            page = self._page_name(file.abs_src_path)
            refs = self._references(file.content_string, page)
            for ref in refs:
                self._guard(self.execution.prefetch, ref, page)
            if refs:
                pages[file] = (page, refs)
        if self.execution.shard is not None:
            self._run_shard()
        if self.config.notebooks and (dropped := drop_unreadable(config)):
            log.info("%d unreadable rendered notebooks in mkdocs-jupyter's cache removed", dropped)
        for file, (page, refs) in pages.items():
            for ref in refs:
                if files.get_file_from_path(ref.path) is None:
                    files.append(self._download(ref, page, config))
            if self.config.notebooks:
                self._notebook_pages().add(files, config, file)
        return _snippet_pages_last(files, set(pages), self._generated())

    @event_priority(50)  # before mkdocs-jupyter looks for a notebook's render in its cache
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        """Let a page reuse its last render if nothing it is made of changed.

        A notebook's page first waits for the notebook's early render (`render_ahead`).
        """
        self._rendered_pages().wrap(page)
        self._notebook_pages().wait_for(page)
        return page

    @_timed
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Replace the page's snippet blocks (last first, so line numbers stay valid)."""
        assert self.execution is not None
        name = self._page_name(page.file.abs_src_path)
        refs = self._references(markdown, name)
        if refs:  # the notebook is made from the page's Markdown: with the values too
            markdown = page.markdown = self._guard(
                place_values, markdown, name, self._values(refs, name)
            )
        results = []
        link = self._figure_link(page, files, config)
        for ref in reversed(refs):
            block, shown = self._block(ref, name, link)
            markdown = replace_lines(markdown, ref.line, ref.end, block, ref.indent)
            results.extend(shown)
        if not refs:
            return markdown
        markdown = self._copies_and_notebook(markdown, page, config, files)
        return markdown + self._footer(page.file, refs, results)

    def _values(self, refs: list[SnippetRef], page: str) -> dict[str, dict[str, Any] | None]:
        """What each snippet's run on the page exported, under its block's first variant.

        A run that failed counts as not run here: its block reports the failure.
        """
        values: dict[str, dict[str, Any] | None] = {}
        for ref in refs:
            try:
                result = self._execution().result(ref, page)
            except SnippetError:
                result = None
            values.setdefault(ref.path, result.values if result is not None else None)
        return values

    @staticmethod
    def _figure_link(page: Page, files: Files, config: MkDocsConfig) -> FigureLink:
        """Save each figure as `figures/HASH.svg` of the site, once; link it from `page`.

        A file of its own, not a data URI: the page stays small, and a figure that two
        pages or variants share is downloaded once.
        """

        def link(svg: str) -> str:
            uri = f"figures/{hashlib.sha256(svg.encode()).hexdigest()[:20]}.svg"
            file = files.get_file_from_path(uri)
            if file is None:
                file = File.generated(config, uri, content=svg)
                files.append(file)
            return file.url_relative_to(page.file)

        return link

    def _references(self, markdown: str, page: str) -> list[SnippetRef]:
        """The page's snippet blocks, parsed once a build for the same text."""
        known = self.references.get(page)
        if known is None or known[0] != markdown:
            known = self.references[page] = (markdown, self._guard(find_snippets, markdown, page))
        return known[1]

    def _block(
        self, ref: SnippetRef, page: str, link: FigureLink
    ) -> tuple[str, list[tuple[Variant, RunResult]]]:
        """The Markdown of one snippet block and the results it shows.

        Under `mkdocs serve` a failing snippet is shown in place as an error, so the
        preview keeps serving; a one-off build fails.
        """
        assert self.execution is not None and self.pool is not None
        try:
            outcome = self.execution.outcome(ref, page)
        except SnippetError as error:
            if self.command != "serve":
                raise PluginError(str(error)) from None
            log.info("shown on the page as an error: %s", str(error).splitlines()[0])
            return _error_admonition(str(error)), []
        code = fenced(outcome.snapshot.text, "python", ref.path, "snippet-code")
        outputs = render_outputs(ref, outcome.results, self.pool.variants, link)
        variants = self.pool.variants
        shown = [
            (variants[name], result)
            for name, result in outcome.results.items()
            if result is not None
        ]
        return f"{code}\n{outputs}", shown

    def _variants(self) -> dict[str, Variant]:
        try:
            return {
                name: Variant.from_config(name, options or {})
                for name, options in self.config.variants.items()
            }
        except (ValueError, AttributeError, TypeError) as error:
            raise PluginError(f"snipexec: variants: {error}") from None

    def _run_shard(self) -> None:
        """Run this shard's misses into the cache and stop: a shard renders nothing."""
        assert self.execution is not None and self.execution.shard is not None
        shard = self.execution.shard
        self._guard(self.execution.wait)
        log.info(
            "shard %d/%d: %d run(s) stored in the cache; no site written",
            shard.index,
            shard.count,
            len(self.execution.ran),
        )
        self._close_pool()
        raise SystemExit(0)

    def _footer(
        self, file: File, refs: list[SnippetRef], results: list[tuple[Variant, RunResult]]
    ) -> str:
        """Versions stamp, notebook link and downloads, with links relative to the page."""
        here = posixpath.dirname(file.src_uri)
        notebook = notebook_uri(file) if self.config.notebooks else None
        downloads = [
            (posixpath.basename(path), path) for path in dict.fromkeys(r.path for r in refs)
        ]
        return page_footer(
            provenance(results, self.installs),
            notebook and posixpath.relpath(notebook, here),
            [(name, posixpath.relpath(path, here)) for name, path in downloads],
        )

    def _bundle(self, ref: SnippetRef, page: str) -> Bundle:
        """The snippet as one file with the local modules it imports, from this build's bytes.

        Made once a build: its download and its copy button share it.
        """
        snapshot = self._guard(self._execution().snapshot, ref, page)
        if snapshot not in self.bundles:
            self.bundles[snapshot] = make_bundle(snapshot.graph)
        return self.bundles[snapshot]

    def _download(self, ref: SnippetRef, page: str, config: MkDocsConfig) -> File:
        """The snippet's file for the downloads, self-contained like its copy."""
        bundle = self._bundle(ref, page)
        if not bundle.helpers:
            return self._file(ref.path, self.root, config)
        return File.generated(config, ref.path, content=bundle.text)

    def _copies_and_notebook(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Give each copy button the snippet's bundle; write the page's notebook.

        A notebook written now starts rendering at once (see `NotebookPages.render_ahead`).
        """
        name = self._page_name(page.file.abs_src_path)
        refs = self._references(page.markdown or "", name)
        bundles = [self._bundle(ref, name) for ref in refs]
        for ref, bundle in zip(refs, bundles, strict=True):
            if bundle.helpers:
                markdown = with_copy(markdown, ref.path, bundle.text, bundle.helpers)
        if self.config.notebooks:
            pairs = zip(refs, bundles, strict=True)
            try:
                blocks = [self._notebook_block(ref, name, bundle) for ref, bundle in pairs]
            except SnippetError as error:
                if self.command != "serve":
                    raise PluginError(str(error)) from None
                return markdown  # the page shows the error; the notebook keeps its last version
            environments = {
                name: (self._execution().pool.variants[name].label, install)
                for name, install in self.installs.items()
            }
            if self._notebook_pages().write(page, blocks, config, environments):
                self._notebook_pages().render_ahead(page.file, config, files)
        return markdown

    def _notebook_block(self, ref: SnippetRef, page: str, bundle: Bundle) -> Block:
        """What the page's notebook needs of one block."""
        execution = self._execution()
        variants = execution.variants(ref, page)
        return Block(
            ref=ref,
            snapshot=execution.snapshot(ref, page),
            bundle=bundle,
            variant=variants[0],
            result=execution.result(ref, page),
            runs_under=tuple(v.name for v in variants if not ref.expected_exception(v.name)),
        )

    @_timed
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """List the notebooks under "Notebooks", after the last item holding their pages.

        Under a dirty server, mark the pages this rebuild renders.
        """
        nav = self._notebook_pages().nav(nav, files)
        self._rendered_pages().begin(config, files)
        if self.rebuilds.active:
            watched = [self.root / folder for folder in self.config.watch]
            watched += [Path(folder) for folder in config.watch]
            self.rebuilds.mark(config, files, nav, self._made_of(files), watched)
        return nav

    def _made_of(self, files: Files) -> dict[str, tuple[str, list[str]]]:
        """For each page that runs snippets: its Markdown and the cache keys of its runs."""
        execution = self._execution()
        made_of = {}
        for file in files.documentation_pages():
            name = self._page_name(file.abs_src_path)
            markdown, refs = self.references.get(name, ("", []))
            if refs:
                keys = [
                    execution.key(execution.snapshot(ref, name), variant)
                    for ref in refs
                    for variant in execution.variants(ref, name)
                ]
                made_of[file.src_uri] = (markdown, keys)
        return made_of

    @_timed
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Give the pages a dirty rebuild skips what their last render gave the build."""
        self.rebuilds.restore(config, files)
        return env

    @_timed
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Tidy a notebook's page: figures' alt text, no tag labels or foreign loaders."""
        return self._notebook_pages().tidy(html, page)

    def _execution(self) -> Execution:
        assert self.execution is not None
        return self.execution

    def _notebook_pages(self) -> NotebookPages:
        assert self.notebook_pages is not None
        return self.notebook_pages

    def _rendered_pages(self) -> RenderedPages:
        assert self.rendered_pages is not None
        return self.rendered_pages

    def _generated(self) -> Path:
        """Where the build writes what it makes: the cache folder."""
        return self.root / (os.environ.get(CACHE_VARIABLE) or self.config.cache_dir)

    @staticmethod
    def _file(path: str, folder: Path, config: MkDocsConfig) -> File:
        return File(path, str(folder), config.site_dir, config.use_directory_urls)

    @event_priority(-100)  # after every other plugin's checks, which may still warn
    @_timed
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Swap the finished site into place, unless strict mode is about to fail it."""
        execution = self._execution()
        self.rebuilds.remember(config, set(execution.ran) | execution.reused)
        self._report()
        if self.staged is not None:
            self.staged.commit()
            config.site_dir = str(self.staged.final)
        self._notebook_pages().finish()
        self._notebook_pages().flush()

    def on_build_error(self, *, error: Exception) -> None:
        """Leave the previous site and the cache as they were."""
        if self.execution is not None:
            self.execution.close()
        if self.notebook_pages is not None:
            self.notebook_pages.finish()
        if self.staged is not None:
            self.staged.discard()

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Watch the snippets, and start the worker so the first edit need not wait for it.

        A dirty server also watches the notebooks, which it makes after a build (see
        `NotebookPages.write`), so their pages render in a rebuild of their own.
        """
        for folder in self.config.watch:
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        if self.rebuilds.active and self.config.notebooks:
            notebooks = self._generated() / "notebooks"
            notebooks.mkdir(parents=True, exist_ok=True)
            server.watch(str(notebooks))
            self.rebuilds.notebooks_watched = True
        if self.execution is not None and self.execution.mode != "off":
            threading.Thread(target=self._start_worker, name="snipexec-start", daemon=True).start()
        return server

    def _start_worker(self) -> None:
        assert self.pool is not None
        try:
            for name in self.config.default_variants[:1]:
                self.pool.start(name)
        except WorkerError as error:  # the next run tries again and fails the build
            log.warning("%s", error)

    def on_shutdown(self) -> None:
        """Stop the workers."""
        self._close_pool()

    def _close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()

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
        except (SnippetError, DirectiveError, GlueError) as error:
            raise PluginError(str(error)) from None

    def _report(self) -> None:
        """Log the build's runs and the cache, after removing entries no recent build used."""
        execution = self._execution()
        cache = execution.cache
        removed = 0
        if execution.mode != "off":
            used = set(execution.ran) | execution.reused | self.rebuilds.kept_runs()
            removed = cache.keep_only_recent(used, execution.started)
        seconds = sum(result.seconds for result in execution.ran.values())
        log.info(
            "%d run(s) of snippets in %.1f s, %d reused from the cache; its own work %.3f s; "
            "cache %.1f MB, %d unused entries removed",
            len(execution.ran),
            seconds,
            len(execution.reused),
            self.own_seconds - execution.waited,
            cache.size() / 1e6,
            removed,
        )
        if cache.damaged:
            log.info("%d unreadable cache entries were run again and replaced", len(cache.damaged))
        pages = self._rendered_pages()
        if not self.rebuilds.skipped:  # a dirty rebuild does not read what the others need
            pages.finish(execution.started)
        if pages.reused or pages.made:
            log.info(
                "%d of %d page renders and search indexings reused from the cache",
                pages.reused,
                pages.reused + pages.made,
            )
        execution.close()


def _snippet_pages_last(files: Files, snippet_pages: set[File], notebooks: Path) -> Files:
    """`files` with the pages that run snippets, then their notebooks, moved to the end.

    MkDocs renders pages in this order, so every other page is rendered while the
    workers import their libraries and run, and a notebook after its page; the order
    is the same in every build.
    """

    def rank(file: File) -> int:
        if file in snippet_pages:
            return 1
        return 2 if Path(file.abs_src_path or "").is_relative_to(notebooks) else 0

    return Files(sorted(files, key=rank))


def _shard(value: str) -> Shard | None:
    """Parse `SNIPEXEC_SHARD=K/N` (empty: no sharding)."""
    if not value:
        return None
    index, _, count = value.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise PluginError(f"{SHARD_VARIABLE}={value!r}: expected K/N with 1 <= K <= N")
    return Shard(int(index), int(count))


def _error_admonition(message: str) -> str:
    """A failing snippet as the preview shows it: the headline, then the traceback."""
    headline, _, details = message.replace('"', "'").partition("\n")
    body = fenced(details, "text", "Traceback", "snippet-stderr") if details else ""
    return f'!!! failure "{headline}"\n\n' + "".join(f"    {line}\n" for line in body.splitlines())


def _as_mode(value: str) -> Mode:
    assert value in MODES
    return value  # type: ignore[return-value]
