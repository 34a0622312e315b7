"""The parse cache: unchanged records are not parsed again; an edit rewrites one bucket."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Problems
from generator.parsecache import ParseCache
from generator.yamlsource import load_yaml


def _files(tmp_path: Path, n: int) -> list[Path]:
    folder = tmp_path / "records"
    folder.mkdir()
    paths = []
    for i in range(n):
        path = folder / f"r{i}.yaml"
        path.write_text(f"name: Record {i}\nitems:\n  - a: {i}\n")
        paths.append(path)
    return paths


def test_cached_documents_equal_parsed_ones(tmp_path: Path) -> None:
    paths = _files(tmp_path, 40)
    cache = ParseCache(tmp_path / "cache")
    first = [load_yaml(p, Problems(), cache=cache) for p in paths]
    cache.save()
    again = ParseCache(tmp_path / "cache")
    second = [load_yaml(p, Problems(), cache=again) for p in paths]
    assert again.hits == 40
    for a, b in zip(first, second, strict=True):
        assert a is not None and b is not None
        assert (a.data, a.positions) == (b.data, b.positions)
        assert b.where("items[0].a") == a.where("items[0].a")


def test_an_edit_rewrites_one_bucket_and_drops_unused_entries(tmp_path: Path) -> None:
    paths = _files(tmp_path, 40)
    cache = ParseCache(tmp_path / "cache")
    for p in paths:
        load_yaml(p, Problems(), cache=cache)
    cache.save()
    stamps = {f.name: f.stat().st_mtime_ns for f in (tmp_path / "cache").iterdir()}
    paths[3].write_text("name: Edited\n")
    edited = ParseCache(tmp_path / "cache")
    for p in paths:
        load_yaml(p, Problems(), cache=edited)
    edited.save()
    after = {f.name: f.stat().st_mtime_ns for f in (tmp_path / "cache").iterdir()}
    changed = {name for name in after if after[name] != stamps.get(name)}
    assert 1 <= len(changed) <= 2  # the old entry's bucket and the new one's
    final = ParseCache(tmp_path / "cache")
    assert sum(len(bucket) for bucket in final._old) == 40


def test_a_document_with_problems_is_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\na: 2\n")  # a duplicate key is reported
    cache = ParseCache(tmp_path / "cache")
    problems = Problems()
    load_yaml(path, problems, cache=cache)
    assert problems
    again = Problems()
    load_yaml(path, again, cache=cache)
    assert len(again) == len(problems) and cache.hits == 0
