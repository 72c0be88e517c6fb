"""pyproject.toml is the one dependency list: environment.yml and constraints.txt follow it."""

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            out[canonicalize_name(name)] = version
    return out


def test_environment_yml_installs_the_package_from_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    # conda brings only Python and pip: every package comes from pyproject via pip.
    assert sorted(d.split("=")[0] for d in conda) == ["pip", "python"]
    assert pip == ["-c constraints.txt", "-e .[dev]"]
    python = next(d for d in conda if d.startswith("python")).split("=")[1]
    assert SpecifierSet(pyproject()["project"]["requires-python"]).contains(python + ".0")


def test_every_dependency_is_pinned_within_its_range():
    project = pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    pinned = pins()
    for text in reqs:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is in pyproject.toml but not in constraints.txt"
        assert req.specifier.contains(pinned[name]), (
            f"constraints.txt pins {req.name}=={pinned[name]}, outside pyproject's {req.specifier}")


def test_torch_stays_optional():
    assert "torch" not in pins()
