"""Every deck in headless Chromium, offline: loads, renders its math, fits 1280x720."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest

from course_utils import deck_check, slides

ROOT = Path(__file__).resolve().parents[2]
NAMES = [p.stem for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]


def _fmt(items: list) -> str:
    return "\n".join(str(i) for i in items[:15]) + ("\n..." if len(items) > 15 else "")


def test_every_notebook_has_a_deck_with_slides(deck_reports):
    assert sorted(deck_reports) == sorted(NAMES)
    for name, report in deck_reports.items():
        assert report.slides >= 2, f"{name}: {report.slides} slide(s): is the slide metadata lost?"
        assert report.screenshots and report.screenshots[0].is_file(), f"{name}: no title-slide screenshot"


def test_assets_come_from_installed_packages(deck_reports):
    assets = ROOT / "build" / "slides" / "assets"
    for rel in ("reveal/dist/reveal.js", "reveal/dist/theme/white.css", "reveal/plugin/notes/notes.js",
                "mathjax/MathJax.js", "mathjax/fonts/HTML-CSS/STIX-Web/woff"):
        assert (assets / rel).exists(), f"{rel} missing from {assets}"


@pytest.mark.parametrize("name", NAMES)
def test_deck_loads_offline(deck_reports, name):
    report = deck_reports[name]
    assert not report.failed_requests, f"{name}: requests outside file:// and localhost or failed:\n" \
        + _fmt(report.failed_requests)
    assert not report.page_errors, f"{name}: page errors:\n{_fmt(report.page_errors)}"


@pytest.mark.parametrize("name", NAMES)
def test_deck_shows_no_raw_tex(deck_reports, name):
    report = deck_reports[name]
    assert not report.raw_math, f"{name}: TeX left as text:\n{_fmt(report.raw_math)}"


@pytest.mark.parametrize("name", NAMES)
def test_deck_fits_the_projector(deck_reports, name):
    lines = deck_check.overflow_lines([deck_reports[name]])
    assert not lines, (f"{name}: {len(deck_reports[name].overflowing)} of {deck_reports[name].slides} "
                       f"slides overflow 1280x720 (see build/ui/):\n{_fmt(lines)}")


def test_deck_served_on_localhost(chromium, deck_reports, tmp_path):
    """The `python -m http.server` route: same slides, nothing outside 127.0.0.1 requested."""
    name = NAMES[0]
    handler = functools.partial(_QuietHandler, directory=str(ROOT / "build" / "slides"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{name}.slides.html"
        report = deck_check.inspect_deck(chromium, ROOT / "build" / "slides" / f"{name}.slides.html",
                                         tmp_path, url=url)
    finally:
        server.shutdown()
        server.server_close()
    assert report.slides == deck_reports[name].slides
    assert not report.failed_requests and not report.page_errors and not report.raw_math, report


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _cell(kind: str, source: str, slide_type: str = "slide", outputs: list | None = None):
    meta = {"slideshow": {"slide_type": slide_type}}
    if kind == "markdown":
        return nbformat.v4.new_markdown_cell(source, metadata=meta)
    return nbformat.v4.new_code_cell(source, metadata=meta, outputs=outputs or [])


def test_checker_flags_overflow_raw_tex_and_blocked_requests(chromium, tmp_path):
    """The checker against known answers: a fine slide, a tall one, a cut line, broken math, a CDN."""
    nb = nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# Fine\n\nMath: $x \\in \\mathbb{R}^D$ and $$\\sum_i w_i x_i$$"),
        _cell("code", "x = 1  # short"),
        _cell("markdown", "# Tall\n\n" + "\n\n".join(f"line {i}" for i in range(40))),
        _cell("code", "y = '" + "a" * 220 + "'", slide_type="slide", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="b" * 300 + "\n")]),
        _cell("markdown", "# Broken\n\nCost $\\mathcal{L}(\\theta)\n- \\alpha R(\\theta)$ here."),
        _cell("markdown", '# CDN\n\n<img src="https://example.invalid/x.png" alt="x">'),
    ])
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    slides.copy_assets(tmp_path / "out")
    report = deck_check.inspect_deck(chromium, _build_ignoring_guard(path, tmp_path / "out"), tmp_path / "ui")
    by_cell = {rec["cell"]: {i["kind"] for i in rec["issues"]} for rec in report.overflowing}
    assert report.slides == 6
    assert 0 not in by_cell and 1 not in by_cell, f"a fitting slide flagged: {by_cell}"
    assert "height" in by_cell.get(2, set()), by_cell
    assert "line" in by_cell.get(3, set()) or "wide" in by_cell.get(3, set()), by_cell
    assert [m for m in report.raw_math if m.startswith("cell 4")], report.raw_math
    assert not [m for m in report.raw_math if m.startswith("cell 0")], report.raw_math
    assert any("example.invalid" in r for r in report.failed_requests), report.failed_requests
    assert not report.page_errors, report.page_errors


def _build_ignoring_guard(path, out_dir):
    """Build a deck even though it loads a URL (the guard in build_deck would refuse it)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(slides, "external_loads", lambda page: [])
        return slides.build_deck(path, out_dir)
