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
from collections.abc import Mapping
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

# The variants a site gets unless its `mkdocs.yml` declares its own. `packages` are
# distribution names whose versions label the outputs; they and what they require key the
# cache (absent ones are skipped). `group` names a variant's own environment.
DEFAULT_VARIANTS: dict[str, dict[str, Any]] = {
    "keras3": {
        "label": "Keras 3 (TensorFlow)",
        "env": {"KERAS_BACKEND": "tensorflow"},
        "preload": ["tensorflow", "keras", "matplotlib.pyplot"],
        "packages": ["tensorflow", "tensorflow-cpu", "keras", "numpy", "matplotlib"],
    },
    "keras2": {
        "label": "Keras 2.12 (TensorFlow 2.12)",
        "group": "keras2",
        "preload": ["tensorflow", "keras", "matplotlib.pyplot"],
        "packages": ["tensorflow", "keras", "numpy", "matplotlib"],
    },
    # Keras 2 on a current TensorFlow: only where a page shows that it prints otherwise.
    "tf-keras": {
        "label": "Keras 2 (tf-keras)",
        "group": "tf-keras",
        "env": {"TF_USE_LEGACY_KERAS": "1"},
        "preload": ["tensorflow", "tf_keras", "matplotlib.pyplot"],
        "packages": ["tensorflow", "tf-keras", "numpy", "matplotlib"],
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

# The variants a block runs under unless it names its own.
DEFAULT_RUNS = ("keras3", "keras2", "jax")

# Lines TensorFlow's C++ runtime prints on its own, once per process: when it starts,
# first runs an op, or first compiles with XLA. They depend on the machine and the
# process (CPU flags, process id, time, addresses) and on what ran before, not on the
# snippet.
_STARTUP_SOURCES = (
    r"(?:port|cpu_feature_guard|cuda_\w+|cudart_stub|service|device_compiler"
    r"|tf2tensorrt/utils/py_utils)\.(?:cc|h)"
)
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
    for name in ("keras", "tf_keras"):  # Keras 3, or Keras 2 as `keras` or as tf-keras
        keras = sys.modules.get(name)
        if keras is None:
            continue
        if keras.__version__.startswith("2"):
            keras.backend.clear_session()  # layer names restart at conv2d
        else:
            keras.backend.clear_session(free_memory=False)  # no slow garbage collection
        keras.utils.set_random_seed(SEED)
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


def notebook_guidance(
    runs_under: dict[str, list[str]], environments: Mapping[str, tuple[str, str]]
) -> str:
    """What a fresh kernel needs, and which examples (file: variants) run elsewhere too.

    `environments` maps a variant with an environment of its own to its label and the
    command that installs it.
    """
    text = (
        "Run the cells in order: an example may use what a cell above it defined, and the "
        "first code cell starts each example from a fresh Keras session. The outputs shown "
        "are those of the site's build, on its first environment."
    )
    for name, (label, install) in environments.items():
        files = [file for file, variants in runs_under.items() if name in variants]
        if files:
            listed = ", ".join(f"`{file}`" for file in files)
            text += f"\n\n**On {label}** ({listed}): in a fresh environment, `{install}`."
    return text
