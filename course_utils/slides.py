"""Build reveal.js decks of the notebooks that present offline.

Each notebook becomes ``build/slides/NAME.slides.html``, rendered from its stored
outputs (nothing is executed). Every file a deck loads is copied beside it into
``build/slides/assets/`` from installed Python packages (the ``slides`` extra):
reveal.js from ``sphinx-revealjs`` and MathJax 2 from ``jupyter-server-mathjax``.
The template loads neither require.js, jQuery, mermaid, web fonts nor the widget
renderer, so a deck opened from disk requests no URL outside its folder.

Explorers (ipywidgets) cannot run in a static deck: a widget view is replaced by its
stored state (the controls' values as one line, and the figure its ``Output`` held),
or dropped when the cell also stores an image of its own.

A code cell tagged ``hide-input`` (the tag Jupyter Book and JupyterLab users know) shows only its
outputs in the deck: a figure whose plotting code is plumbing gets the whole slide; the notebook keeps it.

Each cell's id becomes ``c<index>`` in the deck (``id="cell-id=c12"``), so a slide can
be traced back to the notebook cell it starts at (see :mod:`course_utils.deck_check`)::

    python -m course_utils.slides build [NB ...]   # all notebooks by default
    python -m course_utils.slides check [NB ...]   # build, then measure in Chromium
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import re
import shutil
import sys
from pathlib import Path

import nbformat

from course_utils.widget_state import widget_outputs

NOTEBOOKS = Path("notebooks")
OUT_DIR = Path("build/slides")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Cells with this tag show their outputs only in the decks.
HIDE_INPUT_TAG = "hide-input"
#: Slide size in CSS pixels: the projector's 1280x720.
WIDTH, HEIGHT = 1280, 720

#: (asset folder, package, folder inside the package, parts copied or None for all)
ASSETS: list[tuple[str, str, str, tuple[str, ...] | None]] = [
    ("reveal", "sphinx_revealjs", "_static/revealjs", ("dist", "plugin/notes", "LICENSE")),
    ("mathjax", "jupyter_server_mathjax", "static", None),
]
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"

# Extends nbconvert's reveal template: no CDN script, local reveal.js and MathJax.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  tex2jax: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
            processEscapes: true, processEnvironments: true},
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               linebreaks: {automatic: true},
               styles: {"@font-face": {"font-family": "MathJax_Blank", src: "local('MathJax_Blank')"}}},
  TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
  displayAlign: "center", messageStyle: "none", menuSettings: {zoom: "None", assistiveMML: false}
});
</script>
<script src="assets/mathjax/MathJax.js?config=""" + MATHJAX_CONFIG + """"></script>
<style>
.course-widget-state { font-size: 16px; color: #555; margin: 0.2em 0; }
.course-widget-state progress { width: 8em; vertical-align: middle; }
</style>
{%- endblock html_head_js_mathjax -%}
{% block footer_js %}
<script src="assets/reveal/dist/reveal.js"></script>
<script src="assets/reveal/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
  controls: true, progress: true, history: true, center: true,
  transition: "{{ resources.reveal.transition }}", slideNumber: "{{ resources.reveal.number }}",
  width: {{ resources.reveal.width }}, height: {{ resources.reveal.height }},
  plugins: [RevealNotes]
});
Reveal.on("slidechanged", function (event) {
  if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(["Rerender", MathJax.Hub, event.currentSlide]); }
});
</script>
{% endblock footer_js %}
"""


# What makes a browser fetch a URL: src=, <link href=>, CSS url() and @import, JS imports.
_LOADS = re.compile(
    r"""\bsrc\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|<link\b[^>]*?\bhref\s*=\s*["']?((?:https?:)?//[^"'\s>]+)"""
    r"""|url\(\s*["']?((?:https?:)?//[^"')\s]+)"""
    r"""|@import\s+(?:url\()?["']?((?:https?:)?//[^"')\s;]+)"""
    r"""|\b(?:from|import\()\s*["']((?:https?:)?//[^"']+)""", re.IGNORECASE)


class SlidesError(RuntimeError):
    """A deck cannot be built (missing package or notebook, or a URL outside the deck)."""


def external_loads(page: str) -> list[str]:
    """The URLs outside the deck's folder that an HTML page would fetch (links excepted).

    Parameters
    ----------
    page : str
        HTML text.

    Returns
    -------
    list of str
        Each ``http(s)://`` or ``//`` URL loaded by a ``src``, a ``<link href>``, a CSS
        ``url()``/``@import`` or a JS ``import``, in order; empty for an offline deck.
    """
    return [next(g for g in m.groups() if g) for m in _LOADS.finditer(page)]


def asset_sources() -> dict[str, Path]:
    """Find the folders of the installed packages that ship the deck's assets.

    Returns
    -------
    dict of str to Path
        Asset folder name (``reveal``, ``mathjax``) -> its source folder.

    Raises
    ------
    SlidesError
        When a package is not installed (names it and the install command).
    """
    found = {}
    for name, package, inner, _ in ASSETS:
        spec = importlib.util.find_spec(package)  # locates without importing it
        folder = Path(next(iter(spec.submodule_search_locations or []), "")) / inner if spec else None
        if folder is None or not folder.is_dir():
            raise SlidesError(
                f"package {package!r} (the {name} files of the decks) is not installed: run "
                "`make slides`, or `pip install -c constraints.txt -e '.[slides]'`")
        found[name] = folder
    return found


def copy_assets(out_dir: Path) -> Path:
    """Copy reveal.js and MathJax into ``out_dir/assets`` (replacing an older copy).

    Parameters
    ----------
    out_dir : Path
        The decks' folder.

    Returns
    -------
    Path
        The assets folder.
    """
    sources = asset_sources()
    assets = Path(out_dir) / "assets"
    for name, _, _, parts in ASSETS:
        target = assets / name
        if target.exists():
            shutil.rmtree(target)
        for part in parts or ("",):
            src, dst = sources[name] / part, target / part
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                shutil.copy2(src, dst)
    return assets


def prepare_notebook(nb: dict) -> dict:
    """A copy of ``nb`` ready for a static deck.

    Cell ids become ``c<index>``; widget views become their stored state, or are
    dropped when the cell stores an image next to them (an explorer's preview, an image
    under an empty view, counts as one); the widget state is removed.

    Parameters
    ----------
    nb : NotebookNode
        A notebook (nbformat 4).

    Returns
    -------
    NotebookNode
        The modified copy (``nb`` is left unchanged).
    """
    nb = copy.deepcopy(nb)
    widgets = nb.get("metadata", {}).pop("widgets", {}) or {}
    state = widgets.get(WIDGET_STATE, {}).get("state", {})
    for index, cell in enumerate(nb["cells"]):
        cell["id"] = f"c{index}"
        outputs = cell.get("outputs", [])
        for out in outputs:  # an explorer's preview (course_utils.explorers): kept as its image
            if out.get("data", {}).get(WIDGET_VIEW, {}).get("model_id") == "":
                del out["data"][WIDGET_VIEW]
        views = {id(o) for o in outputs if WIDGET_VIEW in o.get("data", {})}
        if not views:
            continue
        others = [o for o in outputs if id(o) not in views]
        has_image = any(k.startswith("image/") for o in others for k in o.get("data", {}))
        new = []
        for out in outputs:
            if id(out) not in views:
                new.append(out)
            elif not has_image:
                new.extend(widget_outputs(out["data"][WIDGET_VIEW].get("model_id", ""), state))
        cell["outputs"] = new
    return nbformat.from_dict(nb)


def build_deck(notebook: Path, out_dir: Path = OUT_DIR) -> Path:
    """Write ``out_dir/NAME.slides.html`` from a notebook's stored outputs.

    Parameters
    ----------
    notebook : Path
        A ``.ipynb`` file.
    out_dir : Path
        Folder of the decks (the assets must be copied there, see :func:`copy_assets`).

    Returns
    -------
    Path
        The deck written.
    """
    import jinja2
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    notebook = Path(notebook)
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        raise SlidesError(f"notebook {str(notebook)!r} not found (expected an existing .ipynb file)")
    try:
        nb = prepare_notebook(nbformat.read(notebook, as_version=4))
    except Exception as err:  # not JSON, not a notebook, unreadable
        raise SlidesError(f"{str(notebook)!r} is not a readable notebook "
                          f"({type(err).__name__}: {err})") from err
    exporter = SlidesExporter(
        extra_loaders=[jinja2.DictLoader({"course_slides.html.j2": TEMPLATE})],
        template_file="course_slides.html.j2", reveal_url_prefix="assets/reveal", reveal_theme="white",
        reveal_transition="none", reveal_width=str(WIDTH), reveal_height=str(HEIGHT), reveal_number="c/t",
        exclude_input_prompt=True, exclude_output_prompt=True,
        config=Config({"TagRemovePreprocessor": {"enabled": True, "remove_input_tags": [HIDE_INPUT_TAG]}}))
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    outside = external_loads(body)
    if outside:
        raise SlidesError(f"the deck of {str(notebook)!r} would load {len(outside)} URL(s) from the network, "
                          f"first {outside[0]!r}: store that file in the notebook instead")
    out = Path(out_dir) / f"{notebook.stem}.slides.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def build(notebooks: list[Path] | None = None, out_dir: Path = OUT_DIR) -> list[Path]:
    """Copy the assets and build one deck per notebook (all of ``notebooks/`` by default).

    Returns
    -------
    list of Path
        The decks written, in the order of ``notebooks``.
    """
    paths = [Path(p) for p in notebooks] if notebooks else sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        raise SlidesError(f"no notebook found in {str(NOTEBOOKS)!r}: run this from the repository root")
    copy_assets(out_dir)
    return [build_deck(p, out_dir) for p in paths]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build`` or ``check`` (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m course_utils.slides", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["build", "check"])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder of the decks (default %(default)s)")
    args = parser.parse_args(argv)
    try:
        decks = build(args.notebooks, args.out)
    except SlidesError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for deck in decks:
        print(f"wrote {deck}")
    if args.command == "build":
        return 0
    from course_utils import deck_check

    return deck_check.main([str(d) for d in decks])


if __name__ == "__main__":
    sys.exit(main())
