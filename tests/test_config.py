import json
import os
import re
from pathlib import Path

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


def test_torch_hint_asks_for_the_cpu_build(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    monkeypatch.setattr(config.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="--index-url https://download.pytorch.org/whl/cpu"):
        config.keras_backend()


# import_keras with stand-in keras/tensorflow packages, in a fresh interpreter each time.
FAKE_TF = "class config:\n    @staticmethod\n    def list_physical_devices():\n        return []\n"
KERAS_FAILS = "import os\nos.write(2, b'native: this CPU lacks AVX\\n')\nraise ImportError('keras broke')\n"
KERAS_DIES = "import os\nos.write(2, b'compiled to use AVX instructions\\n')\nos.abort()\n"
KERAS_NOISY = "import os\nos.write(2, b'Could not find cuda drivers\\n')\n"


def _import_keras_in_subprocess(tmp_path, keras_source: str):
    import subprocess
    import sys

    fake = tmp_path / "fake"
    for name, source in (("keras", keras_source), ("tensorflow", FAKE_TF)):
        (fake / name).mkdir(parents=True, exist_ok=True)
        (fake / name / "__init__.py").write_text(source)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    repo = str(Path(config.__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=f"{fake}{os.pathsep}{repo}", KERAS_BACKEND="tensorflow",
               TMPDIR=str(tmp_path / "tmp"))
    code = ("from course_utils.config import import_keras\n"
            "try:\n    import_keras()\nexcept ImportError as exc:\n    print('raised:', exc)\n")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)


def test_import_keras_shows_what_a_failing_import_printed(tmp_path):
    run = _import_keras_in_subprocess(tmp_path, KERAS_FAILS)
    assert "raised: keras broke" in run.stdout
    assert "native: this CPU lacks AVX" in run.stderr
    assert list((tmp_path / "tmp").iterdir()) == []  # the log is removed


def test_import_keras_mutes_a_successful_import(tmp_path):
    run = _import_keras_in_subprocess(tmp_path, KERAS_NOISY)
    assert run.returncode == 0 and "cuda" not in run.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


def test_import_keras_reports_a_process_that_died_importing(tmp_path):
    died = _import_keras_in_subprocess(tmp_path, KERAS_DIES)
    assert died.returncode != 0  # killed by abort(): nothing could be shown then
    assert len(list((tmp_path / "tmp").iterdir())) == 1  # ... but the log stays
    run = _import_keras_in_subprocess(tmp_path, KERAS_NOISY)
    assert run.returncode == 0
    assert "died while importing TensorFlow" in run.stderr
    assert "compiled to use AVX instructions" in run.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


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


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True, "0"])
def test_seed_everything_names_a_bad_seed(seed):
    with pytest.raises(ValueError, match=f"seed={seed!r}"):
        config.seed_everything(seed)


def test_setup_prints_banner_and_versions_seeds_and_starts_the_clock(monkeypatch, capsys):
    import numpy as np

    monkeypatch.setenv("COURSE_FAST", "1")
    notebook = config.setup(seed=5)
    first = np.random.rand(2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == config.mode_banner() and lines[0].startswith("COURSE_FAST=1")
    assert lines[1].startswith("Python 3.") and f"numpy {np.__version__}" in lines[1]
    config.seed_everything(5)
    assert (np.random.rand(2) == first).all()
    assert notebook.seed == 5 and 0 <= notebook.seconds() <= notebook.seconds()
    assert notebook.wall_time().startswith("notebook wall time: ")
    assert notebook.wall_time().endswith(" s")


def test_setup_shows_keras_once_imported(capsys):
    import logging

    keras = config.import_keras()
    logging.getLogger("tensorflow").setLevel(logging.WARNING)
    config.setup(seed=0)
    versions = capsys.readouterr().out.splitlines()[1]
    assert f"Keras {keras.__version__} on the {keras.backend.backend()} backend" in versions
    assert logging.getLogger("tensorflow").level == logging.ERROR


def test_setup_rejects_a_bad_seed():
    with pytest.raises(ValueError, match="seed=-3"):
        config.setup(seed=-3)


NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
OTHER_SEEDING = re.compile(r"np\.random\.seed\(|\brandom\.seed\(|set_random_seed\(")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_sets_up_and_seeds_one_way(path):
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    sources = ["".join(c["source"]) for c in cells]
    calls = [i for i, s in enumerate(sources) if re.search(r"^notebook = setup\(seed=\d+\)", s, re.M)]
    assert calls == [0], "the first code cell calls `notebook = setup(seed=...)`, and no other cell"
    for s in sources:
        assert not OTHER_SEEDING.search(s), f"seed with seed_everything (or setup), not: {s[:200]}"
        assert "NOTEBOOK_START" not in s and "notebook_start" not in s, "time with notebook.wall_time()"
