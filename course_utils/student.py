"""Student copies of the notebooks, and the student's own workspace.

The teacher's notebooks hold each solution between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (nbgrader's markers). A student copy replaces each region
by a stub that does not stop "Run All":

* inside a function (an indented region): ``raise NotImplementedError()``,
  which runs only when the function is called, and which the exercise's check
  recognises as "not done yet" (:mod:`course_utils.exercises`);
* at the top level of a cell: ``...``, which does nothing.

Outputs, execution counts, execution timings and stored widget state are
removed, and the kernel is the standard ``python3``. Two uses::

    python -m course_utils.student notebooks/*.ipynb --out build/student
    python -m course_utils.student notebooks/*.ipynb --workspace workspace

``--out`` (re)writes the copies (CI runs them). ``--workspace`` keeps the
student's own folder up to date **without ever overwriting their work**: a
missing notebook is created; one they have not changed is updated to the new
course version; next to one they have changed, the new version is saved under
another name, and they are told.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbformat import NotebookNode

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
FUNCTION_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
TOP_LEVEL_STUB = ["# YOUR CODE HERE", "..."]
TEXT_STUB = ["YOUR ANSWER HERE"]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
MANIFEST = ".course-versions.json"


class SolutionMarkerError(ValueError):
    """A ``### BEGIN SOLUTION`` without its ``### END SOLUTION`` (or the reverse)."""


def clear_solutions(source: str, *, markdown: bool = False, where: str = "cell") -> str:
    """Replace every solution region of a cell's source by its stub.

    Parameters
    ----------
    source : str
        The cell's source.
    markdown : bool, default=False
        A markdown cell: the stub is "YOUR ANSWER HERE".
    where : str
        Names the cell in error messages, e.g. ``"01_backprop.ipynb, cell 35"``.

    Raises
    ------
    SolutionMarkerError
        A region is not closed, is nested, or an END has no BEGIN.
    """
    out: list[str] = []
    inside: str | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        indent = re.match(r"[ \t]*", line).group(0)
        if BEGIN in line:
            if inside is not None:
                raise SolutionMarkerError(f"{where}, line {number}: {BEGIN} inside another solution")
            inside = indent
            stub = TEXT_STUB if markdown else (FUNCTION_STUB if indent else TOP_LEVEL_STUB)
            out += [indent + s for s in stub]
        elif END in line:
            if inside is None:
                raise SolutionMarkerError(f"{where}, line {number}: {END} without {BEGIN}")
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise SolutionMarkerError(f"{where}: {BEGIN} is never closed by {END}")
    return "\n".join(out)


def student_version(notebook: NotebookNode, name: str = "notebook") -> NotebookNode:
    """A copy of ``notebook`` with stubs for solutions and nothing from a previous run.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A teacher's notebook (version 4).
    name : str
        Its file name, for error messages.

    Returns
    -------
    nbformat.NotebookNode
        Solutions replaced (see :func:`clear_solutions`), outputs and execution
        counts cleared, cell execution metadata and widget state removed,
        kernelspec ``python3``.
    """
    nb = copy.deepcopy(notebook)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for index, cell in enumerate(nb.cells):
        for key in ("execution", "collapsed", "scrolled", "ExecuteTime"):
            cell.metadata.pop(key, None)
        if cell.cell_type in ("code", "markdown"):
            cell.source = clear_solutions(cell.source, markdown=cell.cell_type == "markdown",
                                          where=f"{name}, cell {index}")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def _text(nb: NotebookNode) -> str:
    import nbformat

    return nbformat.writes(nb) + "\n"


def _sha(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sync_workspace(sources: list[Path], workspace: Path) -> list[str]:
    """Bring the student's workspace up to date, never overwriting their changes.

    Parameters
    ----------
    sources : list of Path
        The teacher's notebooks.
    workspace : Path
        The student's folder (created if missing). ``.course-versions.json``
        in it remembers what was written, to tell the student's changes apart.

    Returns
    -------
    messages : list of str
        One line per notebook created, updated, or offered beside an edited one.
    """
    import nbformat

    workspace.mkdir(parents=True, exist_ok=True)
    manifest_path = workspace / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    messages = []
    for source in sources:
        text = _text(student_version(nbformat.read(source, as_version=4), source.name))
        version = _sha(text)
        dest = workspace / source.name
        seen = manifest.get(source.name, {})
        if not dest.exists():
            _write_atomic(dest, text)
            seen = {"written": version, "version": version}
            messages.append(f"created  {dest}")
        elif _sha(dest.read_bytes()) == seen.get("written"):
            if seen.get("version") != version:
                _write_atomic(dest, text)
                seen = {"written": version, "version": version}
                messages.append(f"updated  {dest} to the new course version (you had not changed it)")
        elif version not in (seen.get("version"), seen.get("offered")) and _sha(dest.read_bytes()) != version:
            beside = dest.with_name(f"{dest.stem}.course-update-{version[:8]}{dest.suffix}")
            if not beside.exists():
                _write_atomic(beside, text)
            seen = {**seen, "offered": version}
            messages.append(f"kept     {dest} (you changed it); the new course version is beside it: "
                            f"{beside.name}")
        manifest[source.name] = seen
    _write_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    return messages


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(prog="python -m course_utils.student",
                                     description="Write the student copies of the notebooks.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--out", type=Path, help="(re)write the copies here (default build/student)")
    group.add_argument("--workspace", type=Path,
                       help="the student's folder: create or update copies, never overwrite edits")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    try:
        if args.workspace is not None:
            for line in sync_workspace(args.notebooks, args.workspace):
                print(line)
            print(f"Your notebooks are in {args.workspace}/ (your changes there are never overwritten).")
            return 0
        out = args.out or Path("build/student")
        out.mkdir(parents=True, exist_ok=True)
        for path in args.notebooks:
            nb = nbformat.read(path, as_version=4)
            solutions = sum(BEGIN in c.source for c in nb.cells)
            _write_atomic(out / path.name, _text(student_version(nb, path.name)))
            print(f"{path} -> {out / path.name} ({solutions} solution cells cleared)")
    except SolutionMarkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
