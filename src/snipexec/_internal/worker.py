"""The worker processes: a fork server that imports heavy libraries once, and its workers.

On each request the fork server forks a worker that runs snippets one at a time.

Started by `ForkServer` as `python -c BOOTSTRAP ENGINE PROFILE MODULE...` with one end of
a socket as its standard input: on that socket it receives, for each worker, the two
pipes the worker speaks to its parent through, and answers with the worker's pid (and,
when asked, how a worker ended). A worker starts from the fork server's state right after
the imports, never from one that ran a snippet. What it knows of particular libraries
comes from the PROFILE module.
"""

from __future__ import annotations

import builtins
import importlib
import json
import os
import socket
import sys
import time
import traceback
import types
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

from .leftovers import adopt_orphans, end_group_when_orphaned, end_leftovers, running
from .streams import read_text, redirected


def main(profile_name: str, preload: list[str]) -> None:
    """Import `preload`, then fork a worker for each request until the parent hangs up."""
    parent = socket.socket(fileno=os.dup(0))
    messages = Connection(os.dup(0))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # stray output outside a run goes to the build log, not a pipe
    default_warning_filters = list(warnings.filters)
    profile = importlib.import_module(profile_name)
    _preload(preload, profile.without_startup_lines)
    messages.send_bytes(b"ready")
    while True:
        try:
            request = json.loads(messages.recv_bytes())
        except EOFError:
            return
        if "exit_code_of" in request:
            reply = {"exit_code": _exit_code(request["exit_code_of"])}
        else:
            requests, replies = reduction.recvfds(parent, 2)
            pid = os.fork()
            if pid == 0:
                parent.close()
                messages.close()
                _serve(requests, replies, profile, default_warning_filters)
            os.close(requests)
            os.close(replies)
            reply = {"pid": pid}
        messages.send_bytes(json.dumps(reply).encode())


def _exit_code(pid: int) -> int | None:
    """Wait for the worker `pid` to end: its exit code, or minus the signal that ended it."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return None


def _serve(
    requests_fd: int, replies_fd: int, profile: types.ModuleType, filters: list[Any]
) -> NoReturn:
    """A forked worker: serve run requests on its pipes until the parent closes them.

    It leads a process group of its own, so what a snippet starts ends with it.
    """
    os.setsid()
    for fd in (requests_fd, replies_fd):
        os.set_inheritable(fd, False)  # not to a snippet's child processes
    adopt_orphans()
    end_group_when_orphaned()
    requests = Connection(requests_fd, writable=False)
    replies = Connection(replies_fd, readable=False)
    own = running()
    replies.send_bytes(b"ready")
    while True:
        try:
            request = json.loads(requests.recv_bytes())
        except EOFError:
            break
        reply = run_snippet(**request, profile=profile, warning_filters=filters)
        reply["ended"] = end_leftovers(own)
        replies.send_bytes(json.dumps(reply).encode())
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # not the fork server's exit handlers


def _preload(modules: list[str], clean: Callable[[str], str]) -> None:
    """Import `modules`, keeping their start-up noise (what `clean` drops) out of the log.

    What they print otherwise reaches the log, also when an import fails.
    """
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    logs = [folder / f"snipexec-preload-{os.getpid()}.{name}" for name in ("out", "err")]
    try:
        with redirected(*logs):
            for name in modules:
                importlib.import_module(name)
    finally:
        for log in logs:
            sys.stderr.write(clean(read_text(log)))
            log.unlink(missing_ok=True)


def run_snippet(
    path: str,
    code: str,
    cwd: str,
    stdout: str,
    stderr: str,
    profile: types.ModuleType,
    warning_filters: list[Any],
) -> dict[str, Any]:
    """Run `code`, the source of the file at `path`, as `__main__`; report how it ended.

    Its output goes to the files `stdout` and `stderr`; the parent reads them, also when
    this process dies half-way.
    """
    source = Path(path)
    failure = None
    profile.reset_state()
    with _fresh_interpreter_state(source, Path(cwd)) as namespace:
        start = time.perf_counter()
        with redirected(Path(stdout), Path(stderr)), warnings.catch_warnings():
            warnings.filters[:] = warning_filters
            try:
                exec(compile(code, path, "exec"), namespace)
            except SystemExit as exit_:
                failure = _report_exit(exit_, path)
            except BaseException as error:  # the snippet's error is its output
                failure = _report_exception(error, path)
        seconds = time.perf_counter() - start
        figures = profile.collect_figures(path)
        values = exported_values(namespace)
    return {"failure": failure, "figures": figures, "seconds": seconds, "values": values}


_SKIP = object()  # what `_plain` gives for a value a page cannot show as text


def exported_values(namespace: dict[str, Any]) -> dict[str, Any]:
    """The snippet's public module-level numbers, strings and tuples of them (as lists).

    NumPy scalars count as numbers; anything else (arrays, models, functions) is left out.
    """
    values: dict[str, Any] = {}
    for name, value in namespace.items():
        if name.startswith("_"):
            continue
        plain = _plain(value)
        if isinstance(value, tuple | list):
            items = [_plain(item) for item in value]
            if len(items) <= 16 and all(item is not _SKIP for item in items):
                values[name] = items
        elif plain is not _SKIP and not (isinstance(plain, str) and len(plain) > 200):
            values[name] = plain
    return values


def _plain(value: Any) -> Any:
    """`value` as a JSON number, string, boolean or null, or `_SKIP`."""
    if getattr(value, "shape", None) == () and hasattr(value, "item"):
        value = value.item()  # a NumPy scalar
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return _SKIP


@contextmanager
def _fresh_interpreter_state(source: Path, cwd: Path) -> Iterator[dict[str, Any]]:
    """Give a snippet what `python SOURCE` would: a new `__main__`, its folder on `sys.path`.

    Everything it may change (working directory, environment, `sys.path`, `sys.argv`,
    modules imported from its own folder) is restored afterwards.
    """
    main_module = types.ModuleType("__main__")
    main_module.__file__ = str(source)
    main_module.__builtins__ = builtins  # type: ignore[attr-defined]
    saved_main, saved_path, saved_argv = sys.modules["__main__"], sys.path[:], sys.argv[:]
    saved_environ, saved_cwd = dict(os.environ), os.getcwd()
    loaded = set(sys.modules)
    sys.modules["__main__"] = main_module
    sys.path[0] = str(source.parent)
    sys.argv = [str(source)]
    os.chdir(cwd)
    try:
        yield main_module.__dict__
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environ)
        sys.modules["__main__"], sys.path[:], sys.argv = saved_main, saved_path, saved_argv
        _forget_local_modules(source.parent, set(sys.modules) - loaded)


def _forget_local_modules(folder: Path, new: set[str]) -> None:
    """Unload the `new` modules that came from the snippet's folder, to be read anew."""
    for name in new:
        file = getattr(sys.modules[name], "__file__", None)
        if file and Path(file).resolve().is_relative_to(folder.resolve()):
            del sys.modules[name]


def _report_exit(exit_: SystemExit, path: str) -> dict[str, Any] | None:
    """Mirror the interpreter: exit code 0 or None is success, anything else a failure."""
    if exit_.code in (0, None):
        return None
    if not isinstance(exit_.code, int):
        print(exit_.code, file=sys.stderr)
    return {
        "kind": "exception",
        "summary": f"SystemExit: {exit_.code}",
        "exception": "SystemExit",
        "line": _line_in(exit_, path),
    }


def _report_exception(error: BaseException, path: str) -> dict[str, Any]:
    """Print the traceback as the interpreter would, without this module's own frame."""
    traceback.print_exception(type(error), error, error.__traceback__.tb_next)  # type: ignore[union-attr]
    summary = traceback.format_exception_only(type(error), error)[-1].strip()
    return {
        "kind": "exception",
        "summary": summary,
        "exception": type(error).__name__,
        "line": _line_in(error, path),
    }


def _line_in(error: BaseException, path: str) -> int | None:
    """The line of the file at `path` where `error` arose: its last frame there, if any."""
    if isinstance(error, SyntaxError) and error.filename == path:
        return error.lineno
    frames = traceback.extract_tb(error.__traceback__)
    lines = [frame.lineno for frame in frames if frame.filename == path]
    return lines[-1] if lines else None


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
