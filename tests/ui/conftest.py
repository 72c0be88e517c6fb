"""Browser tests (``make test-ui``): the decks are built, then measured once in headless Chromium.

Not collected by ``make test`` (``norecursedirs`` in pyproject.toml). Playwright drives
the system's Chromium (``/usr/bin/chromium`` or ``$COURSE_CHROMIUM``); it never downloads one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course_utils import deck_check, slides

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_SUMMARY: list[str] = []


@pytest.fixture(scope="session")
def chromium():
    """A headless system Chromium, launched once (fails, never skips, when there is none)."""
    from playwright.sync_api import sync_playwright

    executable = deck_check.chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def deck_reports(chromium) -> dict[str, deck_check.DeckReport]:
    """Build every notebook's deck in build/slides/ and measure it; keyed by notebook name."""
    out, shots = ROOT / "build" / "slides", ROOT / "build" / "ui"
    decks = slides.build(NOTEBOOKS, out)
    reports = [deck_check.inspect_deck(chromium, d, shots) for d in decks]
    report_file = deck_check.write_report(reports, shots)
    _SUMMARY[:] = [deck_check.table(reports), f"overflows and failures: {report_file}", "screenshots:",
                   *(f"  {s.relative_to(ROOT)}" for r in reports for s in r.screenshots)]
    return {r.deck: r for r in reports}


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the per-deck table and the screenshots saved, after the test results."""
    if _SUMMARY:
        terminalreporter.section("decks at 1280x720 (build/ui/)")
        for line in _SUMMARY:
            terminalreporter.write_line(line)
