"""Measure built decks in headless Chromium: do they load offline, render math and fit 1280x720?

Each deck (see :mod:`course_utils.slides`) is opened from disk in the system's Chromium,
driven by Playwright, with every request outside ``file://`` and localhost aborted and
counted. The Reveal API walks the slides (fragments shown) and, on each, measures:

- content taller than the slide (``height``, pixels beyond 720; each cell's height, the
  tallest named);
- a ``pre``/``code`` line cut at the right (``line``, hidden pixels) or an image,
  table or output wider than the slide (``wide``, pixels beyond 1280);
- TeX that MathJax left as text (``$...$``, ``$$``, ``\\(``, a ``\\command``), code excepted.

Screenshots of each deck's title slide and of every overflowing slide go to ``build/ui/``;
the overflow list to ``build/ui/overflow.txt``::

    python -m course_utils.deck_check build/slides/*.slides.html
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

UI_DIR = Path("build/ui")
VIEWPORT = {"width": 1280, "height": 720}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Walks every slide; returns one record per slide. Cells are traced by the ids
# "cell-id=c<index>" that course_utils.slides gives them.
_MEASURE_JS = r"""() => {
  const W = Reveal.getConfig().width, H = Reveal.getConfig().height;
  const cellOf = el => { const c = el && el.closest('[id^="cell-id=c"]');
                         return c ? parseInt(c.id.slice(9)) : null; };
  const tex = /\\[A-Za-z]{2,}|\\[()\[\]{}]|\$\$|\$[^\s$][^$]*\$|\$\\/;
  return Reveal.getSlides().map((s, i) => {
    const idx = Reveal.getIndices(s);
    Reveal.slide(idx.h, idx.v);
    const scale = Reveal.getScale();
    const box = document.querySelector('.reveal .slides').getBoundingClientRect();
    const first = s.querySelector('[id^="cell-id=c"]');
    const rec = {index: i, h: idx.h, v: idx.v || 0, cell: cellOf(first), issues: [], raw: []};
    const tall = s.scrollHeight;
    if (tall > H + 1) {
      const cells = Array.from(s.querySelectorAll('[id^="cell-id=c"]'))
        .filter(c => c.closest('section') === s);
      const top = cells.reduce((a, c) => (a && a.offsetHeight >= c.offsetHeight) ? a : c, null);
      rec.issues.push({kind: 'height', px: tall - H, cell: top ? cellOf(top) : rec.cell,
                       what: `content ${tall}px tall: ` +
                             cells.map(c => `cell ${cellOf(c)} ${c.offsetHeight}px`).join(' + ')});
    }
    s.querySelectorAll('pre, code').forEach(el => {
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !el.closest('pre pre, pre code')) {
        const line = el.textContent.split('\n').reduce((a, b) => b.length > a.length ? b : a, '');
        rec.issues.push({kind: 'line', px: el.scrollWidth - el.clientWidth, cell: cellOf(el),
                         what: `line cut (${line.length} chars): ${line.trim().slice(0, 60)}`});
      }
    });
    s.querySelectorAll('img, svg, table, .jp-OutputArea-output, .MathJax_Display').forEach(el => {
      const r = el.getBoundingClientRect();
      const over = Math.round((r.right - box.left) / scale - W);
      if (r.width > 0 && over > 1 && !el.closest('pre') && !el.parentElement.closest('svg'))
        rec.issues.push({kind: 'wide', px: over, cell: cellOf(el),
                         what: `${el.tagName.toLowerCase()} ${Math.round(r.width / scale)}px wide`});
    });
    const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest('pre, code, script, style, .MathJax, .MathJax_Display, .MathJax_Preview'))
        continue;
      const m = n.textContent.match(tex);
      if (m) rec.raw.push(`cell ${cellOf(n.parentElement)}: ...${n.textContent.trim().slice(0, 80)}`);
    }
    return rec;
  });
}"""


@dataclass
class DeckReport:
    """What one deck showed in the browser."""

    deck: str
    slides: int = 0
    overflowing: list[dict] = field(default_factory=list)  # slide records with issues
    failed_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    raw_math: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)


def chromium_path() -> str:
    """The system Chromium (``$COURSE_CHROMIUM``, else ``chromium`` on PATH).

    Raises
    ------
    FileNotFoundError
        When none is found, with the command that installs Debian's package.
    """
    path = os.environ.get("COURSE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not Path(path).exists():
        raise FileNotFoundError(
            f"no Chromium found (COURSE_CHROMIUM={os.environ.get('COURSE_CHROMIUM')!r}, none on PATH): "
            "install Debian's package with `apt-get install -y chromium`")
    return path


def inspect_deck(browser, deck: Path, shots_dir: Path = UI_DIR, timeout_ms: int = 60_000,
                 url: str | None = None) -> DeckReport:
    """Open one deck offline and measure every slide.

    Parameters
    ----------
    browser : playwright.sync_api.Browser
        A launched Chromium.
    deck : Path
        A ``.slides.html`` file.
    shots_dir : Path
        Where the screenshots go (title slide, then each overflowing slide).
    timeout_ms : int
        Longest wait for reveal.js and MathJax to be ready.
    url : str, optional
        Address to open instead of the file (e.g. the deck served on 127.0.0.1).

    Returns
    -------
    DeckReport
    """
    deck = Path(deck).resolve()
    if not deck.is_file():
        raise FileNotFoundError(f"deck {str(deck)!r} not found: build it with `make slides`")
    report = DeckReport(deck.name.removesuffix(".slides.html"))
    blocked: set[str] = set()

    def route(r) -> None:
        url = urlparse(r.request.url)
        if url.scheme in ("file", "data", "blob") or url.hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            blocked.add(r.request.url)
            report.failed_requests.append(f"blocked {r.request.url}")
            r.abort()

    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda e: report.page_errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
                and report.page_errors.append(f"console: {m.text}"))
        page.on("requestfailed", lambda r: r.url not in blocked
                and report.failed_requests.append(f"{r.url} ({r.failure})"))
        page.goto(url or deck.as_uri(), wait_until="load", timeout=timeout_ms)
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=timeout_ms)
        if not page.evaluate("!!(window.MathJax && MathJax.Hub)"):
            report.page_errors.append("MathJax did not load")
        else:
            page.evaluate("new Promise(done => MathJax.Hub.Queue(done))")
        page.evaluate("Reveal.configure({fragments: false, transition: 'none'})")
        records = page.evaluate(_MEASURE_JS)
        report.slides = len(records)
        report.overflowing = [r for r in records if r["issues"]]
        report.raw_math = [m for r in records for m in r["raw"]]
        shots_dir.mkdir(parents=True, exist_ok=True)
        for rec in ([records[0]] if records else []) + report.overflowing:
            page.evaluate(f"Reveal.slide({rec['h']}, {rec['v']})")
            page.evaluate("window.MathJax ? new Promise(d => MathJax.Hub.Queue(d)) : null")
            shot = shots_dir / f"{report.deck}-slide{rec['index'] + 1:03d}.png"
            page.screenshot(path=str(shot))
            report.screenshots.append(shot)
    finally:
        context.close()
    return report


def check_decks(decks: list[Path], shots_dir: Path = UI_DIR) -> list[DeckReport]:
    """Inspect each deck in one headless Chromium (no browser download: the system's)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True)
        try:
            return [inspect_deck(browser, Path(d), shots_dir) for d in decks]
        finally:
            browser.close()


def overflow_lines(reports: list[DeckReport]) -> list[str]:
    """One line per overflow: deck, slide number, notebook cell, kind, pixels, detail."""
    return [f"{r.deck} slide {rec['index'] + 1} (starts at cell {rec['cell']}): {i['kind']} +{i['px']}px "
            f"in cell {i['cell']}: {i['what']}"
            for r in reports for rec in r.overflowing for i in rec["issues"]]


def table(reports: list[DeckReport]) -> str:
    """The per-deck summary table (one line per deck)."""
    head = (f"{'deck':34} {'slides':>6} {'overflowing':>11} {'failed requests':>15} "
            f"{'page errors':>11} {'raw math':>8}")
    rows = [f"{r.deck:34} {r.slides:6d} {len(r.overflowing):11d} {len(r.failed_requests):15d} "
            f"{len(r.page_errors):11d} {len(r.raw_math):8d}" for r in reports]
    return "\n".join([head, *rows])


def write_report(reports: list[DeckReport], shots_dir: Path = UI_DIR) -> Path:
    """Write ``overflow.txt`` (the overflows, then failures) in ``shots_dir``; returns its path."""
    lines = overflow_lines(reports)
    for r in reports:
        lines += [f"{r.deck}: failed request {x}" for x in r.failed_requests]
        lines += [f"{r.deck}: page error {x}" for x in r.page_errors]
        lines += [f"{r.deck}: raw math {x}" for x in r.raw_math]
    shots_dir.mkdir(parents=True, exist_ok=True)
    out = shots_dir / "overflow.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """Check the decks given (default ``build/slides/*.slides.html``); 1 if any problem."""
    args = sys.argv[1:] if argv is None else argv
    decks = [Path(a) for a in args] or sorted(Path("build/slides").glob("*.slides.html"))
    if not decks:
        print("error: no deck found in build/slides: run `make slides` first", file=sys.stderr)
        return 2
    try:
        reports = check_decks(decks)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for line in overflow_lines(reports):
        print(line)
    out = write_report(reports)
    print(table(reports))
    print(f"overflows and failures written to {out}; screenshots:")
    for r in reports:
        print("  " + " ".join(str(s) for s in r.screenshots))
    bad = any(r.overflowing or r.failed_requests or r.page_errors or r.raw_math for r in reports)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
