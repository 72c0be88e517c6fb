import pytest

from course_utils import config


@pytest.mark.parametrize("value, fast", [("", False), ("0", False), ("1", True),
                                         ("true", True), ("no", False)])
def test_is_fast(monkeypatch, value, fast):
    monkeypatch.setenv("COURSE_FAST", value)
    assert config.is_fast() is fast
    assert config.pick(full=20, fast=1) == (1 if fast else 20)


def test_bad_fast_value(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST='maybe'"):
        config.is_fast()


def test_unknown_backend(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "theano")
    with pytest.raises(ValueError, match="KERAS_BACKEND='theano'"):
        config.keras_backend()


def test_missing_backend_package(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    monkeypatch.setattr(config.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="pip install jax"):
        config.keras_backend()


def test_seed_everything_is_reproducible():
    import numpy as np

    config.seed_everything(3)
    a = np.random.rand(3)
    config.seed_everything(3)
    assert (np.random.rand(3) == a).all()


def test_import_keras_restores_stderr(capfd):
    keras = config.import_keras()
    assert keras.backend.backend() == config.keras_backend()
    import os

    os.write(2, b"still visible\n")
    assert "still visible" in capfd.readouterr().err


def test_env_flag_reads_yes_no_and_names_a_bad_value(monkeypatch):
    from course_utils.config import env_flag

    monkeypatch.delenv("COURSE_SOMETHING", raising=False)
    assert env_flag("COURSE_SOMETHING", default=True) is True
    for value, expected in (("1", True), ("yes", True), (" ON ", True), ("0", False), ("off", False),
                            ("", False)):
        monkeypatch.setenv("COURSE_SOMETHING", value)
        assert env_flag("COURSE_SOMETHING", default=False) is expected, value
    monkeypatch.setenv("COURSE_SOMETHING", "2")
    with pytest.raises(ValueError, match="COURSE_SOMETHING='2'"):
        env_flag("COURSE_SOMETHING", default=False)
