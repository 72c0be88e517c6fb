"""The label-budget experiment: task selection, balanced seeded draws, the budget plot."""

import numpy as np
import pytest

from course_utils.transfer import budget


def test_select_classes_relabels_in_the_given_order():
    x = np.arange(10)[:, None] * np.ones((1, 3))
    y = np.array([0, 5, 7, 5, 9, 1, 7, 9, 5, 2])
    xs, ys = budget.select_classes(x, y, [9, 5, 7])
    assert xs.shape == (7, 3)
    np.testing.assert_array_equal(ys, [1, 2, 1, 0, 2, 0, 1])
    np.testing.assert_array_equal(xs[:, 0], [1, 2, 3, 4, 6, 7, 8])


def test_select_classes_rejects_absent_class():
    with pytest.raises(ValueError, match=r"\[3\]"):
        budget.select_classes(np.zeros((4, 2)), np.array([0, 1, 0, 1]), [0, 3])


def test_sample_per_class_is_balanced_seeded_and_excludes():
    y = np.repeat(np.arange(5), 40)
    exclude = np.flatnonzero(np.arange(200) % 4 == 0)
    a = budget.sample_per_class(y, 10, seed=3, exclude=exclude)
    b = budget.sample_per_class(y, 10, seed=3, exclude=exclude)
    c = budget.sample_per_class(y, 10, seed=4, exclude=exclude)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(np.sort(a), np.sort(c))
    assert len(set(a.tolist())) == 50
    np.testing.assert_array_equal(np.bincount(y[a]), [10] * 5)
    assert not set(a.tolist()) & set(exclude.tolist())


def test_sample_per_class_too_few_left():
    y = np.repeat(np.arange(2), 5)
    with pytest.raises(ValueError, match="class 1 has 3"):
        budget.sample_per_class(y, 4, seed=0, exclude=np.array([5, 6]))


def test_plot_budget_curves_draws_mean_and_spread():
    import matplotlib

    matplotlib.use("Agg")
    ax = budget.plot_budget_curves({"a": {10: [0.5, 0.7], 100: [0.9]}}, title="t")
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [0.6, 0.9])
    assert ax.get_xscale() == "log" and ax.get_title() == "t"
    with pytest.raises(ValueError, match="'b'"):
        budget.plot_budget_curves({"b": {10: []}}, title="t")
