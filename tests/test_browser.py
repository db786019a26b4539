"""End to end in headless Chromium: the real app (`streamlit run app.py`) on a fresh SQLite file,
which the app fills with the bundled starter data on its first start. Every page is visited
and photographed (test-artifacts/screenshots/<page>.png), a filter given in the URL changes
the figures to what db.queries says for that filter, and the map draws country outlines from
the offline topojson files.

Chromium is Debian's (/usr/bin/chromium) driven through Playwright; no browser is downloaded.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 720}
WAIT_MS = 120_000


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (python) is not installed in this environment"
    return None


MISSING = _missing()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]


def _page_paths() -> dict[str, str]:
    """URL path -> page file, for every page the app serves (Streamlit's auto-discovered
    pages: the URL is the file name without .py)."""
    try:
        from dashboard.frame import PAGES

        files = [entry[0] if isinstance(entry, tuple) else entry for entry in PAGES]
    except Exception:  # noqa: BLE001 - the frame is being edited: fall back to the folder
        files = sorted(f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py"))
    return {Path(file).stem: file for file in files}


PAGE_PATHS = _page_paths()
EXPLORE_PAGES = ["overview", "timeline", "areas", "targets", "releases", "data_quality"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def database_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser") / "browser.db"


@pytest.fixture(scope="module")
def app_url(database_file, tmp_path_factory):
    """The real app on a free port against a fresh SQLite file; stopped at the end."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("browser-log") / "streamlit.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database_file}", "PYTHONUNBUFFERED": "1"}
    env.pop("STRIKES_STARTER_DATA", None)  # the first start loads the bundled starter data
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"the app exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not answer on /_stcore/health:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    yield tab
    context.close()


# --- helpers ------------------------------------------------------------------------------

_SETTLED = """() => {
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    const running = status && status.offsetParent !== null && /running|connecting/i.test(status.innerText || 'running');
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


def exceptions(tab) -> list[str]:
    return [e.inner_text() for e in tab.query_selector_all("[data-testid='stException']")]


def screenshot(tab, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path))
    return path


def metrics(tab) -> dict[str, str]:
    """Label -> shown value of every st.metric on the page."""
    out = {}
    for element in tab.query_selector_all("[data-testid='stMetric']"):
        label = element.query_selector("[data-testid='stMetricLabel']")
        value = element.query_selector("[data-testid='stMetricValue']")
        if label and value:
            out[label.inner_text().strip()] = value.inner_text().strip()
    return out


def selected(tab, label: str) -> list[str]:
    """The values chosen in the sidebar multiselect with this label."""
    return tab.evaluate(
        """label => [...document.querySelectorAll('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')]
               .filter(m => m.querySelector(`input[aria-label="${label}"]`))
               .flatMap(m => [...m.querySelectorAll('[data-tag]')].map(t => t.getAttribute('aria-label')))""",
        label,
    )


def number(text: str) -> int:
    digits = re.sub(r"[,\s\u202f\u00a0]", "", text)
    assert re.fullmatch(r"-?\d+", digits), f"not a whole number: {text!r}"
    return int(digits)


def headline(database_file: Path, **filters):
    from db.engine import make_engine, session_factory
    from db.queries import Filters
    from db.queries import headline as query

    engine = make_engine(f"sqlite:///{database_file}")
    try:
        with session_factory(engine)() as session:
            return query(session, Filters(**filters))
    finally:
        engine.dispose()


# --- tests --------------------------------------------------------------------------------


def test_the_app_serves_every_page():
    assert set(PAGE_PATHS) >= set(EXPLORE_PAGES), f"pages found: {sorted(PAGE_PATHS)}"


@pytest.mark.parametrize("name", EXPLORE_PAGES)
def test_page_renders_and_is_photographed(app_url, page, name):
    visit(page, f"{app_url}/{name}")
    assert page.url.split("?")[0] == f"{app_url}/{name}", f"/{name} was sent to {page.url}"
    assert not exceptions(page), exceptions(page)
    assert page.inner_text("[data-testid='stMain'] h1").strip()
    assert "Page not found" not in page.inner_text("body")
    path = screenshot(page, name)
    assert path.stat().st_size > 10_000  # a picture of a page, not a blank frame


def test_country_in_the_url_filters_the_figures(app_url, page, database_file):
    visit(page, f"{app_url}/overview")
    assert not exceptions(page), exceptions(page)
    everything = number(metrics(page)["Strikes"])
    visit(page, f"{app_url}/overview?country=Iraq")
    assert not exceptions(page), exceptions(page)
    iraq = number(metrics(page)["Strikes"])
    assert selected(page, "Country") == ["Iraq"]
    screenshot(page, "overview-iraq")
    # the same database file, through the queries the page uses
    assert everything == headline(database_file).strikes
    assert iraq == headline(database_file, countries=("Iraq",)).strikes
    assert 0 < iraq < everything


def test_areas_map_draws_country_outlines_offline(app_url, page):
    topojson = []
    page.on("response", lambda response: topojson.append((response.url, response.status)) if "topojson" in response.url or response.url.endswith("_110m.json") or response.url.endswith("_50m.json") else None)
    visit(page, f"{app_url}/areas")
    assert not exceptions(page), exceptions(page)
    page.wait_for_selector("[data-testid='stPlotlyChart'] .geo", timeout=WAIT_MS)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .geo .countries path, "
        "[data-testid=\"stPlotlyChart\"] .geo .layer.countries path').length > 0",
        timeout=WAIT_MS,
    )
    outlines = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .geo .countries path')]
                 .map(p => (p.getAttribute('d') || '').split('M').length - 1)"""
    )
    # country borders are one path of many separate outlines (one "M" move per polyline)
    assert outlines and sum(outlines) >= 2, f"country outline paths: {outlines}"
    loaded = [(url, status) for url, status in topojson if status == 200]
    assert loaded, f"no topojson file was loaded: {topojson}"
    assert all(url.startswith(app_url) for url, _ in loaded), f"topojson from elsewhere: {loaded}"
    screenshot(page, "areas")
