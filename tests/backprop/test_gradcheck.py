"""The gradient checker: passes a correct gradient, catches and explains wrong ones."""

import numpy as np
import pytest

from course_utils.backprop import mlp as numpy_mlp
from course_utils.backprop.gradcheck import explain_mismatch, gradcheck, numerical_gradient
from course_utils.check import CheckError
from course_utils.errors import CourseError


def _quadratic_problem():
    """L(A, c) = sum(A**2 * w) + c . v, gradient 2 w A and v, known exactly."""
    rng = np.random.default_rng(0)
    params = {"A": rng.normal(size=(3, 4)), "c": rng.normal(size=5)}
    w, v = rng.uniform(0.5, 2.0, size=(3, 4)), rng.normal(size=5)

    def loss():
        return float(np.sum(params["A"] ** 2 * w) + params["c"] @ v)

    return params, {"A": 2 * w * params["A"], "c": v.copy()}, loss


def test_numerical_gradient_matches_known_gradient_and_restores_param():
    params, grads, loss = _quadratic_problem()
    before = params["A"].copy()
    num = numerical_gradient(loss, params["A"], eps=1e-5)
    np.testing.assert_allclose(num, grads["A"].ravel(), rtol=1e-7)
    np.testing.assert_array_equal(params["A"], before)


def test_gradcheck_passes_correct_gradient(capsys):
    params, grads, loss = _quadratic_problem()
    errors = gradcheck(loss, params, grads)
    assert set(errors) == {"A", "c"} and max(errors.values()) < 1e-8
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("A: relative error") and out[0].endswith("OK") and "12 entries" in out[0]


def test_gradcheck_catches_planted_bug_and_explains_it(capsys):
    params, grads, loss = _quadratic_problem()
    wrong = dict(grads, A=grads["A"].copy())
    wrong["A"][1, 2] += 0.5
    with pytest.raises(CheckError, match="gradient check failed"):
        gradcheck(loss, params, wrong)
    out = capsys.readouterr().out
    assert "A: relative error" in out and "WRONG" in out
    assert "worst entry A[1, 2]" in out and "off by 0.5" in out and "1 of 12 entries" in out
    assert "c: relative error" in out and out.count("WRONG") == 1


def test_gradcheck_hints_constant_factor_and_zeros(capsys):
    params, grads, loss = _quadratic_problem()
    errors = gradcheck(loss, params, {"A": grads["A"] * 10, "c": np.zeros(5)}, raise_on_error=False)
    assert errors["A"] > 0.5 and errors["c"] == pytest.approx(1.0)
    out = capsys.readouterr().out
    assert "analytic = 10 x numeric" in out and "all zeros" in out


def test_gradcheck_catches_mlp_bug_missing_sigmoid_derivative(capsys):
    rng = np.random.default_rng(1)
    X, Y = rng.random((6, 8)), numpy_mlp.one_hot(rng.integers(0, 3, 6), 3, dtype=float)
    params = numpy_mlp.init_mlp(8, 5, 3, "xavier", seed=2, dtype=np.float64)

    def loss():
        return numpy_mlp.mlp_loss(X, Y, params)

    H, Y_hat = numpy_mlp.mlp_forward(X, params)
    good = numpy_mlp.mlp_backward(X, Y, H, Y_hat, params)
    assert max(gradcheck(loss, params, good).values()) < 1e-7
    delta_y = (Y_hat - Y) / len(X)
    bad = dict(good, W_h=X.T @ (delta_y @ params["W_y"].T))  # sigmoid' forgotten
    errors = gradcheck(loss, params, bad, raise_on_error=False)
    assert errors["W_h"] > 1e-2 and errors["W_y"] < 1e-7
    assert "worst entry W_h[" in capsys.readouterr().out


def test_gradcheck_subsamples_entries(capsys):
    params, grads, loss = _quadratic_problem()
    gradcheck(loss, params, grads, max_entries=4)
    assert "4 entries" in capsys.readouterr().out


def test_gradcheck_rejects_bad_inputs():
    params, grads, loss = _quadratic_problem()
    with pytest.raises(ValueError, match=r"gradient of A has shape \(4, 3\), parameter has shape \(3, 4\)"):
        gradcheck(loss, params, dict(grads, A=grads["A"].T))
    with pytest.raises(ValueError, match="gradients"):
        gradcheck(loss, params, {"A": grads["A"]})
    params32 = {"A": params["A"].astype(np.float32), "c": params["c"]}
    with pytest.raises(ValueError, match="A is float32; use float64"):
        gradcheck(loss, params32, grads)


def test_explain_mismatch_names_position():
    text = explain_mismatch("W", (2, 3), np.array([0, 4]), np.array([1.0, 2.0]), np.array([1.0, 5.0]))
    assert "W[1, 1]" in text and "numeric 2" in text and "analytic 5" in text


# --- bad input and NaN: a course error naming the value, never "0 entries disagree" ----------

def _bad(**changes):
    params, grads, loss = _quadratic_problem()
    args = {"loss_fn": loss, "params": params, "grads": grads}
    args.update({k: (v(params, grads, loss) if callable(v) and k != "loss_fn" else v)
                 for k, v in changes.items()})
    if "loss_fn" in changes and callable(changes["loss_fn"]):
        args["loss_fn"] = changes["loss_fn"](params, grads, loss)
    return lambda: gradcheck(args["loss_fn"], args["params"], args["grads"], verbose=False)


GRADCHECK_BAD = {
    "loss_fn returns None": (_bad(loss_fn=lambda p, g, loss: lambda: None), TypeError,
                             ["loss_fn() returned None", "return"]),
    "loss_fn returns per-example losses": (
        _bad(loss_fn=lambda p, g, loss: lambda: np.full(4, loss())), ValueError,
        ["shape (4,)", "one number"]),
    "loss_fn returns a string": (_bad(loss_fn=lambda p, g, loss: lambda: "0.5"), TypeError,
                                 ["str", "not a number"]),
    "loss_fn not callable": (_bad(loss_fn=0.5), TypeError, ["loss_fn is a float"]),
    "grads None": (_bad(grads=lambda p, g, loss: None), TypeError, ["grads is NoneType", "return"]),
    "one gradient None": (_bad(grads=lambda p, g, loss: dict(g, A=None)), TypeError,
                          ["the gradient of A is None"]),
    "param a list": (_bad(params=lambda p, g, loss: dict(p, c=p["c"].tolist())), TypeError,
                     ["params['c'] is list", "perturbed in place"]),
    "loss NaN at the start": (_bad(loss_fn=lambda p, g, loss: lambda: float("nan")), ValueError,
                              ["returned nan", "log of 0"]),
    "gradients a list of arrays": (_bad(grads=lambda p, g, loss: list(g.values())), TypeError,
                                   ["grads is list"]),
}


@pytest.mark.parametrize("case", list(GRADCHECK_BAD))
def test_gradcheck_bad_input_is_a_course_error(case):
    call, expected, words = GRADCHECK_BAD[case]
    with pytest.raises(expected) as info:
        call()
    assert isinstance(info.value, CourseError)
    assert all(w in str(info.value) for w in words), str(info.value)


def test_nan_in_the_analytic_gradient_is_named_not_counted_as_agreement(capsys):
    params, grads, loss = _quadratic_problem()
    bad = dict(grads, A=grads["A"].copy())
    bad["A"][2, 1] = np.nan
    with pytest.raises(CheckError) as info:
        gradcheck(loss, params, bad)
    errors = gradcheck(loss, params, bad, raise_on_error=False, verbose=False)
    assert errors["A"] == np.inf and errors["c"] < 1e-8  # inf, so max() and <= tol both fail
    text = str(info.value)
    assert "0 of" not in text and "1 of 12 entries checked disagree" in text
    assert "1 analytic value(s) are NaN or inf, the first at A[2, 1]" in text


def test_loss_nan_near_the_parameters_is_explained():
    params = {"w": np.array([1e-7, 1.0])}

    def loss():  # log of a negative number once w[0] - eps < 0
        with np.errstate(invalid="ignore"):
            return float(np.sum(np.log(params["w"])))

    errors = gradcheck(loss, params, {"w": 1 / params["w"]}, raise_on_error=False, verbose=False)
    assert errors["w"] == np.inf
    with pytest.raises(CheckError, match=r"numeric value\(s\) are NaN or inf, the first at w\[0\]"):
        gradcheck(loss, params, {"w": 1 / params["w"]}, eps=1e-6, verbose=False)
    np.testing.assert_array_equal(params["w"], [1e-7, 1.0])  # restored


def test_numerical_gradient_restores_the_entry_when_loss_fn_fails():
    param = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match="returned None"):
        numerical_gradient(lambda: None, param)
    np.testing.assert_array_equal(param, [1.0, 2.0])


def test_a_nearly_zero_gradient_entry_is_not_reported_for_rounding_noise():
    # Logistic regression on inputs with an almost black pixel (values ~1e-7): the gradient of
    # its weights is ~1e-9, below the finite differences' rounding noise (~1e-9 here), so an
    # element-wise relative error without the noise floor calls those entries 100 % wrong.
    rng = np.random.default_rng(0)
    X = rng.random((20, 6))
    X[:, 0] = 1e-7 * rng.random(20)
    Y = numpy_mlp.one_hot(rng.integers(0, 3, 20), 3).astype(np.float64)
    params = {"W": rng.normal(0, 0.01, (6, 3)), "b": np.zeros(3)}

    def loss():
        return numpy_mlp.cross_entropy(numpy_mlp.lr_forward(X, params["W"], params["b"]), Y)

    dW, db = numpy_mlp.lr_gradients(X, Y, numpy_mlp.lr_forward(X, params["W"], params["b"]))
    assert 0 < np.abs(dW[0]).max() < 1e-7
    errors = gradcheck(loss, params, {"W": dW, "b": db})
    assert errors["W"] < 1e-6
    wrong = dW.copy()
    wrong[0, 1] = 1e-4  # a real error on that entry is far above the noise: reported
    with pytest.raises(CheckError, match=r"W\[0, 1\]"):
        gradcheck(loss, params, {"W": wrong, "b": db})


# --- what the surviving mutants showed untested --------------------------------------------

def test_noise_level_formula():
    from course_utils.backprop.gradcheck import noise_level

    eps64 = np.finfo(np.float64).eps
    assert noise_level(2.3, 1e-6) == pytest.approx(10 * eps64 * 2.3 / 1e-6, rel=1e-12)
    assert noise_level(-0.1, 1e-6) == pytest.approx(10 * eps64 / 1e-6, rel=1e-12)  # max(1, |L|)


def test_numerical_gradient_default_eps_and_bad_params():
    p = np.array([1.0, 2.0])
    # L = sum(p**3): a centred difference errs by eps**2, so only a small default eps gives 3 p**2
    np.testing.assert_allclose(numerical_gradient(lambda: float(np.sum(p ** 3)), p), 3 * p ** 2,
                               rtol=1e-8)
    with pytest.raises(TypeError, match="param is a list; it must be the numpy array"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])
    strided = np.zeros((3, 4))[:, :2]
    with pytest.raises(ValueError, match="param must be a contiguous array"):
        numerical_gradient(lambda: 0.0, strided)


def test_gradcheck_uses_its_eps():
    p = np.array([1.0])
    # numeric (L(p+e) - L(p-e)) / 2e = 3 p**2 + e**2 for L = p**3: 3.01 at e = 0.1
    errors = gradcheck(lambda: float(p[0] ** 3), {"p": p}, {"p": np.array([3.0])}, eps=0.1,
                       tol=1.0, verbose=False)
    assert errors["p"] == pytest.approx(0.01 / 6.01, rel=1e-6)


def test_gradcheck_tolerance_is_inclusive_and_lines_say_wrong(capsys):
    params, grads, loss = _quadratic_problem()
    lin = {"c": params["c"]}
    errors = gradcheck(lambda: float(params["c"] @ grads["c"]), lin, {"c": grads["c"]}, tol=0.0)
    assert errors == {"c": 0.0}  # differences under the noise level count as none: 0 <= 0 passes
    with pytest.raises(CheckError) as info:
        gradcheck(loss, params, {"A": grads["A"], "c": -grads["c"]})
    text = str(info.value)
    assert text.startswith("gradient check failed:\nc: relative error 1.0e+00 (tolerance 1e-06, "
                           "5 entries)  WRONG\n  worst entry c[")
    assert "c: relative error 1.0e+00 (tolerance 1e-06, 5 entries)  WRONG" in capsys.readouterr().out


def test_gradcheck_subsampling_is_seeded_and_distinct():
    rng = np.random.default_rng(3)
    A = rng.normal(size=1000)
    wrong = 2 * A * (1 + rng.uniform(0, 1, size=1000))  # each entry off by a different amount

    def run(**kw):
        return gradcheck(lambda: float(A @ A), {"A": A}, {"A": wrong}, max_entries=10,
                         raise_on_error=False, verbose=False, **kw)["A"]

    assert run() == run() == run(seed=0) != run(seed=1)


def test_explain_mismatch_counts_and_hints():
    idx = np.arange(4)
    num = np.array([1.0, 2.0, 3.0, 4.0])
    # defaults: tol 1e-6, noise 0; two entries off by 1e-7 relative are still "disagree"
    text = explain_mismatch("W", (4,), idx, num, num * np.array([1, 1 + 4e-6, 1, 1 + 4e-6]))
    assert "  2 of 4 entries checked disagree" in text
    assert all(line.startswith("  ") for line in text.split("\n"))
    assert "x numeric" not in text  # a factor of 1 is no wrong factor (was "analytic = 1 x numeric")
    text = explain_mismatch("W", (4,), idx, num, num, tol=0.0)
    assert "  0 of 4 entries checked disagree" in text
    # a constant factor is recognised even for a gradient of norm < 1
    text = explain_mismatch("W", (4,), idx, num / 100, -num / 100)
    assert "analytic = -1 x numeric everywhere" in text
    # far from a multiple: no factor hint
    text = explain_mismatch("W", (4,), idx, num, num[::-1].copy())
    assert "hint" not in text
    assert explain_mismatch("W", (4,), idx, num, num + 1e-3, noise=1e-2).count("0 of 4") == 1


def test_gradcheck_names_params_that_are_not_a_dict():
    _, grads, loss = _quadratic_problem()
    with pytest.raises(TypeError, match="gradcheck: params is list; expected a dict"):
        gradcheck(loss, [1.0], grads)
    params, grads, loss = _quadratic_problem()
    with pytest.raises(TypeError, match="gradcheck"):
        gradcheck(loss, params, dict(grads, A="x"))
