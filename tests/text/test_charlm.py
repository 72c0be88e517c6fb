"""course_utils.text.charlm: one-line run summaries and the kind-of-character grouping measure."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.text.charlm import char_kind, kind_grouping, run_summary

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
