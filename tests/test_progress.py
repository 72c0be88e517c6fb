"""The one-line training display, in a terminal and in Jupyter (a stand-in display handle)."""

import io
import sys
import types

import pytest

from course_utils import progress
from course_utils.progress import Progress, format_metrics, format_seconds


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Handle:
    """Records what IPython's display and DisplayHandle.update receive."""

    def __init__(self, shown):
        self.shown = shown

    def update(self, data, raw=False):
        assert raw
        self.shown.append(("update", data["text/plain"]))


@pytest.fixture
def notebook(monkeypatch):
    """Pretend to run in a Jupyter kernel: ``display`` returns a recording handle."""
    shown = []

    def display(data, raw=False, display_id=None):
        assert raw and display_id is True
        shown.append(("display", data["text/plain"]))
        return Handle(shown)

    fake = types.ModuleType("IPython.display")
    fake.display = display
    monkeypatch.setitem(sys.modules, "IPython.display", fake)
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    return shown


def run_epochs(bar, n, fail_at=None):
    for epoch in bar:
        if epoch == fail_at:
            raise RuntimeError("diverged")
        bar.set_postfix(loss=1.0 / (epoch + 1), eval_acc=0.5 + 0.1 * epoch)
        if epoch + 1 == n:
            break


def test_terminal_line_is_rewritten_in_place_and_ends_with_one_summary():
    out = Terminal()
    run_epochs(Progress("mlp", 4, stream=out), 5)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")        # no newline per epoch
    assert text.count("\r") == 6                                 # start, 4 epochs, summary
    last = text.split("\r")[-1].rstrip()
    assert last.startswith("mlp: 4 epochs in ") and last.endswith("loss 0.25, eval_acc 0.8")
    assert "mlp: epoch 3/4" in text


def test_a_log_file_gets_the_summary_alone():
    out = io.StringIO()
    run_epochs(Progress("mlp", 2, stream=out), 5)
    assert out.getvalue().count("\n") == 1 and out.getvalue().startswith("mlp: 2 epochs in ")
    assert "\r" not in out.getvalue()


def test_notebook_keeps_one_display_updated_in_place(notebook, capsys):
    run_epochs(Progress("mlp", 3), 5)
    kinds = [kind for kind, _ in notebook]
    assert kinds == ["display"] + ["update"] * 4          # one output, 3 epochs + the summary
    assert notebook[0][1] == "mlp: epoch 0/3, 0.0 s"
    assert notebook[2][1].startswith("mlp: epoch 2/3, ") and notebook[2][1].endswith("eval_acc 0.6")
    assert notebook[-1][1].startswith("mlp: 3 epochs in ")
    assert capsys.readouterr().out == ""                  # nothing printed beside the display


def test_a_failing_loop_leaves_a_readable_line(notebook):
    bar = Progress("mlp", 5)
    with pytest.raises(RuntimeError, match="diverged"):
        run_epochs(bar, 9, fail_at=2)
    assert bar.closed and notebook[-1][1].startswith("mlp: stopped in epoch 3/5 after ")
    assert notebook[-1][1].endswith("last epoch: loss 0.5, eval_acc 0.6")


def test_a_failing_terminal_run_ends_its_line_before_the_traceback():
    out = Terminal()
    bar = Progress("cnn", 5, stream=out)
    bar.start()
    bar.step({"loss": 0.5, "val_accuracy": 0.9})
    assert bar.fail(KeyboardInterrupt()) .startswith("cnn: stopped in epoch 2/5 after ")
    assert out.getvalue().endswith("(KeyboardInterrupt); last epoch: loss 0.5, val_accuracy 0.9\n")
    assert bar.finish() == bar.text and out.getvalue().count("\n") == 1   # closed once only


def test_verbose_0_is_silent_and_2_adds_a_line_per_epoch(notebook, capsys):
    out = io.StringIO()
    run_epochs(Progress("quiet", 3, verbose=0, stream=out), 5)
    run_epochs(Progress("quiet", 3, verbose=0), 5)
    assert out.getvalue() == "" and notebook == []
    out = io.StringIO()
    run_epochs(Progress("debug", 3, verbose=2, stream=out), 5)
    lines = out.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == ["debug: epoch 1/3", "debug: epoch 2/3",
                                                      "debug: epoch 3/3", "debug: 3 epochs in 0.0 s"]
    with pytest.raises(ValueError, match="verbose=3"):
        Progress("x", 3, verbose=3)
    with pytest.raises(ValueError, match="total=-1"):
        Progress("x", -1)
    out = io.StringIO()
    assert list(Progress("none", 0, stream=out)) == [] and out.getvalue().startswith("none: 0 epochs in ")


def test_summary_shows_the_restored_epoch_and_early_stop():
    bar = Progress("cnn", 15, stream=io.StringIO())
    for epoch in range(12):
        bar.step({"loss": 1.0 - epoch / 20, "accuracy": 0.5, "val_loss": 0.3,
                  "val_accuracy": 0.9 + epoch / 1000, "epoch_seconds": 2.0})
    text = bar.finish(kept=9)
    assert text.startswith("cnn: 12 of 15 epochs in ")
    assert text.endswith("; kept epoch 9: loss 0.6, val_accuracy 0.908")


def test_format_helpers():
    assert format_metrics({"loss": 0.041234, "accuracy": 0.99, "val_loss": 0.05, "val_accuracy": 0.98712,
                           "epoch_seconds": 3.0, "test_error": 1.25}) == \
        "loss 0.04123, val_accuracy 0.9871, test_error 1.25"
    assert format_metrics({"loss": 2.5, "accuracy": 0.3}) == "loss 2.5, accuracy 0.3"
    assert format_metrics({"loss": 2.5, "val_loss": 2.7, "accuracy": 0.3}) == "loss 2.5, val_loss 2.7"
    assert format_metrics({"eval_acc": "0.9000"}) == "eval_acc 0.9000"
    assert format_seconds(58.14) == "58.1 s" and format_seconds(252) == "4 min 12 s"


def test_in_notebook_is_false_in_a_plain_process():
    assert progress.in_notebook() is False


def test_silenced_hides_every_line_in_its_block(notebook):
    out = Terminal()
    with progress.silenced():
        run_epochs(Progress("checker run", 2, stream=out), 5)
        run_epochs(Progress("checker run", 2), 5)
    assert out.getvalue() == "" and notebook == []
    run_epochs(Progress("after", 1), 5)
    assert notebook[-1][1].startswith("after: 1 epoch in ")
