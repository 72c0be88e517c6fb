"""JupyterLab in a real browser: the notebooks open unmodified, the explorers answer their controls.

Run with ``pytest tests/ui`` (``make test-ui``); under ``pytest tests`` these tests are
skipped (they take minutes). What it does:

* starts JupyterLab on 127.0.0.1 (a free port, a random token) on a temporary folder that
  holds copies of ``notebooks/*.ipynb``, with ``COURSE_FAST=1`` and the model cache off;
* drives Debian's Chromium (``/usr/bin/chromium``, or ``COURSE_CHROMIUM``) through
  Playwright, every request outside 127.0.0.1, ``file:``, ``data:`` and ``blob:`` aborted
  and reported;
* every notebook: opened, kernel started and idle, no "modified" mark;
* every explorer (a cell calling one of :data:`EXPLORERS`): the stored preview is shown
  before it runs, the cells it needs are run (:data:`NEEDED`), then the explorer cell:
  the live widget shows, once; a control is moved and the output must change.

A screenshot of each step goes to ``build/ui/lab/``; their paths are printed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_DIR = Path(__file__).resolve().parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHOTS = ROOT / "build" / "ui" / "lab"
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")

#: Calls that make an explorer cell.
EXPLORERS = re.compile(r"\b(schedule_explorer|convolution_explorer|pooling_explorer|distortion_explorer"
                       r"|generation_widget)\(")
#: Per notebook, the cells to run before its explorers, each named by a line of its source
#: (first cell that contains it), in order.
NEEDED = {
    "01_backprop_by_hand.ipynb": ["from course_utils.backprop.schedules import"],
    "04_rnn_sequences.ipynb": ["from course_utils.text.sampling import", "vocab = sorted(set(text))"],
    "05_lenet_case_study.ipynb": [
        "keras = import_keras()",
        "(x_train_all, y_train_all), (x_test_all, y_test_all) = load_mnist()",
        "def correlate2d_valid(f, h):",
        "f = x_test_all[0].astype(float) / 255",
        "x_all = lenet.to_lenet_input(x_train_all)",
    ],
}
#: Code run in the kernel (not added to the notebook) before an explorer whose real inputs
#: take minutes to compute: notebook 4's text generator samples from the trained networks
#: (five trainings, even in fast mode); here it samples from a stand-in model, the
#: characters' frequencies in the text. The widget and its code are the notebook's.
STAND_INS = {
    "04_rnn_sequences.ipynb": (
        "context = 8\n"
        "_freq = (np.bincount(ids, minlength=len(vocab)) + 1.0) / (len(ids) + len(vocab))\n"
        "def next_probs(window):\n"
        "    return np.repeat(_freq[None, :], len(window), axis=0)\n"),
}
#: JupyterLab settings: no news or update checks (no network), nothing else changed.
SETTINGS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False}}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TIMEOUT_MS = 240_000     # one cell, or one redraw, on a loaded 2-core machine

# JavaScript run in the page (JupyterLab exposes its application as window.jupyterapp).
JS_READY = """() => {
  const app = window.jupyterapp; if (!app) return false;
  const w = app.shell.currentWidget;
  if (!w || !w.context || !w.context.isReady || !w.sessionContext) return false;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""
JS_SETTLE = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  await w.sessionContext.session.kernel.info;
  await new Promise(r => setTimeout(r, 1500));
}"""
JS_DIRTY = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  return {model: w.context.model.dirty, tabs: document.querySelectorAll('.lm-TabBar-tab.jp-mod-dirty').length,
          kernelspec: w.context.model.getMetadata('kernelspec')};
}"""
JS_RUN = """async (i) => {
  const app = window.jupyterapp, w = app.shell.currentWidget, nb = w.content;
  nb.activeCellIndex = i;
  nb.deselectAll();
  await app.commands.execute('notebook:run-cell');
  const cell = nb.widgets[i].model;
  const errors = [];
  for (let j = 0; j < cell.outputs.length; j++) {
    const o = cell.outputs.get(j).toJSON();
    if (o.output_type === 'error') errors.push(o.ename + ': ' + o.evalue);
  }
  return {count: cell.executionCount, errors};
}"""
JS_KERNEL = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = k.requestExecute({code, store_history: false});
  let error = null;
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'error') error = msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return error;
}"""
JS_OPEN = """async (name) => {
  const app = window.jupyterapp;
  for (const w of Array.from(app.shell.widgets('main'))) {
    if (w.context) { w.context.model.dirty = false; }
    w.dispose();
  }
  await app.serviceManager.sessions.refreshRunning();
  for (const s of Array.from(app.serviceManager.sessions.running())) {
    await app.serviceManager.sessions.shutdown(s.id);
  }
  await app.commands.execute('docmanager:open', {path: name, factory: 'Notebook'});
}"""
JS_SCROLL = """async (i) => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  nb.activeCellIndex = i;
  await nb.scrollToItem(i, 'start');
  nb.widgets[i].node.id = 'ui-cell-' + i;
}"""


def _selected(config) -> bool:
    """True when pytest was asked for tests/ui (or a file in it), not for the whole of tests/."""
    base = Path(config.invocation_params.dir)
    for arg in config.args:
        path = (base / arg.split("::")[0]).resolve()
        if path == UI_DIR or UI_DIR in path.parents:
            return True
    return False


@pytest.fixture(autouse=True, scope="module")
def _only_when_asked(request):
    _CONFIG[:] = [request.config]
    if not _selected(request.config):
        pytest.skip("browser tests: run `make test-ui` (pytest tests/ui)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving copies of the notebooks; yields (base URL, token, root)."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    root.mkdir()
    for nb in NOTEBOOKS:
        shutil.copy(nb, root / nb.name)
    for rel, value in SETTINGS.items():
        (tmp / "settings" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / "settings" / rel).write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "COURSE_FAST": "1", "COURSE_MODEL_CACHE": "0",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start: {(tmp / 'server.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser(chromium):
    """The session's headless Chromium (tests/ui/conftest.py): one Playwright per run, as the deck
    tests use it (a second sync_playwright inside the first's event loop is refused)."""
    return chromium


@pytest.fixture(scope="module")
def page(browser, lab):
    """One JupyterLab page for the module; every request outside the server is aborted and reported."""
    base, token, _ = lab
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked, errors = [], []

    def route(r):
        url = r.request.url
        if url.startswith((base + "/", "file:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(TIMEOUT_MS)
    started = time.monotonic()
    pg.goto(f"{base}/lab?token={token}&reset")
    pg.wait_for_function("() => window.jupyterapp"
                         " && window.jupyterapp.commands.hasCommand('docmanager:open')", timeout=TIMEOUT_MS)
    pg.evaluate("async () => { await window.jupyterapp.restored; }")
    say(f"\n  JupyterLab loaded in {time.monotonic() - started:.0f} s")
    yield pg
    pg.evaluate("async () => { const m = window.jupyterapp.serviceManager.sessions;"
                " for (const s of Array.from(m.running())) await m.shutdown(s.id); }")
    context.close()
    say(f"  requests outside 127.0.0.1 (aborted): {blocked or 'none'}; page errors: {errors or 'none'}")
    assert not blocked, f"requests outside 127.0.0.1 (aborted): {blocked}"


_CONFIG: list = []


def say(line: str) -> None:
    """Print to the terminal even under pytest's output capture (``make test-ui`` runs with -v)."""
    capman = _CONFIG[0].pluginmanager.getplugin("capturemanager") if _CONFIG else None
    if capman is None:
        print(line)
        return
    with capman.global_and_fixture_disabled():
        print(line, flush=True)


def shot(pg, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path))
    say(f"  screenshot {path.relative_to(ROOT)}")
    return path


def open_notebook(pg, name: str) -> dict:
    """Close what is open (kernels shut down), open ``name``, wait for its kernel; its dirty state."""
    pg.evaluate(JS_OPEN, name)
    pg.wait_for_function(JS_READY, timeout=TIMEOUT_MS)
    pg.evaluate(JS_SETTLE)
    return pg.evaluate(JS_DIRTY)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def explorer_cells(path: Path) -> list[int]:
    return [i for i, c in enumerate(_cells(path))
            if c["cell_type"] == "code" and EXPLORERS.search(_source(c))]


def needed_cells(path: Path) -> list[int]:
    cells = _cells(path)
    out = []
    for line in NEEDED.get(path.name, []):
        hits = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and line in _source(c)]
        assert hits, f"{path.name}: no code cell contains {line!r} (update NEEDED in {Path(__file__).name})"
        out.append(hits[0])
    return out


def stored_preview(cell: dict) -> bool:
    return any(o.get("data", {}).get(WIDGET_VIEW, {}).get("model_id") == "" for o in cell.get("outputs", []))


def output_signature(cell_loc) -> str:
    """What the explorer shows: the figure's image data inside the widget, or its text output."""
    imgs = cell_loc.locator(".widget-output img")
    if imgs.count():
        return imgs.first.get_attribute("src") or ""
    return cell_loc.locator(".widget-output").first.inner_text()


def move_control(pg, cell_loc) -> str:
    """Move the explorer's first control as a user would; returns what was done."""
    select = cell_loc.locator(".widget-dropdown select")
    if select.count():
        options = select.first.locator("option").all_inner_texts()
        current = select.first.evaluate("s => s.options[s.selectedIndex].text")
        target = next(o for o in options if o != current)
        select.first.select_option(label=target)
        return f"dropdown {current!r} -> {target!r}"
    button = cell_loc.locator("button", has_text="Generate")
    if button.count():                      # the text generator: another rng seed, then Generate
        box = cell_loc.locator(".widget-inline-hbox", has_text="rng seed").locator("input")
        box.fill("7")
        box.press("Enter")
        button.click()
        return "rng seed 0 -> 7, Generate"
    handle = cell_loc.locator(".noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    return "first slider: 3 steps right (keyboard)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_unmodified_and_its_explorers_answer(page, path):
    started = time.monotonic()
    state = open_notebook(page, path.name)
    shot(page, f"{path.stem}.open")
    modified = bool(state["model"] or state["tabs"])
    say(f"  {path.name}: opened {'modified' if modified else 'unmodified'}"
          f" (kernelspec {state['kernelspec']})")
    assert not modified, f"{path.name} is marked modified on open: {state}"
    cells = _cells(path)
    explorers = explorer_cells(path)
    report = []
    for i in explorers:
        page.evaluate(JS_SCROLL, i)
        loc = page.locator(f"#ui-cell-{i}")
        if stored_preview(cells[i]):
            # the stored view: a figure (plots) or text (the text generator), then the hint
            loc.locator(".jp-OutputArea-output", has_text="run this cell to explore").first.wait_for(
                state="visible")
            text = loc.locator(".jp-OutputArea").inner_text()
            has_figure = loc.locator(".jp-OutputArea-output img").count() > 0
            assert has_figure or len(text.split("run this cell to explore")[0].strip()) > 20, (
                f"cell {i}: the stored view (figure or text) is missing before it runs: {text[:300]!r}")
        preview = "shown" if stored_preview(cells[i]) else "not stored yet (stored output predates it)"
        shot(page, f"{path.stem}.cell{i}.before")
        report.append((i, preview))
    ran = []
    for i in explorers:
        for j in needed_cells(path):
            if j not in ran:
                result = page.evaluate(JS_RUN, j)
                assert not result["errors"], f"{path.name} cell {j} failed: {result['errors']}"
                ran.append(j)
        if path.name in STAND_INS:
            error = page.evaluate(JS_KERNEL, STAND_INS[path.name])
            assert error is None, f"{path.name}: the stand-in model failed: {error}"
            say(f"  {path.name} cell {i}: inputs from a stand-in (STAND_INS), not the notebook's cells")
        result = page.evaluate(JS_RUN, i)
        assert not result["errors"], f"{path.name} explorer cell {i} failed: {result['errors']}"
        ran.append(i)
        page.evaluate(JS_SCROLL, i)
        loc = page.locator(f"#ui-cell-{i}")
        widget = loc.locator(".jupyter-widgets.widget-vbox, .widget-interact").first
        widget.wait_for(state="visible")
        page.wait_for_function(
            "el => { const o = el.querySelector('.widget-output'); return o && (o.querySelector('img') "
            "|| o.innerText.trim().length > 0); }", arg=loc.element_handle())
        before = output_signature(loc)
        visible_imgs = loc.locator(".jp-OutputArea-output img:visible").count()
        shot(page, f"{path.stem}.cell{i}.live")
        action = move_control(page, loc)
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while output_signature(loc) == before and time.monotonic() < deadline:
            time.sleep(0.25)
        changed = output_signature(loc) != before
        page.wait_for_function(JS_READY)        # the last redraw done before the screenshot
        time.sleep(1)
        shot(page, f"{path.stem}.cell{i}.moved")
        say(f"  {path.name} cell {i}: preview before run {dict(report)[i]}; live figures shown "
              f"{visible_imgs}; {action}; output changed: {'yes' if changed else 'no'}")
        assert changed, f"{path.name} cell {i}: the output did not change after: {action}"
        assert visible_imgs <= 1, f"{path.name} cell {i}: {visible_imgs} figures shown (the preview too?)"
    say(f"  {path.name}: {len(explorers)} explorer(s), {len(ran)} cells run, "
          f"{time.monotonic() - started:.0f} s")
