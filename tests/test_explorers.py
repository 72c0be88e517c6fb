"""Explorers: the preview of the default state, the hint, the live widget redraws."""

import base64

import matplotlib
import pytest

matplotlib.use("Agg")

import ipywidgets as w  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from course_utils import explorers  # noqa: E402
from course_utils.explorers import EMPTY_VIEW, WIDGET_VIEW, Explorer, figure_explorer  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def recording_figure(calls):
    def figure(n=1, colour="red"):
        calls.append((n, colour))
        fig, ax = plt.subplots(figsize=(2 + n, 2))
        ax.plot(range(n + 1), color=colour)
        return fig
    return figure


def png_size(b64: str) -> tuple[int, int]:
    raw = base64.b64decode(b64)
    assert raw.startswith(PNG_MAGIC)
    return int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")


def test_preview_is_the_default_state_and_stays_so():
    plt.close("all")
    calls = []
    ex = figure_explorer(recording_figure(calls), name="Demo explorer",
                         n=w.IntSlider(1, 1, 5, description="points"),
                         colour=w.Dropdown(options=["red", "blue"], value="red", description="colour"))
    assert calls == [(1, "red")]                     # drawn once, with the default values
    width = png_size(ex.preview["image/png"])[0]
    ex.widget.children[0].value = 4                  # moving a control redraws with the new value
    assert calls[-1] == (4, "red")
    ex.widget.children[1].value = "blue"
    assert calls[-1] == (4, "blue")
    assert png_size(ex.preview["image/png"])[0] == width   # the preview is still the default state
    assert not plt.get_fignums(), "the explorer leaves figures open"


def test_two_outputs_preview_under_an_empty_view_then_the_live_widget():
    ex = figure_explorer(recording_figure([]), name="Demo explorer",
                         n=w.IntSlider(2, 1, 5, description="points"))
    preview, live = ex.bundles()
    assert preview[WIDGET_VIEW] == EMPTY_VIEW and preview[WIDGET_VIEW]["model_id"] == ""
    assert png_size(preview["image/png"])[0] > 50
    assert "default settings" in preview["text/plain"]
    assert live[WIDGET_VIEW]["model_id"] == ex.widget.model_id != ""
    assert "image/png" not in live
    # The text fallback is the hint, not the raw repr of the widget.
    assert live["text/plain"] == ex.hint
    assert "interactive(" not in live["text/plain"] and "children=" not in live["text/plain"]
    assert ex.hint.startswith("Demo explorer: run this cell") and "points" in ex.hint
    assert "running kernel" in ex.hint


def test_display_emits_both_bundles(monkeypatch):
    ex = figure_explorer(recording_figure([]), name="Demo", n=w.IntSlider(1, 1, 5))
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
    ex._ipython_display_()
    assert [raw for _, raw in shown] == [True, True]
    assert shown[0][0][WIDGET_VIEW]["model_id"] == "" and "image/png" in shown[0][0]
    assert shown[1][0][WIDGET_VIEW]["model_id"] == ex.widget.model_id


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="no controls"):
        figure_explorer(recording_figure([]), name="Demo")
    with pytest.raises(ValueError, match="'Empty'.*no figure"):
        figure_explorer(lambda n=1: None, name="Empty", n=w.IntSlider(1, 1, 3))
    with pytest.raises(ValueError, match="needs image/png or text/plain"):
        Explorer(w.IntSlider(), {"text/html": "<b>x</b>"}, name="x", controls=[])


def test_figure_png_is_a_tight_png():
    fig, ax = plt.subplots(figsize=(4, 2), dpi=50)
    ax.plot([0, 1])
    w_px, h_px = png_size(explorers.figure_png(fig))
    plt.close(fig)
    assert 0 < w_px <= 4 * 50 and 0 < h_px <= 2 * 50
