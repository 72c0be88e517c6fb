"""``import course_utils`` and the numpy-only modules never import Keras (checked in a fresh process)."""

import os
import pkgutil
import subprocess
import sys

import course_utils

#: The modules that import Keras at the top: its layers, callbacks and their users.
KERAS_MODULES = {"lenet.distortions", "lenet.model", "lenet.exercises", "lenet.tune", "training"}


def _imported(modules, path=()):
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in ('keras', 'tensorflow', 'jax') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, path), *sys.path])})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_the_numpy_only_modules_do_not_import_keras():
    names = sorted(info.name.removeprefix("course_utils.")
                   for info in pkgutil.walk_packages(course_utils.__path__, prefix="course_utils."))
    assert KERAS_MODULES <= set(names)
    numpy_only = [f"course_utils.{n}" for n in names if n not in KERAS_MODULES]
    assert _imported(["course_utils", *numpy_only]) == "[]"


def test_the_check_sees_an_imported_keras(tmp_path):   # the check above can fail
    (tmp_path / "keras").mkdir()
    (tmp_path / "keras" / "__init__.py").write_text("")   # a stand-in: importing the real one is slow
    assert _imported(["course_utils", "keras"], path=[tmp_path]) == "['keras']"
