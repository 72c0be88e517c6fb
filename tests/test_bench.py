"""Benchmark helpers (the full numpy-vs-Keras run is a tooling command, not a unit test)."""

import re

import numpy as np
import pytest
import threadpoolctl

from course_utils import bench
from course_utils.backprop import mlp as numpy_mlp


def test_describe_blas_names_the_library_numpy_loaded():
    # numpy always loads a BLAS (OpenBLAS for the PyPI wheels): the line names it, not the fallback.
    text = bench.describe_blas()
    assert "no BLAS" not in text
    for line in text.splitlines():
        assert re.fullmatch(r"\S+ \S+, kernel \S+, \d+ threads", line), line
    assert any(lib in text.lower() for lib in ("openblas", "mkl", "blis", "accelerate")), text


def test_describe_blas_one_line_per_blas_library(monkeypatch):
    fake = [{"user_api": "blas", "internal_api": "openblas", "version": "0.3.27",
             "architecture": "Haswell", "num_threads": 2, "filepath": "/x/libopenblas64_.so"},
            {"user_api": "openmp", "internal_api": "openmp", "num_threads": 2, "filepath": "/x/libgomp.so"}]
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: fake)
    assert bench.describe_blas() == "openblas 0.3.27, kernel Haswell, 2 threads"
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: fake[1:])
    assert bench.describe_blas() == "no BLAS library reported by threadpoolctl"


def test_time_numpy_epochs_returns_one_time_per_epoch():
    rng = np.random.default_rng(0)
    X = rng.random((300, 784), dtype=np.float32)
    Y = numpy_mlp.one_hot(rng.integers(0, 10, 300))
    secs = bench.time_numpy_epochs(X, Y, epochs=2, threads=1)
    assert len(secs) == 2 and all(s > 0 for s in secs)


def test_time_numpy_epochs_rejects_zero_threads():
    X, Y = np.zeros((10, 784), np.float32), numpy_mlp.one_hot(np.zeros(10, int))
    with pytest.raises(ValueError, match="threads=0"):
        bench.time_numpy_epochs(X, Y, epochs=1, threads=0)


def test_cli_rejects_unknown_command():
    with pytest.raises(SystemExit):
        bench.main(["nothing"])


NOTEBOOK_CELLS = [
    """import numpy as np
from course_utils.results import print_results
from course_utils.config import import_keras, mode_banner
from course_utils.model_cache import cached_call
from course_utils.training import fit

keras = import_keras()
print(mode_banner())""",
    """class Scale(keras.layers.Layer):  # a student's layer, defined in a cell
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.w""",
    """rng = np.random.default_rng(0)
x = rng.normal(size=(128, 4)).astype("float32")
y = (x[:, 0] > x[:, 1]).astype("int32")
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((4,)), Scale(), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
history = fit(model, x, y, epochs=3, batch_size=32, validation_data=(x[:32], y[:32]), verbose=0)
projection = cached_call(np.linalg.svd, x, full_matrices=False)[0][:, :2]""",
    """print_results(val_accuracy=history["val_accuracy"][-1], loss=history["loss"][-1],
              first_weight=float(model.layers[1].get_weights()[0][0, 0]),
              projection=float(np.abs(projection).sum()))""",
]


def test_bench_notebooks_second_run_hits_the_cache_with_identical_results(tmp_path, monkeypatch, capsys):
    import nbformat

    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_RETRAIN", "1")  # the bench must unset it for its runs
    path = tmp_path / "notebooks" / "99_tiny.ipynb"
    path.parent.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NOTEBOOK_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    (row,) = bench.notebooks([str(path)], fast=True, out_dir=tmp_path / "out")
    assert row["errors"] == [None, None] and row["same_results"], row
    cold, warm = (nbformat.read(tmp_path / "out" / f"99_tiny.{run}.ipynb", as_version=4) for run in
                  ("cold", "warm"))

    def text(nb):
        return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))

    assert "loaded from cache" not in text(cold) and "fast mode" in text(cold)
    assert "sequential: loaded from cache" in text(warm) and "svd: loaded from cache" in text(warm)
    assert "val_accuracy = " in text(warm)
    assert "Results identical" in capsys.readouterr().out
    assert not (tmp_path / "cache" / "models").exists()  # the bench used its own folder
