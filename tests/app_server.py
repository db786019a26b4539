"""Run the real app in a subprocess and drive it with headless Chromium (Debian's package,
through Playwright; never a downloaded browser)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 720}
WAIT_MS = 120_000


def browser_available() -> str | None:
    """None when the browser tests can run, else the reason they cannot."""
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (python) is not installed in this environment"
    return None


needs_browser = pytest.mark.skipif(browser_available() is not None, reason=browser_available() or "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(port: int, process: subprocess.Popen, log_path: Path | None = None) -> None:
    """Until the Streamlit server on the port answers its health check (RuntimeError if it exits
    or stays silent for two minutes)."""
    def log() -> str:
        return log_path.read_text()[-3000:] if log_path and log_path.is_file() else ""

    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}:\n{log()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app did not answer on /_stcore/health:\n{log()}")
        time.sleep(0.5)


@contextmanager
def running_app(database_url: str, log_path: Path, **extra_env: str):
    """Start `streamlit run app.py` on a free port against the database; yield its base URL;
    stop it at the end."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **extra_env}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_for_health(port, process, log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# The app's own word that its script run ended (the attribute Streamlit's frontend keeps on its
# root): the running indicator shows only after a delay, so a page could look settled with its
# script still running on a busy machine.
_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    const running = status && status.offsetParent !== null && /running|connecting/i.test(status.innerText || 'running');
    // the charts laid out for this window's width (dashboard/assets/screen.js): a narrow one
    // runs the page a second time once the app knows it
    if (document.body.dataset.chartsFor === undefined) return false;
    const skeletons = document.querySelectorAll('[data-testid="stSkeleton"]').length;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const drawn = charts.every(c => c.querySelector('.main-svg'));
    return !running && skeletons === 0 && drawn && document.querySelector('[data-testid="stMain"] h1') !== null;
}"""


def wait_for_app(tab) -> None:
    """Wait until the script run has finished: a title on the page, no running indicator, no
    placeholders, every chart drawn, and the page text unchanged for a moment."""
    tab.wait_for_selector("[data-testid='stMain'] h1", timeout=WAIT_MS)
    tab.wait_for_function(_SETTLED, timeout=WAIT_MS)
    previous = None
    for _ in range(60):  # settle: the same text twice in a row, half a second apart
        text = tab.inner_text("[data-testid='stMain']")
        if text == previous and tab.evaluate(_SETTLED):
            break
        previous = text
        tab.wait_for_timeout(500)


def visit(tab, url: str) -> None:
    tab.goto(url, wait_until="domcontentloaded", timeout=WAIT_MS)
    wait_for_app(tab)


# every chart drawn across its box's width, for the width the app has laid the charts out for
_LAID_OUT_FOR = """expected => document.body.dataset.chartsFor === expected &&
    [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(chart => {
        const svg = chart.querySelector('.main-svg');
        return svg && Math.abs(svg.getBoundingClientRect().width - chart.getBoundingClientRect().width) <= 1;
    })"""


def resize(tab, width: int, height: int) -> None:
    """Resize the window as a reader does, and wait until the page is laid out again: its charts
    redrawn to their new width, and, across the phone width (dashboard/assets/screen.js), the page
    run again with its charts laid out for the new width."""
    from dashboard.charts import NARROW_SCREEN

    tab.set_viewport_size({"width": width, "height": height})
    expected = str(round(width / 10) * 10) if width < NARROW_SCREEN else "wide"
    tab.wait_for_function(_LAID_OUT_FOR, arg=expected, timeout=WAIT_MS)
    wait_for_app(tab)


def choose_option(tab, combobox, name: str) -> None:
    """Pick the option whose name starts with `name` in a select box, as a person does: open its
    list, type to narrow it, press Enter. A click while the box is still moving (an expander
    opening, a scroll) can miss the list, so the box is first let settle and the open retried."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    combobox.wait_for(timeout=WAIT_MS)
    previous = None
    for _ in range(20):
        box = combobox.bounding_box()
        if box == previous:
            break
        previous = box
        tab.wait_for_timeout(250)
    option = tab.get_by_role("option", name=re.compile("^" + re.escape(name)))
    for _ in range(5):
        combobox.scroll_into_view_if_needed()
        combobox.click()
        try:
            tab.get_by_role("listbox").wait_for(timeout=5_000)
        except PlaywrightTimeout:
            tab.keyboard.press("Escape")
            continue
        tab.keyboard.type(name)
        option.wait_for(timeout=WAIT_MS)
        tab.keyboard.press("Enter")
        return
    raise AssertionError(f"the list of {combobox.get_attribute('aria-label')!r} never opened")


def screenshot(tab, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path))
    return path
