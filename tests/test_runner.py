"""The worker on tiny snippets that need no TensorFlow (one worker for the module)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from snipexec import Runner, Variant, WorkerError


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    runner = Runner(Variant("plain"))
    yield runner
    runner.close()


@pytest.fixture
def write(tmp_path: Path):
    def write(name: str, source: str) -> Path:
        path = tmp_path / name
        path.write_text(source)
        return path

    return write


def test_captures_stdout_and_stderr_from_python_and_from_child_processes(runner, write):
    result = runner.run(
        write(
            "out.py",
            "import os, sys, pprint\n"
            "print('from print')\n"
            "pprint.pprint({'library': 'code'})\n"
            "print('to stderr', file=sys.stderr)\n"
            "os.system('echo from a child process')\n",
        ),
        timeout=20,
    )
    assert result.failure is None
    assert result.stdout == "from print\n{'library': 'code'}\nfrom a child process\n"
    assert result.stderr == "to stderr\n"


def test_exception_names_file_and_line_like_the_interpreter(runner, write):
    path = write("boom.py", "x = 1\n\ndef f():\n    raise ValueError('boom')\n\nf()\n")
    result = runner.run(path, timeout=20)
    assert result.failure is not None
    assert (result.failure.kind, result.failure.exception) == ("exception", "ValueError")
    assert result.failure.line == 4
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert f'File "{path}", line 6, in <module>' in result.stderr
    assert "worker.py" not in result.stderr
    assert result.stderr.endswith("ValueError: boom\n")


def test_syntax_error_points_at_the_snippet(runner, write):
    path = write("syntax.py", "print('ok')\nif True print('no')\n")
    result = runner.run(path, timeout=20)
    assert result.failure is not None and result.failure.exception == "SyntaxError"
    assert result.failure.line == 2
    assert f'File "{path}", line 2' in result.stderr


@pytest.mark.parametrize(("code", "fails"), [(0, False), (None, False), (3, True)])
def test_sys_exit_is_judged_like_the_interpreter(runner, write, code, fails):
    result = runner.run(write("exit.py", f"import sys\n\nsys.exit({code})\n"), timeout=20)
    assert (result.failure is not None) == fails
    if fails:
        assert result.failure.line == 3


def test_a_worker_that_cannot_start_is_an_error_that_keeps_its_log(tmp_path: Path, capfd):
    (tmp_path / "broken_preload.py").write_text(
        "import sys\nprint('said while importing')\nraise ImportError('cannot load')\n"
    )
    runner = Runner(
        Variant("broken", preload=("broken_preload",)), env={"PYTHONPATH": str(tmp_path)}
    )
    with pytest.raises(WorkerError, match="did not start"):
        runner.start()
    log = capfd.readouterr().err
    assert "said while importing" in log and "ImportError: cannot load" in log


def test_timeout_kills_the_worker_and_the_next_run_starts_a_new_one(runner, write):
    starts = runner.starts
    result = runner.run(write("slow.py", "import time\ntime.sleep(60)\n"), timeout=1)
    assert result.failure is not None and result.failure.kind == "timeout"
    assert "1 s" in result.failure.summary
    assert runner.run(write("ok.py", "print('alive')\n"), timeout=20).stdout == "alive\n"
    assert runner.starts == starts + 1


def test_a_snippet_that_kills_the_worker_is_reported_with_its_output(runner, write):
    source = "import os, sys\nprint('last words', flush=True)\nos._exit(7)\n"
    result = runner.run(write("crash.py", source), timeout=20)
    assert result.failure is not None and result.failure.kind == "crash"
    assert "exit code 7" in result.failure.summary
    assert result.stdout == "last words\n"
    assert runner.run(write("ok.py", "print('alive')\n"), timeout=20).stdout == "alive\n"


def test_no_state_leaks_from_one_snippet_to_the_next(runner, tmp_path: Path, write):
    (tmp_path / "local_module.py").write_text("VALUE = 1\n")
    first = write(
        "first.py",
        "import os, sys, local_module\n"
        "leaked = 'global'\n"
        "os.environ['SNIPEXEC_LEAK'] = '1'\n"
        "open('left-behind.txt', 'w').close()\n"
        "os.chdir('/')\n"
        "sys.path.append('/leak')\n"
        "print(local_module.VALUE)\n",
    )
    assert runner.run(first, timeout=20).stdout == "1\n"
    (tmp_path / "local_module.py").write_text("VALUE = 2\n")
    second = write(
        "second.py",
        "import os, sys, local_module\n"
        "print('leaked' in globals(), 'SNIPEXEC_LEAK' in os.environ)\n"
        "print(os.listdir('.'), '/leak' in sys.path)\n"
        "print(local_module.VALUE, __name__, sys.argv == [__file__])\n",
    )
    result = runner.run(second, timeout=20)
    assert result.stdout == "False False\n[] False\n2 __main__ True\n"


def test_a_warning_is_shown_again_in_every_snippet(runner, write):
    source = "import warnings\nwarnings.warn('careful')\n"
    first = runner.run(write("warn1.py", source), timeout=20)
    second = runner.run(write("warn2.py", source), timeout=20)
    assert "UserWarning: careful" in first.stderr
    assert "UserWarning: careful" in second.stderr


def test_figures_left_open_are_saved_with_alt_text(runner, write):
    source = (
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\n"
        "fig.suptitle('Rising line')\n"
        "ax.plot([0, 1])\n"
        "plt.figure()\n"
        "plt.show()\n"
    )
    first = runner.run(write("fig.py", source), timeout=60)
    second = runner.run(write("fig.py", source), timeout=60)
    assert [figure.alt for figure in first.figures] == ["Rising line", "Figure 2 drawn by fig.py"]
    assert first.figures[0].svg.startswith("<?xml")
    assert first.figures == second.figures  # byte-identical SVG on every run
    assert runner.run(write("nofig.py", "print(1)\n"), timeout=20).figures == ()
