"""Keep the theme's, mkdocstrings' and nbconvert's compiled Jinja templates between builds.

The theme and mkdocstrings compile every template they use in every build: about 0.7 s
of a build here; nbconvert compiles its templates anew for each notebook mkdocs-jupyter
converts, in a new environment each time. A bytecode cache in `.cache/jinja/` skips
that; an entry is keyed by its template's source, so an edited template compiles again,
and an unreadable entry is compiled again and replaced.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path

from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from nbconvert.exporters.templateexporter import TemplateExporter


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache (written atomically), which reads a damaged entry as a miss."""

    def load_bytecode(self, bucket: Bucket) -> None:
        """Load `bucket` from its file; leave it empty if the file cannot be read."""
        try:
            super().load_bytecode(bucket)
        except Exception:  # any damage: compile the template again
            bucket.reset()


def template_cache(config: MkDocsConfig) -> TemplateCache:
    """The cache in `.cache/jinja/` beside `mkdocs.yml`."""
    folder = Path(config.config_file_path or "mkdocs.yml").resolve().parent / ".cache/jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return TemplateCache(str(folder))


# nbconvert's own way of making an exporter's environment, wrapped below (unwrapped
# first: `mkdocs serve` loads this hook again for every rebuild).
_CREATE_ENVIRONMENT = inspect.unwrap(TemplateExporter._create_environment)


def on_pre_build(config: MkDocsConfig) -> None:
    """Give the cache to mkdocstrings' Python handler and to every notebook exporter.

    Before any page renders its API; each exporter's environment as nbconvert makes it.
    """
    cache = template_cache(config)
    mkdocstrings = config.plugins.get("mkdocstrings")
    if mkdocstrings is not None:
        mkdocstrings.get_handler("python").env.bytecode_cache = cache

    @functools.wraps(_CREATE_ENVIRONMENT)
    def with_cache(exporter: TemplateExporter) -> Environment:
        environment = _CREATE_ENVIRONMENT(exporter)
        environment.bytecode_cache = cache
        return environment

    TemplateExporter._create_environment = with_cache  # type: ignore[method-assign]


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Give the theme's environment the cache before the pages are laid out."""
    env.bytecode_cache = template_cache(config)
    return env
