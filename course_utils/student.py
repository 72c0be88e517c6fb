"""Make the student version of a notebook with nbgrader's preprocessors.

The teacher's notebooks hold each solution between ``### BEGIN SOLUTION``
and ``### END SOLUTION``. nbgrader's ``ClearSolutions`` replaces each such
region by ``raise NotImplementedError()``; outputs are cleared too, so the
students start from a clean notebook. Usage::

    python -m course_utils.student notebooks/*.ipynb --out build/student
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def student_version(notebook):
    """Return a copy of ``notebook`` (an ``nbformat.NotebookNode``) without solutions or outputs.

    Raises
    ------
    RuntimeError
        A solution region is not closed (nbgrader's own check).
    """
    import copy

    from nbconvert.preprocessors import ClearOutputPreprocessor
    from nbgrader.preprocessors import ClearSolutions

    nb = copy.deepcopy(notebook)
    nb, _ = ClearSolutions(enforce_metadata=False).preprocess(nb, {})
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
    return nb


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(prog="python -m course_utils.student",
                                     description="Write student versions of the notebooks.")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("build/student"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        solutions = sum(BEGIN in c.source for c in nb.cells if c.cell_type == "code")
        nbformat.write(student_version(nb), args.out / path.name)
        print(f"{path} -> {args.out / path.name} ({solutions} solution cells cleared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
