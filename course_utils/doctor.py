"""Check that a machine is ready for the course, with advice for each problem.

Run ``python -m course_utils.doctor`` or call :func:`check_environment` from
the getting-started notebook.
"""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
from dataclasses import dataclass

MIN_PYTHON = (3, 11)
#: Distribution name -> (import name, advice when missing).
PACKAGES = {
    "numpy": "numpy", "scipy": "scipy", "matplotlib": "matplotlib",
    "scikit-learn": "sklearn", "tqdm": "tqdm", "ipywidgets": "ipywidgets",
    "keras": "keras", "tensorflow": "tensorflow",
}
INSTALL_ADVICE = "run `make lab` (or `pip install -c constraints.txt -e .`) from the repository root"


@dataclass
class Finding:
    """One line of the report: what was checked, what was found, advice if not ok."""

    what: str
    ok: bool
    found: str
    advice: str = ""

    def line(self) -> str:
        text = f"[{'ok' if self.ok else '!!'}] {self.what:28s} {self.found}"
        return text if self.ok else f"{text}\n     -> {self.advice}"


def _python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= MIN_PYTHON
    return Finding("Python", ok, f"{version} ({sys.executable})",
                   f"the course needs Python >= {'.'.join(map(str, MIN_PYTHON))}")


def _package(dist: str) -> Finding:
    try:
        return Finding(dist, True, importlib.metadata.version(dist))
    except importlib.metadata.PackageNotFoundError:
        return Finding(dist, False, "not installed", INSTALL_ADVICE)


def _backend() -> Finding:
    from .config import keras_backend

    try:
        return Finding("Keras backend", True, keras_backend())
    except (ValueError, ModuleNotFoundError) as exc:
        return Finding("Keras backend", False, "unusable", str(exc))


def _pack() -> list[Finding]:
    from .datastore import PACK_LAYOUT, pack_status

    pack, problem = pack_status()
    if pack is None:
        return []
    if problem is None:
        return [Finding("data pack", True, f"COURSE_DATA_DIR={pack}")]
    return [Finding("data pack", False, "misconfigured, ignored",
                    f"{problem}. Fix or unset COURSE_DATA_DIR; a data pack is laid out like this:\n"
                    + textwrap.indent(PACK_LAYOUT, "      "))]


def _datasets(download: bool) -> list[Finding]:
    """One finding per dataset; with ``download=False`` nothing is written or removed."""
    from .data import REGISTRY, CourseDataError, cache_dir, locate
    from .datastore import usable_pack
    from .partials import partial_files

    usable_pack(warn=False)  # reported by _pack(), not again on stderr
    findings = []
    for name, files in REGISTRY.items():
        problems, partials = [], 0
        for entry in files.values():
            partials += len(partial_files(cache_dir() / entry.relpath))
            try:
                locate(entry, download=download)
            except CourseDataError as exc:
                problems.append(str(exc))
        note = (f"; {partials} partial download(s) in the cache (listed by "
                "`python -m course_utils.data status`)" if partials else "")
        if not problems:
            findings.append(Finding(f"data: {name}", True, "present, sha256 verified" + note))
        else:
            advice = "\n".join(problems).replace("\n", "\n        ")
            findings.append(Finding(f"data: {name}", False,
                                    f"{len(problems)} of {len(files)} file(s) missing, corrupt "
                                    "or unreadable" + note, advice))
    return findings


def check_environment(*, download: bool = False, verbose: bool = True) -> list[Finding]:
    """Check Python, the packages, the Keras backend and the datasets.

    Parameters
    ----------
    download : bool, default=False
        Also try to download missing datasets.
    verbose : bool, default=True
        Print one line per check, with advice under each problem.

    Returns
    -------
    findings : list of Finding
    """
    findings = [_python(), *(_package(d) for d in PACKAGES), _backend(), *_pack(),
                *_datasets(download)]
    if verbose:
        for finding in findings:
            print(finding.line())
        bad = sum(not f.ok for f in findings)
        print("All good: you are ready for the course." if not bad
              else f"{bad} problem(s): follow the advice above, then run this again.")
    return findings


if __name__ == "__main__":
    sys.exit(0 if all(f.ok for f in check_environment(download="--download" in sys.argv)) else 1)
