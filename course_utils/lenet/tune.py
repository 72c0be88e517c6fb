"""Compare LeNet-5 training recipes on the validation split (never the test set).

Notebook 5 picks its optimiser, learning rate, batch size and weight decay from
runs of this script, which train the faithful model on the notebook's 55,000
training digits and report the error on its 5,000 held-out validation digits::

    python -m course_utils.lenet.tune --optimizer sgd --lr 0.01 --batch 32 --seeds 0 1
    python -m course_utils.lenet.tune --optimizer adam --lr 1e-3 --batch 64 --distort
    python -m course_utils.lenet.tune --optimizer adam --lr 1e-3 --batch 64 --init paper

Each seed's run shows one progress line (updated in place in a terminal), left
as a summary with its final validation accuracy; a last ``name = value`` line
gives the mean final validation error over the seeds. The test digits are not loaded.
The runs the notebook cites are logged in ``notebooks/logs/05_recipe*.txt``, read
by :mod:`course_utils.lenet.logs`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import numpy as np

from course_utils.config import import_keras
from course_utils.data import load_mnist
from course_utils.lenet.model import build_lenet5
from course_utils.mnist import prepare, split_indices
from course_utils.training import fit

if TYPE_CHECKING:
    import keras

#: The notebook's split: the course's seed-0 permutation of the 60,000 training
#: digits (:func:`course_utils.mnist.split_indices`), the last 5,000 held out.
N_TRAIN = 55_000
#: Updates run per call into the compiled graph: same arithmetic, less Python
#: overhead per batch (about 25 % faster at batch 32 on 2 CPU cores).
STEPS_PER_CALL = 50


def validation_split(
        n_train: int = N_TRAIN) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The notebook's (train, validation) digits in LeNet-5's input format.

    Returns
    -------
    (x_train, y_train), (x_val, y_val) : ndarrays
        Shapes (n_train, 32, 32, 1), (n_train,), (60000 - n_train, 32, 32, 1), (60000 - n_train,).
    """
    (x, y), _ = load_mnist()
    tr, va = split_indices(len(x), len(x) - n_train)
    return (prepare(x[tr], layout="lenet"), y[tr]), (prepare(x[va], layout="lenet"), y[va])


def make_optimizer(name: str, lr: float, steps: int, momentum: float = 0.9, ema: float | None = None,
                   weight_decay: float | None = None) -> keras.optimizers.Optimizer:
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
                   weight_decay: float | None = None, ema: float | None = None) -> keras.Model:
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
        A model from :func:`course_utils.lenet.model.build_lenet5` (changed in place).
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
    from course_utils.lenet.distortions import RandomDistortion

    (x_tr, y_tr), (x_va, y_va) = data
    model = build_lenet5(output=args.output, seed=seed)
    if getattr(args, "init", "lecun") == "paper":
        paper_init(model, seed)
    trained = (keras.Sequential([keras.Input((32, 32, 1)), RandomDistortion(seed=seed), model],
                                name="lenet5_distorted")
               if args.distort else model)
    compile_recipe(trained, optimizer=args.optimizer, lr=args.lr, batch=args.batch, epochs=args.epochs,
                   n_train=len(x_tr), weight_decay=args.weight_decay, ema=args.ema)
    # With averaging, validation (and the final model) use the averaged weights.
    callbacks = [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if args.ema else []
    history = fit(trained, x_tr, y_tr, epochs=args.epochs, batch_size=args.batch, seed=seed,
                  validation_data=(x_va, y_va), callbacks=callbacks)
    return 100.0 * (1.0 - history["val_accuracy"][-1])


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser of this script (also read by :mod:`course_utils.lenet.logs`)."""
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
    parser = build_parser()
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
