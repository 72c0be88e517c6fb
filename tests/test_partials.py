"""Partial download files: unique names, and which ones a live process may still be writing."""

import os
import time

from course_utils import partials


def test_names_are_unique_hidden_and_found(tmp_path):
    dest = tmp_path / "a[1].gz"  # glob characters in the name are taken literally
    names = {partials.partial_name(dest) for _ in range(20)}
    assert len(names) == 20
    assert all(p.name.startswith(".a[1].gz.") and p.suffix == ".part" for p in names)
    for p in list(names)[:3]:
        p.write_bytes(b"x")
    (tmp_path / ".a[1].gz-other.part").write_bytes(b"x")  # another file's partial
    assert len(partials.partial_files(dest)) == 3


def test_staleness(tmp_path, monkeypatch):
    dest = tmp_path / "f.gz"
    host = partials._host()
    mine = tmp_path / f".f.gz.{host}.{os.getpid()}.0000.part"
    other_host = tmp_path / ".f.gz.elsewhere.1.0000.part"
    for p in (mine, other_host):
        p.write_bytes(b"x")
    monkeypatch.setattr(partials, "_writer_alive",  # another host's writer cannot be checked
                        lambda h, pid: None if h != host else pid == os.getpid())
    gone = tmp_path / f".f.gz.{host}.12345.0000.part"
    gone.write_bytes(b"x")
    assert [partials.partial_is_stale(p, dest) for p in (mine, other_host, gone)] == [False, False, True]
    old = time.time() - partials.STALE_PARTIAL_SECONDS - 1
    os.utime(other_host, (old, old))
    os.utime(mine, (old, old))  # a live writer that has not written for an hour is stale too
    assert sorted(partials.remove_stale_partials(dest)) == sorted([gone, other_host, mine])
    assert partials.partial_files(dest) == []
