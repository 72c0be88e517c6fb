import gzip
import struct

import numpy as np
import pytest

from course_utils.idx import IdxFormatError, parse_idx, read_idx


def idx_bytes(array: np.ndarray, code: int = 0x08) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(">u1" if code == 0x08 else ">i4").tobytes()


def test_images_round_trip(tmp_path):
    images = np.random.randint(0, 256, size=(7, 28, 28), dtype=np.uint8)
    raw = idx_bytes(images)
    assert int.from_bytes(raw[:4], "big") == 2051
    path = tmp_path / "x-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(raw))
    out = read_idx(path)
    assert out.dtype == np.uint8 and out.shape == (7, 28, 28)
    np.testing.assert_array_equal(out, images)


def test_labels_uncompressed(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    path = tmp_path / "y-idx1-ubyte"
    path.write_bytes(idx_bytes(labels))
    np.testing.assert_array_equal(read_idx(path), labels)


def test_big_endian_int32_is_converted():
    values = np.array([[1, -2], [300000, 4]], dtype=np.int32)
    out = parse_idx(idx_bytes(values, code=0x0C))
    assert out.dtype == np.int32 and out.dtype.isnative
    np.testing.assert_array_equal(out, values)


@pytest.mark.parametrize("magic", [b"\x01\x00\x08\x03", b"\x00\x00\x42\x03", b"\x00\x00\x08\x00",
                                   b"PK\x03\x04"])
def test_bad_magic_rejected(magic):
    raw = magic + struct.pack(">3I", 1, 2, 2) + bytes(4)
    with pytest.raises(IdxFormatError, match="bad IDX magic number"):
        parse_idx(raw)


def test_truncated_data_rejected():
    raw = idx_bytes(np.zeros((3, 4, 4), dtype=np.uint8))
    with pytest.raises(IdxFormatError, match="truncated or corrupt"):
        parse_idx(raw[:-5])


def test_truncated_header_rejected():
    with pytest.raises(IdxFormatError, match="truncated header"):
        parse_idx(bytes([0, 0, 8, 3, 0, 0]))


def test_truncated_gzip_rejected(tmp_path):
    path = tmp_path / "t.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.ones((50, 9), dtype=np.uint8)))[:-12])
    with pytest.raises(IdxFormatError):
        read_idx(path)
