"""Reading back the logs of lenet_tune runs (notebook 5's recipe tables)."""

import numpy as np
import pytest

from course_utils.lenet import logs as lenet_logs

LOG = """# python -m course_utils.lenet.tune --optimizer adam --lr 1e-3 --batch 64 --seeds 0 1
# 2026-11-28, 2-core CPU
seed 0 epoch  1  validation error 3.52 %  (19 s)
seed 0 epoch  2  validation error 1.20 %  (28 s)
seed 1 epoch  1  validation error 3.00 %  (19 s)
seed 1 epoch  2  validation error 1.40 %  (28 s)
adam_lr0.001_b64_validation_error_percent = 1.30  (seeds [0, 1]: 1.20, 1.40)
# exit status 0
# python -m course_utils.lenet.tune --optimizer sgd --weight-decay 0.005 --distort --init paper
sgd_lr0.01_b32_wd0.005_paperinit_distorted_validation_error_percent = 0.70  (seeds [0]: 0.70)
"""


def test_read_runs_and_the_table_rows(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text(LOG)
    first, second = lenet_logs.read_runs(path)
    assert first["curves"] == {0: [3.52, 1.20], 1: [3.00, 1.40]} and first["errors"] == {0: 1.20, 1: 1.40}
    assert first["mean"] == 1.30 and first["name"] == "adam_lr0.001_b64"
    assert second["curves"] == {} and second["errors"] == {0: 0.70} and "--distort" in second["args"]
    table = lenet_logs.recipe_table([first, {**second, "log": "x.txt"}], chosen="adam_lr0.001_b64")
    table = table.splitlines()
    assert table[2] == "| **Adam 0.001, batch 64** | **1.20, 1.40** | **1.30** |  |"
    assert table[3].startswith("| SGD (momentum 0.9) 0.01, batch 32, weight decay 0.005, the paper's init")
    assert table[3].endswith("| 0.70 | 0.70 | x.txt |") and len(table) == 4
    earlier = tmp_path / lenet_logs.EARLIER_LOG
    with pytest.raises(FileNotFoundError, match="05_recipes_earlier.txt"):
        lenet_logs.logged_runs(tmp_path)
    earlier.write_text(LOG.replace("1.30  (seeds [0, 1]: 1.20, 1.40)", "1.50  (seeds [0]: 1.50)"))
    (tmp_path / "05_recipe_adam.txt").write_text(LOG.split("# exit")[0])
    runs = lenet_logs.logged_runs(tmp_path)                    # the re-run replaces the earlier summary
    assert runs["adam_lr0.001_b64"]["mean"] == 1.30
    assert runs["adam_lr0.001_b64"]["log"] == "05_recipe_adam.txt"
    assert runs["sgd_lr0.01_b32_wd0.005_paperinit_distorted"]["log"] == lenet_logs.EARLIER_LOG
    path.write_text(LOG.split("# python")[1].split("--seeds 0 1")[1])   # result without its command
    with pytest.raises(ValueError, match="line 7 has a result but no command"):
        lenet_logs.read_runs(path)
    path.write_text("seed 0 epoch 1\n")
    with pytest.raises(ValueError, match="no result line"):
        lenet_logs.read_runs(path)


def test_committed_logs_hold_the_runs_notebook_5_reads():
    runs = lenet_logs.logged_runs()
    needed = ["adam_lr0.001_b64", "adam_lr0.001_b64_wd0.1", "adam_lr0.001_b64_wd0.1_paperinit",
              "adam_lr0.001_b64_rbf", "adam_lr0.001_b64_wd0.05", "adam_lr0.001_b64_wd0.05_distorted",
              "sgd_lr0.01_b32", "sgd_lr0.01_b32_distorted", "sgd_lr0.01_b32_wd0.005_distorted"]
    assert not [name for name in needed if name not in runs]
    for name, run in runs.items():
        assert abs(np.mean(list(run["errors"].values())) - run["mean"]) <= 0.005 + 1e-9, name
        for seed, curve in run["curves"].items():   # a re-run: its result is its last epoch
            assert len(curve) == 20 and curve[-1] == run["errors"][seed], (name, seed)
    assert any(run["curves"] for run in runs.values())
