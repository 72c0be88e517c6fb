"""course_utils.results: the Results-cell reader, the target comparison and `make results`' report."""

import json
import re
from pathlib import Path

import pytest

from course_utils.results import TARGET_SOURCES, TARGETS, compare, print_results, stored_results

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_stored_results_reader(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": ["print_results(...)"], "outputs": [
        {"output_type": "stream", "name": "stdout", "text": ["acc = 0.93\n", "model = lstm\n"]}]}]}
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    assert stored_results(path) == {"acc": "0.93", "model": "lstm"}
    nb["cells"][0]["outputs"][0]["text"] = ["no figures here\n"]
    path.write_text(json.dumps(nb))
    with pytest.raises(ValueError, match="no `name = value` lines"):
        stored_results(path)
    assert compare("0.93", ">=", 0.92) == "ok"
    assert compare("1.2", "<=", 1.0) == "MISSED"


def test_results_script_reads_every_notebook_by_default(capsys):
    from course_utils.results import main

    assert main([]) == 0
    out = capsys.readouterr().out
    assert all(f"# {path.name}" in out for path in NOTEBOOKS if path.stem in TARGETS)
    assert "lenet5_test_error_percent = " in out
    # Each target is printed beside the measured value, with where it comes from.
    line = next(x for x in out.splitlines() if "lenet5_distorted_test_error_percent = " in x)
    assert "target <= 0.7 (the course's; the paper's LeNet-5 with distortions: 0.8" in line
    assert re.search(r"= [\d.]+  (ok|MISSED)  target", line), line
    assert all(name in {n for rows in TARGETS.values() for n, _, _ in rows} for name in TARGET_SOURCES)


def test_print_results(capsys):
    print_results(acc=0.92345678, epochs=20, name="lstm", big=123456.7)
    assert capsys.readouterr().out.splitlines() == [
        "acc = 0.9235", "epochs = 20", "name = lstm", "big = 123457"]
