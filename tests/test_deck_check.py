"""The deck checker's reporting, without a browser (tests/ui/ runs it in Chromium)."""

from __future__ import annotations

import pytest

from course_utils import deck_check
from course_utils.deck_check import DeckReport


def _reports() -> list[DeckReport]:
    tall = {"index": 4, "h": 3, "v": 1, "cell": 12, "raw": [], "issues": [
        {"kind": "height", "px": 130, "cell": 13,
         "what": "content 850px tall: cell 12 200px + cell 13 650px"},
        {"kind": "line", "px": 40, "cell": 12, "what": "line cut (120 chars): x = 1"}]}
    return [DeckReport("01_backprop", slides=51, overflowing=[tall], raw_math=["cell 27: ...\\alpha"]),
            DeckReport("05_lenet", slides=44, failed_requests=["blocked https://cdn.example/x.js"],
                       page_errors=["console: boom"])]


def test_overflow_lines_name_slide_cell_kind_and_pixels():
    lines = deck_check.overflow_lines(_reports())
    assert lines == [
        "01_backprop slide 5 (starts at cell 12): height +130px in cell 13: "
        "content 850px tall: cell 12 200px + cell 13 650px",
        "01_backprop slide 5 (starts at cell 12): line +40px in cell 12: line cut (120 chars): x = 1"]


def test_table_counts_per_deck():
    rows = deck_check.table(_reports()).splitlines()
    assert rows[0].split() == ["deck", "slides", "overflowing", "failed", "requests", "page", "errors", "raw",
                               "math"]
    assert rows[1].split() == ["01_backprop", "51", "1", "0", "0", "1"]
    assert rows[2].split() == ["05_lenet", "44", "0", "1", "1", "0"]


def test_write_report_lists_overflows_then_failures(tmp_path):
    out = deck_check.write_report(_reports(), tmp_path / "ui")
    text = out.read_text()
    assert out.name == "overflow.txt" and text.count("\n") == 5
    assert "05_lenet: failed request blocked https://cdn.example/x.js" in text
    assert "01_backprop: raw math cell 27" in text and "05_lenet: page error console: boom" in text


def test_missing_chromium_names_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(FileNotFoundError, match=r"no-such-chromium.*apt-get install -y chromium"):
        deck_check.chromium_path()
    monkeypatch.delenv("COURSE_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="apt-get install -y chromium"):
        deck_check.chromium_path()


def test_main_without_decks_says_to_build_them(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert deck_check.main([]) == 2
    assert "make slides" in capsys.readouterr().err
