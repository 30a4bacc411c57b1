from pathlib import Path

import pytest

from snipexec import Cache, Failure, Figure, RunResult

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
