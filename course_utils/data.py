"""The course's datasets: one registry, verified files, loaders.

Every file is described once in :data:`course_utils.registry.REGISTRY` (where
it lives, its sha256, where to download it). A file is looked for, in this order:

1. in the offline data pack named by ``COURSE_DATA_DIR`` (read-only; a bad
   file there is an error, never silently replaced);
2. in the download cache (``COURSE_CACHE_DIR``, by default the repository's
   ``data/`` folder); a corrupt cached file is fetched again;
3. on the network, from the original distributor then its mirrors.

(:mod:`course_utils.datastore` does the looking.) Each file is checked against
its sha256 after every download and on every use, and the loaders decode the
very bytes that were checked. Every failure is a
:class:`~course_utils.errors.CourseDataError` naming the file. Run
``python -m course_utils.data fetch all`` to prepare a class, ``status`` to
check without changing anything.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from course_utils.datastore import cache_dir, find, locate, pack_dir, pack_status, usable_pack
from course_utils.errors import (
    ChecksumError,
    CourseDataError,
    DataAccessError,
    DataCorruptError,
    DataUnavailableError,
    IdxFormatError,
)
from course_utils.idx import decode_idx
from course_utils.partials import partial_files, partial_is_stale, remove_stale_partials
from course_utils.registry import REGISTRY, DataFile, fleurs_body

__all__ = ["REGISTRY", "ChecksumError", "CourseDataError", "DataAccessError", "DataCorruptError",
           "DataFile", "DataUnavailableError", "cache_dir", "fetch", "fleurs_body", "load_fashion_mnist",
           "load_fleurs_du_mal", "load_mnist", "load_tiny_shakespeare", "locate", "pack_dir"]

FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

def _read_idx_file(entry: DataFile) -> np.ndarray:
    copy = find(entry)
    try:
        return decode_idx(copy.data, source=str(copy.path), compressed=True)
    except IdxFormatError as exc:  # cannot happen to a file with the registry's sha256
        raise DataCorruptError(f"{copy.path} passed its checksum but does not decode: {exc}") from None


def _load_idx_pair(dataset: str, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    files = REGISTRY[dataset]
    images = _read_idx_file(files[f"{prefix}-images-idx3-ubyte.gz"])
    labels = _read_idx_file(files[f"{prefix}-labels-idx1-ubyte.gz"])
    if images.shape[0] != labels.shape[0]:
        raise DataCorruptError(f"{dataset} {prefix}: {images.shape[0]} images but "
                               f"{labels.shape[0]} labels")
    return images, labels


def _load_idx_dataset(dataset: str) -> tuple[tuple[np.ndarray, np.ndarray],
                                              tuple[np.ndarray, np.ndarray]]:
    return _load_idx_pair(dataset, "train"), _load_idx_pair(dataset, "t10k")


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST digits in the original 60,000 / 10,000 split.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x_train`` uint8 of shape (60000, 28, 28), ``y_train`` uint8 of shape
        (60000,), ``x_test`` (10000, 28, 28), ``y_test`` (10000,): exactly the
        bytes of the original IDX files.
    """
    return _load_idx_dataset("mnist")


def load_fashion_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Fashion-MNIST, same layout as :func:`load_mnist`; class names in
    :data:`FASHION_CLASSES`."""
    return _load_idx_dataset("fashion-mnist")


def load_fleurs_du_mal(*, full: bool = False) -> str:
    """Baudelaire's "Les Fleurs du mal" (Project Gutenberg #6099).

    Parameters
    ----------
    full : bool, default=False
        False: the part the course uses (:func:`fleurs_body`, starting with
        Frichet's preface). True: the whole file, BOM removed, ``\\n`` endings.
    """
    text = _read_text(REGISTRY["fleurs"]["fleurs_mal.txt"])
    if full:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    body = fleurs_body(text)
    if body is None:  # verify() accepted the file, so this cannot happen
        raise DataCorruptError("fleurs_mal.txt: start or end marker not found")
    return body


def load_tiny_shakespeare() -> str:
    """Karpathy's tiny-shakespeare corpus (1,115,394 characters of ASCII)."""
    return _read_text(REGISTRY["shakespeare"]["input.txt"])


def _read_text(entry: DataFile) -> str:
    copy = find(entry)
    try:
        return copy.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # verify_bytes decodes the same way: cannot happen
        raise DataCorruptError(f"{copy.path} is not UTF-8 text (byte {exc.start}); "
                               "copy it again") from None


_LABELS = ((DataUnavailableError, "MISSING"), (DataCorruptError, "CORRUPT"),
           (DataAccessError, "UNUSABLE"), (CourseDataError, "ERROR"))


def _report_partials(entry: DataFile, *, clean: bool) -> None:
    dest = cache_dir() / entry.relpath
    if clean:
        for part in remove_stale_partials(dest):
            print(f"removed  {part}  (left by an interrupted download)")
    for part in partial_files(dest):
        try:
            size = f"{part.stat().st_size} bytes"
        except OSError:
            size = "size unknown"
        who = ("left by an interrupted download: the next `fetch` removes it"
               if partial_is_stale(part, dest) else "may belong to a download in progress")
        print(f"partial  {part}  ({size}, {who})")


def fetch(names: list[str], *, download: bool = True) -> list[str]:
    """Make sure every file of the named datasets is present and verified.

    With ``download=False`` (the ``status`` command) nothing is written or
    removed: each file is only checked, and leftover partial downloads are listed.

    Returns
    -------
    problems : list of str
        One message per file that could not be provided (empty when all is well).
    """
    problems = []
    for name in names:
        for entry in REGISTRY[name].values():
            _report_partials(entry, clean=download)
            try:
                path = locate(entry, download=download)
                print(f"ok       {entry.relpath:42s} {path}")
            except CourseDataError as exc:
                label = next(text for cls, text in _LABELS if isinstance(exc, cls))
                print(f"{label:8s} {entry.relpath}")
                problems.append(str(exc))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.data",
                                     description="Fetch and verify the course's data.")
    parser.add_argument("command", choices=["fetch", "status"],
                        help="fetch: download what is missing; status: only check, change nothing")
    parser.add_argument("datasets", nargs="*", metavar="DATASET",
                        help=f"all (default) or some of: {', '.join(REGISTRY)}")
    args = parser.parse_args(argv)
    unknown = [d for d in args.datasets if d != "all" and d not in REGISTRY]
    if unknown:
        parser.error(f"unknown dataset {unknown[0]!r}: use all (the default) or some of "
                     f"{', '.join(REGISTRY)}")
    wanted = args.datasets if args.datasets and "all" not in args.datasets else list(REGISTRY)
    names = list(dict.fromkeys(wanted))
    pack, problem = pack_status()
    usable_pack()  # a misconfigured pack is reported here, once
    print(f"data pack (COURSE_DATA_DIR): {pack or 'not set'}"
          + ("   NOT USABLE, ignored (see the warning)" if problem else ""))
    print(f"download cache:              {cache_dir()}")
    problems = fetch(names, download=args.command == "fetch")
    for message in problems:
        print("\n" + message, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
