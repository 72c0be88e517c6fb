"""Stored state of ipywidgets explorers as plain notebook outputs, for static pages.

A notebook saved with its widget state (``metadata.widgets``) keeps each control's value
and what each ``Output`` widget showed. Without the widget renderer, a page shows none of
it; :func:`widget_outputs` turns a view into an HTML line of the controls' values (the
children of an ``HBox`` on one line, as tqdm draws its bar) followed by the stored outputs.
"""

from __future__ import annotations

import copy
import html


def _control_html(model: dict | None) -> str:
    """One control of an explorer as a short HTML piece showing its stored value."""
    if model is None:
        return ""
    name, state = model.get("model_name", ""), model.get("state", {})
    desc = html.escape(str(state.get("description", "")))
    if name in ("HTMLModel", "HTMLMathModel"):
        return str(state.get("value", ""))
    if name == "LabelModel":
        return html.escape(str(state.get("value", "")))
    if name in ("FloatProgressModel", "IntProgressModel"):
        return f'<progress value="{state.get("value", 0)}" max="{state.get("max", 100)}"></progress>'
    if name == "ButtonModel":
        return f"<button disabled>{desc}</button>"
    if "_options_labels" in state:
        labels, index = state["_options_labels"], state.get("index")
        value = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else ""
        return f"{desc} = {html.escape(str(value))}"
    if "value" in state:
        return f"{desc} = {html.escape(str(state['value']))}"
    return desc


def widget_outputs(model_id: str, state: dict[str, dict]) -> list[dict]:
    """The stored state of a widget view as plain notebook outputs.

    Parameters
    ----------
    model_id : str
        The view's model id.
    state : dict
        The notebook's widget state (``metadata.widgets[WIDGET_STATE]["state"]``).

    Returns
    -------
    list of dict
        An HTML line with the controls' values (boxes joined on one line), then the
        outputs its ``Output`` widgets stored (figures, text), in order.
    """
    model = state.get(model_id)
    if model is None:
        return [{"output_type": "display_data", "metadata": {},
                 "data": {"text/plain": "(explorer: its state is not stored; run the notebook)"}}]
    if model.get("model_name") == "OutputModel":
        return copy.deepcopy(list(model["state"].get("outputs", [])))
    children = [c.removeprefix("IPY_MODEL_") for c in model.get("state", {}).get("children", [])]
    if not children:
        children = [model_id]
    pieces, outputs = [], []
    for child in children:
        sub = state.get(child)
        if child != model_id and sub is not None and (sub["state"].get("children") is not None
                                                      or sub.get("model_name") == "OutputModel"):
            outputs.extend(widget_outputs(child, state))
        else:
            pieces.append(_control_html(sub))
    sep = " " if model.get("model_name") == "HBoxModel" else " &middot; "
    line = sep.join(p for p in pieces if p)
    if line:
        outputs.insert(0, {"output_type": "display_data", "metadata": {},
                           "data": {"text/html": f'<div class="course-widget-state">{line}</div>'}})
    return outputs
