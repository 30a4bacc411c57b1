import time
from pathlib import Path

import pytest

from snipexec import Cache, Failure, Figure, RunResult
from snipexec._internal.cache import RECENT_BUILDS

RESULT = RunResult(
    stdout="out\n",
    stderr="",
    figures=(Figure(svg="<svg/>", alt="a plot"),),
    failure=Failure("exception", "ValueError: x", "ValueError", 3),
    seconds=1.5,
    versions={"python": "3.11"},
    ran_at="2026-01-01T00:00:00+00:00",
)


def test_round_trip(tmp_path: Path):
    cache = Cache(tmp_path / "cache")
    assert cache.get("k") is None
    cache.put("k", RESULT)
    assert cache.get("k") == RESULT
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["k.json"]


@pytest.mark.parametrize(
    "content",
    [b'{"stdout": "o', b"\xff\xfe", b"[]", b'{"stdout": "o", "stderr": ""}', b"{}"],
    ids=["torn", "not-utf8", "wrong-type", "missing-fields", "empty-object"],
)
def test_unreadable_entry_is_a_miss(tmp_path: Path, content: bytes):
    cache = Cache(tmp_path)
    (tmp_path / "k.json").write_bytes(content)
    assert cache.get("k") is None
    cache.put("k", RESULT)
    assert cache.get("k") == RESULT


def test_failed_write_leaves_previous_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cache = Cache(tmp_path)
    cache.put("k", RESULT)

    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("snipexec._internal.cache.json.dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        cache.put("k", RunResult(stdout="new", stderr=""))
    assert cache.get("k") == RESULT
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]


def test_entries_no_recent_build_used_are_removed(tmp_path: Path):
    cache = Cache(tmp_path)
    for key in ("kept", "dropped"):
        cache.put(key, RESULT)
    later = time.time() + 60
    assert cache.keep_only_recent({"kept", "dropped"}, later) == 0
    for _ in range(RECENT_BUILDS - 1):  # still listed by one of the recent builds
        assert cache.keep_only_recent({"kept"}, later) == 0
    assert cache.keep_only_recent({"kept"}, later) == 1
    assert cache.get("kept") is not None and cache.get("dropped") is None
    assert len(list((tmp_path / "used").glob("*.txt"))) == RECENT_BUILDS


def test_an_entry_newer_than_the_build_is_kept_for_a_build_running_beside_it(tmp_path: Path):
    cache = Cache(tmp_path)
    started = time.time() - 60
    cache.put("written-meanwhile", RESULT)
    for _ in range(RECENT_BUILDS + 1):
        assert cache.keep_only_recent(set(), started) == 0
    assert cache.get("written-meanwhile") is not None


def test_the_size_counts_every_file(tmp_path: Path):
    cache = Cache(tmp_path)
    cache.put("a", RESULT)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "x.ipynb").write_bytes(b"12345")
    assert cache.size() == (tmp_path / "a.json").stat().st_size + 5


def test_a_damaged_list_of_used_keys_is_no_failure(tmp_path: Path):
    cache = Cache(tmp_path)
    cache.put("kept", RESULT)
    cache.keep_only_recent({"kept"}, time.time() + 60)
    for listed in (tmp_path / "used").iterdir():
        listed.write_bytes(b"\x8b\xff" * 40)
    assert cache.keep_only_recent({"kept"}, time.time() + 60) == 0
    assert cache.get("kept") is not None
