"""What a person waits for in the browser: each page opened in a new session (a new Chromium
context, as the browser tests start it), on the starter data, and a filter change in an open
page. Not a test: the numbers go to docs/BENCHMARKS.md.

    .venv/bin/python -m bench.browser            # 5 rounds, a report in Markdown on stdout
    .venv/bin/python -m bench.browser --rounds 3 --json bench/results/browser-latest.json

first paint: from the address entered to the page's title drawn (the frame, the filters and
the first figures are there); settled: every chart drawn and the run over. The first round
after the app starts also pays the app's cold caches: reported apart."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the launcher and the waits the browser tests use
from app_server import free_port, wait_for_health  # noqa: E402

from dashboard.registry import ANALYSIS_PAGES  # noqa: E402

PAGES = [page.url_path.removeprefix("/") for page in ANALYSIS_PAGES]
_CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                        .every(chart => chart.querySelector('.main-svg'))"""
_RUN_OVER = """() => { const status = document.querySelector('[data-testid="stStatusWidget"]');
                        return !status || status.offsetParent === null; }"""


def _open(browser, url: str) -> tuple[float, float]:
    """(first paint, settled) in seconds, in a new session."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector("[data-testid='stMain'] h1", timeout=120_000)
        painted = time.perf_counter() - start
        page.wait_for_function(_CHARTS_DRAWN, timeout=120_000)
        page.wait_for_function(_RUN_OVER, timeout=120_000)
        return painted, time.perf_counter() - start
    finally:
        context.close()


def _idle(page) -> float:
    """Until the page's main thread answers at once twice in a row, 0.1 s apart (charts drawn
    after the run keep it busy for a while); returns the moment it first answered at once of
    the two: the waits between the probes are the benchmark's, not the page's."""
    quick, since = 0, 0.0
    while quick < 2:
        start = time.perf_counter()
        page.evaluate("() => new Promise(resolve => requestAnimationFrame(() => resolve(1)))")
        if time.perf_counter() - start < 0.05:
            quick, since = quick + 1, since if quick else start
        else:
            quick = 0
        if quick < 2:
            time.sleep(0.1)
    return since


def _filter_change(browser, base: str, page_name: str) -> float:
    """Seconds from a country chosen in an open page (typed in the sidebar, applied as the
    field is left) to the page settled and idle again: the rerun, the new figures and their
    drawing. The page is idle before the choice, so the session's first drawing is not counted."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{base}/{page_name}", wait_until="commit")
        page.wait_for_selector("[data-testid='stMain'] h1", timeout=120_000)
        page.wait_for_function(_RUN_OVER, timeout=120_000)
        _idle(page)
        page.locator("[data-testid='stSidebar'] input[aria-label='Country']").click()
        page.keyboard.type("Iraq")
        page.keyboard.press("Enter")
        text = page.locator("[data-testid='stMain']").inner_text()
        start = time.perf_counter()
        page.locator("[data-testid='stMain'] h1").click()  # the choice applies as the field is left
        page.wait_for_function("text => document.querySelector('[data-testid=\"stMain\"]').innerText !== text",
                               arg=text, timeout=120_000)
        page.wait_for_function(_CHARTS_DRAWN, timeout=120_000)
        page.wait_for_function(_RUN_OVER, timeout=120_000)
        return _idle(page) - start
    finally:
        context.close()


def measure(rounds: int) -> dict:
    from app_server import CHROMIUM, CHROMIUM_ARGS, running_app
    from playwright.sync_api import sync_playwright

    results: dict = {"rounds": rounds, "pages": {}, "first_after_start": {}, "filter_change": {}}
    with tempfile.TemporaryDirectory() as scratch, \
            running_app(f"sqlite:///{scratch}/browser.db", Path(scratch) / "app.log") as base, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for index, name in enumerate(PAGES):  # the first start loads the starter data: reported apart
            painted, settled = _open(browser, f"{base}/{name}")
            if index == 0:
                results["first_start"] = {"page": name, "first_paint_s": painted, "settled_s": settled}
        for name in PAGES:
            painted, settled = _open(browser, f"{base}/{name}")
            results["first_after_start"][name] = {"first_paint_s": painted, "settled_s": settled}
        for name in PAGES:
            samples = [_open(browser, f"{base}/{name}") for _ in range(rounds)]
            results["pages"][name] = {
                "first_paint_s": statistics.median(painted for painted, _settled in samples),
                "settled_s": statistics.median(settled for _painted, settled in samples),
                "first_paint_max_s": max(painted for painted, _settled in samples),
            }
        for name in ("overview", "timeline", "areas"):
            results["filter_change"][name] = statistics.median(_filter_change(browser, base, name) for _ in range(rounds))
        results["floor_s"] = _floor(browser, rounds)
        results["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        browser.close()
    return results


def _floor(browser, rounds: int) -> float:
    """The first paint of an empty Streamlit page (a title, nothing else) in a new session: what
    any page of the framework costs on this machine before our own work."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "empty.py"
        script.write_text('import streamlit as st\nst.title("Empty")\n')
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_health(port, process)
            samples = [_open(browser, f"http://127.0.0.1:{port}/")[0] for _ in range(rounds + 1)]
        finally:
            process.terminate()
            process.wait(timeout=20)
    return statistics.median(samples[1:])


def as_markdown(results: dict) -> str:
    lines = [
        f"Each page opened in a new Chromium session on the starter data, median of {results['rounds']} "
        "(`python -m bench.browser`, run on "
        f"{results.get('date', 'an earlier day')}); first paint: the page's title drawn; settled: every chart drawn. "
        f"An empty Streamlit page (a title, nothing else) first paints in {results['floor_s']:.2f} s on the same "
        "machine: the framework's own start in a new session, before any work of ours."
        if "floor_s" in results else "",
        "",
        "| page | first paint | settled | slowest first paint |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {name} | {row['first_paint_s']:.2f} s | {row['settled_s']:.2f} s | {row['first_paint_max_s']:.2f} s |"
          for name, row in results["pages"].items()],
        "",
        *([f"The first page of a fresh database ({results['first_start']['page']}, the app just started; its "
           "first start loads the starter data): first paint "
           f"{results['first_start']['first_paint_s']:.2f} s, settled {results['first_start']['settled_s']:.2f} s.",
           ""] if "first_start" in results else []),
        "| a country chosen in an open page | until settled and idle |",
        "| --- | ---: |",
        *[f"| {name} | {seconds:.2f} s |" for name, seconds in results["filter_change"].items()],
        *(["", results["note"]] if results.get("note") else []),  # what a person added about the run
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = measure(args.rounds)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(as_markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
