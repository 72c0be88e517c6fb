import numpy as np
import pytest

from course_utils.check import CheckError, check_at_least, check_close, check_shape, print_results, rel_error


def test_rel_error():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0], [1.0 + 1e-9]) == pytest.approx(5e-10, rel=1e-3)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.zeros(3), np.zeros(4))


def test_check_close_prints_value_beside_target(capsys):
    assert check_close("loss", 0.22314355, -np.log(0.8))
    out = capsys.readouterr().out
    assert out.startswith("loss: 0.223144, expected 0.223144") and out.strip().endswith("OK")


def test_check_close_fails_loudly(capsys):
    with pytest.raises(CheckError, match="grad: max relative error"):
        check_close("grad", np.ones((2, 3)), np.ones((2, 3)) * 1.01)
    assert "WRONG" in capsys.readouterr().out
    with pytest.raises(CheckError, match=r"shape \(3,\), expected \(2,\)"):
        check_close("v", np.ones(3), np.ones(2))


def test_check_shape():
    assert check_shape("h", np.zeros((100, 10)), (None, 10))
    with pytest.raises(CheckError, match=r"shape \(100, 784\), expected \(any, 10\)"):
        check_shape("h", np.zeros((100, 784)), (None, 10))
    with pytest.raises(CheckError):
        check_shape("h", np.zeros(10), (None, 10))


def test_check_at_least():
    assert check_at_least("acc", 0.93, 0.92)
    with pytest.raises(CheckError, match="target >= 0.9200"):
        check_at_least("acc", 0.91, 0.92)


def test_print_results(capsys):
    print_results(acc=0.92345678, epochs=20, name="lstm", big=123456.7)
    assert capsys.readouterr().out.splitlines() == [
        "acc = 0.9235", "epochs = 20", "name = lstm", "big = 123457"]


def test_check_that(capsys):
    from course_utils.check import check_that

    assert check_that(True, "count: 12, expected 12")
    with pytest.raises(CheckError, match="count: 11, expected 12"):
        check_that(False, "count: 11, expected 12")
    assert capsys.readouterr().out.splitlines() == ["count: 12, expected 12  OK",
                                                     "count: 11, expected 12  WRONG"]
