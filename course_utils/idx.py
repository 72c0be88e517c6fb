"""Read the IDX format of MNIST and Fashion-MNIST.

An IDX file starts with a 4-byte magic number ``0x00 0x00 <dtype> <ndim>``,
then ``ndim`` big-endian uint32 dimension sizes, then the data in C order.
MNIST images have magic 2051 (``0x00000803``: uint8, 3 dimensions) and
labels have magic 2049 (``0x00000801``: uint8, 1 dimension).
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib

import numpy as np

from course_utils.errors import DataAccessError, IdxFormatError, os_reason

#: IDX dtype codes (third byte of the magic number) and their numpy types.
IDX_DTYPES: dict[int, str] = {
    0x08: "u1",
    0x09: "i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}


def parse_idx(buffer: bytes, *, source: str = "<bytes>") -> np.ndarray:
    """Decode the bytes of an (uncompressed) IDX file.

    Parameters
    ----------
    buffer : bytes
        The whole file content.
    source : str, default="<bytes>"
        Name used in error messages.

    Returns
    -------
    array : ndarray of shape given by the header
        A read-only-safe copy in native byte order.

    Raises
    ------
    IdxFormatError
        Bad magic number, unknown dtype code, or a data section whose length
        does not match the header (truncated or padded file).
    """
    if len(buffer) < 4:
        raise IdxFormatError(f"{source}: {len(buffer)} bytes, too short for an IDX header")
    zero1, zero2, code, ndim = buffer[:4]
    magic = int.from_bytes(buffer[:4], "big")
    if zero1 != 0 or zero2 != 0 or code not in IDX_DTYPES or ndim == 0:
        raise IdxFormatError(
            f"{source}: bad IDX magic number {magic} (0x{magic:08x}); expected "
            "0x0000TTNN with a known type code TT, e.g. 2051 for images, 2049 for labels"
        )
    header_size = 4 + 4 * ndim
    if len(buffer) < header_size:
        raise IdxFormatError(f"{source}: truncated header ({len(buffer)} < {header_size} bytes)")
    shape = struct.unpack(f">{ndim}I", buffer[4:header_size])
    dtype = np.dtype(IDX_DTYPES[code])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    got = len(buffer) - header_size
    if got != expected:
        raise IdxFormatError(
            f"{source}: header says shape {shape} ({expected} data bytes) but the file "
            f"holds {got} data bytes: the file is truncated or corrupt"
        )
    data = np.frombuffer(buffer, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)


def decode_idx(raw: bytes, *, source: str = "<bytes>", compressed: bool = False) -> np.ndarray:
    """Decode the bytes of an IDX file, gzip-compressed or not.

    Parameters
    ----------
    raw : bytes
        The file's content.
    source : str, default="<bytes>"
        Name used in error messages.
    compressed : bool, default=False
        True for a ``.gz`` file.

    Returns
    -------
    array : ndarray
        See :func:`parse_idx`.

    Raises
    ------
    IdxFormatError
        The bytes do not decompress, or are not a well-formed IDX file.
    """
    if compressed:
        try:
            raw = gzip.decompress(raw)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise IdxFormatError(f"{source}: cannot be decompressed ({exc or type(exc).__name__}): "
                                 "the file is truncated or corrupt") from None
    return parse_idx(raw, source=source)


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file, gzip-compressed (``.gz``) or not.

    Parameters
    ----------
    path : path-like
        File to read.

    Returns
    -------
    array : ndarray
        See :func:`parse_idx`.

    Raises
    ------
    IdxFormatError
        See :func:`decode_idx`.
    DataAccessError
        The file cannot be read (missing, permission denied, a folder...).
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise DataAccessError(f"cannot read {path}: {os_reason(exc)}") from None
    return decode_idx(raw, source=path, compressed=path.endswith(".gz"))
