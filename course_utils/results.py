"""Read the headline figures stored in the notebooks' "Results" cells.

Each course notebook ends with a cell printing ``name = value`` lines. This
module reads them back from the committed outputs (no execution), so the
whole course can be measured at once::

    python -m course_utils.results notebooks/*.ipynb
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

RESULT_LINE = re.compile(r"^\s*([A-Za-z_]\w*) = (\S+)\s*$")

#: The figures each notebook must report, and the targets the course sets:
#: (name, comparison, target); comparison is ">=", "<=" or "" (reported only).
#: :data:`TARGET_SOURCES` says where a target comes from when a paper reports the figure.
TARGETS: dict[str, list[tuple[str, str, float]]] = {
    "01_backprop_by_hand": [
        ("lr_test_accuracy", ">=", 0.920), ("mlp_test_accuracy", ">=", 0.978),
        ("lr_gradcheck_rel_error", "<=", 1e-6), ("mlp_gradcheck_rel_error", "<=", 1e-6),
        ("mlp_epoch_seconds", "", 0)],
    "02_keras_manifold_untangling": [
        ("keras_lr_test_accuracy", ">=", 0.920), ("keras_mlp_test_accuracy", ">=", 0.975),
        ("keras_cnn_test_accuracy", ">=", 0.990), ("nh_raw", "", 0), ("nh_mlp", "", 0),
        ("nh_cnn", "", 0), ("cnn_epoch_seconds", "", 0)],
    "03_deep_features_transfer": [
        ("relu_epochs_to_target", "", 0), ("sigmoid_epochs_to_target", "", 0),
        *((f"{kind}_acc_{b}", "", 0) for b in (10, 100, 1000)
          for kind in ("raw_linear", "deep_features", "finetune", "scratch")),
        ("multilabel_test_map", ">=", 0.90)],
    "04_rnn_sequences": [
        ("vocab_size", "", 0), ("ngram_order", "", 0), ("ngram_test_bpc", "", 0),
        ("rnn_test_accuracy", "", 0), ("rnn_test_bpc", "", 0), ("best_recurrent_test_bpc", "", 0),
        ("best_model", "", 0), ("best_model_test_bpc", "", 0)],
    "05_lenet_case_study": [
        ("lenet5_params", "", 0), ("lenet5_test_error_percent", "<=", 1.00),
        ("lenet5_distorted_test_error_percent", "<=", 0.70),
        ("modern_lenet_test_error_percent", "", 0), ("permuted_mlp_test_accuracy", "", 0),
        ("mlp_test_accuracy", "", 0), ("lenet5_epoch_seconds", "", 0)],
}

#: Where a target comes from when it is not only the course's own (printed beside it).
TARGET_SOURCES: dict[str, str] = {
    "lenet5_test_error_percent":
        "the course's; the paper's LeNet-5: 0.95, LeCun et al. 1998, Fig. 9",
    "lenet5_distorted_test_error_percent":
        "the course's; the paper's LeNet-5 with distortions: 0.8, LeCun et al. 1998, Fig. 9",
}


def print_results(**figures: Any) -> None:
    """Print a notebook's headline figures, one ``name = value`` line each.

    Floats are printed with 4 significant decimals, other values with ``str``.
    """
    for name, value in figures.items():
        if isinstance(value, (float, np.floating)):
            value = f"{float(value):.4f}" if abs(value) < 1e4 else f"{float(value):.6g}"
        print(f"{name} = {value}")


def stored_results(path: str | Path) -> dict[str, str]:
    """The ``name = value`` lines printed by the last code cell that has outputs.

    Raises
    ------
    ValueError
        The notebook has no executed code cell with such lines.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in reversed(nb["cells"]):
        if cell["cell_type"] != "code" or not cell.get("outputs"):
            continue
        text = "".join("".join(o.get("text", "")) for o in cell["outputs"]
                       if o.get("output_type") == "stream" and o.get("name") == "stdout")
        found = dict(m.groups() for line in text.splitlines() if (m := RESULT_LINE.match(line)))
        if found:
            return found
        break
    raise ValueError(f"{path}: the last executed code cell prints no `name = value` lines")


def compare(value: str, op: str, target: float) -> str:
    """'ok', 'MISSED' or '' (no target) for one figure."""
    if not op:
        return ""
    number = float(value)
    return "ok" if (number >= target if op == ">=" else number <= target) else "MISSED"


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    if not paths:  # default: every notebook of the course, from the repository root
        paths = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
    for path in paths:
        if path.stem not in TARGETS:  # e.g. the getting-started notebook
            continue
        print(f"# {path.name}")
        try:
            found = stored_results(path)
        except ValueError as exc:
            print(f"  {exc}")
            continue
        for name, op, target in TARGETS.get(path.stem, []):
            value = found.get(name, "MISSING")
            status = "MISSING" if value == "MISSING" else compare(value, op, target)
            source = TARGET_SOURCES.get(name, "the course's")
            goal = f"target {op} {target:g} ({source})" if op else ""
            print(f"  {name} = {value}  {status}  {goal}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
