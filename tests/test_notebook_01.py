"""Notebook 1's prose against its stored Results: a re-run cannot leave a typed figure behind."""

import json
from pathlib import Path

from course_utils.results import stored_results

PATH = Path(__file__).resolve().parent.parent / "notebooks" / "01_backprop_by_hand.ipynb"


def markdown():
    cells = json.loads(PATH.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_typed_accuracies_match_the_results_cell():
    results = stored_results(PATH)
    lr, mlp = float(results["lr_test_accuracy"]), float(results["mlp_test_accuracy"])
    text = markdown()
    assert f"About {round(lr * 100)} % of test digits right" in text
    assert f"from about {round((1 - lr) * 100)} % (logistic regression)" in text
    assert f"to about {round((1 - mlp) * 100)} %" in text


def test_answers_are_folded_after_their_questions():
    text = markdown()
    assert text.count("<details><summary><b>Answer") >= 3
    assert "**Answers.**" not in text  # no answer printed in the question's own cell


def test_inline_math_is_never_broken_across_lines():
    for line in markdown().splitlines():
        inline = line.replace("$$", "")
        assert inline.count("$") % 2 == 0, f"a line break inside inline math: {line!r}"
