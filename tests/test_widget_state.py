"""Explorers' stored widget state rendered as plain outputs."""

from __future__ import annotations

from course_utils.widget_state import widget_outputs

PNG = {"output_type": "display_data", "metadata": {},
       "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}


def _m(name: str, **state) -> dict:
    return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}


def _kids(*ids: str) -> list[str]:
    return [f"IPY_MODEL_{i}" for i in ids]


def test_interactive_shows_control_values_then_the_stored_figure():
    state = {
        "box": _m("VBoxModel", children=_kids("s", "d", "o")),
        "s": _m("FloatLogSliderModel", description="eta_0", value=0.1),
        "d": _m("DropdownModel", description="kernel", index=3,
                _options_labels=["id", "Mx", "My", "box blur"]),
        "o": _m("OutputModel", outputs=[PNG]),
    }
    outs = widget_outputs("box", state)
    assert len(outs) == 2
    line = outs[0]["data"]["text/html"]
    assert "eta_0 = 0.1" in line and "kernel = box blur" in line and "Mx" not in line
    assert outs[1] == PNG and outs[1] is not PNG  # a copy: the notebook is not changed


def test_tqdm_bar_is_one_line_with_a_progress_element():
    state = {
        "bar": _m("HBoxModel", children=_kids("a", "p", "b")),
        "a": _m("HTMLModel", value="MLP: 100%"),
        "p": _m("FloatProgressModel", value=2.0, max=2.0),
        "b": _m("HTMLModel", value=" 2/2 [00:00&lt;00:00]"),
    }
    outs = widget_outputs("bar", state)
    assert len(outs) == 1
    line = outs[0]["data"]["text/html"]
    assert line.index("MLP: 100%") < line.index('<progress value="2.0" max="2.0">') < line.index("2/2")


def test_nested_boxes_button_text_and_empty_output():
    state = {
        "top": _m("VBoxModel", children=_kids("row", "t", "go", "o")),
        "row": _m("HBoxModel", children=_kids("n")),
        "n": _m("IntSliderModel", description="characters", value=300),
        "t": _m("TextareaModel", description="seed", value="la <mort>"),
        "go": _m("ButtonModel", description="Generate"),
        "o": _m("OutputModel", outputs=[]),
    }
    outs = widget_outputs("top", state)
    texts = [o["data"]["text/html"] for o in outs]
    assert texts[0].count("seed = la &lt;mort&gt;") == 1 and "<button disabled>Generate</button>" in texts[0]
    assert any("characters = 300" in t for t in texts[1:])
    assert "<mort>" not in "".join(texts)  # values are escaped


def test_missing_model_says_to_run_the_notebook():
    outs = widget_outputs("gone", {})
    assert "run the notebook" in outs[0]["data"]["text/plain"]
