"""Compare LeNet-5 training recipes on the validation split (never the test set).

Notebook 5 picks its optimiser, learning rate, batch size and weight decay from
runs of this script, which train the faithful model on the notebook's 55,000
training digits and report the error on its 5,000 held-out validation digits::

    python -m course_utils.lenet_tune --optimizer sgd --lr 0.01 --batch 32 --seeds 0 1
    python -m course_utils.lenet_tune --optimizer adam --lr 1e-3 --batch 64 --distort

Each run prints one line per epoch and a last ``name = value`` line with the
mean final validation error over the seeds. The test digits are not loaded.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np

from .config import import_keras
from .data import load_mnist
from .lenet import build_lenet5, to_lenet_input
from .training import fit

#: The notebook's split: a fixed permutation of the 60,000 training digits.
SPLIT_SEED, N_TRAIN = 0, 55_000
#: Updates run per call into the compiled graph: same arithmetic, less Python
#: overhead per batch (about 25 % faster at batch 32 on 2 CPU cores).
STEPS_PER_CALL = 50


def split_indices(n_total: int, n_train: int = N_TRAIN) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's split of the training digits: a fixed permutation, cut at ``n_train``.

    Returns
    -------
    train_idx : ndarray of shape (n_train,)
    val_idx : ndarray of shape (n_total - n_train,)
    """
    if not 0 < n_train < n_total:
        raise ValueError(f"split_indices: n_train={n_train} must be in 1..{n_total - 1} (n_total={n_total})")
    order = np.random.default_rng(SPLIT_SEED).permutation(n_total)
    return order[:n_train], order[n_train:]


def validation_split(n_train: int = N_TRAIN):
    """The notebook's (train, validation) digits in LeNet-5's input format.

    Returns
    -------
    (x_train, y_train), (x_val, y_val) : ndarrays
        Shapes (n_train, 32, 32, 1), (n_train,), (60000 - n_train, 32, 32, 1), (60000 - n_train,).
    """
    (x, y), _ = load_mnist()
    tr, va = split_indices(len(x), n_train)
    return (to_lenet_input(x[tr]), y[tr]), (to_lenet_input(x[va]), y[va])


def make_optimizer(name: str, lr: float, steps: int, momentum: float = 0.9, ema: float | None = None,
                   weight_decay: float | None = None):
    """SGD with momentum or Adam, learning rate decayed to 0 over ``steps`` by a cosine.

    Parameters
    ----------
    name : {"sgd", "adam"}
    lr : float
        Initial learning rate.
    steps : int
        Number of updates of the whole run.
    ema : float, optional
        If given, the model's weights are replaced at the end of each epoch by an
        exponential moving average of the iterates with this momentum (Polyak averaging).
    weight_decay : float, optional
        Decoupled weight decay: each update also subtracts ``lr * weight_decay * w``.
    """
    keras = import_keras()
    schedule = keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps)
    extra = {"use_ema": True, "ema_momentum": ema} if ema else {}
    if weight_decay:
        extra["weight_decay"] = weight_decay
    if name == "sgd":
        return keras.optimizers.SGD(schedule, momentum=momentum, **extra)
    if name == "adam":
        return keras.optimizers.Adam(schedule, **extra)
    raise ValueError(f"make_optimizer: unknown optimizer {name!r}, use 'sgd' or 'adam'")


def compile_recipe(model, *, optimizer: str, lr: float, batch: int, epochs: int, n_train: int,
                   weight_decay: float | None = None, ema: float | None = None):
    """Compile ``model`` for ``epochs`` epochs of ``n_train`` examples in batches of ``batch``.

    The optimiser comes from :func:`make_optimizer` (cosine decay to 0 over the run);
    the loss is the softmax cross-entropy on the model's logits, with accuracy as metric.
    ``batch`` is not stored: pass the same value to ``fit``.

    Returns
    -------
    model : the same model, compiled
    """
    keras = import_keras()
    if batch < 1 or epochs < 1 or n_train < 1:
        raise ValueError(f"compile_recipe: batch={batch}, epochs={epochs} and n_train={n_train} must be >= 1")
    steps = epochs * int(np.ceil(n_train / batch))
    model.compile(optimizer=make_optimizer(optimizer, lr, steps, ema=ema, weight_decay=weight_decay),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], steps_per_execution=STEPS_PER_CALL)
    return model


def paper_init(model, seed: int = 0) -> None:
    """Redraw LeNet-5's trainable weights as the paper does: uniform in ``±2.4 / F``.

    ``F`` is the fan-in of the unit the weight belongs to (LeCun et al. 1998,
    appendix A): 25 for C1, 25 times the number of S2 maps read for each C3 map,
    4 for a subsampling unit, 400 for C5, 120 for F6, 84 for the output. The
    biases and the subsampling coefficients are drawn the same way.

    Parameters
    ----------
    model : keras.Sequential
        A model from :func:`course_utils.lenet.build_lenet5` (changed in place).
    seed : int
    """
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        weights = layer.get_weights()
        if not layer.trainable_weights or not weights:
            continue
        if hasattr(layer, "table"):                   # C3: one kernel vector, map after map, then biases
            k2 = layer.kernel_size ** 2
            fan_map = np.array([k2 * len(t) for t in layer.table], dtype=float)
            fans = [np.repeat(fan_map, [k2 * len(t) for t in layer.table]), fan_map]
        elif len(weights) == 2 and weights[0].ndim == 1:   # subsampling: coefficients, biases
            fans = [np.full(weights[0].shape, 4.0), np.full(weights[1].shape, 4.0)]
        else:                                          # Conv2D or Dense: kernel (..., n_out), bias (n_out,)
            fan = float(np.prod(weights[0].shape[:-1]))
            fans = [np.full(w.shape, fan) for w in weights]
        layer.set_weights([rng.uniform(-2.4, 2.4, size=w.shape).astype(w.dtype) / fan
                           for w, fan in zip(weights, fans, strict=True)])


def run(args: argparse.Namespace, seed: int, data) -> float:
    """Train one seed of the recipe; return its final validation error in %."""
    keras = import_keras()
    from .distortions import RandomDistortion

    (x_tr, y_tr), (x_va, y_va) = data
    model = build_lenet5(output=args.output, seed=seed)
    if getattr(args, "init", "lecun") == "paper":
        paper_init(model, seed)
    trained = (keras.Sequential([keras.Input((32, 32, 1)), RandomDistortion(seed=seed), model])
               if args.distort else model)
    compile_recipe(trained, optimizer=args.optimizer, lr=args.lr, batch=args.batch, epochs=args.epochs,
                   n_train=len(x_tr), weight_decay=args.weight_decay, ema=args.ema)
    start = time.perf_counter()

    def report(epoch, logs):
        print(f"seed {seed} epoch {epoch + 1:2d}  validation error {100 * (1 - logs['val_accuracy']):.2f} %  "
              f"({time.perf_counter() - start:.0f} s)", flush=True)

    # With averaging, validation (and the final model) use the averaged weights.
    callbacks = [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if args.ema else []
    callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=report))
    history = fit(trained, x_tr, y_tr, epochs=args.epochs, batch_size=args.batch, seed=seed, verbose=0,
                  validation_data=(x_va, y_va), callbacks=callbacks)
    return 100.0 * (1.0 - history["val_accuracy"][-1])


_COMMAND = re.compile(r"^#.*python -m course_utils\.lenet_tune(?P<args>.*)$")
_EPOCH = re.compile(r"^seed (?P<seed>\d+) epoch +(?P<epoch>\d+) +validation error (?P<err>[\d.]+) %")
_RESULT = re.compile(r"^(?P<name>\S+?)_validation_error_percent = (?P<mean>[\d.]+) +"
                     r"\(seeds \[(?P<seeds>[\d, ]*)\]: (?P<errors>[\d., ]*)\)")


def read_runs(path: str | Path) -> list[dict]:
    """The runs recorded in a log of this script (notebooks/logs/05_*.txt).

    A run starts at a comment line holding its command (``# ... python -m
    course_utils.lenet_tune ARGS``), may list its epochs (``seed S epoch E
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
        raise ValueError(f"read_runs: no result line in {path}; is it a log of course_utils.lenet_tune?")
    return runs


def describe(args: str) -> str:
    """A recipe in words, from the command's arguments, e.g. 'Adam 0.001, batch 64'."""
    parser = _parser()
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
LOG_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "logs"
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--ema", type=float, default=None, help="Polyak averaging momentum, e.g. 0.999")
    parser.add_argument("--weight-decay", type=float, default=None, help="decoupled, e.g. 0.05")
    parser.add_argument("--distort", action="store_true", help="random affine distortions in training")
    parser.add_argument("--output", choices=("softmax", "rbf"), default="softmax",
                        help="dense softmax layer, or the paper's fixed RBF units")
    parser.add_argument("--init", choices=("lecun", "paper"), default="lecun",
                        help="LeCun uniform (variance 1/fan-in), or the paper's U(±2.4/fan-in)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.lr <= 0 or args.batch < 1 or args.epochs < 1:
        parser.error(f"--lr={args.lr}, --batch={args.batch} and --epochs={args.epochs} must be positive")
    if args.ema is not None and not 0 < args.ema < 1:
        parser.error(f"--ema={args.ema} must be in (0, 1)")
    if args.weight_decay is not None and args.weight_decay < 0:
        parser.error(f"--weight-decay={args.weight_decay} must be >= 0")
    data = validation_split()
    errors = [run(args, seed, data) for seed in args.seeds]
    name = (f"{args.optimizer}_lr{args.lr:g}_b{args.batch}" + (f"_ema{args.ema:g}" if args.ema else "")
            + (f"_wd{args.weight_decay:g}" if args.weight_decay else "")
            + ("_rbf" if args.output == "rbf" else "") + ("_paperinit" if args.init == "paper" else "")
            + ("_distorted" if args.distort else ""))
    print(f"{name}_validation_error_percent = {np.mean(errors):.2f}"
          f"  (seeds {args.seeds}: {', '.join(f'{e:.2f}' for e in errors)})")


if __name__ == "__main__":
    main()
