import json

from course_utils import runtimes


def _notebook(path, stamps):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# title"}]
    for start, end in stamps:
        cells.append({"cell_type": "code", "metadata": {"execution": {
            "iopub.execute_input": start, "shell.execute_reply": end}}, "source": "", "outputs": []})
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_the_run_time_spans_the_first_start_to_the_last_reply(tmp_path):
    path = _notebook(tmp_path / "01_demo.ipynb", [("2026-11-28T09:00:00.000Z", "2026-11-28T09:00:05Z"),
                                                   ("2026-11-28T09:01:00Z", "2026-11-28T09:04:30.500Z")])
    run = runtimes.stored_run_time(path)
    assert run.name == "01_demo" and run.seconds == 270.5 and run.date == "2026-11-28"


def test_a_notebook_without_times_or_unreadable_is_unknown(tmp_path):
    assert runtimes.stored_run_time(_notebook(tmp_path / "02_x.ipynb", [])).seconds is None
    (tmp_path / "03_bad.ipynb").write_text("{not json")
    runs = runtimes.stored_run_times(tmp_path)
    assert [r.name for r in runs] == ["02_x", "03_bad"] and all(r.seconds is None for r in runs)
    table = runtimes.format_run_times(runs)
    assert "unknown" in table and "02_x" in table
    assert "no stored notebook" in runtimes.format_run_times([])


def test_the_course_notebooks_carry_their_full_run_times():
    runs = {r.name: r for r in runtimes.stored_run_times()}
    assert "01_backprop_by_hand" in runs and runs["01_backprop_by_hand"].seconds > 10
    assert "min" in runtimes.format_run_times(list(runs.values()))
