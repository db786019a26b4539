"""The analyst's path in headless Chromium, on releases with their text (the sample releases of
tests/sample_releases.py, ingested before the app starts): typed dates applied with Enter, a
drill-down reopened from a shared address and reached by keyboard, a row opening its release at
its sentence, and the area comparison on a phone. Screenshots: test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from app_server import WAIT_MS, browser_available, running_app, screenshot, visit, wait_for_app
from sample_releases import DAY_ONE, DAY_TWO

MISSING = browser_available()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, monkeypatch_module):
    from db.engine import make_engine, session_factory
    from db.ingest import ingest_files
    from db.schema import upgrade

    folder = tmp_path_factory.mktemp("analyst")
    url = f"sqlite:///{folder / 'analyst.db'}"
    engine = make_engine(url)
    upgrade(engine)
    ingest_files(session_factory(engine), [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    engine.dispose()
    monkeypatch_module.setenv("STRIKES_STARTER_DATA", "none")
    with running_app(url, folder / "streamlit.log") as base:
        yield base


def _wait_for_address(tab, pattern: str) -> None:
    """Until the address matches (Streamlit changes it without loading a page)."""
    tab.wait_for_function("pattern => new RegExp(pattern).test(location.pathname + location.search)", arg=pattern,
                          timeout=WAIT_MS)
    wait_for_app(tab)


def _metric(tab, label: str) -> str:
    return tab.locator("[data-testid='stMetric']", has=tab.locator("[data-testid='stMetricLabel']", has_text=label)) \
        .first.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_enter_applies_typed_dates(app_url, page):
    visit(page, f"{app_url}/overview")
    assert _metric(page, "Strikes") == "10"
    day = page.get_by_role("spinbutton", name="day, Strike dates start date")
    day.click()
    page.keyboard.type("21")
    page.keyboard.press("Enter")  # no click elsewhere: Enter alone applies the dates
    _wait_for_address(page, r"start=2017-07-21")
    assert _metric(page, "Strikes") == "3"  # day two's Mosul strikes only
    screenshot(page, "analyst-enter-applies-dates")


def test_a_period_typed_in_one_go_fills_the_start_and_then_the_end(app_url, page):
    """Typed from the start's year, "2017072020170720" is 20 July to 20 July: the end date's
    digits went into the start's day (giving 20 July to the data's last day, 21 July)."""
    visit(page, f"{app_url}/overview")
    page.get_by_role("spinbutton", name="year, Strike dates start date").click()
    page.keyboard.type("2017072020170720")
    page.keyboard.press("Enter")
    _wait_for_address(page, r"end=2017-07-20")  # the start is the data's first day: left out of the URL
    assert _metric(page, "Strikes") == "7"  # day one's strikes only


def test_a_shared_address_reopens_the_drill_down(app_url, page):
    visit(page, f"{app_url}/timeline?grain=day&bar=2017-07-21")
    main = page.locator("[data-testid='stMain']")
    assert "Strike reports from 21 Jul 2017 to 21 Jul 2017" in main.inner_text()
    assert "1 strike reports, 3 strikes" in main.inner_text()


_FOCUSED = """() => { const a = document.activeElement, r = a.getBoundingClientRect();
    return {text: (a.innerText || '').trim(), label: a.getAttribute('aria-label'), onScreen: r.left >= 0 && r.width > 0,
            inTable: a.closest('[data-testid="stDataFrame"]') !== null}; }"""


def test_the_drill_down_without_a_mouse(app_url, page):
    """From the page's first Tab: a skip link, shown, to the section behind the numbers (the
    periods list was 28 tabs away, past the sidebar and the chart's controls); a period chosen
    by typing; the table reached with a visible ring round it, and a row opened with Enter
    (the table's own key was Shift+Space)."""
    visit(page, f"{app_url}/timeline?grain=day")
    page.keyboard.press("Tab")
    first = page.evaluate(_FOCUSED)
    assert first["text"] == "Skip to Behind the numbers" and first["onScreen"], first
    page.keyboard.press("Enter")
    assert page.evaluate(_FOCUSED)["label"] == "Period to list"
    page.keyboard.type("20 Jul")
    page.keyboard.press("Enter")
    _wait_for_address(page, r"bar=2017-07-20")
    assert "Strike reports from 20 Jul 2017 to 20 Jul 2017" in page.locator("[data-testid='stMain']").inner_text()
    for _ in range(8):  # the table's own toolbar, then its cells
        page.keyboard.press("Tab")
        if page.evaluate(_FOCUSED)["inTable"] and page.evaluate("() => document.activeElement.tagName") == "CANVAS":
            break
    table = page.locator("[data-testid='stDataFrame']").last
    assert table.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    page.keyboard.press("ArrowDown")
    screenshot(page, "analyst-row-focused-by-keyboard")
    page.keyboard.press("Enter")
    _wait_for_address(page, r"/releases\?(?=.*release=\d+)(?=.*report=\d+)")
    assert page.locator("mark[data-focus]").count() == 1


def test_a_row_opens_its_release_at_its_sentence(app_url, page):
    visit(page, f"{app_url}/timeline?grain=day&bar=2017-07-21")
    table = page.locator("[data-testid='stDataFrame']").last
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 36 + 42)  # the first row's tick box, under the header
    _wait_for_address(page, r"/releases\?(?=.*release=\d+)(?=.*report=\d+)")
    focused = page.locator("mark[data-focus]")
    assert focused.count() == 1
    assert focused.inner_text().startswith("-- Near Mosul, three strikes") or "Near Mosul, three strikes" in focused.inner_text()
    page.wait_for_timeout(1500)  # the smooth scroll
    assert focused.evaluate("element => { const r = element.getBoundingClientRect(); "
                            "return r.top >= 0 && r.bottom <= window.innerHeight; }")
    assert page.locator("mark:not([data-focus])").count() >= 1  # the other sentences marked as before
    screenshot(page, "analyst-release-at-its-sentence")


def test_the_area_comparison_on_a_phone(app_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    try:
        visit(tab, f"{app_url}/areas?cmp_a=province:Nineveh&cmp_b=province:Ar-Raqqah")
        section = tab.locator("[data-testid='stMain']").inner_text()
        compare = section[section.index("Compare two areas"):]
        # each area's figures under its own name, one after the other
        a, b = compare.index("A: Nineveh (province)"), compare.index("B: Ar-Raqqah (province)")
        assert a < compare.index("Strikes", a) < b < compare.index("Strikes", b) < compare.index("Difference, A − B")
        heading = tab.get_by_text("B: Ar-Raqqah (province)")
        heading.scroll_into_view_if_needed()
        path = screenshot(tab, "analyst-compare-phone")
        assert path.stat().st_size > 10_000
    finally:
        context.close()


def test_the_filters_in_force_head_the_page_at_slide_and_phone_size(app_url, page):
    """A filtered view at 1280x720 and on a 390x844 phone names its filters above the content
    (the frame draws them on every page; each page at each size: tests/test_browser_layout.py)."""
    for width, height in ((1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        visit(page, f"{app_url}/overview?country=Iraq")
        assert page.locator("[data-testid='stMain']").get_by_text("Iraq ✕").count() == 1
        screenshot(page, f"analyst-overview-{width}")
