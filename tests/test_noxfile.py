"""The README's commands reuse an environment while the lock is unchanged, else sync it."""

import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
assert _spec is not None and _spec.loader is not None
noxfile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(noxfile)


def project(tmp_path: Path) -> Path:
    for name in noxfile.LOCK_INPUTS:
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_an_environment_installed_from_this_lock_is_reused(tmp_path: Path):
    root, venv = project(tmp_path), tmp_path / "venv"
    venv.mkdir()
    assert noxfile.installed_from(venv) is None  # never installed: sync
    (venv / noxfile.STAMP).write_text(noxfile.lock_fingerprint(("docs",), root))
    assert noxfile.installed_from(venv) == noxfile.lock_fingerprint(("docs",), root)


def test_a_changed_lock_or_other_groups_mean_a_new_sync(tmp_path: Path):
    root = project(tmp_path)
    before = noxfile.lock_fingerprint(("docs",), root)
    assert noxfile.lock_fingerprint(("test",), root) != before
    lock = root / "uv.lock"
    lock.write_text(lock.read_text() + "\n# another pin\n")
    assert noxfile.lock_fingerprint(("docs",), root) != before
