"""Benchmark helpers (the full numpy-vs-Keras run is a tooling command, not a unit test)."""

import numpy as np
import pytest

from course_utils import bench, numpy_mlp


def test_describe_blas_names_a_library():
    text = bench.describe_blas()
    assert "threads" in text or "no BLAS" in text


def test_time_numpy_epochs_returns_one_time_per_epoch():
    rng = np.random.default_rng(0)
    X = rng.random((300, 784), dtype=np.float32)
    Y = numpy_mlp.one_hot(rng.integers(0, 10, 300))
    secs = bench.time_numpy_epochs(X, Y, epochs=2, threads=1)
    assert len(secs) == 2 and all(s > 0 for s in secs)


def test_thread_limits_validate():
    with pytest.raises(ValueError, match="n=0"):
        bench.set_blas_threads(0)
    with pytest.raises(ValueError, match="n=0"), bench.blas_threads(0):
        pass


def test_cli_rejects_unknown_command():
    with pytest.raises(SystemExit):
        bench.main(["nothing"])
