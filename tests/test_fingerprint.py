"""Fingerprints: equal for the same thing, different for anything that changes a result."""

import functools

import numpy as np

from course_utils import fingerprint as fp

SCALE = 2.0


def make(source: str, name: str = "f"):
    """A function compiled from text in a __main__-like namespace (as in a notebook cell)."""
    namespace = {"__name__": "__main__", "np": np, "SCALE": SCALE}
    exec(source, namespace)  # noqa: S102 - the test's own text
    return namespace[name]


def test_array_digest_sees_bytes_shape_and_dtype():
    a = np.arange(12, dtype="float32").reshape(3, 4)
    assert fp.array_digest(a) == fp.array_digest(a.copy())
    assert fp.array_digest(a) == fp.array_digest(np.asfortranarray(a))  # same values, other layout
    b = a.copy()
    b[2, 3] += 1e-6
    assert len({fp.array_digest(x) for x in (a, b, a.reshape(4, 3), a.astype("float64"), a[:2])}) == 5


def test_functions_are_described_by_their_code_not_their_comments():
    f = make("def f(x):\n    return x * 2\n")
    same = make("def f(x):\n    # doubled\n    return x * 2\n")
    assert fp.digest(fp.describe(f)) == fp.digest(fp.describe(same))
    for edited in ("def f(x):\n    return x * 3\n", "def f(x):\n    return x + 2\n",
                   "def f(x, k=1):\n    return x * 2\n", "def f(x):\n    return np.tanh(x) * 2\n"):
        assert fp.digest(fp.describe(make(edited))) != fp.digest(fp.describe(f)), edited


def test_functions_follow_their_closure_defaults_and_globals():
    def outer(k):
        def inner(x):
            return x * k
        return inner

    assert fp.describe(outer(2)) == fp.describe(outer(2)) != fp.describe(outer(3))
    g = make("def g(x):\n    return x * SCALE\n", "g")
    d = fp.describe(g)
    g.__globals__["SCALE"] = 3.0
    assert fp.describe(g) != d
    calls_helper = make("def helper(x):\n    return x + 1\n\ndef h(x):\n    return helper(x)\n", "h")
    d = fp.describe(calls_helper)
    calls_helper.__globals__["helper"] = make("def helper(x):\n    return x + 2\n", "helper")
    assert fp.describe(calls_helper) != d


def test_classes_by_the_code_of_their_methods_libraries_by_name():
    source = "class L:\n    def call(self, x):\n        return x * {}\n"
    a, b, c = (make(source.format(k), "L") for k in (2, 2, 3))
    assert fp.describe(a) == fp.describe(b) != fp.describe(c)
    assert fp.describe(np.ndarray) == {"class": "numpy.ndarray"}
    assert fp.describe(type("S", (a,), {})) != fp.describe(type("S", (c,), {}))  # an edited base class


def test_values_containers_and_objects():
    assert fp.describe({"a": [1, 2.5, "x", None, True]}) == {"a": [1, "2.5", "x", None, True]}
    assert fp.describe(np.float32(0.1)) != fp.describe(0.1)  # float32 0.1 is not float 0.1
    assert fp.describe(frozenset("abcdef")) == fp.describe(frozenset("fedcba"))
    p = functools.partial(np.add, 1)
    assert fp.describe(p) != fp.describe(functools.partial(np.add, 2))

    class Estimator:
        def __init__(self, alpha):
            self.alpha = alpha

        def get_params(self):
            return {"alpha": self.alpha}

        def transform(self, x):
            return x * self.alpha

    assert fp.describe(Estimator(1).transform) == fp.describe(Estimator(1).transform)
    assert fp.describe(Estimator(1).transform) != fp.describe(Estimator(2).transform)

    class Plain:
        pass

    one, two = Plain(), Plain()
    one.rate, two.rate = 0.1, 0.2
    assert fp.describe(one) != fp.describe(two)


def test_rename_strips_keras_numbering_and_maps_layer_names():
    data = {"name": "adam_12", "config": {"name": "dense_3", "inbound": ["dense_3", 0]}, "x": "adam_12"}
    assert fp.rename(data) == {"name": "adam", "config": {"name": "dense", "inbound": ["dense_3", 0]},
                               "x": "adam_12"}
    assert fp.rename(data, {"dense_3": "layer1"})["config"] == {"name": "layer1", "inbound": ["layer1", 0]}
    assert fp.digest({"a": 1, "b": 2}) == fp.digest({"b": 2, "a": 1}) != fp.digest({"a": 1, "b": 3})


def test_describe_model_ignores_default_names_and_sees_python_activations():
    from course_utils.config import import_keras

    keras = import_keras()

    def build(activation):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation=activation),
                                 keras.layers.Dense(2)])

    relu_a, relu_b = build("relu"), build("relu")
    assert relu_a.layers[0].name != relu_b.layers[0].name  # Keras numbered them
    assert fp.digest(fp.describe_model(relu_a)) == fp.digest(fp.describe_model(relu_b))
    assert fp.digest(fp.describe_model(build("tanh"))) != fp.digest(fp.describe_model(relu_a))
    act1 = make("def act(x):\n    return x * 2\n", "act")
    act2 = make("def act(x):\n    return x * 3\n", "act")
    assert fp.digest(fp.describe_model(build(act1))) != fp.digest(fp.describe_model(build(act2)))
    assert fp.digest(fp.describe_model(build(act1))) == fp.digest(fp.describe_model(build(act1)))
