"""The validation-split tuning script of notebook 5, on tiny inputs (no MNIST needed)."""

import argparse

import numpy as np
import pytest

from course_utils.lenet import tune as lenet_tune


def test_make_optimizer_kinds_and_errors():
    sgd = lenet_tune.make_optimizer("sgd", 0.01, steps=100)
    assert type(sgd).__name__ == "SGD" and sgd.momentum == 0.9 and not sgd.use_ema
    adam = lenet_tune.make_optimizer("adam", 1e-3, steps=100, ema=0.99)
    assert type(adam).__name__ == "Adam" and adam.use_ema and adam.ema_momentum == 0.99
    assert lenet_tune.make_optimizer("adam", 1e-3, steps=100, weight_decay=0.05).weight_decay == 0.05
    with pytest.raises(ValueError, match="'rmsprop'"):
        lenet_tune.make_optimizer("rmsprop", 0.01, steps=100)


def test_compile_recipe_sets_the_whole_run_schedule():
    from course_utils.lenet.model import build_lenet5

    model = lenet_tune.compile_recipe(build_lenet5(), optimizer="adam", lr=1e-3, batch=64, epochs=2,
                                      n_train=100, weight_decay=0.1)
    assert model.optimizer._learning_rate.decay_steps == 2 * 2   # 2 epochs of ceil(100 / 64) batches
    assert model.optimizer.weight_decay == 0.1
    with pytest.raises(ValueError, match="batch=0"):
        lenet_tune.compile_recipe(build_lenet5(), optimizer="sgd", lr=0.01, batch=0, epochs=1, n_train=10)


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
    name = "lenet5_distorted" if averaged_and_distorted else "lenet5"
    assert len(lines) == 1 and lines[0].startswith(f"{name}: 2 epochs in "), lines
    shown = float(lines[0].split("val_accuracy ")[1].split()[0].rstrip(","))
    assert 0.0 <= error <= 100.0 and abs(shown - (1 - error / 100)) < 5e-4


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
    from course_utils.lenet.model import C3_TABLE, build_lenet5

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
