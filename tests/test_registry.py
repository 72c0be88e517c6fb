"""The registry: every course file described once, and a copy checked against it."""

import hashlib

import pytest

from course_utils.errors import ChecksumError
from course_utils.registry import FLEURS_START, REGISTRY, DataFile, fleurs_body


def test_every_file_is_described_once_with_a_checksum_and_its_urls():
    entries = [e for files in REGISTRY.values() for e in files.values()]
    assert sorted(REGISTRY) == ["fashion-mnist", "fleurs", "mnist", "shakespeare"]
    assert len({e.relpath for e in entries}) == len(entries) == 10
    for name, files in REGISTRY.items():
        for key, e in files.items():
            assert key == e.name, name
            assert len(e.sha256) == 64 and int(e.sha256, 16) >= 0
            assert e.urls and all(u.startswith(("http://", "https://")) for u in e.urls)
    for e in list(REGISTRY["mnist"].values()) + list(REGISTRY["fashion-mnist"].values()):
        assert all(u.endswith("/" + e.name) for u in e.urls), e.name


def test_a_copy_passes_only_with_the_right_bytes(tmp_path):
    data = b"some bytes"
    entry = DataFile("test", "blob.bin", hashlib.sha256(data).hexdigest(), ("http://127.0.0.1/blob.bin",))
    entry.verify_bytes(data)
    (tmp_path / "blob.bin").write_bytes(data)
    entry.verify(tmp_path / "blob.bin")
    with pytest.raises(ChecksumError, match=rf"copy: sha256 {hashlib.sha256(b'other').hexdigest()}, "
                                            rf"expected {entry.sha256}"):
        entry.verify_bytes(b"other", source="copy")


def test_a_poems_copy_with_another_header_passes_on_its_body():
    body = f"{FLEURS_START} qui...\nLes poemes.\n"
    entry = DataFile("text", "f.txt", "0" * 64, ("http://127.0.0.1/f.txt",),
                     body_sha256=hashlib.sha256(body.encode()).hexdigest())
    other_header = f"\ufeffAnother header\r\n{FLEURS_START} qui...\r\nLes poemes.  \r\n\r\n" \
                   "*** END OF THE PROJECT GUTENBERG EBOOK ***\r\n"
    entry.verify_bytes(other_header.encode("utf-8"))
    assert fleurs_body(other_header) == body
    with pytest.raises(ChecksumError, match="nor is it a copy of the poems: byte 0"):
        entry.verify_bytes(b"\xff" + other_header.encode("utf-8"))
    with pytest.raises(ChecksumError, match="sha256"):
        entry.verify_bytes(other_header.replace("poemes", "poems").encode("utf-8"))


def test_fleurs_body_needs_both_markers():
    assert fleurs_body("no markers here\n") is None
    assert fleurs_body("Charles Baudelaire avait un ami\nbut no end\n") is None
    body = fleurs_body("\ufeffheader\r\nCharles Baudelaire avait un ami  \r\n\r\n"
                            "End of the Project Gutenberg EBook\r\n")
    assert body == "Charles Baudelaire avait un ami\n"


def test_fleurs_body_edges():
    end = "End of this Project Gutenberg EBook\n"
    # a BOM right before the first line of the poems, old Mac line ends
    assert fleurs_body("\ufeffCharles Baudelaire avait un ami\rla suite\r" + end) == \
        "Charles Baudelaire avait un ami\nla suite\n"
    # an end marker in the header, before the poems, is not their end
    assert fleurs_body("end of the Project Gutenberg EBook (licence)\n"
                            "Charles Baudelaire avait un ami\n" + end) == \
        "Charles Baudelaire avait un ami\n"
