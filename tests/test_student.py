"""Student versions: solutions gone, everything else kept."""

from pathlib import Path

import nbformat
import pytest

from course_utils.student import BEGIN, END, main, student_version

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def toy_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Exercise"),
        nbformat.v4.new_code_cell(f"def f(x):\n    {BEGIN}\n    return 2 * x\n    {END}\n",
                                  outputs=[nbformat.v4.new_output("stream", text="hi")]),
        nbformat.v4.new_code_cell("check_close('f', f(2), 4)"),
    ]
    return nb


def test_solution_is_replaced_and_the_rest_kept():
    out = student_version(toy_notebook())
    assert "return 2 * x" not in out.cells[1].source
    assert "raise NotImplementedError" in out.cells[1].source
    assert out.cells[1].source.startswith("def f(x):")
    assert out.cells[1].outputs == []
    assert out.cells[2].source == "check_close('f', f(2), 4)"


def test_unclosed_solution_is_an_error():
    nb = toy_notebook()
    nb.cells[1].source = f"{BEGIN}\nx = 1\n"
    with pytest.raises(RuntimeError):
        student_version(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_course_notebooks_have_a_clean_student_version(path):
    nb = nbformat.read(path, as_version=4)
    out = student_version(nb)
    text = "\n".join(c.source for c in out.cells if c.cell_type == "code")
    assert BEGIN not in text and END not in text
    n_solutions = sum(BEGIN in c.source for c in nb.cells if c.cell_type == "code")
    assert text.count("raise NotImplementedError") >= n_solutions


def test_cli_writes_files(tmp_path, capsys):
    src = tmp_path / "ex.ipynb"
    nbformat.write(toy_notebook(), src)
    assert main([str(src), "--out", str(tmp_path / "student")]) == 0
    assert (tmp_path / "student" / "ex.ipynb").is_file()
    assert "1 solution cells cleared" in capsys.readouterr().out
