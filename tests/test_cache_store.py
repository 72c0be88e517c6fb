"""Model-cache entries on disk: written atomically, read back, damaged ones skipped (offline)."""

import numpy as np

from course_utils import cache_store


def test_entry_round_trip_and_pack_read_first(models_dir, tmp_path, monkeypatch):
    arrays = {"w": np.arange(6.0).reshape(2, 3), "rng/numpy": np.arange(4, dtype=np.uint32)}
    path = cache_store.save_entry("k1", {"seconds": 1.5}, arrays)
    assert path == models_dir / "k1.npz" and not list(models_dir.glob(".*.tmp"))
    meta, back = cache_store.load_entry("k1")
    assert meta == {"seconds": 1.5, "format": cache_store.FORMAT, "key": "k1"}
    assert back.keys() == arrays.keys()
    np.testing.assert_array_equal(back["w"], arrays["w"])
    assert cache_store.load_entry("absent") is None
    pack = tmp_path / "pack"
    (pack / "models").mkdir(parents=True)
    (pack / "models" / "k1.npz").write_bytes(path.read_bytes())
    monkeypatch.setenv("COURSE_DATA_DIR", str(pack))
    assert cache_store.models_dirs() == (pack / "models", models_dir)


def test_damaged_or_foreign_entries_are_reported_and_skipped(models_dir, capsys):
    cache_store.save_entry("k2", {}, {"w": np.ones(3)})
    path = models_dir / "k2.npz"
    path.write_bytes(path.read_bytes()[:40])                     # truncated
    assert cache_store.load_entry("k2") is None
    assert "k2.npz is unreadable" in capsys.readouterr().out
    cache_store.save_entry("k3", {}, {"w": np.ones(3)})
    (models_dir / "k3.npz").rename(models_dir / "k4.npz")         # an entry under another key
    assert cache_store.load_entry("k4") is None
    assert "key 'k3'" in capsys.readouterr().out


def test_unwritable_cache_is_reported_not_raised(models_dir, capsys):
    models_dir.parent.mkdir(parents=True)
    models_dir.write_text("a file where the folder should be")
    assert cache_store.save_entry("k5", {}, {"w": np.ones(3)}) is None
    assert "could not write the model cache" in capsys.readouterr().out
