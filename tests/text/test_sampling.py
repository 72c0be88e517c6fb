"""course_utils.text.sampling: temperature, generation loop, widget."""

from __future__ import annotations

import re

import numpy as np
import pytest

from course_utils.text.sampling import apply_temperature, generate, generation_widget, sample_next

P = np.array([0.1, 0.6, 0.3, 0.0])


def test_temperature_one_is_identity_and_formula_holds():
    np.testing.assert_allclose(apply_temperature(P, 1.0), P)
    T = 0.5
    expected = P ** (1 / T) / np.sum(P ** (1 / T))
    np.testing.assert_allclose(apply_temperature(P, T), expected, rtol=1e-12)


def test_limits_zero_and_infinity():
    np.testing.assert_array_equal(apply_temperature(P, 0), [0, 1, 0, 0])
    np.testing.assert_allclose(apply_temperature(P, 1e-4), [0, 1, 0, 0], atol=1e-12)
    np.testing.assert_allclose(apply_temperature(P, np.inf), [1 / 3, 1 / 3, 1 / 3, 0])
    np.testing.assert_allclose(apply_temperature(P, 1e6), [1 / 3, 1 / 3, 1 / 3, 0], atol=1e-5)


def test_tiny_temperature_does_not_underflow():
    p = np.array([1e-300, 2e-300, 0.0])
    out = apply_temperature(p / p.sum(), 0.001)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, [0, 1, 0], atol=1e-12)


def test_batched_rows():
    probs = np.array([P, P[::-1]])
    out = apply_temperature(probs, 2.0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    np.testing.assert_allclose(out[1], apply_temperature(P[::-1], 2.0))


@pytest.mark.parametrize("bad", [-0.1, float("nan"), "hot"])
def test_bad_temperature_raises(bad):
    with pytest.raises(ValueError, match="temperature"):
        apply_temperature(P, bad)


def test_bad_probabilities_raise():
    with pytest.raises(ValueError, match=">= 0"):
        apply_temperature(np.array([0.5, -0.5, 1.0]), 1.0)


def test_sampling_frequencies_follow_the_tempered_distribution():
    rng = np.random.default_rng(0)
    draws = np.array([sample_next(P, 2.0, rng) for _ in range(4000)])
    freq = np.bincount(draws, minlength=4) / len(draws)
    np.testing.assert_allclose(freq, apply_temperature(P, 2.0), atol=0.03)
    assert freq[3] == 0


def test_generate_reads_the_last_window_and_is_deterministic_at_zero():
    seen = []

    def next_probs(window):
        seen.append(window.copy())
        p = np.zeros((1, 5))
        p[0, (window[0, -1] + 1) % 5] = 0.9
        p[0, (window[0, -1] + 2) % 5] = 0.1
        return p

    out = generate(next_probs, [0, 1, 2], 4, 0.0, context=2)
    assert out == [3, 4, 0, 1]
    assert seen[0].shape == (1, 2) and list(seen[0][0]) == [1, 2]
    with pytest.raises(ValueError, match="seed has 1"):
        generate(next_probs, [0], 3, 1.0, context=2)


def test_widget_builds_and_generates(capsys):
    pytest.importorskip("ipywidgets")
    explorer = generation_widget(lambda w: np.full((1, 3), 1 / 3), "abc", context=2, seed_text="ab",
                                 length=40)
    box = explorer.widget
    first = box.children[3].outputs[0]["text"]       # opens with a sample at the default settings
    assert first.startswith("ab|") and len(first.strip()) == len("ab|") + 40
    assert explorer.preview["text/plain"].endswith(first.strip())
    assert "T = 0.5, 40 characters, rng seed 0" in explorer.preview["text/plain"]
    assert "Text generator: run this cell" in explorer.bundles()[1]["text/plain"]
    assert box.children[1].value == "ab"
    # ipywidgets swallows a callback's exception (it only logs it): read what the click printed.
    # Outside a kernel the Output widget captures nothing, so the text reaches stdout.
    capsys.readouterr()
    box.children[2].click()
    printed = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", capsys.readouterr().out).strip()  # clear_output's codes
    seed, sep, generated = printed.partition("|")
    assert (seed, sep) == ("ab", "|"), printed
    assert len(generated) == 40 and set(generated) <= set("abc"), printed
    box.children[1].value = "abz"  # a character outside the vocabulary is reported, not sampled
    box.children[2].click()
    assert "not in the vocabulary: ['z']" in capsys.readouterr().out


def test_the_temperature_slider_shows_the_value_the_preview_names():
    """The browser snaps a slider to its grid: the default T must lie on it (a log slider
    showed 0.501 beside a preview that said T = 0.5)."""
    pytest.importorskip("ipywidgets")
    explorer = generation_widget(lambda w: np.full((1, 3), 1 / 3), "abc", context=2, seed_text="ab",
                                 length=40)
    temp = explorer.widget.children[0].children[0]
    assert temp.description == "T"
    steps = (temp.value - temp.min) / temp.step
    assert abs(steps - round(steps)) < 1e-9, (temp.value, temp.min, temp.step)
    assert temp.min > 0 and temp.min <= temp.value <= temp.max
    assert f"T = {temp.value:g}," in explorer.preview["text/plain"]
    assert format(temp.value, temp.readout_format.lstrip("{:").rstrip("}")) == "0.50"
