"""snipexec: run Python snippet files when a MkDocs site is built, and show what they print.

The public API is small: the MkDocs plugin and its options, the cache, the runner and
the result they exchange. Everything else lives in `snipexec._internal`.
"""

from snipexec._internal.cache import Cache
from snipexec._internal.fork_server import WorkerError
from snipexec._internal.plugin import PluginConfig, SnippetExecPlugin
from snipexec._internal.profile import SNIPPET_ENVIRONMENT, without_startup_lines
from snipexec._internal.results import Failure, Figure, RunResult
from snipexec._internal.runner import Runner
from snipexec._internal.variants import Variant

__all__ = [
    "SNIPPET_ENVIRONMENT",
    "Cache",
    "Failure",
    "Figure",
    "PluginConfig",
    "RunResult",
    "Runner",
    "SnippetExecPlugin",
    "Variant",
    "WorkerError",
    "without_startup_lines",
]
