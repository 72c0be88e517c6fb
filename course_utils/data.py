"""The course's datasets: one registry, verified files, loaders.

Every file is described once in :data:`REGISTRY` (where it lives, its sha256,
where to download it). A file is looked for, in this order:

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
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

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

__all__ = ["REGISTRY", "ChecksumError", "CourseDataError", "DataAccessError", "DataCorruptError",
           "DataFile", "DataUnavailableError", "cache_dir", "fetch", "fleurs_body", "load_fashion_mnist",
           "load_fleurs_du_mal", "load_mnist", "load_tiny_shakespeare", "locate", "pack_dir"]

MNIST_URLS = (
    "https://yann.lecun.com/exdb/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FASHION_URLS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

# "Les Fleurs du mal": the course uses the poems from this line to the end marker.
FLEURS_START = "Charles Baudelaire avait un ami"
FLEURS_END = re.compile(r"end of (the|this) project gutenberg ebook", re.IGNORECASE)


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset.

    Attributes
    ----------
    folder : str
        Sub-folder in the pack and the cache, e.g. ``"mnist"``.
    name : str
        File name as the distributor spells it.
    sha256 : str
        Checksum of the whole file.
    urls : tuple of str
        Full download URLs, original distributor first.
    body_sha256 : str or None
        For "Les Fleurs du mal" only: checksum of the poems (see
        :func:`fleurs_body`), accepted when a copy's header differs.
    """

    folder: str
    name: str
    sha256: str
    urls: tuple[str, ...] = field(repr=False)
    body_sha256: str | None = None

    @property
    def relpath(self) -> str:
        return f"{self.folder}/{self.name}"

    def verify(self, path: Path) -> None:
        """Raise :class:`ChecksumError` unless ``path`` holds this file."""
        with open(path, "rb") as f:
            self.verify_bytes(f.read(), source=str(path))

    def verify_bytes(self, data: bytes, *, source: str = "<bytes>") -> None:
        """Raise :class:`ChecksumError` unless ``data`` is this file's content.

        A text with a body checksum must also decode as UTF-8, strictly, as the
        loader decodes it: whatever passes this check loads.
        """
        got = hashlib.sha256(data).hexdigest()
        if got == self.sha256:
            return
        message = (f"{source}: " if source else "") + f"sha256 {got}, expected {self.sha256}"
        if self.body_sha256 is not None:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ChecksumError(f"{message}; nor is it a copy of the poems: byte {exc.start} "
                                    f"({data[exc.start:exc.start + 1]!r}) is not UTF-8") from None
            body = fleurs_body(text)
            if body is not None and _sha256_text(body) == self.body_sha256:
                return
        raise ChecksumError(message)


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _idx_files(folder: str, urls: tuple[str, ...], sums: dict[str, str]) -> dict[str, DataFile]:
    return {name: DataFile(folder, name, digest, tuple(u + name for u in urls))
            for name, digest in sums.items()}


REGISTRY: dict[str, dict[str, DataFile]] = {
    "mnist": _idx_files("mnist", MNIST_URLS, {
        "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    }),
    "fashion-mnist": _idx_files("fashion-mnist", FASHION_URLS, {
        "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    }),
    "fleurs": {"fleurs_mal.txt": DataFile(
        "text", "fleurs_mal.txt",
        "be25a482c3c7a39bfc536d501e1f2001f512c8fecd7d56ca2f4370b3b0502f23",
        ("http://cedric.cnam.fr/~thomen/cours/US330X/fleurs_mal.txt",
         "https://www.gutenberg.org/cache/epub/6099/pg6099.txt",
         "https://www.gutenberg.org/files/6099/6099-0.txt"),
        body_sha256="498ae72594b5215d7ec6d3033d971a7b2a4f14811e0a38c16861734b413ac861",
    )},
    "shakespeare": {"input.txt": DataFile(
        "text/tinyshakespeare", "input.txt",
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
        ("https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",),
    )},
}


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


def fleurs_body(text: str) -> str | None:
    """The poems of "Les Fleurs du mal" as the course uses them.

    From the line holding :data:`FLEURS_START` up to the Gutenberg end marker,
    with line endings normalised to ``\\n``, trailing spaces removed and
    trailing empty lines dropped. None when a marker is missing.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = next((i for i, line in enumerate(lines) if FLEURS_START in line), None)
    if start is None:
        return None
    end = next((i for i in range(start, len(lines)) if FLEURS_END.search(lines[i])), None)
    if end is None:
        return None
    body = [line.rstrip() for line in lines[start:end]]
    while body and not body[-1]:
        body.pop()
    return "\n".join(body) + "\n"


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
