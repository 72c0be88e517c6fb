"""Course conventions every committed notebook follows (read from the files, nothing runs)."""

import json
import re
from pathlib import Path

import pytest

from course_utils.results import TARGETS, stored_results

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
BY_NAME = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def outputs_text(nb):
    return "".join("".join(o.get("text", "")) for c in code_cells(nb) for o in c.get("outputs", []))


@BY_NAME
def test_standard_kernel(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@BY_NAME
def test_one_top_to_bottom_run_without_errors(path):
    cells = code_cells(load(path))
    counts = [c["execution_count"] for c in cells]
    assert None not in counts, "some code cells were never executed"
    assert counts == sorted(counts) and len(set(counts)) == len(counts), "not run top to bottom"
    errors = [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"stored error output: {errors[0].get('ename')}"


@BY_NAME
def test_stored_outputs_come_from_the_full_run(path):
    text = outputs_text(load(path))
    assert "Full mode" in text, "print config.mode_banner() near the top"
    assert "COURSE_FAST=1: fast mode" not in text, "outputs stored from a fast-mode run"


@BY_NAME
def test_slides_metadata(path):
    cells = load(path)["cells"]
    assert cells[0]["metadata"].get("slideshow", {}).get("slide_type") == "slide"
    kinds = {c["metadata"].get("slideshow", {}).get("slide_type") for c in cells}
    assert "slide" in kinds


@BY_NAME
def test_every_solution_is_followed_by_a_check(path):
    cells = code_cells(load(path))
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if "### BEGIN SOLUTION" in source:
            assert source.count("### BEGIN SOLUTION") == source.count("### END SOLUTION")
            # The check may close the solution cell itself, after its END marker.
            after_solution = source.rsplit("### END SOLUTION", 1)[1]
            following = after_solution + "".join("".join(c["source"]) for c in cells[i + 1:i + 3])
            assert re.search(r"check|CheckError", following), (
                f"solution cell {i} has no check cell after it:\n{source[:200]}")


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in TARGETS],
                         ids=lambda p: p.name)
def test_results_cell_names_every_headline_figure(path):
    found = stored_results(path)
    missing = [name for name, _, _ in TARGETS[path.stem] if name not in found]
    assert not missing, f"Results cell lacks {missing}"
