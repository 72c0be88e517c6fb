"""course_utils.text.charlm: one-line run summaries and the kind-of-character grouping measure."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.text.charlm import (
    bpc_table,
    char_kind,
    kind_grouping,
    plot_char_embedding,
    run_summary,
    sequence_pairs,
    stream_proba,
)

HISTORY = {"loss": [2.0, 1.5, 1.2], "val_loss": [2.1, 1.6, 1.7], "accuracy": [0.3, 0.4, 0.5],
           "val_accuracy": [0.28, 0.38, 0.37], "epoch_seconds": [3.0, 5.0, 4.0]}


def test_run_summary_reports_the_best_validation_epoch_in_bits():
    line = run_summary("m", HISTORY, epochs=3)
    ln2 = np.log(2)
    assert line.startswith("m: 3 of 3 epochs (budget used), best validation epoch 2:")
    assert f"train {1.5 / ln2:.3f}, validation {1.6 / ln2:.3f} bpc" in line
    assert "accuracy train 0.400 / validation 0.380" in line   # at the best epoch, not the last
    assert line.endswith("median epoch 4.0 s")


def test_run_summary_says_when_a_run_stopped_early_and_needs_validation():
    assert "3 of 10 epochs (stopped early)" in run_summary("m", HISTORY, epochs=10, unit=1.0)
    assert "validation 1.600 bpc" in run_summary("m", HISTORY, epochs=3, unit=1.0)
    with pytest.raises(ValueError, match="'m' lacks \\['val_loss'\\]"):
        run_summary("m", {"loss": [1.0]}, epochs=1)


@pytest.mark.parametrize("c, kind", [(" ", "space"), ("a", "vowel"), ("y", "vowel"),
                                     ("é", "accented vowel"), ("ï", "accented vowel"),
                                     ("ç", "consonant"), ("t", "consonant"), ("7", "digit"),
                                     ("«", "punctuation"), ("'", "punctuation")])
def test_char_kind(c, kind):
    assert char_kind(c) == kind


def test_char_kind_rejects_strings():
    with pytest.raises(ValueError, match="'ab'"):
        char_kind("ab")


def test_kind_grouping_tells_a_grouped_kind_from_a_scattered_one():
    chars = list("aeiou!") + list("bcdf,") + list("ghjk.")
    clusters = np.array([0] * 6 + [1] * 5 + [2] * 5)   # vowels together, one "!,." per cluster
    rows = {r["kind"]: r for r in kind_grouping(clusters, chars, shuffles=500)}
    assert rows["vowel"]["largest"] == 5 and rows["vowel"]["cluster"] == 0
    assert rows["vowel"]["chance"] < 0.01           # 5 of 5 in a cluster of 6: rare by chance
    assert rows["punctuation"]["largest"] == 1
    assert rows["punctuation"]["chance"] == 1.0     # any split has at least 1 in some cluster
    assert [r["kind"] for r in kind_grouping(clusters, chars)][0] == "vowel"


def test_kind_grouping_skips_single_characters_and_checks_shapes():
    rows = kind_grouping(np.array([0, 0, 1]), ["a", "e", "!"])
    assert [r["kind"] for r in rows] == ["vowel"]
    with pytest.raises(ValueError, match="2 chars"):
        kind_grouping(np.array([0, 1, 1]), ["a", "b"])


def test_sequence_pairs_shift_by_one():
    x, y = sequence_pairs(np.arange(10), 4, 3)
    np.testing.assert_array_equal(x, [[0, 1, 2, 3], [3, 4, 5, 6]])
    np.testing.assert_array_equal(y, x + 1)
    with pytest.raises(ValueError, match="length=0"):
        sequence_pairs(np.arange(10), 0, 1)


def test_stream_proba_uses_enough_context_and_the_right_position():
    ids = np.random.default_rng(0).integers(0, 7, 103)

    def predict(x):  # output j = one-hot of x[j]: "predicts" the last character read
        return np.eye(7)[x]

    probs = stream_proba(predict, ids, 30, chunk=16, warmup=10, batch=3)
    assert probs.shape == (73, 7)
    np.testing.assert_array_equal(probs.argmax(axis=1), ids[29:102])

    def context_length(x):  # output j = number of characters read so far, j + 1
        out = np.zeros(x.shape + (40,))
        out[:, np.arange(x.shape[1]), np.arange(x.shape[1]) + 1] = 1
        return out

    lengths = stream_proba(context_length, ids, 30, chunk=16, warmup=10).argmax(axis=1)
    assert lengths.min() == 10 and lengths.max() == 15
    with pytest.raises(ValueError, match="first=5"):
        stream_proba(predict, ids, 5, chunk=16, warmup=10)


def test_bpc_table_and_embedding_plot():
    table = bpc_table({"unigram": [4.3, 4.26], "lstm": [2.1, "-"]}, ["test", "val"])
    assert "unigram" in table and "4.300" in table and table.count("\n") == 2
    with pytest.raises(ValueError, match="'lstm'"):
        bpc_table({"lstm": [1.0]}, ["a", "b"])
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_char_embedding(np.random.default_rng(0).normal(size=(3, 2)), "ab ", np.array([0, 1, 1]),
                              title="t")
    assert fig.axes[0].get_title() == "t"
    assert [t.get_text() for t in fig.axes[0].texts] == ["a", "b", "␣"]
