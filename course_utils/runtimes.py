"""How long each notebook's full run took, read from the committed notebooks themselves.

Jupyter stores, in each executed code cell's metadata, when the cell started and
finished (``metadata.execution``). The committed notebooks hold the outputs of a
full-mode run (``make execute``, which trains every model), so the span from the
first cell's start to the last cell's end is that run's time: measured, never
typed, and updated by every re-run. Kernel start-up is not included.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@dataclass
class RunTime:
    """The stored full run of one notebook: its name, seconds (None when unknown) and date."""

    name: str
    seconds: float | None
    date: str = ""


def _stamps(cell: dict) -> list[datetime]:
    execution = cell.get("metadata", {}).get("execution", {})
    stamps = []
    for key in ("iopub.execute_input", "shell.execute_reply"):
        if key in execution:
            stamps.append(datetime.fromisoformat(execution[key].replace("Z", "+00:00")))
    return stamps


def stored_run_time(path: str | os.PathLike[str]) -> RunTime:
    """The run stored in the notebook at ``path``, from its cells' execution times.

    Returns
    -------
    run : RunTime
        ``seconds`` is None when the notebook cannot be read or holds no times (a
        student copy, whose outputs and metadata were removed).
    """
    path = Path(path)
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return RunTime(path.stem, None)
    stamps = [s for cell in cells if cell.get("cell_type") == "code" for s in _stamps(cell)]
    if not stamps:
        return RunTime(path.stem, None)
    return RunTime(path.stem, (max(stamps) - min(stamps)).total_seconds(), f"{min(stamps):%Y-%m-%d}")


def stored_run_times(folder: str | os.PathLike[str] = NOTEBOOKS) -> list[RunTime]:
    """:func:`stored_run_time` of every ``NN_*.ipynb`` in ``folder``, in order."""
    return [stored_run_time(p) for p in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))]


def format_run_times(runs: list[RunTime]) -> str:
    """A small table: notebook, minutes of its stored full run, and the run's date."""
    if not runs:
        return "no stored notebook found (the course's notebooks/ folder is not beside this package)"
    lines = [f"{'notebook':32s} {'full run':>9s}  stored on"]
    for run in runs:
        took = "unknown" if run.seconds is None else f"{run.seconds / 60:6.1f} min"
        lines.append(f"{run.name:32s} {took:>9s}  {run.date}")
    return "\n".join(lines)
