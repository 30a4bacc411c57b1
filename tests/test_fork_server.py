"""A variant's libraries are imported once: its workers are forked from its fork server.

The preloaded module here appends a line to a file each time it is imported, so the file
counts imports across processes.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from snipexec import Variant
from snipexec._internal.pool import WorkerPool

PRELOADED = """\
import os
with open(os.environ["IMPORTS_LOG"], "a") as log:
    print(os.getpid(), file=log)
value = "as imported"
"""


@pytest.fixture
def pool(tmp_path: Path) -> Iterator[WorkerPool]:
    (tmp_path / "preloaded.py").write_text(PRELOADED)
    env = {"PYTHONPATH": str(tmp_path), "IMPORTS_LOG": str(tmp_path / "imports.log")}
    pool = WorkerPool({"plain": Variant("plain", preload=("preloaded",))}, env, tmp_path)
    yield pool
    pool.close()


def imports(tmp_path: Path) -> list[str]:
    return (tmp_path / "imports.log").read_text().splitlines()


def snippet(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name
    path.write_text(source)
    return path


def test_workers_run_at_once_on_one_import(pool: WorkerPool, tmp_path: Path):
    # Each run waits until two workers run, so one worker cannot serve both.
    source = (
        "import os, time\n"
        "open(f'{os.environ[\"IMPORTS_LOG\"]}.{os.getpid()}', 'w').close()\n"
        "while len([f for f in os.listdir(os.path.dirname(os.environ['IMPORTS_LOG']))"
        " if f.startswith('imports.log.')]) < 2:\n"
        "    time.sleep(0.01)\n"
        "print(os.getpid())\n"
    )
    path = snippet(tmp_path, "both.py", source)
    with ThreadPoolExecutor(2) as threads:
        results = list(threads.map(lambda _: pool.run("plain", path, source, 20), range(2)))
    assert [result.failure for result in results] == [None, None]
    assert len({result.stdout for result in results}) == 2  # two worker processes
    assert (pool.starts, pool.imports) == (2, 1)
    assert len(imports(tmp_path)) == 1


def test_a_new_worker_starts_from_the_import_not_from_a_used_worker(
    pool: WorkerPool, tmp_path: Path
):
    change = "import preloaded\npreloaded.value = 'changed'\nimport time\ntime.sleep(60)\n"
    timed_out = pool.run("plain", snippet(tmp_path, "change.py", change), change, 1)
    assert timed_out.failure is not None and timed_out.failure.kind == "timeout"
    show = "import preloaded\nprint(preloaded.value)\n"
    assert pool.run("plain", snippet(tmp_path, "show.py", show), show, 20).stdout == (
        "as imported\n"
    )
    assert (pool.starts, pool.imports) == (2, 1)
    assert len(imports(tmp_path)) == 1


def test_a_worker_that_died_is_forked_again(pool: WorkerPool, tmp_path: Path):
    crash = "import os\nos._exit(3)\n"
    crashed = pool.run("plain", snippet(tmp_path, "crash.py", crash), crash, 20)
    assert crashed.failure is not None and "exit code 3" in crashed.failure.summary
    ok = "print('alive')\n"
    assert pool.run("plain", snippet(tmp_path, "ok.py", ok), ok, 20).stdout == "alive\n"
    assert (pool.starts, pool.imports) == (2, 1)


def test_a_fork_server_that_died_is_started_again(pool: WorkerPool, tmp_path: Path):
    # Its orphaned worker ends itself; the next run needs a new fork server.
    kill = "import os, signal, time\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(60)\n"
    killed = pool.run("plain", snippet(tmp_path, "kill_parent.py", kill), kill, 20)
    assert killed.failure is not None and killed.failure.kind == "crash"
    assert "exit code unknown" in killed.failure.summary
    ok = "print('alive')\n"
    result = pool.run("plain", snippet(tmp_path, "ok.py", ok), ok, 20)
    assert (result.failure, result.stdout) == (None, "alive\n")
    assert pool.imports == 2
    assert len(imports(tmp_path)) == 2
