"""Benchmarks for the course: ``python -m course_utils.bench backprop`` and ``... notebooks``.

``backprop`` times one MNIST epoch (60,000 images, batch 100, plain SGD) of the
784-100-10 sigmoid MLP written in numpy (:mod:`course_utils.backprop.mlp`, float32)
against the same model, loss, optimiser and batch size in Keras, in one run.
Each side does one warm-up epoch (Keras traces and compiles its step there),
then ``--epochs`` timed epochs; the median is reported. It also prints which
BLAS library and kernel numpy uses, and how many threads.

``notebooks [NAMES...]`` runs each notebook twice in full mode in a fresh
kernel, first with an empty model cache (cold), then with the cache that run
filled (warm), and prints the wall time of each, their ratio, and whether the
two runs print the same Results lines. The executed notebooks are kept in
``build/bench/`` (``NAME.cold.ipynb``, ``NAME.warm.ipynb``): a cold run that ran
cleanly can be copied over ``notebooks/NAME.ipynb`` as its committed outputs.

Keras is imported inside the functions: this is a tooling script, not a notebook.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np

from course_utils.backprop import mlp as numpy_mlp


def describe_blas() -> str:
    """One line per BLAS library: name, version, kernel (architecture) and thread count."""
    from threadpoolctl import threadpool_info

    lines = [f"{lib.get('internal_api', '?')} {lib.get('version', '?')}, kernel "
             f"{lib.get('architecture', '?')}, {lib.get('num_threads', '?')} threads"
             for lib in threadpool_info() if lib.get("user_api") == "blas"]
    return "\n".join(lines) or "no BLAS library reported by threadpoolctl"


def time_numpy_epochs(X: np.ndarray, Y: np.ndarray, *, epochs: int, batch_size: int = 100,
                      eta: float = 1.0, threads: int | None = None) -> list[float]:
    """Seconds per epoch of the numpy MLP (after one untimed warm-up epoch).

    Parameters
    ----------
    X : ndarray of shape (N, 784), dtype float32
    Y : ndarray of shape (N, 10), dtype float32, one-hot
    epochs : int
        Timed epochs.
    threads : int, optional
        BLAS threads (default: numpy's own choice).

    Returns
    -------
    seconds : list of float, one per timed epoch
    """
    from threadpoolctl import threadpool_limits

    if threads is not None and threads < 1:  # threadpoolctl would ignore 0 silently
        raise ValueError(f"time_numpy_epochs: threads={threads} must be >= 1 (or None)")
    params = numpy_mlp.init_mlp(X.shape[1], 100, Y.shape[1], "xavier", seed=0)
    seconds = []
    with threadpool_limits(limits=threads, user_api="blas"):
        for epoch in range(epochs + 1):
            start = time.perf_counter()
            numpy_mlp.mlp_sgd_epoch(X, Y, params, eta=eta, batch_size=batch_size, seed=epoch)
            if epoch:
                seconds.append(time.perf_counter() - start)
    return seconds


def time_keras_epochs(X: np.ndarray, Y: np.ndarray, *, epochs: int, batch_size: int = 100,
                      eta: float = 1.0) -> list[float]:
    """Seconds per epoch of the same MLP in Keras (after one untimed warm-up epoch)."""
    from course_utils.config import import_keras, seed_everything
    from course_utils.training import epoch_timer

    keras = import_keras()
    seed_everything(0)
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(100, activation="sigmoid"),
                              keras.layers.Dense(Y.shape[1], activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=eta), loss="categorical_crossentropy")
    history = model.fit(X, Y, batch_size=batch_size, epochs=epochs + 1, shuffle=True, verbose=0,
                        callbacks=[epoch_timer()])
    return [float(s) for s in history.history["epoch_seconds"][1:]]


def backprop(epochs: int = 5, subset: int | None = None,
             threads: tuple[int | None, ...] = (None, 1)) -> dict[str, float]:
    """Run the numpy-vs-Keras epoch benchmark and print a short report.

    Parameters
    ----------
    epochs : int
        Timed epochs per configuration (after one warm-up epoch).
    subset : int, optional
        Use only the first ``subset`` training images (for quick tests).
    threads : tuple of (int or None)
        BLAS thread counts to time numpy with; ``None`` is numpy's default.

    Returns
    -------
    result : dict
        ``keras_seconds`` and, per numpy configuration ``c`` (``default`` or ``1thread``...),
        ``numpy_<c>_seconds`` (medians) and ``ratio_<c>`` (Keras / numpy: above 1, numpy is faster).
    """
    from course_utils.config import keras_backend
    from course_utils.data import load_mnist
    from course_utils.mnist import prepare

    if epochs < 1:
        raise ValueError(f"backprop: epochs={epochs} must be >= 1")
    (x_train, y_train), _ = load_mnist()
    if subset is not None:
        x_train, y_train = x_train[:subset], y_train[:subset]
    X = prepare(x_train)
    Y = numpy_mlp.one_hot(y_train)
    print(f"MLP 784-100-10 sigmoid, SGD eta=1.0, batch 100, {len(X)} images, float32;\n"
          f"median of {epochs} epoch(s) after 1 warm-up")
    print("numpy BLAS:", describe_blas())
    result: dict[str, float] = {}
    timings = {}
    for n in threads:
        key = "default" if n is None else f"{n}thread"
        timings[f"numpy, BLAS threads: {'default' if n is None else n}"] = (key, time_numpy_epochs(
            X, Y, epochs=epochs, threads=n))
    keras_secs = time_keras_epochs(X, Y, epochs=epochs)
    result["keras_seconds"] = keras = statistics.median(keras_secs)
    rows = [(f"keras ({keras_backend()})", keras_secs)]
    for label, (key, secs) in timings.items():
        result[f"numpy_{key}_seconds"] = statistics.median(secs)
        result[f"ratio_{key}"] = keras / statistics.median(secs)
        rows.append((label, secs))
    for label, secs in rows:
        print(f"{label:<28} {statistics.median(secs):7.3f} s/epoch  (each: "
              + ", ".join(f"{s:.3f}" for s in secs[:5]) + (", ..." if len(secs) > 5 else "") + ")")
    for label, (key, _) in timings.items():
        ratio = result[f"ratio_{key}"]
        print(f"keras / [{label}] = {ratio:.2f}: numpy is {'faster' if ratio >= 1 else 'SLOWER'}")
    return result


#: Longest a single cell may run (s). A cell never takes this long in full mode; the limit
#: turns a lost kernel reply (an upstream ipykernel 7 / nbclient race with widgets,
#: jupyter/nbclient#312) into an error that :func:`notebooks` retries, instead of a wait forever.
CELL_TIMEOUT = 900


def run_notebook(path: Path, out: Path) -> tuple[float, str | None]:
    """Execute ``path`` top to bottom in a fresh ``python3`` kernel (cwd: its folder), save it as ``out``.

    Returns
    -------
    seconds : float
        Wall time, kernel start included.
    error : str or None
        The first error's name and message, None when every cell ran.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - a failed cell, a dead kernel: report, keep the rest
        error = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
    seconds = time.perf_counter() - start
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return seconds, error


def notebooks(names: list[str], *, fast: bool = False, out_dir: Path = Path("build/bench"),
              root: Path | None = None) -> list[dict]:
    """Run each notebook cold (empty model cache) then warm; print and return the figures.

    Parameters
    ----------
    names : list of str
        Notebook name prefixes (``02``) or paths; empty: every notebook in ``notebooks/``.
    fast : bool
        Run in fast mode (for tests) instead of full mode.
    out_dir : Path
        Where the executed notebooks go.
    root : Path, optional
        The folder holding ``notebooks/`` (default: this checkout).

    Returns
    -------
    rows : list of dict
        Per notebook: ``name``, ``cold_s``, ``warm_s``, ``ratio``, ``same_results``, ``errors``.
    """
    from course_utils.data import cache_dir
    from course_utils.results import stored_results

    folder = (root or Path(__file__).resolve().parent.parent) / "notebooks"
    paths = []
    for name in names or [p.name for p in sorted(folder.glob("*.ipynb"))]:
        found = [Path(name)] if Path(name).is_file() else sorted(folder.glob(f"{name}*.ipynb"))
        if len(found) != 1:
            raise ValueError(f"bench notebooks: {name!r} matches {len(found)} notebooks in {folder}; "
                             "give a prefix such as 02 or a path")
        paths.append(found[0])
    rows = []
    for path in paths:
        with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
            # A fresh cache folder for the models, seeing the downloaded data of the real one.
            data = cache_dir()
            for item in data.iterdir() if data.is_dir() else []:
                if item.name != "models":
                    (Path(tmp) / item.name).symlink_to(item.resolve())
            row: dict = {"name": path.stem, "errors": []}
            results = []
            with mock.patch.dict(os.environ, {"COURSE_FAST": "1" if fast else "0", "COURSE_CACHE_DIR": tmp,
                                              "COURSE_MODEL_CACHE": "1", "COURSE_RETRAIN": "0"}):
                for run in ("cold", "warm"):
                    out = out_dir / f"{path.stem}.{run}.ipynb"
                    row[f"{run}_s"], error = run_notebook(path, out)
                    if error and "timed out" in error.lower():  # a hang, not a failing cell: once more
                        print(f"{path.stem} {run}: {error}; running it again", flush=True)
                        row[f"{run}_s"], error = run_notebook(path, out)
                    row["errors"].append(error)
                    try:
                        results.append(stored_results(out))
                    except ValueError:
                        results.append(None)
                    print(f"{path.stem} {run}: {row[f'{run}_s']:.1f} s"
                          + (f"  FAILED: {error}" if error else ""), flush=True)
        row["ratio"] = row["warm_s"] / row["cold_s"]
        row["same_results"] = results[0] is not None and results[0] == results[1]
        if not row["same_results"] and None not in results:
            row["differences"] = {k: (results[0].get(k), results[1].get(k))
                                  for k in sorted(set(results[0]) | set(results[1]))
                                  if results[0].get(k) != results[1].get(k)}
        rows.append(row)
    mode = "fast" if fast else "full"
    print(f"\n{'notebook':32s} {'cold s':>8s} {'warm s':>8s} {'ratio':>7s}  Results identical ({mode} mode)")
    for row in rows:
        same = "yes" if row["same_results"] else f"NO {row.get('differences', '(missing)')}"
        failed = "  (a run FAILED)" if any(row["errors"]) else ""
        print(f"{row['name']:32s} {row['cold_s']:8.1f} {row['warm_s']:8.1f} {row['ratio']:7.1%}  "
              f"{same}{failed}")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m course_utils.bench", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    bp = sub.add_parser("backprop", help="numpy MLP epoch vs the same model in Keras")
    bp.add_argument("--epochs", type=int, default=5, help="timed epochs per side (default 5)")
    bp.add_argument("--subset", type=int, default=None, help="use only the first N training images")
    bp.add_argument("--threads", default="default,1",
                    help="comma-separated BLAS thread counts to time numpy with (default: 'default,1')")
    nb = sub.add_parser("notebooks", help="each notebook in full mode, cold then warm model cache")
    nb.add_argument("names", nargs="*", help="notebook prefixes (02 03...) or paths; default: all")
    nb.add_argument("--fast", action="store_true", help="fast mode instead of full mode")
    nb.add_argument("--out", type=Path, default=Path("build/bench"), help="executed notebooks (build/bench)")
    args = parser.parse_args(argv)
    if args.command == "notebooks":
        notebooks(args.names, fast=args.fast, out_dir=args.out)
    elif args.command == "backprop":
        threads = tuple(None if t.strip() == "default" else int(t) for t in args.threads.split(","))
        backprop(args.epochs, args.subset, threads)


if __name__ == "__main__":
    main()
