"""The argument checks behind the numpy helpers: what each level of checking catches."""

import numpy as np
import pytest

from course_utils import validate as v
from course_utils.errors import CourseTypeError, CourseValueError

P = np.array([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]])


def test_all_rows_are_checked_and_the_bad_row_is_named():
    bad = P.copy()
    bad[2] = [0.9, 0.3]
    with pytest.raises(CourseValueError, match=r"f: Y_hat .* row 2 sums to 1.2"):
        v.probabilities(bad, "Y_hat", "f")
    assert v.probabilities(bad, "Y_hat", "f", rows="first") is bad  # the O(1) sentinel: row 0
    with pytest.raises(CourseValueError, match="row 0 sums to 2"):
        v.probabilities(P * 2, "Y_hat", "f", rows="first")
    assert v.probabilities(P * 2, "Y_hat", "f", rows="none") is not None


def test_negative_entries_and_nan_are_caught_even_when_rows_sum_to_one():
    with pytest.raises(CourseValueError, match="entries in"):
        v.probabilities(np.array([[1.5, -0.5]]), "Y_hat", "f")
    with pytest.raises(CourseValueError, match="NaN or inf"):
        v.probabilities(np.array([[np.nan, 1.0]]), "Y_hat", "f", rows="first")


def test_labels_are_converted_or_refused():
    assert v.labels(np.array([True, False]), "y", "f").dtype == np.int64
    np.testing.assert_array_equal(v.labels([2.0, 0.0], "y", "f", k=3), [2, 0])
    with pytest.raises(CourseValueError, match="holds inf"):
        v.labels(np.array([1.0, np.inf]), "y", "f")


@pytest.mark.parametrize("value, error, words", [
    (None, CourseTypeError, "x is None"),
    ([[1, 2], [3]], CourseTypeError, "different lengths"),
    ("abc", CourseTypeError, "is a str"),
    (np.array([object()]), CourseTypeError, "dtype object"),
])
def test_array_refuses_what_is_not_numbers(value, error, words):
    with pytest.raises(error, match=words):
        v.array(value, "x", "f")


def test_batch_of_raw_pixels_says_how_to_scale_them():
    raw = np.zeros((3, 784), dtype=np.uint8)
    expected = (r"batch_fn: X is uint8 .*raw pixels 0\.\.255\?.*"
                r"course_utils\.mnist\.prepare.*X\.astype\(np\.float32\) / 255")
    with pytest.raises(CourseValueError, match=expected):
        v.batch(raw, "X", "batch_fn")
    assert v.batch(raw.astype(np.float32) / 255, "X", "batch_fn").shape == (3, 784)
