"""Learning-rate schedules, their plot and explorer."""

import numpy as np
import pytest

from course_utils.backprop.schedules import (
    exponential_decay,
    inverse_decay,
    plot_schedules,
    schedule_explorer,
    step_decay,
)


def test_schedule_formulas():
    t = np.array([0, 1, 9, 10, 25])
    np.testing.assert_allclose(inverse_decay(0.1, 0.5, t), 0.1 / (1 + 0.5 * t))
    np.testing.assert_allclose(exponential_decay(0.1, 0.1, t), 0.1 * np.exp(-0.1 * t))
    np.testing.assert_allclose(step_decay(0.1, 0.5, 10, t), [0.1, 0.1, 0.1, 0.05, 0.025])
    assert inverse_decay(1.0, 0.0, 100) == 1.0 and step_decay(1.0, 1.0, 3, 50) == 1.0


def test_schedule_errors():
    with pytest.raises(ValueError, match="eta_0=0"):
        inverse_decay(0, 0.1, 1)
    with pytest.raises(ValueError, match="lam=-1"):
        exponential_decay(0.1, -1, 1)
    with pytest.raises(ValueError, match="r=1.5"):
        step_decay(0.1, 1.5, 10, 1)
    with pytest.raises(ValueError, match="t_u=0"):
        step_decay(0.1, 0.5, 0, 1)


def test_plots_have_titles_and_labels():
    import matplotlib

    matplotlib.use("Agg")
    ax = plot_schedules(epochs=20)
    assert ax.get_title() and ax.get_xlabel() and len(ax.get_lines()) == 3


def test_schedule_explorer_builds_widget():
    import matplotlib

    matplotlib.use("Agg")
    explorer = schedule_explorer(epochs=10)
    assert {c.description for c in explorer.widget.children[:-1]} >= {"eta_0", "step t_u"}
    preview, live = explorer.bundles()
    assert preview["image/png"] and "eta_0" in live["text/plain"] and "interactive(" not in live["text/plain"]
