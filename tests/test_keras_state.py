"""Keras state in the worker: one TensorFlow import for the module, two snippets."""

from pathlib import Path

import pytest

from snipexec import Runner, Variant

SNIPPET = """\
import keras
import numpy as np

layer = keras.layers.Conv2D(2, 3)
layer.build((None, 5, 5, 1))
print(layer.name, keras.layers.Dense(1).name)
print(np.round(layer.get_weights()[0].ravel()[:3], 4))
"""


@pytest.fixture(scope="module")
def keras_runner():
    runner = Runner(Variant("keras3", preload=("keras",)))
    yield runner
    runner.close()


def test_layer_names_and_initial_weights_restart_for_every_snippet(keras_runner, tmp_path: Path):
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    first.write_text(SNIPPET)
    second.write_text(SNIPPET)
    one = keras_runner.run(first, timeout=120)
    two = keras_runner.run(second, timeout=120)
    assert one.failure is None, one.stderr
    assert one.stdout.splitlines()[0] == "conv2d dense"
    assert two.stdout == one.stdout
    assert one.stderr == two.stderr == ""


RETRACING = """\
import keras
import numpy as np

for units in range(1, 5):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(units)])
    model.predict(np.ones((1, 2)), verbose=0)
print("done")
"""


def test_tensorflow_retracing_history_does_not_carry_over(keras_runner, tmp_path: Path):
    snippet = tmp_path / "retrace.py"
    snippet.write_text(RETRACING)
    runs = [keras_runner.run(snippet, timeout=120) for _ in range(3)]
    assert [run.stdout for run in runs] == ["done\n"] * 3
    assert [run.stderr for run in runs] == [""] * 3
