"""Random affine distortions: identity, exact shifts, background fill, training only."""

import numpy as np
import pytest

from course_utils.lenet.distortions import RandomDistortion, distort


def digits(n=3, seed=0):
    rng = np.random.default_rng(seed)
    x = np.full((n, 32, 32, 1), -0.1, np.float32)
    x[:, 8:24, 10:22, 0] = rng.uniform(-0.1, 1.175, size=(n, 16, 12))
    return x


def test_identity_and_integer_shift():
    x = digits()
    np.testing.assert_allclose(distort(x), x, atol=1e-5)
    moved = distort(x, shift_x=2, shift_y=-1)
    np.testing.assert_allclose(moved[:, :-1, 2:], x[:, 1:, :-2], atol=1e-5)
    assert np.allclose(moved[:, :, :2], -0.1)


def test_scale_and_shear_keep_the_centre_pixel_and_range():
    x = digits()
    out = distort(x, scale=1.1, squeeze=0.05, shear=0.2)
    assert not np.allclose(out, x)
    assert out.min() >= -0.1 - 1e-5 and out.max() <= x.max() + 1e-5
    # shrinking pulls background in from outside: filled with -0.1
    small = distort(np.full((1, 32, 32, 1), 1.0, np.float32), scale=0.5)
    assert np.isclose(small[0, 0, 0, 0], -0.1) and np.isclose(small[0, 16, 16, 0], 1.0)
    with pytest.raises(ValueError, match="scale"):
        distort(x, scale=0)


def test_layer_is_random_in_training_identity_otherwise():
    x = digits(8)
    layer = RandomDistortion(seed=1)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    a, b = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True))
    assert a.shape == x.shape and not np.allclose(a, b)
    assert a.min() >= -0.1 - 1e-5
    with pytest.raises(ValueError, match="shear"):
        RandomDistortion(shear=-1)


def _dot(row, col, size=33):
    image = np.zeros((1, size, size, 1), np.float32)
    image[0, row, col, 0] = 1.0
    return image


@pytest.mark.parametrize(("kwargs", "moved_to"), [
    # the forward map about the centre c = 16: x' = sx (x - c) + shear sy (y - c) + c, y' = sy (y - c) + c
    ({"shear": 0.5}, (20, 22)),                  # x' = 16 + 4 + 0.5 * 4
    ({"squeeze": 0.25}, (19, 21)),               # sx = 1.25, sy = 0.75: (20, 20) -> (19, 21)
    ({"scale": 1.25}, (21, 21)),
    ({"shift_x": 2, "shift_y": -3}, (17, 22)),
])
def test_each_parameter_moves_a_dot_where_the_formula_says(kwargs, moved_to):
    out = distort(_dot(20, 20), background=0.0, **kwargs)[0, :, :, 0]
    assert np.unravel_index(np.argmax(out), out.shape) == moved_to
    assert np.isclose(out.max(), 1.0, atol=1e-5)


@pytest.mark.parametrize("only", ["shift", "scale", "squeeze", "shear"])
def test_the_layer_uses_each_range(only):
    ranges = {"shift": 0.0, "scale": 0.0, "squeeze": 0.0, "shear": 0.0}
    x = np.repeat(_dot(20, 20), 8, axis=0)
    assert np.allclose(np.asarray(RandomDistortion(**ranges, background=0.0, seed=0)(x, training=True)), x,
                       atol=1e-5)
    ranges[only] = {"shift": 2.0, "scale": 0.1, "squeeze": 0.1, "shear": 0.2}[only]
    out = np.asarray(RandomDistortion(**ranges, background=0.0, seed=0)(x, training=True))
    assert not np.allclose(out, x, atol=1e-3), f"{only} range ignored"
