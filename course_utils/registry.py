"""The course's files, described once: where each lives, its sha256, where to get it.

:data:`REGISTRY` maps a dataset name (``"mnist"``, ``"fashion-mnist"``,
``"fleurs"``, ``"shakespeare"``) to its files, each a :class:`DataFile` that
checks a copy against its checksum (:meth:`DataFile.verify`). Finding a copy is
:mod:`course_utils.datastore`'s job, decoding it :mod:`course_utils.data`'s.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from course_utils.errors import ChecksumError

__all__ = ["FLEURS_END", "FLEURS_START", "REGISTRY", "DataFile", "fleurs_body"]

MNIST_URLS = (
    "https://yann.lecun.com/exdb/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FASHION_URLS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)
# "Les Fleurs du mal": the course uses the poems from this line to the end marker.
FLEURS_START = "Charles Baudelaire avait un ami"
FLEURS_END = re.compile(r"end of (the|this) project gutenberg ebook", re.IGNORECASE)


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
