"""course_utils.check: one line per check, the printed error decides, bad values named."""

import warnings

import numpy as np
import pytest

from course_utils.check import (
    CheckError,
    check_at_least,
    check_close,
    check_shape,
    check_that,
    check_unchanged,
    rel_error,
)


def test_rel_error():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [1.0 + 1e-9]) == pytest.approx(5e-10, rel=1e-3)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error([0.0], [1e-3]) == 1.0
    assert rel_error([0.0], [1e-3], atol=1e-2) == 0.0
    assert rel_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.zeros(3), np.zeros(4))


def test_check_close_prints_value_beside_target_and_returns_nothing(capsys):
    assert check_close("loss", 0.22314355, -np.log(0.8)) is None
    out = capsys.readouterr().out
    assert out.startswith("loss: 0.223144, expected 0.223144") and out.strip().endswith("OK")


def test_the_printed_error_is_the_one_that_decides(capsys):
    # A value whose printed relative error is under the tolerance passes, one over it fails,
    # whatever numpy's isclose would say.
    check_close("x", [1.0 + 1.5e-6], [1.0], rtol=1e-6)  # symmetric error 7.5e-7 <= 1e-6
    with pytest.raises(CheckError):
        check_close("x", [1.0 + 2.2e-6], [1.0], rtol=1e-6)  # 1.1e-6 > 1e-6
    for line in capsys.readouterr().out.splitlines():
        if "relative error" not in line:
            continue
        err, tol = (float(s) for s in
                    line.split("relative error ")[1].split(")")[0].split(", tolerance "))
        assert (err <= tol) == line.endswith("OK"), line


def test_check_close_fails_loudly(capsys):
    with pytest.raises(CheckError, match="grad: max relative error"):
        check_close("grad", np.ones((2, 3)), np.ones((2, 3)) * 1.5)
    assert "WRONG" in capsys.readouterr().out
    with pytest.raises(CheckError, match=r"shape \(3,\), expected \(2,\)"):
        check_close("v", np.ones(3), np.ones(2))


@pytest.mark.parametrize("value, message", [
    (None, "got None. Does your function end with `return"),
    ("0.5", "got the string '0.5'"),
    ({"W": 1}, "got a dict with keys"),
    ([[1.0, 2.0], [3.0]], "not an array of numbers"),
    (np.array([1.0, np.nan]), "1 of 2 entries are NaN"),
    (np.array([np.inf, 1.0]), "1 of 2 entries are infinite"),
    (object(), "not an array of numbers"),
])
def test_bad_values_are_named_not_crashed_on(value, message, capsys):
    with pytest.raises(CheckError, match=message):
        check_close("result", value, np.ones(2))
    assert capsys.readouterr().out.strip().endswith("WRONG")


def test_lists_are_accepted():
    check_close("counts", [2, 2, 2], [2.0, 2.0, 2.0])


def test_check_shape(capsys):
    assert check_shape("h", np.zeros((100, 10)), (None, 10)) is None
    with pytest.raises(CheckError, match=r"shape \(100, 784\), expected \(any, 10\)"):
        check_shape("h", np.zeros((100, 784)), (None, 10))
    with pytest.raises(CheckError):
        check_shape("h", np.zeros(10), (None, 10))
    with pytest.raises(CheckError, match="looks transposed"):
        check_shape("W", np.zeros((10, 784)), (784, 10))
    with pytest.raises(CheckError, match="got None"):
        check_shape("W", None, (784, 10))


def test_check_at_least(capsys):
    assert check_at_least("acc", 0.93, 0.92) is None
    with pytest.raises(CheckError, match="target >= 0.9200"):
        check_at_least("acc", 0.91, 0.92)
    with pytest.raises(CheckError, match="got None"):
        check_at_least("acc", None, 0.92)
    with pytest.raises(CheckError, match="expected one number"):
        check_at_least("acc", [0.9, 0.95], 0.92)
    with pytest.raises(CheckError, match="NaN"):
        check_at_least("acc", float("nan"), 0.92)


def test_check_unchanged(capsys):
    x = np.arange(4.0)
    check_unchanged("X", x.copy(), x)
    before = x.copy()
    x -= 1
    with pytest.raises(CheckError, match="changed in place"):
        check_unchanged("X", before, x)


def test_check_that(capsys):
    assert check_that(True, "count: 12, expected 12") is None
    with pytest.raises(CheckError, match="count: 11, expected 12"):
        check_that(False, "count: 11, expected 12", hint="count again")
    assert capsys.readouterr().out.splitlines() == ["count: 12, expected 12  OK",
                                                     "count: 11, expected 12  WRONG",
                                                     "    -> count again"]


def test_matches_compares_quietly(capsys):
    from course_utils.check import matches

    assert matches([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))
    assert not matches([1.0, 2.1], [1.0, 2.0])
    assert matches(np.ones(3), 1)  # a scalar target against every entry
    assert not matches(np.ones(3), np.ones(4)) and not matches(None, 1) and not matches("a", 1)
    assert capsys.readouterr().out == ""


def test_fair_minimum():
    from course_utils.check import fair_minimum

    assert fair_minimum(0.9222, 10_000) == pytest.approx(0.9222 - 3 * 0.002679, abs=1e-5)
    assert fair_minimum(1.0, 100) == 1.0
    with pytest.raises(ValueError, match="reference=92"):
        fair_minimum(92, 10_000)


def test_rel_error_never_counts_nan_or_a_lone_infinity_as_agreement():
    assert rel_error([1.0, np.nan], [1.0, np.nan]) == np.inf
    assert rel_error([1.0, np.inf], [1.0, 2.0]) == np.inf
    assert rel_error([1.0, np.inf], [1.0, np.inf]) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 2.0 + 1e-12], atol=1e-9) == 0.0
    assert rel_error([0.0, 2.0], [1e-12, 2.0]) == 1.0


def test_collect_passed_keeps_passing_lines_and_still_prints_failures(capsys):
    from course_utils.check import collect_passed

    with collect_passed() as outer:
        check_close("a", 1.0, 1.0)
        with collect_passed() as inner:
            check_that(True, "b: 2, expected 2")
        check_at_least("c", 0.5, 0.4)
        with pytest.raises(CheckError):
            check_that(False, "d: 1, expected 2")
    assert inner == ["b: 2, expected 2"]  # the innermost collector only
    assert outer == ["a: 1, expected 1 (relative error 0.0e+00, tolerance 1e-06)",
                     "c: 0.5000, target >= 0.4000"]
    assert capsys.readouterr().out == "d: 1, expected 2  WRONG\n"
    check_that(True, "e")  # outside: printed again
    assert capsys.readouterr().out == "e  OK\n"


def test_check_that_message_is_the_line_then_the_hint():
    with pytest.raises(CheckError) as info:
        check_that(False, "n: 3, expected 4")
    assert str(info.value) == "n: 3, expected 4"
    with pytest.raises(CheckError) as info:
        check_that(False, "n: 3, expected 4", hint="count again")
    assert str(info.value) == "n: 3, expected 4\ncount again"


def test_check_close_boundaries_and_atol(capsys):
    check_close("x", [1.0, 2.0], [1.0, 2.0], rtol=0.0)  # error 0 <= tolerance 0
    check_close("x", [0.0], [1e-9], atol=1e-8)  # within atol: no error
    with pytest.raises(CheckError):
        check_close("x", [0.0], [1e-9])
    check_close("x", [3], [3])  # integers


def test_check_close_message_says_what_is_wrong():
    with pytest.raises(CheckError) as info:
        check_close("loss", np.full(3, 2.0), np.ones(3))
    lines = str(info.value).split("\n")
    assert lines[0] == "loss: max relative error 3.3e-01 (tolerance 1e-06)"
    assert lines[1].startswith("every entry is 2 times too large")
    with pytest.raises(CheckError) as info:
        check_close("loss", np.full(3, 2.0), np.ones(3), hint="did you sum?")
    assert str(info.value).split("\n")[1].startswith("did you sum?; every entry is 2 times")
    with pytest.raises(CheckError) as info:
        check_close("h", np.ones(10), np.ones((1, 10)), hint="reshape")
    assert str(info.value) == ("h: shape (10,), expected (1, 10)\n"
                               "reshape; one axis of size 1 missing: use keepdims=True or [:, None]")


def test_bad_values_name_the_argument_and_where():
    with pytest.raises(CheckError, match=r"^W: got None"):
        check_close("W", None, 1.0)
    with pytest.raises(CheckError, match=r"^acc: got None"):
        check_at_least("acc", None, 0.5)
    with pytest.raises(CheckError, match=r"^W: got a list that is not an array of numbers"):
        check_close("W", [[1.0, 2.0], [3.0]], np.ones(2))
    grid = np.zeros((2, 3))
    grid[1, 2] = np.nan
    with pytest.raises(CheckError, match=r"1 of 6 entries are NaN \(first at index \(1, 2\)\)"):
        check_close("W", grid, np.zeros((2, 3)))
    with pytest.raises(CheckError, match=r"1 of 1 entries are infinite \(first at index \(\)\)"):
        check_close("s", np.float64("inf"), 1.0)


def test_check_at_least_accepts_the_target_itself(capsys):
    check_at_least("acc", 0.92, 0.92)
    check_at_least("acc", [[0.95]], 0.92)
    assert capsys.readouterr().out.splitlines() == ["acc: 0.9200, target >= 0.9200  OK",
                                                     "acc: 0.9500, target >= 0.9200  OK"]


def test_check_unchanged_lines_and_nan(capsys):
    x = np.array([1.0, np.nan])
    check_unchanged("X", x.copy(), x)  # NaN where it was is not a change
    with pytest.raises(CheckError) as info:
        check_unchanged("X", x.copy(), x[:1])
    assert str(info.value) == ("X: changed in place, expected unchanged\n"
                               "work on a copy (e.g. `X = X - m`, not `X -= m`)")
    assert capsys.readouterr().out.splitlines()[0] == "X: unchanged, expected unchanged  OK"


def test_check_shape_hints(capsys):
    with pytest.raises(CheckError) as info:
        check_shape("h", np.zeros(10), (None, 10))
    assert str(info.value) == ("h: shape (10,), expected (any, 10)\n"
                               "one axis of size 1 missing: use keepdims=True or [:, None]")
    check_shape("h", np.zeros((3, 10)), (None, 10))
    assert capsys.readouterr().out.splitlines()[-1] == "h: shape (3, 10), expected (any, 10)  OK"


def test_relative_errors_edges():
    from course_utils.check import relative_errors

    np.testing.assert_array_equal(relative_errors(np.array([0.0, 1.0]), np.array([0.5, 1.0])), [1.0, 0.0])
    assert rel_error([1.0], [1.5], atol=0.5) == 0.0  # a difference equal to atol counts as none
    assert rel_error([1, 2], [1, 3]) == pytest.approx(0.2)  # integers are not truncated
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rel_error([0.0, np.inf, np.nan, 1e308], [0.0, 1.0, 1.0, -1e308]) == np.inf
    # finite values whose difference or sum overflows: the true ratio, not NaN or 0
    assert rel_error([1e308], [-1e308]) == 1.0
    assert rel_error([1e308], [9e307]) == pytest.approx(1 / 19)


def test_matches_uses_its_tolerances():
    from course_utils.check import matches

    assert matches(1.0, 1.01, rtol=0.1) and not matches(1.0, 1.01)
    assert not matches(1e-10, 0.0)  # no hidden absolute tolerance of 1e-8
    assert matches([1, 2], [1.0, 2.0])


def test_fair_minimum_bounds():
    from course_utils.check import fair_minimum

    assert fair_minimum(0.0, 1) == 0.0
    assert fair_minimum(0.5, 1) == pytest.approx(0.5 - 3 * 0.5)
    with pytest.raises(ValueError, match=r"reference=1\.5"):
        fair_minimum(1.5, 100)
    with pytest.raises(ValueError, match=r"n=0"):
        fair_minimum(0.5, 0)
