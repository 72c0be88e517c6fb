"""Multi-label mosaics and the hand-written average precision (against scikit-learn)."""

import numpy as np
import pytest

from course_utils.transfer import multilabel


def test_make_mosaics_tiles_and_labels():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(30, 8, 8)).astype(np.uint8)
    labels = rng.integers(0, 10, size=30)
    mosaics, targets, picked = multilabel.make_mosaics(images, labels, 50, seed=1)
    assert mosaics.shape == (50, 8, 8) and mosaics.dtype == np.uint8
    assert targets.shape == (50, 10) and picked.shape == (50, 4)
    for i in range(50):
        np.testing.assert_array_equal(np.flatnonzero(targets[i]), np.unique(labels[picked[i]]))
    # The top-right quarter of mosaic 0 is image picked[0, 1] averaged over 2x2 blocks.
    block = images[picked[0, 1]].reshape(4, 2, 4, 2).mean(axis=(1, 3))
    np.testing.assert_array_equal(mosaics[0, :4, 4:], np.rint(block).astype(np.uint8))
    block = images[picked[0, 2]].reshape(4, 2, 4, 2).mean(axis=(1, 3))
    np.testing.assert_array_equal(mosaics[0, 4:, :4], np.rint(block).astype(np.uint8))
    again = multilabel.make_mosaics(images, labels, 50, seed=1)[0]
    np.testing.assert_array_equal(mosaics, again)


def test_make_mosaics_rejects_bad_labels():
    with pytest.raises(ValueError, match="labels must lie"):
        multilabel.make_mosaics(np.zeros((3, 4, 4)), np.array([0, 1, 12]), 5)


def test_average_precision_by_hand_matches_sklearn():
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(0)
    y = (rng.random((80, 4)) < 0.3).astype(int)
    scores = y * 0.5 + rng.random((80, 4))
    scores[:, 3] = np.round(scores[:, 3], 1)  # ties
    ours = multilabel.average_precision_by_hand(y, scores)
    theirs = average_precision_score(y, scores, average=None)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    perfect = multilabel.average_precision_by_hand(y, y.astype(float))
    np.testing.assert_allclose(perfect, 1.0)
