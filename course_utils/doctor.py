"""Check that a machine is ready for the course, with advice for each problem.

Run ``python -m course_utils.doctor`` or call :func:`check_environment` from
the getting-started notebook.
"""

from __future__ import annotations

import importlib.metadata
import sys
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


def _datasets(download: bool) -> list[Finding]:
    from .data import REGISTRY, DataCorruptError, DataUnavailableError, locate

    findings = []
    for name, files in REGISTRY.items():
        try:
            for entry in files.values():
                locate(entry, download=download)
            findings.append(Finding(f"data: {name}", True, "present, sha256 verified"))
        except (DataUnavailableError, DataCorruptError) as exc:
            findings.append(Finding(f"data: {name}", False, "missing or corrupt",
                                    str(exc).replace("\n", "\n        ")))
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
    findings = [_python(), *(_package(d) for d in PACKAGES), _backend(), *_datasets(download)]
    if verbose:
        for finding in findings:
            print(finding.line())
        bad = sum(not f.ok for f in findings)
        print("All good: you are ready for the course." if not bad
              else f"{bad} problem(s): follow the advice above, then run this again.")
    return findings


if __name__ == "__main__":
    sys.exit(0 if all(f.ok for f in check_environment(download="--download" in sys.argv)) else 1)
