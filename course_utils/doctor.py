"""Check that a machine is ready for the course, with advice for each problem.

Run ``python -m course_utils.doctor`` or call :func:`check_environment` from
the getting-started notebook. It checks Python and the kernel's environment,
the installed versions against ``constraints.txt`` (the versions the course was
tested with), the Keras backend, the data, and describes the machine. Paths are
printed relative to the repository or to ``~``, so a stored output shows no
one's home folder.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 11)
#: The course's checkout (an editable install) and the versions it was tested with.
REPO = Path(__file__).resolve().parent.parent
CONSTRAINTS = REPO / "constraints.txt"
#: Distributions whose installed version is checked against constraints.txt
#: (jupyterlab_widgets is what draws the widgets in JupyterLab).
PACKAGES = ("numpy", "scipy", "matplotlib", "scikit-learn", "tqdm", "ipywidgets",
            "jupyterlab_widgets", "keras", "tensorflow")
INSTALL_ADVICE = "run `make lab` (or `pip install -c constraints.txt -e .`) from the repository root"
WIDTH = 90  # characters per printed line: the report fits a slide


@dataclass
class Finding:
    """One line of the report: what was checked, what was found, advice if not ok.

    ``group`` names findings that are printed together on one line when all are ok
    (``"packages"``, ``"data"``); ``note`` marks an ok finding printed on its own line.
    """

    what: str
    ok: bool
    found: str
    advice: str = ""
    group: str = ""
    note: bool = False

    def line(self) -> str:
        text = _wrap(f"[{'ok' if self.ok else '!!'}] {self.what:16s} {self.found}")
        return text if self.ok else f"{text}\n{_wrap('     -> ' + self.advice, indent=8)}"


def _wrap(text: str, indent: int = 22) -> str:
    return "\n".join(textwrap.fill(part, WIDTH, subsequent_indent=" " * indent,
                                   break_long_words=False, break_on_hyphens=False)
                     for part in text.split("\n"))


def short_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the repository, else under ``~``, else as given.

    Examples
    --------
    >>> short_path(REPO / ".venv" / "bin" / "python")
    '.venv/bin/python'
    """
    p = Path(os.path.abspath(path))
    with_prefix = ((REPO, ""), (Path.home(), "~/"))
    for base, prefix in with_prefix:
        if p == base:
            return "." if not prefix else "~"
        if p.is_relative_to(base):
            return prefix + p.relative_to(base).as_posix()
    try:
        rel = os.path.relpath(p, REPO)
    except ValueError:  # another drive (Windows)
        return str(p)
    return rel if rel.count("..") <= 1 else str(p)  # a sibling of the checkout


def read_constraints(path: str | os.PathLike[str] = CONSTRAINTS) -> dict[str, str]:
    """The pinned versions of ``constraints.txt``: normalised name -> version (empty if no file)."""
    pins = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return pins
    for line in text.splitlines():
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)", line)
        if match:
            pins[_normalise(match[1])] = match[2]
    return pins


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _series(version: str) -> tuple[int, ...]:
    """The release series that must match: the major version (major and minor for 0.x)."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:2]] or [0]
    return tuple(numbers[:2]) if numbers[0] == 0 else (numbers[0],)


def _python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= MIN_PYTHON
    return Finding("Python", ok, version, f"the course needs Python >= {'.'.join(map(str, MIN_PYTHON))}")


def _kernel() -> Finding:
    """Is this kernel the course's ``.venv``? Another environment may hold other versions."""
    venv = REPO / ".venv"
    exe = short_path(sys.executable)
    if Path(sys.prefix).resolve() == venv.resolve():
        return Finding("kernel", True, f"the course's .venv ({exe})")
    if not venv.is_dir():
        return Finding("kernel", True, f"{exe} (no .venv in the course: the conda, Binder or "
                       "Colab route; the package versions below are what matters)")
    return Finding("kernel", False, f"{exe}, not the course's .venv",
                   "this kernel runs another Python than the one `make lab` installed: start "
                   "JupyterLab with `make lab`, or pick the course's kernel (Kernel > Change "
                   "Kernel...), then run this again")


def _package(dist: str, pins: dict[str, str] | None = None) -> Finding:
    pins = read_constraints() if pins is None else pins
    try:
        version = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return Finding(dist, False, "not installed", INSTALL_ADVICE)
    tested = pins.get(_normalise(dist))
    if tested is None or version == tested:
        return Finding(dist, True, version, group="packages")
    if _series(version) != _series(tested):
        return Finding(dist, False, f"{version}, but the course was tested with {tested}",
                       "another major version: the notebooks may fail. " + INSTALL_ADVICE
                       + ", in the kernel's environment, then restart the kernel")
    return Finding(dist, True, f"{version} (constraints.txt: {tested}, same series)", note=True)


def _backend() -> Finding:
    from course_utils.config import keras_backend

    try:
        return Finding("Keras backend", True, keras_backend())
    except (ValueError, ModuleNotFoundError) as exc:
        return Finding("Keras backend", False, "unusable", str(exc))


def _pack() -> list[Finding]:
    from course_utils.datastore import PACK_LAYOUT, pack_status

    pack, problem = pack_status()
    if pack is None:
        return []
    if problem is None:
        return [Finding("data pack", True, f"COURSE_DATA_DIR={short_path(pack)}")]
    return [Finding("data pack", False, "misconfigured, ignored",
                    f"{problem}. Fix or unset COURSE_DATA_DIR; a data pack is laid out like this:\n"
                    + textwrap.indent(PACK_LAYOUT, "      "))]


def _datasets(download: bool) -> list[Finding]:
    """One finding per dataset; with ``download=False`` nothing is written or removed."""
    from course_utils.data import CourseDataError, cache_dir, locate
    from course_utils.datastore import usable_pack
    from course_utils.partials import partial_files
    from course_utils.registry import REGISTRY

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
            findings.append(Finding(f"data: {name}", True, "present, sha256 verified" + note,
                                    group="" if partials else "data"))
        else:
            advice = "\n".join(problems).replace("\n", "\n        ")
            findings.append(Finding(f"data: {name}", False,
                                    f"{len(problems)} of {len(files)} file(s) missing, corrupt "
                                    "or unreadable" + note, advice))
    return findings


def _memory_gib() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):  # not on Windows
        return None


def _machine() -> Finding:
    """What the run times of the notebooks depend on: CPUs and memory (information only)."""
    memory = _memory_gib()
    text = (f"{platform.system()} {platform.machine()}, {os.cpu_count() or '?'} CPU(s), "
            + (f"{memory:.0f} GiB of memory" if memory else "memory unknown"))
    return Finding("machine", True, text)


def report(findings: list[Finding]) -> str:
    """The printed report: ok findings of a group on one line, every problem with its advice."""
    lines, done = [], set()
    for finding in findings:
        if finding.ok and finding.group:
            if finding.group in done:
                continue
            done.add(finding.group)
            members = [f for f in findings if f.ok and f.group == finding.group]
            if finding.group == "packages":
                names = ", ".join(f"{f.what} {f.found}" for f in members)
                lines.append(_wrap(f"[ok] {'packages':16s} as tested ({short_path(CONSTRAINTS)}): {names}"))
            else:
                names = ", ".join(f.what.removeprefix("data: ") for f in members)
                lines.append(_wrap(f"[ok] {finding.group:16s} {names}: {members[0].found}"))
        else:
            lines.append(finding.line())
    bad = sum(not f.ok for f in findings)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines.append(f"Checked {stamp}: no problem found on the machine that ran this." if not bad
                 else f"Checked {stamp}: {bad} problem(s); follow the advice above, then run this again.")
    return "\n".join(lines)


def check_environment(*, download: bool = False, verbose: bool = True) -> list[Finding]:
    """Check Python and the kernel, the packages, the Keras backend and the datasets.

    Parameters
    ----------
    download : bool, default=False
        Also try to download missing datasets.
    verbose : bool, default=True
        Print the report: one line per problem, with advice under it; ok checks grouped.

    Returns
    -------
    findings : list of Finding
    """
    pins = read_constraints()
    findings = [_python(), _kernel(), *(_package(d, pins) for d in PACKAGES), _backend(), *_pack(),
                *_datasets(download), _machine()]
    if verbose:
        print(report(findings))
    return findings


if __name__ == "__main__":
    sys.exit(0 if all(f.ok for f in check_environment(download="--download" in sys.argv)) else 1)
