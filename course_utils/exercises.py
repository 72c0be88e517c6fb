"""Exercises that never block the notebook: done, right, or not done yet.

A check cell wraps its checks in a function decorated with :func:`exercise`,
naming what the exercise asks the student to write and the reference to use
until they have::

    @exercise("1a", "softmax and forward", softmax=ref.softmax, forward=ref.lr_forward)
    def _():
        check_close("forward(X, W, b)", forward(X_chk, W_chk, b_chk), ...)

The decorated function runs at once. Then:

* **not done yet** (a name is undefined, still ``...``, a function whose body
  is only the stub ``raise NotImplementedError()``, or the reference put there
  by an earlier run): one line says so, the reference is bound to that name in
  the notebook, and the notebook goes on, so a student stuck on exercise 1
  still runs exercise 4 and sees every figure;
* **wrong**: the check's :class:`~course_utils.check.CheckError` stops the
  notebook there, with what is wrong;
* **right**: one line says so, with the number of checks passed (the lines of
  passing checks are not printed one by one; a failing one is, with its diagnosis).

:func:`exercise_report` lists every exercise met so far with its status.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import textwrap
from collections.abc import Callable
from typing import Any

from course_utils import progress
from course_utils.check import CheckError, collect_passed

NOT_DONE, WRONG, RIGHT, ERROR = "not done yet", "wrong", "right", "error"

_MISSING = object()
#: label -> (title, status), in the order exercises were met.
_STATUS: dict[str, tuple[str, str]] = {}
#: (label, name) -> the reference object bound for a student who had not done it.
_INJECTED: dict[tuple[str, str], Any] = {}


class Lazy:
    """A reference value computed only when a student needs it (e.g. trained models).

    Parameters
    ----------
    make : callable
        Called with no argument, once, the first time the value is needed.

    Examples
    --------
    Two names from one computation: ``runs = Lazy(train_all)``, then
    ``exercise("3", params=runs[0], histories=runs[1])``.
    """

    def __init__(self, make: Callable[[], Any]) -> None:
        if not callable(make):
            raise TypeError(f"Lazy: expected a function of no argument, got {make!r}")
        self.make = make
        self._cached: list[Any] = []

    def value(self) -> Any:
        """The value, computed on the first call."""
        if not self._cached:
            self._cached.append(self.make())
        return self._cached[0]

    def __getitem__(self, key: Any) -> Lazy:
        return Lazy(lambda: self.value()[key])


def _is_stub_statement(node: ast.stmt) -> bool:
    if isinstance(node, ast.Pass):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return node.value.value is Ellipsis or isinstance(node.value.value, str)
    return _raises_not_implemented(node)


def _raises_not_implemented(node: ast.stmt) -> bool:
    if not isinstance(node, ast.Raise) or node.exc is None:
        return False
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _unfinished_function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return (all(_is_stub_statement(s) for s in node.body)
            or any(_raises_not_implemented(s) for s in node.body))


def is_stub(obj: Any) -> bool:
    """True for what a student copy's placeholder leaves: a function whose body is only a
    docstring, ``...`` or ``pass``, or that raises ``NotImplementedError`` at its top level
    (the stub of a solution inside a function), or a class with such a method."""
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return False
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
    except (OSError, TypeError, SyntaxError):
        if inspect.isclass(obj):
            return False
        return obj.__code__.co_names == ("NotImplementedError",)
    node = tree.body[0] if tree.body else None
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return _unfinished_function(node)
    if isinstance(node, ast.ClassDef):
        return any(_unfinished_function(n) for n in node.body
                   if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return False


def _not_done(label: str, name: str, value: Any) -> bool:
    return (value is _MISSING or value is Ellipsis or is_stub(value)
            or (label, name) in _INJECTED and _INJECTED[label, name] is value)


def _use_references(label: str, namespace: dict[str, Any], references: dict[str, Any],
                    names: list[str]) -> None:
    for name in names:
        value = references[name]
        if isinstance(value, Lazy):
            value = value.value()
        namespace[name] = _INJECTED[label, name] = value


def exercise(label: str, title: str = "", **references: Any) -> Callable[[Callable[[], None]], None]:
    """Run an exercise's checks now, or report it not done and use the reference.

    Parameters
    ----------
    label : str
        The exercise's number, e.g. ``"1b"``.
    title : str, optional
        A few words, for :func:`exercise_report`.
    **references
        Each name the exercise asks for (a function or a variable) and the
        reference to use while the student has not written it. Wrap a costly
        value in :class:`Lazy`.

    Returns
    -------
    decorator
        Applied to a function of no argument holding the checks; it runs it
        and returns None.
    """
    if not references:
        raise TypeError(f"exercise({label!r}): name what the exercise asks for, "
                        "e.g. exercise('1a', forward=ref.forward)")

    def run(checks: Callable[[], None]) -> None:
        namespace = checks.__globals__
        todo = [n for n in references if _not_done(label, n, namespace.get(n, _MISSING))]
        passed: list[str] = []
        if not todo:
            try:
                # Progress lines of the runs a checker makes would bury its verdict.
                with (collect_passed() as passed, contextlib.redirect_stderr(io.StringIO()),
                      progress.silenced()):
                    checks()
            except NotImplementedError:
                todo = list(references)
            except CheckError:
                _STATUS[label] = (title, WRONG)
                raise
            except Exception:
                _STATUS[label] = (title, ERROR)
                raise
        if todo:
            undefined = [n for n in todo if n not in namespace]
            _use_references(label, namespace, references, todo)
            _STATUS[label] = (title, NOT_DONE)
            print(f"Exercise {label} is not done yet ({', '.join(todo)} still to write): "
                  f"the cells below use the reference {', '.join(todo)}."
                  + (f" ({', '.join(undefined)}: not defined; if you wrote it, run its cell again: "
                     "a cell that stops with an error defines nothing.)" if undefined else ""))
            return None
        _STATUS[label] = (title, RIGHT)
        print(f"Exercise {label}: right ({len(passed)} check{'' if len(passed) == 1 else 's'} passed).")
        return None

    return run


def exercise_status() -> dict[str, str]:
    """Status of each exercise met so far: label -> right / wrong / not done yet / error."""
    return {label: status for label, (_, status) in _STATUS.items()}


def exercise_report(expected: list[str] | None = None) -> None:
    """Print one line per exercise: right, wrong, not done yet, or not run.

    Parameters
    ----------
    expected : list of str, optional
        Every exercise label of the notebook; those never met are "not run".
    """
    labels = list(_STATUS) + [e for e in expected or [] if e not in _STATUS]
    for label in labels:
        title, status = _STATUS.get(label, ("", "not run"))
        print(f"Exercise {label:4s} {title:40s} {status}")
    counts = {s: sum(v == s for _, v in _STATUS.values()) for s in (RIGHT, WRONG, NOT_DONE)}
    print(f"{counts[RIGHT]} right, {counts[WRONG]} wrong, {counts[NOT_DONE]} not done yet")


def reset() -> None:
    """Forget every status (for tests, or to start a notebook again)."""
    _STATUS.clear()
    _INJECTED.clear()
