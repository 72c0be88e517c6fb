"""Downloads against a local HTTP server on 127.0.0.1: never the real network."""

import hashlib

import pytest

from course_utils import data
from course_utils.data import DataCorruptError, DataFile, DataUnavailableError, locate

PAYLOAD = bytes(range(256)) * 400  # 100 KiB of test bytes, not a dataset
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


def entry(*urls: str) -> DataFile:
    return DataFile("testset", "blob.bin", DIGEST, tuple(urls))


def leftovers(folder):
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_success_then_cache_hit(isolated_data, http_server):
    http_server.routes["/blob.bin"] = (200, PAYLOAD, "ok")
    e = entry(http_server.url("/blob.bin"))
    path = locate(e, progress=False)
    assert path == isolated_data / "testset" / "blob.bin"
    assert path.read_bytes() == PAYLOAD
    assert locate(e, progress=False) == path
    assert http_server.hits == ["/blob.bin"]  # the second call used the cache


def test_checksum_mismatch_is_refused(isolated_data, http_server):
    http_server.routes["/blob.bin"] = (200, PAYLOAD[:-1] + b"X", "ok")
    with pytest.raises(DataUnavailableError, match="expected " + DIGEST):
        locate(entry(http_server.url("/blob.bin")), progress=False)
    assert leftovers(isolated_data / "testset") == []


def test_server_error_then_next_mirror(isolated_data, http_server):
    http_server.routes["/broken/blob.bin"] = (500, b"oops", "ok")
    http_server.routes["/bad/blob.bin"] = (200, b"wrong content", "ok")
    http_server.routes["/good/blob.bin"] = (200, PAYLOAD, "ok")
    e = entry(*(http_server.url(f"/{m}/blob.bin") for m in ("broken", "bad", "good")))
    assert locate(e, progress=False).read_bytes() == PAYLOAD
    assert http_server.hits == ["/broken/blob.bin", "/bad/blob.bin", "/good/blob.bin"]


def test_interrupted_download_leaves_no_half_file(isolated_data, http_server):
    http_server.routes["/blob.bin"] = (200, PAYLOAD, "truncate")
    with pytest.raises(DataUnavailableError, match="connection closed after"):
        locate(entry(http_server.url("/blob.bin")), progress=False)
    assert leftovers(isolated_data / "testset") == []


def test_corrupt_cache_is_fetched_again(isolated_data, http_server, capsys):
    http_server.routes["/blob.bin"] = (200, PAYLOAD, "ok")
    cached = isolated_data / "testset" / "blob.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"\xff" + PAYLOAD[1:])  # one flipped byte
    assert locate(entry(http_server.url("/blob.bin")), progress=False).read_bytes() == PAYLOAD
    assert "corrupt" in capsys.readouterr().err
    assert http_server.hits == ["/blob.bin"]


def test_no_network_no_data_gives_advice(isolated_data, closed_port_url):
    with pytest.raises(DataUnavailableError) as info:
        locate(entry(closed_port_url), progress=False)
    message = str(info.value)
    assert "testset/blob.bin is missing" in message
    assert str(isolated_data / "testset" / "blob.bin") in message  # where to put it
    assert closed_port_url in message  # where to download it
    assert "COURSE_DATA_DIR" in message


def test_pack_is_used_without_network(isolated_data, tmp_path, monkeypatch, closed_port_url):
    pack = tmp_path / "pack"
    (pack / "testset").mkdir(parents=True)
    (pack / "testset" / "blob.bin").write_bytes(PAYLOAD)
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    assert locate(entry(closed_port_url)) == pack / "testset" / "blob.bin"
    assert leftovers(isolated_data) == []  # nothing copied into the cache


def test_corrupt_pack_file_is_a_clear_error(isolated_data, tmp_path, monkeypatch, http_server):
    http_server.routes["/blob.bin"] = (200, PAYLOAD, "ok")
    pack = tmp_path / "pack"
    (pack / "testset").mkdir(parents=True)
    bad = bytearray(PAYLOAD)
    bad[1000] ^= 0xFF
    (pack / "testset" / "blob.bin").write_bytes(bytes(bad))
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    with pytest.raises(DataCorruptError) as info:
        locate(entry(http_server.url("/blob.bin")))
    assert str(pack / "testset" / "blob.bin") in str(info.value)
    assert DIGEST in str(info.value)
    assert http_server.hits == []  # a read-only pack is never silently replaced


def test_missing_pack_file_falls_back_to_download(isolated_data, tmp_path, monkeypatch,
                                                  http_server):
    http_server.routes["/blob.bin"] = (200, PAYLOAD, "ok")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "empty-pack"))
    assert locate(entry(http_server.url("/blob.bin")), progress=False).read_bytes() == PAYLOAD


def test_cli_status_reports_missing_files(isolated_data, capsys):
    assert data.main(["status", "mnist"]) == 1
    captured = capsys.readouterr()
    assert "MISSING  mnist/train-images-idx3-ubyte.gz" in captured.out
    assert "yann.lecun.com" in captured.err
