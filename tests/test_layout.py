"""The package's layout rules: each test file tests the module of its name; modules stay small.

``tests/X/test_Y.py`` tests ``course_utils/X/Y.py``. A test file that tests the course as a
whole (the notebooks, the environment, the package) has no module of its name and is listed
below with what it covers; a new one must be added there, on purpose.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_utils"
TESTS = ROOT / "tests"
MAX_LINES = 300

#: Test files with no module of their name: they test the course across modules.
CROSS_CUTTING = {
    "test_notebooks.py",            # every notebook: metadata, solutions followed by checks, Results
    "test_notebook_01.py",          # notebook 1's typed figures against its Results cell
    "test_notebooks_metadata.py",   # notebook metadata (kernels, slide types)
    "test_student_copies.py",       # every student copy runs to the end with nothing solved
    "test_faults.py",               # fault injection across the data layer
    "test_environment.py",          # pyproject.toml, environment.yml and constraints.txt agree
    "test_package.py",              # import course_utils: no side effects, no Keras in numpy modules
    "test_model_saving.py",         # every model builder of the package saves and loads back
    "test_layout.py",               # this file
}
#: Browser tests of the built decks and of JupyterLab (make test-ui), not of one module.
CROSS_CUTTING_FOLDERS = {"ui"}


def test_every_test_file_has_a_module_of_its_name():
    orphans = []
    for path in sorted(TESTS.rglob("test_*.py")):
        rel = path.relative_to(TESTS)
        if rel.parts[0] in CROSS_CUTTING_FOLDERS or (len(rel.parts) == 1 and rel.name in CROSS_CUTTING):
            continue
        module = PACKAGE.joinpath(*rel.parts[:-1], rel.name.removeprefix("test_"))
        if not module.is_file():
            orphans.append(str(rel))
    assert not orphans, (f"test files with no course_utils module of their name: {orphans}; "
                         "rename them after the module they test, or list them in CROSS_CUTTING")


def test_the_cross_cutting_list_names_existing_files():
    assert all((TESTS / name).is_file() for name in CROSS_CUTTING), sorted(
        name for name in CROSS_CUTTING if not (TESTS / name).is_file())


def test_every_module_is_at_most_300_lines():
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
             for p in sorted(PACKAGE.rglob("*.py"))}
    too_long = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not too_long, (f"modules over {MAX_LINES} lines: {too_long}; split each along a seam "
                          "(one job per module)")
