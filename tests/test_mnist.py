"""The one MNIST preparation and the one validation split (no MNIST needed)."""

import sys

import numpy as np
import pytest

from course_utils import mnist


def digits(n=3, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


def test_flat_and_image_layouts_scale_by_255():
    x = digits()
    flat = mnist.prepare(x)
    assert flat.shape == (3, 784) and flat.dtype == np.float32
    assert np.array_equal(flat, (x.reshape(3, -1) / 255.0).astype(np.float32))
    image = mnist.prepare(x, layout="image")
    assert image.shape == (3, 28, 28, 1) and image.dtype == np.float32
    assert np.array_equal(image[..., 0].reshape(3, -1), flat)   # same pixels, row after row
    assert mnist.prepare(np.full((1, 28, 28), 255, np.uint8)).max() == 1.0


def test_lenet_layout_pads_and_maps_0_and_255():
    x = np.zeros((2, 28, 28), np.uint8)
    x[1, 10, 11] = 255
    out = mnist.prepare(x, layout="lenet")
    assert out.shape == (2, 32, 32, 1) and out.dtype == np.float32
    assert np.allclose(out[0], -0.1) and np.isclose(out[1, 12, 13, 0], 1.175)
    assert np.allclose(np.delete(out[1].ravel(), 12 * 32 + 13), -0.1)


def test_lenet_input_is_the_lenet_layout():
    from course_utils.lenet.model import to_lenet_input

    x = digits(4)
    assert np.array_equal(to_lenet_input(x), mnist.prepare(x, layout="lenet"))


def test_empty_batch_keeps_its_shape():
    assert mnist.prepare(np.zeros((0, 28, 28), np.uint8)).shape == (0, 784)


@pytest.mark.parametrize("images, match", [
    (np.zeros((2, 784), np.uint8), r"shape \(n, 28, 28\), got shape \(2, 784\)"),
    (np.zeros((28, 28), np.uint8), r"got shape \(28, 28\)"),
    (np.zeros((2, 28, 28), np.float32), "dtype float32 .already prepared"),
    (np.full((1, 28, 28), 256, np.int64), "from 256 to 256"),
    (np.full((1, 28, 28), -1, np.int16), "from -1 to -1"),
])
def test_bad_images_are_named(images, match):
    with pytest.raises(ValueError, match=match):
        mnist.prepare(images)


def test_bad_layout_is_named():
    with pytest.raises(ValueError, match="layout='grid'.*'flat'"):
        mnist.prepare(digits(), layout="grid")


def test_split_is_seeded_disjoint_and_covers_everything():
    train, val = mnist.split_indices(100, 30)
    assert len(train) == 70 and len(val) == 30
    assert sorted([*train, *val]) == list(range(100))
    again = mnist.split_indices(100, 30)
    assert np.array_equal(train, again[0]) and np.array_equal(val, again[1])
    other = mnist.split_indices(100, 30, seed=1)
    assert not np.array_equal(val, other[1])
    assert not np.array_equal(val, np.arange(70, 100))   # shuffled, not file order


def test_split_is_notebook_5s_and_the_tuning_script_s():
    # The committed tuning logs (notebooks/logs/05_*.txt) were made with this split:
    # the seed-0 permutation of the 60,000 training digits, first 55,000 train, last 5,000 validation.
    order = np.random.default_rng(0).permutation(60_000)
    train, val = mnist.split_indices(60_000, 5_000)
    assert np.array_equal(train, order[:55_000]) and np.array_equal(val, order[55_000:])


def test_a_larger_validation_set_takes_the_same_permutation():
    train, val = mnist.split_indices(60_000, 10_000)
    _, val5 = mnist.split_indices(60_000, 5_000)
    assert np.array_equal(val[-5_000:], val5) and len(train) == 50_000


@pytest.mark.parametrize("n_total, n_val, match", [
    (60, 0, "n_val=0 must be in 1..59"),
    (60, 60, "n_val=60 must be in 1..59"),
    (1, 1, "n_val=1 must be in 1..0"),
])
def test_bad_split_sizes_are_named(n_total, n_val, match):
    with pytest.raises(ValueError, match=match):
        mnist.split_indices(n_total, n_val)


def test_bad_split_types_and_seed_are_named():
    with pytest.raises(TypeError, match="n_val=0.5 must be an integer"):
        mnist.split_indices(10, 0.5)
    with pytest.raises(TypeError, match="n_total=True"):
        mnist.split_indices(True, 1)
    with pytest.raises(ValueError, match="seed=-1"):
        mnist.split_indices(10, 2, seed=-1)
    assert len(mnist.split_indices(np.int64(10), np.int32(2))[1]) == 2


def test_train_val_split_keeps_pairs_together():
    x = np.arange(50)[:, None] * np.ones((1, 3))
    y = np.arange(50) % 7
    (x_tr, y_tr), (x_va, y_va) = mnist.train_val_split(x, y, 10)
    train_idx, val_idx = mnist.split_indices(50, 10)
    assert np.array_equal(x_va[:, 0], val_idx) and np.array_equal(x_tr[:, 0], train_idx)
    assert np.array_equal(y_tr, x_tr[:, 0] % 7) and np.array_equal(y_va, x_va[:, 0] % 7)


def test_train_val_split_needs_as_many_labels_as_images():
    with pytest.raises(ValueError, match=r"shape \(5, 3\).*shape \(4,\)"):
        mnist.train_val_split(np.zeros((5, 3)), np.zeros(4), 1)


def test_the_module_does_not_import_keras():
    import subprocess

    code = "import course_utils.mnist, sys; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
