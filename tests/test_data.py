"""The real datasets, read from the data pack or the cache (`make data` fills it)."""

import hashlib
import shutil
import struct
import threading

import numpy as np
import pytest

from course_utils import data
from course_utils.data import REGISTRY, DataCorruptError, locate
from course_utils.download import ChecksumError

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
# md5 of the decompressed IDX files, as published for MNIST (see shared/data/README.md).
MNIST_RAW_MD5 = {
    "train_images": "6bbc9ace898e44ae57da46a324031adb",
    "train_labels": "a25bea736e30d166cdddb491f175f624",
    "test_images": "2646ac647ad5339dbf082846283269ea",
    "test_labels": "27ae3e4e09519cfbb04c329615203637",
}


def present(dataset: str) -> None:
    """Skip (with the reason) when the real files are not on this machine."""
    try:
        for e in REGISTRY[dataset].values():
            locate(e, download=False)
    except data.DataUnavailableError:
        pytest.skip(f"{dataset} not available: run `make data` or set COURSE_DATA_DIR")


def as_idx(array: np.ndarray) -> bytes:
    """The IDX file that holds ``array`` (uint8), to compare with published md5s."""
    magic = bytes([0, 0, 8, array.ndim])
    return magic + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def test_mnist_is_the_original():
    present("mnist")
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == MNIST_TEST_COUNTS
    arrays = {"train_images": x_train, "train_labels": y_train,
              "test_images": x_test, "test_labels": y_test}
    for name, array in arrays.items():
        assert hashlib.md5(as_idx(array)).hexdigest() == MNIST_RAW_MD5[name], name


def test_fashion_mnist_is_the_original():
    present("fashion-mnist")
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    # Published prefixes of the decompressed files' md5s (Fashion-MNIST README).
    for array, prefix in [(x_train, "f4a8712d"), (y_train, "9018921c"),
                          (x_test, "8181f547"), (y_test, "15d48437")]:
        assert hashlib.md5(as_idx(array)).hexdigest().startswith(prefix)
    assert len(data.FASHION_CLASSES) == 10


def test_flipped_byte_in_pack_is_caught(tmp_path, monkeypatch):
    present("mnist")
    entry = REGISTRY["mnist"]["t10k-labels-idx1-ubyte.gz"]
    pack = tmp_path / "pack"
    (pack / "mnist").mkdir(parents=True)
    copy = pack / entry.relpath
    shutil.copyfile(locate(entry, download=False), copy)
    raw = bytearray(copy.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    copy.write_bytes(bytes(raw))
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    with pytest.raises(DataCorruptError, match=entry.sha256):
        locate(entry)


def test_fleurs_du_mal_poems():
    present("fleurs")
    poems = data.load_fleurs_du_mal()
    assert poems.startswith("Charles Baudelaire avait un ami")
    assert "\r" not in poems and "\ufeff" not in poems
    assert "Gutenberg" not in poems.splitlines()[-1]
    full = data.load_fleurs_du_mal(full=True)
    assert full.startswith("The Project Gutenberg EBook") and poems in full


def test_fleurs_copy_from_another_source_is_accepted(tmp_path):
    """CRLF, no BOM, another header: the whole-file checksum differs, the poems match."""
    present("fleurs")
    entry = REGISTRY["fleurs"]["fleurs_mal.txt"]
    text = locate(entry, download=False).read_bytes().decode("utf-8-sig")
    other = text.replace("Posting Date: September 11, 2012", "Release Date: 2004, updated")
    copy = tmp_path / "fleurs_mal.txt"
    copy.write_bytes(other.replace("\n", "\r\n").encode("utf-8"))
    entry.verify(copy)  # accepted
    copy.write_bytes(other.replace("Poulet-Malassis", "Poulet-Malasis").encode("utf-8"))
    with pytest.raises(ChecksumError):
        entry.verify(copy)  # a changed poem is not


def test_tiny_shakespeare():
    present("shakespeare")
    text = data.load_tiny_shakespeare()
    assert len(text) == 1115394 and text.startswith("First Citizen:")


def test_cli_status_without_a_dataset_checks_all(isolated_data, capsys):
    assert data.main(["status"]) == 1  # was an argparse error: invalid choice ['all']
    out = capsys.readouterr().out
    assert out.count("MISSING  ") == sum(len(files) for files in REGISTRY.values())
    assert "MISSING  text/tinyshakespeare/input.txt" in out
    assert not list(isolated_data.rglob("*"))  # status wrote nothing


def test_cli_rejects_an_unknown_dataset_and_repeats_none(isolated_data, capsys):
    with pytest.raises(SystemExit) as info:
        data.main(["status", "mnist", "cifar"])
    assert info.value.code == 2 and "unknown dataset 'cifar'" in capsys.readouterr().err
    assert data.main(["status", "mnist", "mnist", "all"]) == 1
    assert capsys.readouterr().out.count("MISSING  mnist/train-images") == 1


def test_shared_pack_verifies_with_status(capsys):
    """The real pack (CI's COURSE_DATA_DIR): every file verifies, nothing is MISSING."""
    for name in REGISTRY:
        present(name)
    assert data.main(["status"]) == 0
    assert "MISSING" not in capsys.readouterr().out


# --- the CLI's fetch, partial files and messages, on a test file served from 127.0.0.1 -----

PAYLOAD = bytes(range(256)) * 40  # 10 KiB of test bytes, not a dataset
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


def test_cli_fetch_downloads_and_status_changes_nothing(isolated_data, http_server, monkeypatch,
                                                        capsys):
    import os

    from tqdm.auto import tqdm

    from course_utils.partials import _host

    # tqdm's default lock is shared with forked processes (mutmut forks one per mutant): a
    # process's own lock, and no monitor thread left behind
    monkeypatch.setattr(tqdm, "_lock", threading.RLock(), raising=False)
    monkeypatch.setattr(tqdm, "monitor_interval", 0)
    http_server.routes["/blob.bin"] = (200, PAYLOAD, "ok")
    entry = data.DataFile("testset", "blob.bin", DIGEST, (http_server.url("/blob.bin"),))
    monkeypatch.setitem(REGISTRY, "testset", {"blob.bin": entry})
    dest = isolated_data / "testset" / "blob.bin"
    dest.parent.mkdir(parents=True)
    stale = dest.with_name(f".blob.bin.{_host()}.99999999.0badc0de.part")  # its writer is gone
    stale.write_bytes(b"xx")
    live = dest.with_name(f".blob.bin.{_host()}.{os.getpid()}.0000beef.part")  # this process
    live.write_bytes(b"y")

    assert data.main(["status", "testset"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "data pack (COURSE_DATA_DIR): not set",
        f"download cache:              {isolated_data}",
        f"partial  {live}  (1 bytes, may belong to a download in progress)",  # sorted by name
        f"partial  {stale}  (2 bytes, left by an interrupted download: the next `fetch` removes it)",
        "MISSING  testset/blob.bin"]
    assert captured.err.startswith("\ntestset/blob.bin is missing")
    assert stale.exists() and not dest.exists() and http_server.hits == []

    assert data.main(["fetch", "testset"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[2:] == [
        f"removed  {stale}  (left by an interrupted download)",
        f"partial  {live}  (1 bytes, may belong to a download in progress)",
        f"ok       {'testset/blob.bin':42s} {dest}"]
    # no problem reported; the progress bar (stderr) names the file and counts KiB of bytes
    assert "missing" not in captured.err and "blob.bin: " in captured.err
    assert "/10.0k [" in captured.err and "B/s]" in captured.err
    assert dest.read_bytes() == PAYLOAD and not stale.exists() and live.exists()
    assert data.fetch(["testset"]) == []  # download=True by default; already there


def test_cli_names_an_unusable_pack(isolated_data, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "no-such-pack"))
    data.main(["status", "shakespeare"])
    assert (f"data pack (COURSE_DATA_DIR): {tmp_path / 'no-such-pack'}   NOT USABLE, ignored "
            "(see the warning)") in capsys.readouterr().out.splitlines()


def test_checksum_errors_name_the_file_and_the_bad_byte(tmp_path):
    entry = data.DataFile("testset", "blob.bin", DIGEST, ())
    bad = tmp_path / "blob.bin"
    bad.write_bytes(PAYLOAD[:-1])
    got = hashlib.sha256(PAYLOAD[:-1]).hexdigest()
    with pytest.raises(ChecksumError) as info:
        entry.verify(bad)
    assert str(info.value) == f"{bad}: sha256 {got}, expected {DIGEST}"
    with pytest.raises(ChecksumError, match=f"^<bytes>: sha256 {got}, expected {DIGEST}$"):
        entry.verify_bytes(PAYLOAD[:-1])
    with pytest.raises(ChecksumError, match=f"^sha256 {got}, expected"):
        entry.verify_bytes(PAYLOAD[:-1], source="")
    (tmp_path / "ok.bin").write_bytes(PAYLOAD)
    entry.verify(tmp_path / "ok.bin")
    poems = REGISTRY["fleurs"]["fleurs_mal.txt"]
    with pytest.raises(ChecksumError, match=r"nor is it a copy of the poems: byte 3 \(b'\\xff'\) "
                                            r"is not UTF-8"):
        poems.verify_bytes(b"abc\xff\xfedef")


def test_full_fleurs_text_has_unix_line_ends(monkeypatch):
    monkeypatch.setattr(data, "_read_text", lambda entry: "a\r\nb\rc\n")  # a copy with CRLF, CR
    assert data.load_fleurs_du_mal(full=True) == "a\nb\nc\n"


def test_images_and_labels_that_disagree_are_named(monkeypatch):
    import numpy as np

    fake = {"train-images-idx3-ubyte.gz": np.zeros((3, 28, 28)), "train-labels-idx1-ubyte.gz": np.zeros(2)}
    monkeypatch.setattr(data, "_read_idx_file", lambda entry: fake[entry.name])
    with pytest.raises(DataCorruptError, match="^mnist train: 3 images but 2 labels$"):
        data._load_idx_pair("mnist", "train")
