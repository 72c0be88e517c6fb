"""The committed logs of ``course_utils.lenet.tune`` runs, read back for notebook 5.

Each log (``notebooks/logs/05_recipe*.txt``) starts a run with a comment line holding
its command, then lists its epochs and ends with its result line, as the script
prints them; notebook 5 builds its recipe tables and validation curves from them.
"""

from __future__ import annotations

import re
from pathlib import Path

_COMMAND = re.compile(r"^#.*python -m course_utils\.(?:lenet\.tune|lenet_tune)(?P<args>.*)$")
_EPOCH = re.compile(r"^seed (?P<seed>\d+) epoch +(?P<epoch>\d+) +validation error (?P<err>[\d.]+) %")
_RESULT = re.compile(r"^(?P<name>\S+?)_validation_error_percent = (?P<mean>[\d.]+) +"
                     r"\(seeds \[(?P<seeds>[\d, ]*)\]: (?P<errors>[\d., ]*)\)")


def read_runs(path: str | Path) -> list[dict]:
    """The runs recorded in a log of lenet_tune runs (notebooks/logs/05_*.txt).

    A run starts at a comment line holding its command (``# ... python -m
    course_utils.lenet.tune ARGS``), may list its epochs (``seed S epoch E
    validation error X %``) and ends at its result line (``NAME_validation_error_percent
    = MEAN  (seeds [...]: E1, E2)``).

    Returns
    -------
    runs : list of dict
        Keys ``args`` (the command's arguments, str), ``name``, ``mean`` (float),
        ``errors`` (dict seed -> final validation error in %) and ``curves``
        (dict seed -> list of the per-epoch validation errors, empty when not logged).
    """
    runs, current = [], None
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if m := _COMMAND.match(line):
            current = {"args": m["args"].strip(), "curves": {}}
        elif (m := _EPOCH.match(line)) and current is not None:
            current["curves"].setdefault(int(m["seed"]), []).append(float(m["err"]))
        elif m := _RESULT.match(line):
            if current is None:
                raise ValueError(f"read_runs: {path} line {number} has a result but no command line "
                                 "before it")
            seeds = [int(v) for v in m["seeds"].split(",")]
            errors = [float(v) for v in m["errors"].split(",")]
            if len(seeds) != len(errors):
                raise ValueError(f"read_runs: {path} line {number}: {len(seeds)} seeds but "
                                 f"{len(errors)} errors")
            runs.append({**current, "name": m["name"], "mean": float(m["mean"]),
                         "errors": dict(zip(seeds, errors, strict=True))})
            current = None
    if not runs:
        raise ValueError(f"read_runs: no result line in {path}; is it a log of course_utils.lenet.tune runs?")
    return runs


def describe(args: str) -> str:
    """A recipe in words, from the command's arguments, e.g. 'Adam 0.001, batch 64'."""
    from course_utils.lenet.tune import build_parser  # imports Keras: only when a command is parsed

    parser = build_parser()
    a = parser.parse_args(args.split())
    words = [f"{'Adam' if a.optimizer == 'adam' else 'SGD (momentum 0.9)'} {a.lr:g}, batch {a.batch}"]
    if a.weight_decay:
        words.append(f"weight decay {a.weight_decay:g}")
    if a.ema:
        words.append(f"weight averaging (EMA {a.ema:g})")
    if a.output == "rbf":
        words.append("the paper's fixed RBF output")
    if a.init == "paper":
        words.append("the paper's init U(±2.4/F)")
    if a.epochs != 20:
        words.append(f"{a.epochs} epochs")
    return ", ".join(words)


#: The committed logs of this script's runs (``notebooks/logs/05_recipe*.txt``).
LOG_DIR = Path(__file__).resolve().parents[2] / "notebooks" / "logs"
#: Runs whose per-epoch output was not kept, each with its command (read first, so a re-run replaces them).
EARLIER_LOG = "05_recipes_earlier.txt"


def logged_runs(log_dir: str | Path = LOG_DIR) -> dict[str, dict]:
    """Every recipe logged in ``log_dir``, by its name (e.g. ``adam_lr0.001_b64_wd0.1``).

    Reads :data:`EARLIER_LOG`, then the re-run logs ``05_recipe_*.txt``: a re-run
    replaces the earlier summary of the same recipe. Each run gets a ``log`` key,
    the name of its file.
    """
    log_dir = Path(log_dir)
    files = [log_dir / EARLIER_LOG, *sorted(log_dir.glob("05_recipe_*.txt"))]
    missing = [str(f) for f in files if not f.is_file()]
    if missing or len(files) < 2:
        what = ", ".join(missing) or "05_recipe_*.txt"
        raise FileNotFoundError(f"logged_runs: no logs of lenet_tune runs in {log_dir} (missing {what}); "
                                "they come with the course repository, in notebooks/logs/")
    return {run["name"]: {**run, "log": f.name} for f in files for run in read_runs(f)}


def recipe_table(runs: list[dict], chosen: str | None = None) -> str:
    """A markdown table of runs from :func:`read_runs`: recipe, error per seed, mean, log file.

    The row of the run named ``chosen`` is in bold.
    """
    rows = ["| recipe | validation error per seed (%) | mean | log |", "|---|---|---|---|"]
    for r in runs:
        cells = [describe(r["args"]), ", ".join(f"{e:.2f}" for e in r["errors"].values()), f"{r['mean']:.2f}"]
        if r["name"] == chosen:
            cells = [f"**{c}**" for c in cells]
        rows.append(f"| {' | '.join(cells)} | {r.get('log', '')} |")
    return "\n".join(rows)
