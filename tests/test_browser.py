"""End to end in headless Chromium: the real app (`streamlit run app.py`) on a fresh SQLite file,
which the app fills with the bundled starter data on its first start. A filter given in the URL
changes the figures to what db.queries says for that filter, and the map draws country outlines
from the offline topojson files. (Every page visited, photographed and checked at each screen
size: tests/test_browser_layout.py.)

Chromium is Debian's (/usr/bin/chromium) driven through Playwright; no browser is downloaded.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from app_server import (
    VIEWPORT,
    WAIT_MS,
    browser_available,
    choose_option,
    running_app,
    screenshot,
    visit,
    wait_for_app,
)

from dashboard.registry import ANALYSIS_PAGES

MISSING = browser_available()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]


def _page_paths() -> dict[str, str]:
    """URL path -> page file, for every page the app serves (Streamlit's auto-discovered
    pages: the URL is the file name without .py)."""
    from dashboard.registry import PAGES

    return {page.url_path.removeprefix("/"): page.script for page in PAGES}


PAGE_PATHS = _page_paths()
EXPLORE_PAGES = [page.url_path.removeprefix("/") for page in ANALYSIS_PAGES]


@pytest.fixture(scope="module")
def database_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser") / "browser.db"


@pytest.fixture(scope="module")
def app_url(database_file, tmp_path_factory, monkeypatch_module):
    """The real app on a free port against a fresh SQLite file; the first start loads the
    bundled starter data."""
    monkeypatch_module.delenv("STRIKES_STARTER_DATA", raising=False)
    log_path = tmp_path_factory.mktemp("browser-log") / "streamlit.log"
    with running_app(f"sqlite:///{database_file}", log_path) as url:
        yield url


def exceptions(tab) -> list[str]:
    return [e.inner_text() for e in tab.query_selector_all("[data-testid='stException']")]


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


def test_filters_reset_and_follow_the_reader_between_pages(app_url, page):
    visit(page, f"{app_url}/overview?country=Iraq&start=2015-01-01")
    assert selected(page, "Country") == ["Iraq"]
    page.get_by_role("button", name="Reset filters").click()
    page.wait_for_function("() => !location.search.includes('country')", timeout=WAIT_MS)
    wait_for_app(page)
    # the sidebar shows the reset too, and the next change starts from it, not from Iraq
    assert selected(page, "Country") == [], "the sidebar still shows the filter after a reset"
    visit(page, f"{app_url}/overview?country=Syria")
    page.locator("[data-testid='stSidebar'] a", has_text="Timeline").click()
    page.wait_for_url(re.compile(r"/timeline"), timeout=WAIT_MS)
    wait_for_app(page)
    assert selected(page, "Country") == ["Syria"], "the filter was lost on the way to another page"
    assert "country=Syria" in page.url


def test_a_closed_release_opens_again_from_its_row(app_url, page):
    """A row opens its release in view (at 720 px it opened under the fold, below the list);
    closed, the same row opens it again."""
    def click_first_row() -> None:
        # the table is drawn on a canvas: its first row's tick box, under the header row
        table = page.locator("[data-testid='stDataFrame']").first.bounding_box()
        page.mouse.click(table["x"] + 18, table["y"] + 36 + 17)

    def heading_in_view() -> bool:
        heading = page.locator("[data-testid='stMain'] h2#release")
        heading.wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(1500)  # the smooth scroll
        return heading.evaluate("element => { const r = element.getBoundingClientRect(); "
                                "return r.top >= 0 && r.bottom <= window.innerHeight; }")

    visit(page, f"{app_url}/releases")
    click_first_row()
    page.wait_for_url(re.compile(r"release=\d+"), timeout=WAIT_MS)
    opened = page.url
    wait_for_app(page)
    assert heading_in_view()
    page.locator("[data-testid='stMain']").get_by_role("button", name="Close").click()
    page.wait_for_function("() => !location.search.includes('release=')", timeout=WAIT_MS)
    wait_for_app(page)
    # the row was left ticked, and a click on it only unticked it
    click_first_row()
    page.wait_for_url(re.compile(r"release=\d+"), timeout=WAIT_MS)
    assert page.url == opened
    wait_for_app(page)
    assert heading_in_view()


def test_areas_map_draws_country_outlines_offline(app_url, page):
    topojson = []

    def outline_file(response) -> None:
        if "topojson" in response.url or response.url.endswith(("_110m.json", "_50m.json")):
            topojson.append((response.url, response.status))

    page.on("response", outline_file)
    try:
        visit(page, f"{app_url}/areas")
    finally:
        page.remove_listener("response", outline_file)
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


def test_the_whole_record_is_on_the_overview_and_the_timeline(app_url, page, database_file):
    """The data against the coalition's own totals, as a reader sees them: the Overview's note
    with its source link, the Timeline's running total with a published total's source on hover."""
    # 2015-2016: the shortest published period that covers it runs to the coalition's total of 4 Jan 2017
    visit(page, f"{app_url}/overview?start=2015-01-01&end=2016-12-31")
    assert not exceptions(page), exceptions(page)
    note = page.locator("[data-testid='stAlert']", has_text="The data hold").inner_text()
    assert re.search(r"The data hold [\d,]+ of the 17,150 strikes the coalition reported from 8 Aug 2014 to 4 Jan 2017",
                     note)
    assert page.locator("[data-testid='stAlert'] a", has_text="DoD").count() == 1
    visit(page, f"{app_url}/timeline?grain=month")
    assert not exceptions(page), exceptions(page)
    # a title's lines are separate SVG text lines: no space between them in the chart's text
    chart = page.locator("[data-testid='stPlotlyChart']", has_text=re.compile(r"against the\s*coalition's own totals"))
    chart.scroll_into_view_if_needed()
    assert re.search(r"the data hold [\d,]+ \(\d+%\)", chart.inner_text())
    # a published total's point tells its source on hover
    point = chart.locator(".scatterlayer .trace").nth(1).locator(".point").last.bounding_box()
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)  # over Plotly's drag layer
    chart.locator(".hoverlayer .hovertext").wait_for(timeout=WAIT_MS)
    hover = chart.evaluate("element => element.querySelector('.hoverlayer').textContent")  # an SVG group
    assert "reported by the coalition" in hover and "CIVCAS" in hover
    screenshot(page, "timeline-running-total")


def test_a_release_title_written_as_markdown_loads_nothing_from_outside(app_url, page, database_file):
    """A release titled `![p](url)` made every visitor's browser fetch an outside image, and a
    file name `[text](url)` became a link: on the page both read as written."""
    from sample_releases import HOSTILE, HOSTILE_FILE_NAME

    from dashboard.record import WORD_JOINER
    from db.engine import make_engine, session_factory
    from db.ingest import ingest_files

    visit(page, f"{app_url}/overview")  # the app's first start has loaded its starter data
    engine = make_engine(f"sqlite:///{database_file}")
    title, text = HOSTILE
    [stored] = ingest_files(session_factory(engine), [(HOSTILE_FILE_NAME, text.encode())]).files[0].release_ids
    engine.dispose()
    asked: list[str] = []

    def ask(request) -> None:
        asked.append(request.url)

    page.on("request", ask)
    try:
        visit(page, f"{app_url}/releases?release={stored}")
        main = page.locator("[data-testid='stMain']")
        # the release opens after the list is drawn: on a busy machine the page can look settled between
        main.get_by_role("button", name="Close").wait_for(timeout=WAIT_MS)
        wait_for_app(page)
    finally:
        page.remove_listener("request", ask)
    shown = main.inner_text().replace(WORD_JOINER, "")  # the joiner that keeps an address a text
    assert title in shown and HOSTILE_FILE_NAME in shown
    outside = main.locator("img[src*='host.invalid'], a[href*='host.invalid']")
    assert outside.count() == 0, [outside.nth(n).evaluate("e => e.outerHTML") for n in range(outside.count())]
    assert not [url for url in asked if "host.invalid" in url]


FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "geojson": "GeoJSON", "parquet": "Parquet"}


def test_the_data_downloads_in_every_format(app_url, page, database_file, tmp_path):
    """From the sidebar of a filtered page: the export of the filters in force, made on the click,
    in each format the reader chooses in turn."""
    visit(page, f"{app_url}/areas?country=Syria&start=2017-06-01&end=2017-06-30")
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Download the data", exact=True).click()
    expected = headline(database_file, start=date(2017, 6, 1), end=date(2017, 6, 30), countries=("Syria",))
    for fmt, name in FORMAT_NAMES.items():
        choose_option(page, sidebar.get_by_role("combobox", name="Format"), name)
        button = sidebar.get_by_role("button", name=f"Download {fmt.upper()}")
        button.wait_for(timeout=WAIT_MS)
        with page.expect_download(timeout=WAIT_MS) as download:
            button.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name.startswith("strike-data-2017-06-01-to-2017-06-30-syria"), saved.name
        _check_export(fmt, saved.read_bytes(), expected.strikes)


def _check_export(fmt: str, data: bytes, strikes: int) -> None:
    import io
    import json
    import zipfile

    if fmt == "csv":
        import pandas as pd

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            reports = pd.read_csv(archive.open("strike_reports.csv"))
        assert set(reports["country"]) == {"Syria"} and reports["strikes"].sum() == strikes
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        assert load_workbook(io.BytesIO(data), read_only=True).sheetnames[:2] == ["README", "strike_reports"]
    elif fmt == "geojson":
        collection = json.loads(data)
        assert collection["type"] == "FeatureCollection" and collection["features"]
        assert "country: Syria" in collection["filters"]
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert "strike_reports.parquet" in archive.namelist()


def _server_pid(url: str) -> int:
    """The process of the app at this URL (running_app starts it on a port of its own)."""
    port = url.rsplit(":", 1)[1].encode()
    for entry in Path("/proc").iterdir():
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0") if entry.name.isdigit() else []
        except OSError:
            continue
        if b"streamlit" in args and port in args:
            return int(entry.name)
    raise LookupError(f"no streamlit process serves {url}")


def _chromium_under(pid: int) -> set[int]:
    """The Chromium processes the app started (its descendants)."""
    parents, names = {}, {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit():
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                names[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
    under, found = {pid}, True
    while found:
        found = {child for child, parent in parents.items() if parent in under and child not in under}
        under |= found
    return {child for child in under - {pid} if b"chrom" in names.get(child, b"")}


def _gone(pid: int) -> bool:
    """The process has ended (no longer there, or a zombie waiting to be reaped)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


DECK_VIEWS = [("2015-01-01", "2015-06-30", "Iraq", "pptx"), ("2015-07-01", "2015-12-31", "Iraq", "pdf"),
              ("2016-01-01", "2016-06-30", "Syria", "pptx"), ("2016-07-01", "2016-12-31", "Syria", "pdf"),
              ("2017-01-01", "2017-06-30", "Iraq", "pptx")]
_RECORD_DECK_ERRORS = """() => {
    window.deckErrors = [];
    new MutationObserver(() => {
        for (const error of document.querySelectorAll('[data-testid="stDownloadButtonError"]'))
            window.deckErrors.push(error.innerText);
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def test_five_decks_asked_for_at_once_all_arrive_and_the_server_stops_on_sigterm(
        browser, app_url, database_file, tmp_path):
    """Five readers click "Download briefing deck" on the Timeline at the same moment: every deck
    arrives (or its button says it failed, and a second click brings it), named for its view,
    its charts as slides with their titles and notes; no button spins for ever; then the
    server, stopped with SIGTERM while a deck is being drawn, exits and leaves no Chromium."""
    import os
    import signal

    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    from pypdf import PdfReader

    # a server of its own to stop, on the database of the module's app (app_url)
    with running_app(f"sqlite:///{database_file}", tmp_path / "streamlit.log") as url:
        server = _server_pid(url)
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        try:
            tabs, buttons, arrived = [], [], {}
            for index, (start, end, country, fmt) in enumerate(DECK_VIEWS):
                tab = context.new_page()
                visit(tab, f"{url}/timeline?country={country}&start={start}&end={end}&grain=month")
                sidebar = tab.locator("[data-testid='stSidebar']")
                sidebar.get_by_text("Briefing deck", exact=True).click()
                label = "Download briefing deck (.pptx)" if fmt == "pptx" else "Download briefing deck (PDF)"
                button = sidebar.get_by_role("button", name=label)
                button.wait_for(timeout=WAIT_MS)
                tab.evaluate(_RECORD_DECK_ERRORS)
                tab.on("download", lambda download, index=index: arrived.setdefault(index, download))
                tabs.append(tab)
                buttons.append(button)
            for button in buttons:  # all five at once: none waits for the one before
                button.click()

            def failed(index: int) -> list[str]:
                return tabs[index].evaluate("window.deckErrors")

            for _ in range(WAIT_MS // 250):  # a guard against a deck that never comes, not the verdict
                if all(index in arrived or failed(index) for index in range(len(tabs))):
                    break
                tabs[0].wait_for_timeout(250)
            waiting = [index for index in range(len(tabs)) if index not in arrived and not failed(index)]
            assert not waiting, f"decks {waiting} neither arrived nor said they failed"
            retried = [index for index in range(len(tabs)) if index not in arrived]
            for index in retried:  # a failure says so, and the button is the retry
                assert "Failed to generate file for download" in failed(index)[0]
                with tabs[index].expect_download(timeout=WAIT_MS) as download:
                    buttons[index].click()
                arrived[index] = download.value
            for index, (start, end, country, fmt) in enumerate(DECK_VIEWS):
                assert buttons[index].is_enabled()  # nothing left spinning
                saved = tmp_path / arrived[index].suggested_filename
                arrived[index].save_as(saved)
                assert saved.name == f"briefing-timeline-{start}-{end}-{country.lower()}.{fmt}"
                if fmt == "pdf":
                    assert len(PdfReader(saved).pages) == 5  # title, two charts, in words, what it rests on
                    continue
                slides = list(Presentation(str(saved)).slides)
                first = "\n".join(shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame)
                assert len(slides) == 5 and f"Filters: country: {country}" in first
                assert f"Period: {date.fromisoformat(start):%d %b %Y} – {date.fromisoformat(end):%d %b %Y}" in first
                # the strikes per month and the running total against the published totals, each
                # titled in its title placeholder; its notes open with the title, then period, filters, source
                charts = [slide for slide in slides if any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)]
                assert len(charts) == 2
                title = f"Strikes per month in {country}, {date.fromisoformat(start):%b}–{date.fromisoformat(end):%b %Y}"
                assert charts[0].shapes.title.text == title
                notes = charts[0].notes_slide.notes_text_frame.text.splitlines()
                assert notes[0] == title and f"Filters: country: {country}" in notes

            # SIGTERM while a deck is being drawn: the server exits, and shuts its Chromium
            renderers = _chromium_under(server)
            assert renderers, "the decks were drawn by no Chromium of the app's"
            buttons[0].click()
            tabs[0].wait_for_timeout(300)
            os.kill(server, signal.SIGTERM)
            for _ in range(240):  # a guard: the verdict is whether it ended, not when
                if _gone(server) and all(_gone(pid) for pid in renderers):
                    break
                tabs[0].wait_for_timeout(250)
            assert _gone(server), "the server did not stop on SIGTERM"
            assert [pid for pid in renderers if not _gone(pid)] == [], "Chromium outlived the server"
        finally:
            context.close()
