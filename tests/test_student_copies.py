"""The student copies, run as a student first meets them: top to bottom, nothing solved, fast mode.

Every cell must run (an unsolved exercise never stops the notebook), every exercise must be
reported "not done yet" by its check, and none reported right. Needs the data (``make test``
fetches it, CI uses the offline pack).
"""

import re
from pathlib import Path

import nbformat
import pytest

from course_utils.student import student_version

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
EXERCISE = re.compile(r"""@exercise\(\s*["']([^"']+)["']""")


def _converted(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return "### BEGIN SOLUTION" not in text or "@exercise(" in text


@pytest.mark.parametrize("path", [
    p if _converted(p) else pytest.param(p, marks=pytest.mark.xfail(
        run=False, reason="its checks do not use course_utils.exercises yet (issue #16)"))
    for p in NOTEBOOKS], ids=lambda p: p.name)
def test_student_copy_runs_to_the_end_with_nothing_solved(path, monkeypatch, request):
    from nbclient import NotebookClient

    monkeypatch.setenv("COURSE_FAST", "1")
    nb = student_version(nbformat.read(path, as_version=4), path.name)
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.get("output_type") == "stream")
    exercises = set(EXERCISE.findall(source))
    not_done = re.findall(r"^Exercise (\S+) is not done yet", text, re.M)
    right = re.findall(r"^Exercise (\S+): right\b", text, re.M)
    line = (f"{path.name}: 0 cells failed; {len(exercises)} exercises, {len(not_done)} reported "
            f"not done yet, {len(right)} reported right")
    counts = getattr(request.config, "student_copy_counts", [])
    request.config.student_copy_counts = [*counts, line]
    assert sorted(not_done) == sorted(exercises), "each exercise is reported not done, once"
    assert right == []
