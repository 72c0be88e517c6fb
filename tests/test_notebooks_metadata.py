"""Notebooks open clean in JupyterLab: their metadata is what the kernel would write on open.

JupyterLab writes the running kernel's ``kernelspec`` (name, display name, language) into
the notebook when it connects; a stored value that differs marks the notebook modified
before the reader has done anything. The display name is the one ipykernel installs
(``Python 3 (ipykernel)``), read here from ``jupyter_client``, not typed.
"""

import json
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def installed_python3() -> dict:
    spec = KernelSpecManager().get_kernel_spec("python3")
    return {"name": "python3", "display_name": spec.display_name, "language": spec.language}


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 6


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec_is_the_installed_python3(path):
    stored = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert stored == installed_python3(), (
        f"{path.name}: kernelspec {stored} differs from the installed kernel's {installed_python3()}; "
        "JupyterLab would mark the notebook modified on open")


def test_re_execution_keeps_the_kernelspec(tmp_path):
    """What `make execute` does (nbconvert's ExecutePreprocessor) leaves the kernelspec as it is."""
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = installed_python3()
    ExecutePreprocessor(timeout=60, kernel_name="python3").preprocess(nb, {"metadata": {"path": tmp_path}})
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == "2"
    assert nb.metadata["kernelspec"] == installed_python3()
    assert nb.metadata["language_info"]["name"] == "python"
