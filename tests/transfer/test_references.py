"""Notebook 3's references: the average precisions the checkers compare with, against scikit-learn."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from course_utils.transfer import references as ref


def test_reference_average_precisions_match_scikit_learn():
    rng = np.random.default_rng(0)
    y = (rng.random((300, 10)) < 0.3).astype(float)
    s = 1 / (1 + np.exp(-(3 * y - 1.5 + rng.normal(0, 1.2, y.shape))))   # informative, imperfect
    ap, map_ = ref.average_precisions(y, s)
    np.testing.assert_allclose(ap, average_precision_score(y, s, average=None), rtol=1e-12)
    assert map_ == pytest.approx(average_precision_score(y, s, average="macro"))
    assert 0.5 < map_ < 1.0
