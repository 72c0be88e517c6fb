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


# --- course_utils.download itself: time limits, local errors, the mirrors' report ----------

def _silent_server():
    """A socket on 127.0.0.1 that accepts connections and never answers."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/blob.bin"


def _never(path):
    raise AssertionError("nothing should reach verify")


def test_socket_timeout_and_deadline_reach_the_transfer(tmp_path):
    from course_utils.download import download_with_mirrors

    sock, url = _silent_server()
    with sock:
        # a short socket timeout, a long deadline: the read times out
        with pytest.raises(OSError) as info:
            download_with_mirrors([url], tmp_path / "a.bin", _never, timeout=0.3, deadline=30,
                                  progress=False)
        assert str(info.value) == f"every source failed:\n  {url}: timed out"
        # a long socket timeout, a short deadline: the watchdog gives up
        with pytest.raises(OSError) as info:
            download_with_mirrors([url, url], tmp_path / "a.bin", _never, timeout=30, deadline=0.3,
                                  progress=False)
        lines = str(info.value).split("\n")
        assert lines[0] == "every source failed:" and len(lines) == 3
        assert all(line.startswith(f"  {url}: gave up after 0.3 s (") for line in lines[1:])
    assert leftovers(tmp_path) == []


def test_local_errors_name_the_path(tmp_path, http_server):
    from course_utils.download import download_one
    from course_utils.errors import DataAccessError

    http_server.routes["/blob.bin"] = (200, PAYLOAD, "ok")
    url = http_server.url("/blob.bin")
    folder = tmp_path / "blob.bin"
    folder.mkdir()  # a folder where the file should go
    with pytest.raises(DataAccessError, match=f"^cannot write {folder}: "):
        download_one(url, folder, _never, progress=False)
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(DataAccessError, match=f"^cannot write {tmp_path / 'file' / 'blob.bin'}: "):
        download_one(url, tmp_path / "file" / "blob.bin", _never, progress=False)
    assert http_server.hits == []  # refused before any transfer


def test_http_errors_are_described(tmp_path, http_server):
    from course_utils.download import download_with_mirrors

    http_server.routes["/blob.bin"] = (200, PAYLOAD, "ok")
    good = http_server.url("/blob.bin")
    failures = download_with_mirrors([http_server.url("/nothing"), good], tmp_path / "b.bin",
                                     entry(good).verify, progress=False)
    assert failures == [f"{http_server.url('/nothing')}: HTTP 404 Not Found"]
    assert (tmp_path / "b.bin").read_bytes() == PAYLOAD
