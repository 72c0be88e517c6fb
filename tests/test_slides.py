"""Offline decks: assets copied from packages, no URL fetched, explorers shown as stored."""

from __future__ import annotations

import importlib
import re

import nbformat
import pytest

from course_utils import slides

VIEW = {"model_id": "box", "version_major": 2, "version_minor": 0}


@pytest.fixture
def fake_assets(tmp_path, monkeypatch):
    """Stand-ins for sphinx-revealjs and jupyter-server-mathjax (just the files a deck loads)."""
    root = tmp_path / "pkgs"
    files = ["sphinx_revealjs/__init__.py", "sphinx_revealjs/_static/revealjs/LICENSE",
             *(f"sphinx_revealjs/_static/revealjs/{f}" for f in (
                 "dist/reveal.js", "dist/reveal.css", "dist/theme/white.css", "plugin/notes/notes.js",
                 "plugin/markdown/markdown.js")),
             "jupyter_server_mathjax/__init__.py", "jupyter_server_mathjax/static/MathJax.js"]
    for f in files:
        (root / f).parent.mkdir(parents=True, exist_ok=True)
        (root / f).write_text("/* stand-in */\n")
    monkeypatch.syspath_prepend(str(root))
    importlib.invalidate_caches()
    return root


def _type(slide_type: str) -> dict:
    return {"slideshow": {"slide_type": slide_type}}


def _notebook(extra_md: str = "") -> nbformat.NotebookNode:
    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    view = nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": VIEW, "text/plain": "interactive(children=(...))"})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\n$x \\in \\mathbb{R}^D$" + extra_md,
                                      metadata={"slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_code_cell("secret = 1", metadata=_type("skip")),
        nbformat.v4.new_code_cell("explore()", outputs=[view], metadata=_type("slide")),
        nbformat.v4.new_code_cell("explore2()", outputs=[view, png], metadata=_type("-")),
    ])
    nb.metadata["widgets"] = {slides.WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_o"]}},
        "s": {"model_name": "FloatSliderModel", "state": {"description": "eta_0", "value": 0.25}},
        "o": {"model_name": "OutputModel", "state": {"outputs": [dict(png)]}},
    }}}
    return nb


def test_prepare_notebook_replaces_views_and_leaves_the_original():
    nb = _notebook()
    out = slides.prepare_notebook(nb)
    assert "widgets" in nb.metadata and "widgets" not in out.metadata
    assert [c.id for c in out.cells] == ["c0", "c1", "c2", "c3"]
    kinds = [[next(iter(o["data"])) for o in c.outputs] for c in out.cells[2:]]
    assert kinds == [["text/html", "image/png"], ["image/png"]]  # stored state; the cell's own image
    assert "eta_0 = 0.25" in out.cells[2].outputs[0]["data"]["text/html"]
    assert slides.WIDGET_VIEW in nb.cells[2].outputs[0]["data"]


def test_prepare_notebook_keeps_an_explorers_preview_and_drops_its_live_view():
    import matplotlib

    matplotlib.use("Agg")
    import ipywidgets as w

    from course_utils.explorers import figure_explorer

    def figure(n=1):
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.plot(range(n + 1))
        return fig

    explorer = figure_explorer(figure, name="Demo explorer", n=w.IntSlider(1, 1, 3))
    cell = nbformat.v4.new_code_cell("explorer", outputs=[
        nbformat.v4.new_output("display_data", data=b) for b in explorer.bundles()])
    nb = nbformat.v4.new_notebook(cells=[cell])
    (out_cell,) = slides.prepare_notebook(nb).cells
    assert [sorted(o["data"]) for o in out_cell.outputs] == [["image/png", "text/plain"]]
    assert out_cell.outputs[0]["data"]["image/png"] == explorer.preview["image/png"]
    assert slides.WIDGET_VIEW in nb.cells[0].outputs[0]["data"]  # the original is left as it was


def test_build_writes_an_offline_deck_whose_assets_exist(fake_assets, tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook(), path)
    (deck,) = slides.build([path], tmp_path / "out")
    page = deck.read_text()
    assert deck.name == "nb.slides.html"
    assert slides.external_loads(page) == []
    local = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"#?]+)', page)
    assert {"assets/reveal/dist/reveal.js", "assets/mathjax/MathJax.js"} <= set(local)
    missing = [ref for ref in local if not (deck.parent / ref).is_file()]
    assert not missing, missing
    assert not (deck.parent / "assets/reveal/plugin/markdown").exists()  # only what decks load
    assert 'id="cell-id=c0"' in page and "secret = 1" not in page  # skip cells stay out
    assert "eta_0 = 0.25" in page and "widget-view" not in page and "interactive(children" not in page
    assert "width: 1280, height: 720" in page


@pytest.mark.parametrize("snippet", [
    '<script src="https://cdn.example/require.js"></script>',
    "<link rel='stylesheet' href='//unpkg.com/reveal.css'>",
    "<style>@font-face { src: url(https://fonts.gstatic.com/x.woff) }</style>",
    '<style>@import url("https://fonts.googleapis.com/css?family=Lato");</style>',
    "<script type=module>import mermaid from 'https://cdn.jsdelivr.net/mermaid.mjs';</script>",
    '<img src="http://example.org/figure.png">',
])
def test_external_loads_finds_each_kind_of_fetch(snippet):
    assert len(slides.external_loads(f"<p>ok</p>{snippet}<p>ok</p>")) == 1


def test_external_loads_ignores_links_and_local_files():
    page = ('<a href="https://cnam.fr">course</a><img src="data:image/png;base64,AAA=">'
            '<script src="assets/reveal/dist/reveal.js"></script><p>see https://example.org</p>')
    assert slides.external_loads(page) == []


def test_build_refuses_a_notebook_that_loads_a_url(fake_assets, tmp_path):
    path = tmp_path / "web.ipynb"
    nbformat.write(_notebook('\n\n<img src="https://example.org/x.png">'), path)
    with pytest.raises(slides.SlidesError, match=r"web\.ipynb.*https://example\.org/x\.png"):
        slides.build([path], tmp_path / "out")


def test_missing_package_is_named_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setattr(slides, "ASSETS", [("reveal", "no_such_package_xyz", "static", None)])
    with pytest.raises(slides.SlidesError, match=r"no_such_package_xyz.*make slides"):
        slides.copy_assets(tmp_path)


def test_bad_notebook_path_and_cli_exit_codes(fake_assets, tmp_path, capsys):
    with pytest.raises(slides.SlidesError, match=r"nope\.ipynb"):
        slides.build_deck(tmp_path / "nope.ipynb", tmp_path)
    assert slides.main(["build", str(tmp_path / "nope.ipynb"), "--out", str(tmp_path / "o")]) == 2
    assert "nope.ipynb" in capsys.readouterr().err
    (tmp_path / "bad.ipynb").write_text("not a notebook")
    with pytest.raises(slides.SlidesError, match=r"bad\.ipynb.*not a readable notebook"):
        slides.build_deck(tmp_path / "bad.ipynb", tmp_path)
    nbformat.write(_notebook(), tmp_path / "ok.ipynb")
    assert slides.main(["build", str(tmp_path / "ok.ipynb"), "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "ok.slides.html").is_file()


def test_a_hide_input_cell_shows_only_its_outputs_in_the_deck(fake_assets, tmp_path):
    nb = _notebook()
    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    nb.cells.append(nbformat.v4.new_code_cell("plot_the_curves_with_plumbing()", outputs=[png],
                                              metadata={**_type("slide"), "tags": ["hide-input"]}))
    nb.cells.append(nbformat.v4.new_code_cell("shown_code()", metadata=_type("slide")))
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    (deck,) = slides.build([path], tmp_path / "out")
    page = deck.read_text()
    assert "plot_the_curves_with_plumbing" not in page and "shown_code" in page
    assert page.count("iVBORw0KGgo=") >= 2  # the hidden cell's figure is still there
    assert "plot_the_curves_with_plumbing" in path.read_text()  # the notebook keeps its code
