"""The validation-split tuning script of notebook 5, on tiny inputs (no MNIST needed)."""

import argparse

import numpy as np
import pytest

from course_utils import lenet_tune


def test_make_optimizer_kinds_and_errors():
    sgd = lenet_tune.make_optimizer("sgd", 0.01, steps=100)
    assert type(sgd).__name__ == "SGD" and sgd.momentum == 0.9 and not sgd.use_ema
    adam = lenet_tune.make_optimizer("adam", 1e-3, steps=100, ema=0.99)
    assert type(adam).__name__ == "Adam" and adam.use_ema and adam.ema_momentum == 0.99
    assert lenet_tune.make_optimizer("adam", 1e-3, steps=100, weight_decay=0.05).weight_decay == 0.05
    with pytest.raises(ValueError, match="'rmsprop'"):
        lenet_tune.make_optimizer("rmsprop", 0.01, steps=100)


def test_compile_recipe_sets_the_whole_run_schedule():
    from course_utils.lenet import build_lenet5

    model = lenet_tune.compile_recipe(build_lenet5(), optimizer="adam", lr=1e-3, batch=64, epochs=2,
                                      n_train=100, weight_decay=0.1)
    assert model.optimizer._learning_rate.decay_steps == 2 * 2   # 2 epochs of ceil(100 / 64) batches
    assert model.optimizer.weight_decay == 0.1
    with pytest.raises(ValueError, match="batch=0"):
        lenet_tune.compile_recipe(build_lenet5(), optimizer="sgd", lr=0.01, batch=0, epochs=1, n_train=10)


def test_split_indices_match_the_validation_split():
    tr, va = lenet_tune.split_indices(60, n_train=50)
    assert len(tr) == 50 and len(va) == 10 and sorted([*tr, *va]) == list(range(60))
    with pytest.raises(ValueError, match="n_train=60"):
        lenet_tune.split_indices(60, n_train=60)


def test_validation_split_is_a_disjoint_partition(monkeypatch):
    images = np.arange(60, dtype=np.uint8)[:, None, None] * np.ones((1, 28, 28), np.uint8)
    labels = np.arange(60) % 10
    monkeypatch.setattr(lenet_tune, "load_mnist", lambda: ((images, labels), (None, None)))
    (x_tr, y_tr), (x_va, y_va) = lenet_tune.validation_split(n_train=50)
    assert x_tr.shape == (50, 32, 32, 1) and x_va.shape == (10, 32, 32, 1)

    def ids(x):  # each fake image is filled with its own index
        return np.round((x[:, 16, 16, 0] + 0.1) / 1.275 * 255).astype(int)

    assert not set(ids(x_tr)) & set(ids(x_va)) and len(set(ids(x_tr)) | set(ids(x_va))) == 60
    assert np.array_equal(y_tr, ids(x_tr) % 10) and np.array_equal(y_va, ids(x_va) % 10)


@pytest.mark.parametrize("averaged_and_distorted", [False, True])
def test_run_reports_a_validation_error(averaged_and_distorted, capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 32, 32, 1)).astype("float32")
    y = rng.integers(0, 10, size=40)
    args = argparse.Namespace(optimizer="sgd", lr=0.01, batch=20, epochs=2, ema=None, distort=False,
                              weight_decay=None, output="softmax")
    if averaged_and_distorted:
        args.ema, args.distort, args.output, args.init = 0.9, True, "rbf", "paper"
    error = lenet_tune.run(args, seed=0, data=((x, y), (x[:20], y[:20])))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[-1].startswith("seed 0 epoch  2  validation error")
    assert 0.0 <= error <= 100.0 and f"{error:.2f} %" in lines[-1]


def test_main_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        lenet_tune.main(["--lr", "0"])
    assert "--lr=0.0" in capsys.readouterr().err
    bad = ((["--ema", "1.5"], "--ema=1.5"), (["--weight-decay", "-1"], "--weight-decay=-1.0"))
    for flags, message in bad:
        with pytest.raises(SystemExit):
            lenet_tune.main(flags)
        assert message in capsys.readouterr().err


def test_paper_init_draws_within_the_fan_in_bounds():
    from course_utils.lenet import C3_TABLE, build_lenet5

    model = build_lenet5(seed=0)
    lenet_tune.paper_init(model, seed=0)
    fans = {"C1": 25, "S2": 4, "S4": 4, "C5": 400, "F6": 120, "output": 84}
    for name, fan in fans.items():
        for w in model.get_layer(name).get_weights():
            assert 0.8 * 2.4 / fan < np.abs(w).max() <= 2.4 / fan, name   # fills its bound, never beyond
    kernel, bias = model.get_layer("C3").get_weights()
    sizes = [25 * len(t) for t in C3_TABLE]
    blocks = np.split(kernel, np.cumsum(sizes)[:-1])
    for block, fan, b in zip(blocks, sizes, bias, strict=True):   # each C3 map has its own fan-in
        assert 0.8 * 2.4 / fan < np.abs(block).max() <= 2.4 / fan and abs(b) <= 2.4 / fan
    # LeCun uniform (what build_lenet5 draws) is much wider: the redraw did happen
    assert np.abs(build_lenet5(seed=0).get_layer("C5").get_weights()[0]).max() > 10 * 2.4 / 400


LOG = """# python -m course_utils.lenet_tune --optimizer adam --lr 1e-3 --batch 64 --seeds 0 1
# 2026-11-28, 2-core CPU
seed 0 epoch  1  validation error 3.52 %  (19 s)
seed 0 epoch  2  validation error 1.20 %  (28 s)
seed 1 epoch  1  validation error 3.00 %  (19 s)
seed 1 epoch  2  validation error 1.40 %  (28 s)
adam_lr0.001_b64_validation_error_percent = 1.30  (seeds [0, 1]: 1.20, 1.40)
# exit status 0
# python -m course_utils.lenet_tune --optimizer sgd --weight-decay 0.005 --distort --init paper
sgd_lr0.01_b32_wd0.005_paperinit_distorted_validation_error_percent = 0.70  (seeds [0]: 0.70)
"""


def test_read_runs_and_the_table_rows(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text(LOG)
    first, second = lenet_tune.read_runs(path)
    assert first["curves"] == {0: [3.52, 1.20], 1: [3.00, 1.40]} and first["errors"] == {0: 1.20, 1: 1.40}
    assert first["mean"] == 1.30 and first["name"] == "adam_lr0.001_b64"
    assert second["curves"] == {} and second["errors"] == {0: 0.70} and "--distort" in second["args"]
    table = lenet_tune.recipe_table([first, {**second, "log": "x.txt"}], chosen="adam_lr0.001_b64")
    table = table.splitlines()
    assert table[2] == "| **Adam 0.001, batch 64** | **1.20, 1.40** | **1.30** |  |"
    assert table[3].startswith("| SGD (momentum 0.9) 0.01, batch 32, weight decay 0.005, the paper's init")
    assert table[3].endswith("| 0.70 | 0.70 | x.txt |") and len(table) == 4
    earlier = tmp_path / lenet_tune.EARLIER_LOG
    with pytest.raises(FileNotFoundError, match="05_recipes_earlier.txt"):
        lenet_tune.logged_runs(tmp_path)
    earlier.write_text(LOG.replace("1.30  (seeds [0, 1]: 1.20, 1.40)", "1.50  (seeds [0]: 1.50)"))
    (tmp_path / "05_recipe_adam.txt").write_text(LOG.split("# exit")[0])
    runs = lenet_tune.logged_runs(tmp_path)                    # the re-run replaces the earlier summary
    assert runs["adam_lr0.001_b64"]["mean"] == 1.30
    assert runs["adam_lr0.001_b64"]["log"] == "05_recipe_adam.txt"
    assert runs["sgd_lr0.01_b32_wd0.005_paperinit_distorted"]["log"] == lenet_tune.EARLIER_LOG
    path.write_text(LOG.split("# python")[1].split("--seeds 0 1")[1])   # result without its command
    with pytest.raises(ValueError, match="line 7 has a result but no command"):
        lenet_tune.read_runs(path)
    path.write_text("seed 0 epoch 1\n")
    with pytest.raises(ValueError, match="no result line"):
        lenet_tune.read_runs(path)


def test_committed_logs_hold_the_runs_notebook_5_reads():
    runs = lenet_tune.logged_runs()
    needed = ["adam_lr0.001_b64", "adam_lr0.001_b64_wd0.1", "adam_lr0.001_b64_wd0.1_paperinit",
              "adam_lr0.001_b64_rbf", "adam_lr0.001_b64_wd0.05", "adam_lr0.001_b64_wd0.05_distorted",
              "sgd_lr0.01_b32", "sgd_lr0.01_b32_distorted", "sgd_lr0.01_b32_wd0.005_distorted"]
    assert not [name for name in needed if name not in runs]
    for name, run in runs.items():
        assert abs(np.mean(list(run["errors"].values())) - run["mean"]) <= 0.005 + 1e-9, name
        for seed, curve in run["curves"].items():   # a re-run: its result is its last epoch
            assert len(curve) == 20 and curve[-1] == run["errors"][seed], (name, seed)
    assert any(run["curves"] for run in runs.values())
