"""Under Keras 2 (tf-keras, `TF_USE_LEGACY_KERAS=1`) the thread's model prints the thread's
numbers in Keras 2's plain-text table: one subprocess, so TensorFlow is imported once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

FORUM_MODEL = Path(__file__).resolve().parents[1] / "snippets" / "thread_model" / "forum_model.py"
COUNTS = {
    "conv2d (Conv2D)": 448,
    "conv2d_1 (Conv2D)": 4640,
    "conv2d_2 (Conv2D)": 18496,
    "dense (Dense)": 9470464,
    "dense_1 (Dense)": 513,
}


@pytest.fixture(scope="module")
def keras2_output(tmp_path_factory) -> str:
    completed = subprocess.run(
        [sys.executable, str(FORUM_MODEL)],
        cwd=tmp_path_factory.mktemp("keras2"),
        env={**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return completed.stdout


def test_it_is_keras_2s_table(keras2_output):
    assert keras2_output.count("=" * 65) == 2  # Keras 2's rules; Keras 3 draws a box
    assert "┃" not in keras2_output


def test_every_layer_count_is_the_threads_without_commas(keras2_output):
    for layer, count in COUNTS.items():
        assert re.search(rf"^ {re.escape(layer)} .* {count} *$", keras2_output, re.MULTILINE)


def test_the_total_is_the_threads(keras2_output):
    assert re.search(r"^Total params: 9494561 \(36\.22 MB\)$", keras2_output, re.MULTILINE)
    assert "(3, 3, 32, 64)" in keras2_output
