"""course_utils.diagnose: a catalogue of plausible wrong answers, each named by its hint."""

import numpy as np
import pytest

from course_utils.check import CheckError, check_close
from course_utils.diagnose import describe_shapes

rng = np.random.default_rng(0)
T = rng.normal(size=(8, 5))          # a reference result, e.g. a gradient
BIAS = rng.normal(size=5)
MAPS = rng.normal(size=(2, 6, 6, 4))  # a batch of 4 feature maps
ANY = rng.normal(size=(8, 5))


def _one_entry_wrong():
    v = T.copy()
    v[3, 2] += 1.0
    return v


def _one_map_wrong():
    v = MAPS.copy()
    v[..., 2] *= 0.5
    return v


WRONG = {
    "missing 1/N": (T * 8, T, "8 times too large: a missing 1/8"),
    "divided twice": (T / 8, T, "8 times too small"),
    "sign": (-T, T, "wrong sign"),
    "factor 2 of a square": (T * 2, T, "2 times too large"),
    "odd factor": (T * 0.37, T, "0.37 times the expected one"),
    "bias missing": (T - BIAS, T, "every row is off by the same vector: a bias"),
    "constant": (T + 0.25, T, "off by the same constant 0.25"),
    "rows shuffled": (T[::-1], T, "the right values in another order"),
    "one entry": (_one_entry_wrong(), T, r"1 of 40 entries differ \(only in columns \[2\]\); "
                                           r"e.g. at index \(3, 2\)"),
    "one feature map": (_one_map_wrong(), MAPS, r"only in maps \[2\] of the last axis"),
    "zeros": (np.zeros_like(T), T, "all zeros"),
    "unrelated": (ANY, T, "40 of 40 entries differ"),
}


@pytest.mark.parametrize("case", WRONG, ids=str)
def test_each_plausible_mistake_is_caught_and_named(case, capsys):
    value, target, hint = WRONG[case]
    with pytest.raises(CheckError, match=hint):
        check_close("result", value, target, rtol=1e-5)
    assert "WRONG" in capsys.readouterr().out


def test_the_reference_passes(capsys):
    check_close("result", T.copy(), T, rtol=1e-12)
    check_close("result", T.astype(np.float32), T, rtol=1e-6)


@pytest.mark.parametrize("got, want, hint", [
    ((10, 784), (784, 10), "transposed"),
    ((100, 28, 28), (100, 784), "not flattened"),
    ((100, 1), (100,), "size 1 too many"),
    ((100,), (100, 1), "size 1 missing"),
    ((10,), (100, 10), "first axis"),
    ((100,), (100, 10), "last axis"),
    ((), (100,), "a single number"),
    ((20, 50), (100, 10), "another layout"),
    ((7, 3), (100, 10), ""),
    ((3, 4), (3, 4), ""),
])
def test_shape_hints(got, want, hint):
    assert (hint in describe_shapes(got, want)) if hint else describe_shapes(got, want) == ""


def test_a_scalar_is_not_called_off_by_a_constant_factor(capsys):
    with pytest.raises(CheckError) as info:
        check_close("loss", 0.7, 0.5)
    assert "constant factor" not in str(info.value)
    with pytest.raises(CheckError, match="100 times too large"):
        check_close("loss", 50.0, 0.5)
