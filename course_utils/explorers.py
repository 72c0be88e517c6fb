"""Explorers: ipywidgets whose saved output also shows a static preview of their default state.

A widget needs a running kernel. In a notebook opened from disk (JupyterLab before the
cell is run, a slide deck, a notebook viewer) a plain widget shows only its text
fallback, the raw ``interactive(children=(Dropdown(...`` repr. An :class:`Explorer`
displays as two outputs instead:

1. the **preview**: a PNG figure drawn with the controls' default values (or a text
   sample), bundled with an *empty* widget view (``model_id ""``). A front end that
   renders widgets (JupyterLab, for the outputs of a cell run in the session) hides an
   empty view, so a live run shows the widget once; everywhere else (a notebook just
   opened, nbconvert and the slide decks, which have no widget state for that view) the
   preview is shown;
2. the **live widget**, whose text fallback is a one-line hint: run the cell, the
   controls need a running kernel.

Usage (the explorers of :mod:`course_utils.lenet.demos`, :mod:`course_utils.backprop.schedules`
and :mod:`course_utils.text.sampling` are built this way)::

    def figure(size=2, kind="max"):          # returns a matplotlib Figure
        ...
    figure_explorer(figure, name="Pooling explorer",
                    size=IntSlider(2, 2, 4), kind=Dropdown(options=["max", "avg"]))

ipywidgets, IPython and matplotlib are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: The widget view mime type; a view of ``model_id ""`` is hidden by JupyterLab's widget renderer.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
EMPTY_VIEW = {"version_major": 2, "version_minor": 0, "model_id": ""}


class Explorer:
    """A live widget plus a static preview, displayed as two outputs (see the module docstring).

    Parameters
    ----------
    widget : ipywidgets.Widget
        The live explorer.
    preview : dict of str to str
        A mime bundle of the default state: ``{"image/png": base64 PNG}`` and/or
        ``{"text/plain": text}``.
    name : str
        What it is, e.g. ``"Pooling explorer"``.
    controls : sequence of str
        The controls' labels, named in the hint.
    """

    def __init__(self, widget: Any, preview: dict[str, str], *, name: str,
                 controls: Sequence[str]) -> None:
        if not {"image/png", "text/plain"} & set(preview):
            raise ValueError(f"Explorer: preview has {sorted(preview)}, needs image/png or text/plain")
        self.widget = widget
        self.preview = dict(preview)
        self.name = name
        self.controls = list(controls)

    @property
    def hint(self) -> str:
        """The widget's text fallback: what to do to use it."""
        named = ", ".join(self.controls) or "the controls"
        return (f"{self.name}: run this cell to explore ({named}); "
                "the controls need a running kernel.")

    def bundles(self) -> list[dict[str, Any]]:
        """The two outputs: the preview under an empty widget view, then the live widget."""
        preview = {WIDGET_VIEW: dict(EMPTY_VIEW), **self.preview}
        preview.setdefault("text/plain", f"{self.name}, default settings (a static figure)")
        live = dict(self.widget._repr_mimebundle_() or {})
        live["text/plain"] = self.hint
        return [preview, live]

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for bundle in self.bundles():
            display(bundle, raw=True)

    def __repr__(self) -> str:
        return f"<{self.hint}>"


def figure_png(fig: Any) -> str:
    """A matplotlib figure as base64 PNG text, drawn as the inline backend draws it (tight box)."""
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, "png", bbox_inches="tight", base64=True)


def figure_explorer(figure: Callable[..., Any], *, name: str, **controls: Any) -> Explorer:
    """An ``ipywidgets.interactive`` over ``figure(**values)``, previewed at the default values.

    Parameters
    ----------
    figure : callable
        Keyword arguments named as ``controls``; returns a matplotlib Figure (or None after
        printing why there is nothing to draw). It must not call ``plt.show()``.
    name : str
        E.g. ``"Pooling explorer"``, used in the hint.
    **controls : ipywidgets.ValueWidget
        One control per argument of ``figure``; their ``description`` names them in the hint.

    Returns
    -------
    explorer : Explorer
        ``explorer.widget`` is the ``interactive``; the preview is the first figure drawn.
    """
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    if not controls:
        raise ValueError(f"figure_explorer({name!r}): no controls given")
    first: dict[str, str] = {}

    def draw(**values: Any) -> None:
        fig = figure(**values)
        if fig is None:
            return
        if not first:
            first["image/png"] = figure_png(fig)
        display(fig)
        plt.close(fig)

    widget = w.interactive(draw, **controls)        # draws once, with the default values
    if not first:
        raise ValueError(f"figure_explorer({name!r}): drawing the default settings gave no figure")
    labels = [c.description or key for key, c in controls.items()]
    return Explorer(widget, first, name=name, controls=labels)
