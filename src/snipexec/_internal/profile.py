"""Everything the engine knows about TensorFlow, Keras, JAX and matplotlib, in one place.

A variant names this module as its `profile` (the default). The worker imports the
profile of its variant and calls `reset_state` before each snippet, `collect_figures`
after it, and `without_startup_lines` on what it captured. Another set of libraries would get
another module with the same three functions.
"""

from __future__ import annotations

import io
import random
import re
import sys
from pathlib import Path
from typing import Any

SEED = 0
SVG_HASH_SALT = "snipexec"

# The environment every snippet runs in, in the worker and in a reader's own run alike.
SNIPPET_ENVIRONMENT = {
    "MPLBACKEND": "Agg",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONHASHSEED": "0",
    "COLUMNS": "80",
}

# Where `import keras` finds Keras 2, as in a Keras 2 installation (see its module).
KERAS2_PATH = Path(__file__).with_name("keras2_path")

# The variants a site gets unless its `mkdocs.yml` declares its own. `packages` are
# distribution names whose versions go into the cache key (absent ones are skipped).
DEFAULT_VARIANTS: dict[str, dict[str, Any]] = {
    "keras3": {
        "label": "Keras 3 (TensorFlow)",
        "env": {"KERAS_BACKEND": "tensorflow"},
        "preload": ["tensorflow", "keras", "matplotlib.pyplot"],
        "packages": ["tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib"],
    },
    "keras2": {
        "label": "Keras 2 (tf-keras)",
        "env": {"TF_USE_LEGACY_KERAS": "1", "PYTHONPATH": str(KERAS2_PATH)},
        "preload": ["tensorflow", "tf_keras", "matplotlib.pyplot"],
        "packages": ["tensorflow", "tensorflow-cpu", "tf-keras", "numpy", "matplotlib"],
    },
    "jax": {
        "label": "Keras 3 (JAX)",
        "env": {"KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"},
        "preload": ["jax", "tensorflow", "keras", "matplotlib.pyplot"],
        "packages": [
            "jax",
            "jaxlib",
            "tensorflow",
            "tensorflow-cpu",
            "keras",
            "numpy",
            "matplotlib",
        ],
    },
}

# Lines TensorFlow's C++ runtime prints on its own, once per process: when it starts,
# first runs an op, or first compiles with XLA. They depend on the machine and the
# process (CPU flags, process id, time, addresses) and on what ran before, not on the
# snippet.
_STARTUP_SOURCES = r"(?:port|cpu_feature_guard|cuda_\w+|service|device_compiler)\.(?:cc|h)"
_STARTUP_LINE = re.compile(
    r"^(?:"
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rf"|[IWE]\d{{4}} [\d:.]+\s+\d+ {_STARTUP_SOURCES}:\d+\] .*"
    rf"|\d{{4}}-\d\d-\d\d [\d:.]+: [IWE] \S*{_STARTUP_SOURCES}:\d+\] .*"
    r"|To enable the following instructions: .*rebuild TensorFlow with the appropriate "
    r"compiler flags\."
    r")$"
)


def without_startup_lines(text: str) -> str:
    """Drop TensorFlow's start-up log lines from captured output, keep everything else."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not _STARTUP_LINE.match(line.rstrip("\n")))


def reset_state() -> None:
    """Fix seeds and clear what the libraries keep between runs in one process.

    Only libraries already imported are touched, so a worker that preloads nothing
    never imports them.
    """
    random.seed(SEED)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(SEED)
    if "tensorflow" in sys.modules:
        _forget_tracing_history()
    keras2 = sys.modules.get("tf_keras")
    keras = sys.modules.get("keras")
    if keras is not None and keras is not keras2:  # no slow garbage collection
        keras.backend.clear_session(free_memory=False)  # layer names restart at conv2d
        keras.utils.set_random_seed(SEED)
    if keras2 is not None:
        keras2.backend.clear_session()
        keras2.utils.set_random_seed(SEED)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
        sys.modules["matplotlib"].rc_file_defaults()


def _forget_tracing_history() -> None:
    """Reset TensorFlow's process-wide count of `tf.function` retracing.

    TensorFlow warns when one Python function is traced too often, counting across
    every model the process ever built; a fresh interpreter starts with no history.
    """
    from tensorflow.python.eager.polymorphic_function import polymorphic_function as module

    manager = module._frequent_tracing_detector_manager
    module._frequent_tracing_detector_manager = type(manager)()


# No date (the same bytes on every build), and no metadata block or DTD: they name
# other hosts (matplotlib.org, purl.org, creativecommons.org, w3.org) in the page.
_NO_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_SVG_DOCTYPE = re.compile(r"<!DOCTYPE svg[^>]*>\n?")


def collect_figures(path: str) -> list[dict[str, str]]:
    """Save every open matplotlib figure as SVG (with its alt text), then close them all."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    pyplot = sys.modules["matplotlib.pyplot"]
    figures = []
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        buffer = io.StringIO()
        with sys.modules["matplotlib"].rc_context({"svg.hashsalt": SVG_HASH_SALT}):
            figure.savefig(buffer, format="svg", metadata=_NO_METADATA)
        svg = _SVG_DOCTYPE.sub("", buffer.getvalue())
        figures.append({"svg": svg, "alt": _alt_text(figure, number, path)})
    pyplot.close("all")
    return figures


def _alt_text(figure: Any, number: int, path: str) -> str:
    """Describe a figure by its suptitle, else its axes' titles, else where it came from."""
    suptitle = figure.get_suptitle()
    titles = [axes.get_title() for axes in figure.axes if axes.get_title()]
    return suptitle or "; ".join(titles) or f"Figure {number} drawn by {Path(path).name}"


NOTEBOOK_SETUP = """\
# Each example starts from a fresh Keras session (layer names from conv2d), as when run alone.
import keras

get_ipython().events.register("pre_run_cell", lambda _: keras.backend.clear_session())
"""

# How the versions stamp under a page names the packages.
LIBRARY_NAMES = {"python": "Python", "tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy"}


def notebook_guidance(runs_under: dict[str, list[str]]) -> str:
    """What a fresh kernel needs, and which examples (file: variants) also run on Keras 2."""
    legacy = [name for name, variants in runs_under.items() if "keras2" in variants]
    text = (
        "Run the cells in order: an example may use what a cell above it defined, and the "
        "first code cell starts each example from a fresh Keras session. The outputs shown "
        "are those of the site's build."
    )
    if not legacy:
        return text + "\n\nThe examples need Keras 3; they were not run on Keras 2."
    names = ", ".join(f"`{name}`" for name in legacy)
    return (
        f"{text}\n\n**On Keras 2** ({names}): `pip install tf-keras`, and set "
        "`TF_USE_LEGACY_KERAS=1` before TensorFlow is imported (run "
        "`%env TF_USE_LEGACY_KERAS=1` in a fresh kernel, before any other cell)."
    )
