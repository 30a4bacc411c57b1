"""Capturing a run's streams at the file-descriptor level and reading them back
(`streams.py`), and dropping TensorFlow's start-up log lines from them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from snipexec import without_startup_lines
from snipexec._internal.streams import read_text, redirected

CAPTURING = """\
import os, subprocess, sys
from pathlib import Path
from snipexec._internal.streams import redirected

print("before, still buffered")
with redirected(Path("out"), Path("err")):
    print("print")
    print("print to stderr", file=sys.stderr)
    os.write(1, b"os.write to fd 1\\n")
    os.write(2, b"os.write to fd 2\\n")
    subprocess.run([sys.executable, "-c", "import os; os.write(1, b'child process\\\\n')"])
print("after")
"""


def test_redirected_captures_python_c_level_and_child_output(tmp_path: Path):
    """Run where fd 1 and 2 are pipes, as in a worker (pytest's own capture would hide
    `print` from the file descriptors)."""
    completed = subprocess.run(
        [sys.executable, "-c", CAPTURING], cwd=tmp_path, capture_output=True, check=True
    )
    out = (tmp_path / "out").read_text().splitlines()
    assert sorted(out) == ["child process", "os.write to fd 1", "print"]
    assert (tmp_path / "err").read_text().splitlines() == ["print to stderr", "os.write to fd 2"]
    assert completed.stdout == b"before, still buffered\nafter\n"  # nothing leaked, nothing lost
    assert completed.stderr == b""


def open_descriptors() -> set[str]:
    return set(os.listdir("/dev/fd"))


def test_redirected_restores_the_descriptors_when_the_run_raises(tmp_path: Path):
    before = os.fstat(1).st_ino, os.fstat(2).st_ino
    descriptors = open_descriptors()
    with pytest.raises(RuntimeError), redirected(tmp_path / "out", tmp_path / "err"):
        os.write(1, b"written before the error\n")
        raise RuntimeError
    assert (os.fstat(1).st_ino, os.fstat(2).st_ino) == before
    assert open_descriptors() == descriptors
    assert (tmp_path / "out").read_bytes() == b"written before the error\n"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"plain\n", "plain\n"),
        (b"caf\xc3\xa9 \xff\xfe!\n", "caf\u00e9 \ufffd\ufffd!\n"),  # undecodable bytes
        (b"one\r\ntwo\r\n", "one\ntwo\n"),  # Windows line ends
        (b"\x1b[31mred\x1b[0m\x07\x7f", "\u241b[31mred\u241b[0m\u2407\u2421"),  # controls
        (b"a\tb\rc\n", "a\tb\u240dc\n"),  # tab and newline kept, a lone CR shown
    ],
)
def test_read_text_shows_what_the_bytes_were(tmp_path: Path, raw: bytes, text: str):
    (tmp_path / "out").write_bytes(raw)
    assert read_text(tmp_path / "out") == text


def test_read_text_of_a_stream_never_written_is_empty(tmp_path: Path):
    assert read_text(tmp_path / "missing") == ""


STARTUP = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1795600109.303510    2257 port.cc:153] oneDNN custom operations are on. You may see \
slightly different numerical results due to floating-point round-off errors from different \
computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.
I0000 00:00:1795600109.337081    2257 cpu_feature_guard.cc:227] This TensorFlow binary is \
optimized to use available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow \
with the appropriate compiler flags.
2024-03-01 10:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.
I0000 00:00:1795601751.306167   11326 service.cc:153] XLA service 0x5581e0c0 initialized for \
platform Host (this does not guarantee that XLA will be used). Devices:
I0000 00:00:1795601751.306200   11326 service.cc:161]   StreamExecutor device (0): Host, Default
I0000 00:00:1795601751.4   11326 device_compiler.h:208] Compiled cluster using XLA!  This line \
is logged at most once for the lifetime of the process.
"""


def test_drops_tensorflow_startup_lines_only():
    kept = "UserWarning: Do not pass an `input_shape`\nI0000 is not a log line\n"
    assert without_startup_lines(STARTUP) == ""
    assert without_startup_lines(STARTUP + kept) == kept
    assert without_startup_lines(kept + STARTUP) == kept


def test_keeps_tensorflow_warnings_a_snippet_causes():
    line = "W0000 00:00:1795600109.3 2257 op_level_cost_estimator.cc:699] Error in PredictCost()\n"
    assert without_startup_lines(line) == line
