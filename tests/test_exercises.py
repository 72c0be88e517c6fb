"""course_utils.exercises: an unsolved exercise never stops the notebook; right and wrong are told."""

import itertools
import linecache

import numpy as np
import pytest

from course_utils import exercises
from course_utils.check import CheckError
from course_utils.exercises import Lazy, exercise, exercise_report, exercise_status, is_stub

_cells = itertools.count()


def run_cell(ns, source):
    """Run ``source`` as a notebook cell would: IPython registers the source in linecache."""
    name = f"<cell-{next(_cells)}>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    exec(compile(source, name, "exec"), ns)


def reference_double(x):
    return 2 * x


CHECK = """
from course_utils.check import check_close
from course_utils.exercises import exercise

@exercise("1a", "double", double=ref_double)
def _():
    check_close("double(3)", double(3), 6)
"""


@pytest.fixture
def ns():
    exercises.reset()
    yield {"ref_double": reference_double}
    exercises.reset()


@pytest.mark.parametrize("stub", [
    "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n",
    'def double(x):\n    """Twice x."""\n    ...\n',
    "def double(x):\n    pass\n",
    "",  # the exercise cell was never run: the name is undefined
])
def test_not_done_is_reported_once_and_the_reference_is_used(ns, stub, capsys):
    run_cell(ns, stub)
    run_cell(ns, CHECK)
    out = capsys.readouterr().out
    hint = ("" if stub else " (double: not defined; if you wrote it, run its cell again: "
            "a cell that stops with an error defines nothing.)")
    assert out.splitlines() == ["Exercise 1a is not done yet (double still to write): "
                                "the cells below use the reference double." + hint]
    assert ns["double"] is reference_double
    assert exercise_status() == {"1a": "not done yet"}
    # Running the check again (without solving) must not call the reference "right".
    run_cell(ns, CHECK)
    assert "not done yet" in capsys.readouterr().out
    assert exercise_status() == {"1a": "not done yet"}


def test_a_solved_exercise_is_right_and_keeps_the_students_function(ns, capsys):
    run_cell(ns, "def double(x):\n    return x + x\n")
    mine = ns["double"]
    run_cell(ns, CHECK)
    out = capsys.readouterr().out.splitlines()
    assert out == ["Exercise 1a: right (1 check passed)."]
    assert ns["double"] is mine and exercise_status() == {"1a": "right"}


def test_solving_after_a_not_done_run_is_then_checked(ns, capsys):
    run_cell(ns, "def double(x):\n    raise NotImplementedError()\n")
    run_cell(ns, CHECK)
    run_cell(ns, "def double(x):\n    return 3 * x\n")  # the student's (wrong) attempt
    with pytest.raises(CheckError):
        run_cell(ns, CHECK)
    assert exercise_status() == {"1a": "wrong"}


@pytest.mark.parametrize("wrong, message", [
    ("def double(x):\n    y = 2 * x\n", "got None. Does your function end with `return"),
    ("def double(x):\n    return 3 * x\n", "double"),
    ("def double(x):\n    return '6'\n", "string"),
])
def test_a_wrong_answer_stops_with_a_check_error(ns, wrong, message, capsys):
    run_cell(ns, wrong)
    with pytest.raises(CheckError, match=message):
        run_cell(ns, CHECK)
    assert exercise_status() == {"1a": "wrong"}
    out = capsys.readouterr().out
    assert "not done" not in out and "WRONG" in out  # the failing line is shown, the passing ones are not


def test_a_crash_in_the_students_code_is_shown_not_hidden(ns):
    run_cell(ns, "def double(x):\n    return x @ np.ones(3)\n")
    with pytest.raises(NameError):
        run_cell(ns, CHECK)
    assert exercise_status() == {"1a": "error"}


def test_partly_done_replaces_only_what_is_missing(ns, capsys):
    run_cell(ns, "def f(x):\n    return x + 1\n\ndef g(x):\n    raise NotImplementedError()\n")
    mine = ns["f"]
    ns["ref_f"], ns["ref_g"] = (lambda x: x + 1), (lambda x: x - 1)
    run_cell(ns, "from course_utils.exercises import exercise\n"
                 "@exercise('2', f=ref_f, g=ref_g)\ndef _():\n    assert g(f(1)) == 1\n")
    assert "(g still to write)" in capsys.readouterr().out
    assert ns["f"] is mine and ns["g"] is ns["ref_g"]


def test_top_level_results_and_lazy_references(ns, capsys):
    made = []
    ns["make"] = lambda: made.append(1) or {"a": 1}
    ns["Lazy"] = Lazy
    check = ("from course_utils.exercises import exercise\n"
             "@exercise('3', histories=Lazy(make))\ndef _():\n    assert histories['a'] == 1\n")
    run_cell(ns, "histories = ...\n")
    run_cell(ns, check)
    assert ns["histories"] == {"a": 1} and made == [1]
    run_cell(ns, "histories = {'a': 1}\n")
    run_cell(ns, check)
    assert exercise_status() == {"3": "right"} and made == [1]


def test_one_computation_for_two_names(ns, capsys):
    made = []
    ns["runs"] = Lazy(lambda: made.append(1) or ({"p": 1}, {"h": 2}))
    run_cell(ns, "from course_utils.exercises import exercise\n"
                 "@exercise('3', params=runs[0], histories=runs[1])\ndef _():\n    pass\n")
    assert ns["params"] == {"p": 1} and ns["histories"] == {"h": 2} and made == [1]


def test_report_lists_every_exercise(ns, capsys):
    run_cell(ns, "def double(x):\n    return 2 * x\n")
    run_cell(ns, CHECK)
    capsys.readouterr()
    exercise_report(expected=["1a", "1b"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Exercise", "1a", "double", "right"]
    assert out[1].split() == ["Exercise", "1b", "not", "run"]
    assert out[2] == "1 right, 0 wrong, 0 not done yet"


def test_is_stub():
    def real(x):
        return x

    def stub(x):
        """Doc."""
        raise NotImplementedError

    assert is_stub(stub) and not is_stub(real) and not is_stub(np.sum) and not is_stub(3)


def test_a_class_with_a_stubbed_method_is_not_done(ns, capsys):
    run_cell(ns, "class Layer:\n    def build(self, shape):\n        n = shape[-1]\n"
                 "        # YOUR CODE HERE\n        raise NotImplementedError()\n\n"
                 "    def call(self, x):\n        return x\n")
    ns["RefLayer"] = type("RefLayer", (), {})
    run_cell(ns, "from course_utils.exercises import exercise\n"
                 "@exercise('5', Layer=RefLayer)\ndef _():\n    Layer().build((3,))\n")
    assert "not done yet (Layer still to write)" in capsys.readouterr().out
    assert ns["Layer"] is ns["RefLayer"]


def test_exercise_needs_names():
    with pytest.raises(TypeError, match="name what the exercise asks for"):
        exercise("1a")
    with pytest.raises(TypeError, match="function of no argument"):
        Lazy(3)


def test_the_training_runs_a_check_makes_print_no_progress_line(ns, capsys):
    run_cell(ns, "from course_utils.progress import Progress\n"
                 "def double(x):\n    for _ in Progress('loop', 3):\n        pass\n    return x + x\n")
    run_cell(ns, CHECK)
    assert capsys.readouterr().out.splitlines() == ["Exercise 1a: right (1 check passed)."]
    ns["double"](1)   # outside a check, the loop's summary shows
    assert capsys.readouterr().out.startswith("loop: 3 epochs in ")
