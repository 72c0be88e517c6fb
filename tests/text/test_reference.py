"""Notebook 4's reference answers on small inputs whose answers are known by hand."""

import numpy as np
import pytest

from course_utils.text import reference as ref


def test_clean_text_strips_lowercases_and_drops_empty_lines():
    assert ref.clean_text("  Au Lecteur \n\n\tLa Sottise\n") == "au lecteur la sottise"
    text, vocab, ids = ref.text_vocab_ids("Ba\nab\n")
    assert (text, vocab) == ("ba ab", [" ", "a", "b"])
    assert ids.tolist() == [2, 1, 0, 1, 2]


def test_make_windows_pairs_each_window_with_the_next_id():
    X, y = ref.make_windows(np.arange(6), 3)
    assert X.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    assert y.tolist() == [3, 4, 5]


def test_best_orders_returns_orders_not_indices():
    assert ref.best_orders({"kn": [3.0, 2.0, 2.5], "ab": [1.0, 2.0, 3.0]}, [2, 4, 6]) == {"kn": 4, "ab": 2}


def test_choose_mixture_weights_the_first_model():
    y = np.array([0, 1])
    good, bad = np.array([[0.9, 0.1], [0.1, 0.9]]), np.full((2, 2), 0.5)
    bpc, w = ref.choose_mixture(good, bad, y, [0.0, 0.5, 1.0])
    assert w == 1.0 and bpc[0] == pytest.approx(1.0) and bpc[2] == pytest.approx(-np.log2(0.9))


def test_next_probs_fn_keeps_the_last_position_and_one_hot_encodes():
    class Echo:
        def predict_on_batch(self, x):
            return np.asarray(x, dtype=float)

    window = np.array([[1, 0, 2]])
    assert ref.next_probs_fn(Echo(), every_position=True)(window[..., None]).tolist() == [[2.0]]
    assert ref.next_probs_fn(Echo(), one_hot_size=3)(window).shape == (1, 3, 3)


def test_embedding_matrix_names_a_model_without_embedding():
    class NoEmbedding:
        name, layers = "dense_only", []

    with pytest.raises(ValueError, match="dense_only"):
        ref.embedding_matrix(NoEmbedding())
