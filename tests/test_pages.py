"""Every page through the real entry point (app.py and st.navigation) with Streamlit's AppTest:
it renders on an empty database and on the bundled starter data, a filter changes the
figures, and a URL's query parameters restore the view.

Expected figures are counted by hand from tests/sample_releases.py:
DAY_ONE (strikes on 20 July 2017): Syria 5 (Raqqa 4 + Abu Kamal 1), Iraq 2 (Mosul): 7.
DAY_TWO (strikes on 21 July 2017): Iraq 3 (Mosul).
All: 7 + 3 = 10; Iraq: 2 + 3 = 5; Syria: 4 + 1 = 5.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import streamlit as st
from conftest import as_read, live_markdown
from sample_releases import AGGREGATE, DAY_ONE, DAY_TWO, HOSTILE, HOSTILE_FILE_NAME
from streamlit.testing.v1 import AppTest

from dashboard.registry import ANALYSIS_PAGES as REGISTERED_ANALYSIS_PAGES
from db import queries
from db.queries import Filters
from loaders.web_addresses import is_clean_web_address

D20, D21 = date(2017, 7, 20), date(2017, 7, 21)

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
TIMEOUT = 120


def _page_files() -> list[str]:
    """The page files the app routes to: the registry (dashboard.registry), which the sidebar
    and the benchmark read too. Never the folder's listing: a registry that cannot be imported
    fails the suite."""
    from dashboard.registry import PAGES

    return [page.script for page in PAGES]


PAGE_FILES = _page_files()


def test_the_router_lists_every_page():
    """Every page script is in the registry and every registered page is a script: a page
    left out would have no sidebar link, no benchmark and no test."""
    assert set(PAGE_FILES) >= {
        "pages/overview.py", "pages/timeline.py", "pages/areas.py", "pages/targets.py",
        "pages/releases.py", "pages/data_quality.py", "pages/upload.py",
    }
    assert sorted(PAGE_FILES) == sorted(f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py"))


def _reset_caches() -> None:
    from db.engine import default_engine

    if default_engine.cache_info().currsize:
        default_engine().dispose()
    default_engine.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def use_database(monkeypatch):
    """Point the app at a database URL before it runs; fresh engine and caches."""

    def use(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
        _reset_caches()

    yield use
    _reset_caches()


@pytest.fixture
def no_starter_data(monkeypatch, tmp_path):
    """The app's first start finds no starter data, so an empty database stays empty
    (STRIKES_STARTER_DATA=none; the module constant too, for the older seam)."""
    import db.starter

    monkeypatch.setenv("STRIKES_STARTER_DATA", "none")
    monkeypatch.setattr(db.starter, "STARTER_DATA_PATH", tmp_path / "no-starter-data.json.gz", raising=False)


@pytest.fixture(scope="module")
def starter_url(tmp_path_factory):
    """A SQLite file holding the bundled starter data (loaded once for the module)."""
    from db.engine import make_engine, session_factory
    from db.schema import upgrade
    from db.settings import STARTER_DATA_PATH
    from db.starter import load_starter_data

    if not STARTER_DATA_PATH.is_file():
        pytest.fail(f"the bundled starter data is missing: {STARTER_DATA_PATH}")
    url = f"sqlite:///{tmp_path_factory.mktemp('starter') / 'starter.db'}"
    engine = make_engine(url)
    upgrade(engine)
    assert load_starter_data(session_factory(engine), STARTER_DATA_PATH) > 0
    engine.dispose()
    return url


@pytest.fixture
def two_days(factory, database_url):
    """DAY_ONE and DAY_TWO ingested (SQLite and PostgreSQL); returns the database URL."""
    from db.ingest import ingest_files

    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    return database_url


def open_page(page: str, **params: str) -> AppTest:
    """Open the page the way a URL does: from the entry point, straight to the page's
    script, with the given query parameters."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    return at


def _errors(at: AppTest) -> str:
    """The exceptions the page showed: message and the innermost project frames."""
    out = []
    for e in at.exception:
        frames = [line for line in (getattr(e, "stack_trace", None) or []) if "/site-packages/" not in line]
        out.append(str(getattr(e, "value", e)) + "\n" + "".join(frames[-6:]))
    return "\n".join(out)


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"expected one metric {label!r}, found {[m.label for m in at.metric]}"
    return values[0]


# --- (a) every page renders ------------------------------------------------------------


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_renders_on_an_empty_database(page, database_url, use_database, no_starter_data):
    use_database(database_url)
    at = open_page(page)
    assert not at.exception, _errors(at)
    assert at.title, "the page draws no title"


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_renders_on_the_starter_data(page, starter_url, use_database):
    use_database(starter_url)
    at = open_page(page)
    assert not at.exception, _errors(at)
    assert at.title, "the page draws no title"


def test_first_start_loads_the_starter_data(tmp_path, use_database, monkeypatch):
    """On an empty database the app loads data/starter.json.gz, then shows its figures."""
    from db.engine import make_engine, session_factory
    from db.queries import headline

    monkeypatch.delenv("STRIKES_STARTER_DATA", raising=False)
    url = f"sqlite:///{tmp_path / 'first-start.db'}"
    use_database(url)
    at = open_page("pages/overview.py")
    assert not at.exception, _errors(at)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            expected = headline(session, Filters())
    finally:
        engine.dispose()
    assert expected.releases > 0
    assert metric(at, "Strikes") == f"{expected.strikes:,}"
    assert metric(at, "Releases") == f"{expected.releases:,}"
    # the starter data keep facts, not sentences: the reports table leaves out what none has
    at.switch_page("pages/timeline.py").run()
    assert not at.exception, _errors(at)
    reports = _table(at, "location_raw").value
    assert len(reports) and "sentence" not in reports.columns
    assert reports["location_raw"].notna().any()


def test_empty_database_overview_reads_zero(database_url, use_database, no_starter_data):
    use_database(database_url)
    at = open_page("pages/overview.py")
    assert not at.exception, _errors(at)
    assert metric(at, "Strikes") == "0"
    assert metric(at, "Days with counts") == "0"
    assert "Strike days from" not in _captions(at)
    assert not [box for box in at.info if "The data hold" in box.value]  # no total to hold up against


# --- (b) a filter changes the figures ------------------------------------------------------


def test_overview_country_filter_changes_the_figures(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py")
    assert not at.exception, _errors(at)
    assert metric(at, "Strikes") == "10"  # 7 + 3
    assert metric(at, "Releases") == "2"
    assert metric(at, "Places") == "3"  # Raqqa, Abu Kamal, Mosul
    country = at.multiselect(key="filter_country")
    assert country.options == ["Iraq", "Syria"]
    country.select("Iraq").run()
    assert not at.exception, _errors(at)
    assert metric(at, "Strikes") == "5"  # Mosul 2 + Mosul 3
    assert metric(at, "Places") == "1"
    assert at.query_params["country"] in ("Iraq", ["Iraq"])  # the filter went to the URL
    at.multiselect(key="filter_country").select("Syria").run()
    assert metric(at, "Strikes") == "10"  # Iraq and Syria: 5 + 5
    at.multiselect(key="filter_country").unselect("Iraq").run()
    assert metric(at, "Strikes") == "5"  # Syria: 4 + 1


def test_overview_target_category_filter(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py")
    at.multiselect(key="filter_category").select("vehicles").run()
    assert not at.exception, _errors(at)
    assert metric(at, "Strikes") == "3"  # only day two's Mosul line hit vehicles


def test_overview_reset_filters(two_days, use_database):
    use_database(two_days)
    unfiltered_dates = open_page("pages/overview.py").date_input(key="filter_dates").value
    at = open_page("pages/overview.py", country="Iraq", start="2017-07-21")
    assert metric(at, "Strikes") == "3"  # Mosul on the 21st
    at.button(key="filter_reset").click().run()
    assert not at.exception, _errors(at)
    assert metric(at, "Strikes") == "10"
    assert "country" not in at.query_params and "start" not in at.query_params
    # new widgets show the reset values (the browser would keep showing an old widget's values)
    assert [m.value for m in at.multiselect if m.label == "Country"] == [[]]
    assert [d.value for d in at.date_input if d.label == "Strike dates"] == [unfiltered_dates]
    [country] = [m for m in at.multiselect if m.label == "Country"]
    assert country.key != "filter_country"
    country.select("Syria").run()
    assert metric(at, "Strikes") == "5"
    assert dict(at.query_params) in ({"country": "Syria"}, {"country": ["Syria"]})


def test_filters_follow_the_reader_to_another_page(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py", country="Iraq")
    # a sidebar link opens the next page without the URL's parameters
    for key in list(at.query_params):
        del at.query_params[key]
    at.switch_page("pages/timeline.py").run()
    assert not at.exception, _errors(at)
    assert at.multiselect(key="filter_country").value == ["Iraq"]
    assert at.query_params["country"] in ("Iraq", ["Iraq"])
    # a link that names its own filters keeps them
    at.query_params["country"] = "Syria"
    at.switch_page("pages/overview.py").run()
    assert at.multiselect(key="filter_country").value == ["Syria"]
    assert metric(at, "Strikes") == "5"


# --- (c) a URL restores the view -----------------------------------------------------------


def test_url_restores_the_country_filter(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py", country="Syria")
    assert not at.exception, _errors(at)
    assert at.multiselect(key="filter_country").value == ["Syria"]
    assert metric(at, "Strikes") == "5"  # DAY_ONE: Raqqa 4 + Abu Kamal 1


def test_url_restores_the_dates(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py", start="2017-07-21", end="2017-07-22")
    assert not at.exception, _errors(at)
    assert at.date_input(key="filter_dates").value == (date(2017, 7, 21), date(2017, 7, 22))
    assert metric(at, "Strikes") == "3"  # only DAY_TWO's Mosul line fell on 21-22 July
    # the previous two days, 19-20 July, had DAY_ONE's 7 strikes: 3 - 7 = -4
    assert _delta(at, "Strikes").startswith("-4 vs previous 2 days")


def test_a_period_ending_on_the_last_data_day_is_compared(two_days, use_database):
    """A chosen start and end date give a comparison with the previous period, also when the
    end date happens to be the last day in the data."""
    use_database(two_days)
    at = open_page("pages/overview.py", start="2017-07-21", end="2017-07-21")
    assert not at.exception, _errors(at)
    assert metric(at, "Strikes") == "3"  # DAY_TWO's Mosul line, on the 21st
    assert at.date_input(key="filter_dates").value == (date(2017, 7, 21), date(2017, 7, 21))
    # the 20th had DAY_ONE's 7 strikes: 3 - 7 = -4
    assert _delta(at, "Strikes").startswith("-4 vs previous 1 day"), (
        f"no comparison with the previous day; URL now {dict(at.query_params)}"
    )


def _delta(at: AppTest, label: str) -> str:
    return [m.delta for m in at.metric if m.label == label][0] or ""


def _captions(at: AppTest) -> str:
    return "\n".join(as_read(caption.value) for caption in at.caption)


def test_no_change_against_days_before_the_data(two_days, use_database):
    """The day before the first day in the data has no data: the figures show no change from it."""
    use_database(two_days)
    at = open_page("pages/overview.py", start="2017-07-20", end="2017-07-20")
    assert not at.exception, _errors(at)
    assert metric(at, "Strikes") == "7"  # DAY_ONE
    assert _delta(at, "Strikes") == ""  # not "+7 vs previous 1 days"
    assert "There are no data before 20 Jul 2017 to compare with" in _captions(at)


def test_a_previous_period_partly_before_the_data_is_compared_and_said(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py", start="2017-07-21", end="2017-07-22")
    assert not at.exception, _errors(at)
    assert _delta(at, "Strikes").startswith("-4 vs previous 2 days")  # 19-20 July: DAY_ONE's 7
    assert "start before the data do, on 20 Jul 2017" in _captions(at)


def test_untitled_starter_releases_are_named_from_their_source(starter_url, use_database):
    use_database(starter_url)
    at = open_page("pages/releases.py")
    assert not at.exception, _errors(at)
    releases = at.dataframe[0].value
    assert not releases["title"].eq("(no title)").any()
    # a web page by its site, a day of the CENTCOM archive by the archive's name, each with its
    # publication day
    for title, link, published in zip(releases["title"], releases["source"], releases["published"], strict=True):
        day = f"{published:%Y-%m-%d}"
        if isinstance(link, str):
            assert title == f"{link.split('/')[2].removeprefix('www.')}, {day}"
        else:
            assert title.endswith(f", {day}")
    assert releases["title"].str.startswith("CENTCOM release lines, ").sum() > 100


def test_url_restores_the_timeline_controls(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/timeline.py", grain="month", split="none")
    assert not at.exception, _errors(at)
    assert at.segmented_control(key="timeline_grain").value == "month"
    assert at.selectbox(key="timeline_split").value == "none"
    assert at.query_params["grain"] in ("month", ["month"])
    assert at.query_params["split"] in ("none", ["none"])


def test_timeline_controls_go_to_the_url(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/timeline.py", country="Iraq")
    assert at.multiselect(key="filter_country").value == ["Iraq"]
    at.segmented_control(key="timeline_grain").set_value("day").run()
    at.selectbox(key="timeline_split").set_value("place").run()
    assert not at.exception, _errors(at)
    assert at.query_params["grain"] in ("day", ["day"])
    assert at.query_params["split"] in ("place", ["place"])
    reports = at.dataframe[0].value
    # Iraq: Mosul on the 20th, the engagements Iraq states that day (no line gives them), the same on the 21st
    assert list(reports["strikes"]) == [2, 0, 3, 0]
    assert list(reports["place"]) == ["Mosul", "(not itemised)", "Mosul", "(not itemised)"]


def test_the_timeline_marks_the_campaigns_milestones_and_can_leave_them_out(starter_url, use_database):
    use_database(starter_url)
    at = open_page("pages/timeline.py", start="2017-06-01", end="2017-12-31")
    assert not at.exception, _errors(at)
    labels = [note["text"] for note in _figures(at)[0]["layout"]["annotations"]]
    assert {"Mosul retaken", "Raqqa retaken", "Al Qaim and Deir ez-Zor"} <= set(labels)
    assert "Operation Roundup" not in labels  # May 2018: outside the dates
    listed = [caption.value for caption in at.caption if caption.value.startswith("Milestones: ")]
    assert len(listed) == 1 and "(<https://en.wikipedia.org/wiki/Battle_of_Raqqa_(2017)>)" in listed[0]
    at.toggle(key="timeline_milestones").set_value(False).run()
    assert at.query_params["milestones"] in ("0", ["0"])
    labels = [note["text"] for note in _figures(at)[0]["layout"]["annotations"]]
    assert "Mosul retaken" not in labels and not any(c.value.startswith("Milestones: ") for c in at.caption)
    at = open_page("pages/timeline.py", start="2017-06-01", end="2017-12-31", milestones="0", strip="0")
    assert at.toggle(key="timeline_milestones").value is False
    # the release strip left out for a slide: a chart of the bars alone
    assert at.toggle(key="timeline_strip").value is False
    assert "yaxis2" not in _figures(at)[0]["layout"]


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/areas.py", "pages/data_quality.py"])
def test_an_analysis_page_offers_its_data_and_its_deck(two_days, use_database, monkeypatch, page):
    use_database(two_days)
    at = open_page(page)
    assert not at.exception, _errors(at)
    assert {"Download the data", "Briefing deck"} <= {expander.label for expander in at.sidebar.expander}
    import dashboard.briefing

    # a machine without Chromium: what to install, in place of the deck's buttons
    monkeypatch.setattr(dashboard.briefing.shutil, "which", lambda name: None)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    at = open_page(page)
    assert any("apt-get install -y chromium" in caption.value for caption in at.sidebar.caption)


def test_an_excel_export_that_takes_long_says_so_before_the_click(two_days, use_database, monkeypatch):
    import io

    import db.open_data
    from db.engine import make_engine, session_factory
    from db.open_data import export

    use_database(two_days)
    at = open_page("pages/overview.py")
    at.selectbox(key="open_data_format").set_value("xlsx").run()
    assert not at.sidebar.warning  # two releases: a workbook made at once
    monkeypatch.setattr(db.open_data, "XLSX_CELLS_PER_SECOND", 1)  # as if each cell took a second
    at.selectbox(key="open_data_format").set_value("csv").run()
    at.selectbox(key="open_data_format").set_value("xlsx").run()
    [warning] = at.sidebar.warning
    with session_factory(make_engine(two_days))() as session:
        written = export(session, "xlsx", Filters(), io.BytesIO())
    assert warning.value.startswith(f"This workbook holds {sum(written.values())} rows (")
    assert "CSV or Parquet hold the same rows" in warning.value
    at.selectbox(key="open_data_format").set_value("parquet").run()
    assert not at.sidebar.warning


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def test_the_timeline_draws_a_summary_across_the_days_it_covers(starter_url, use_database):
    # the 2019 fragment's 588 strikes cover 30 Dec 2018 - 13 Jan 2019 without a day of their own:
    # once one bar on 14 Jan 2019 that flattened every other day's, now a band across those days
    # at their average, its total on hover
    use_database(starter_url)
    for grain in ("day", "week"):
        at = open_page("pages/timeline.py", grain=grain, split="country")
        assert not at.exception, _errors(at)
        figure = _figures(at)[0]  # the bars (the running total follows)
        bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
        assert max(max(value or 0 for value in _values(trace["y"])) for trace in bars) < 588 / 2
        bands = [trace["hovertemplate"] for trace in figure["data"] if trace.get("name", "").endswith("over a span")]
        stated = [int(n.replace(",", "")) for band in bands
                  for n in re.findall(r": ([\d,]+) strikes over 30 Dec 2018 – 13 Jan 2019", band)]
        assert sum(stated) == 588, bands
        assert "stated over spans of days" in figure["layout"]["title"]["text"]
        assert "runs off the axis" not in figure["layout"]["title"]["text"]


def test_overlapping_categories_are_never_stacked(starter_url, use_database):
    # a report that hit vehicles and buildings counts in both: stacked, Jan 2019 read 4,077 strikes
    use_database(starter_url)
    at = open_page("pages/timeline.py", grain="month", split="category", stacked="1")
    assert not at.exception, _errors(at)
    layout = _figures(at)[0]["layout"]  # the bars (the running total follows)
    assert layout["barmode"] == "group"
    assert "a report counts in each category it hit" in layout["title"]["text"]
    assert at.toggle(key="timeline_stacked_categories").disabled
    # by country the reader's own choice holds again
    at = open_page("pages/timeline.py", grain="month", split="country", stacked="1")
    layout = _figures(at)[0]["layout"]  # the bars (the running total follows)
    assert layout["barmode"] == "stack"


# --- data quality: each chart and table names the filters its query applies ------------------


def _table(at: AppTest, *columns: str):
    """The one table on the page that has these columns."""
    [table] = [table for table in at.dataframe if set(columns) <= set(table.value.columns)]
    return table


def _link_columns(table) -> dict[str, list[str]]:
    """The table's columns shown as links, with their values."""
    config = json.loads(table.proto.columns or "{}")
    return {name: list(table.value[name].dropna()) for name, column in config.items()
            if column.get("type_config", {}).get("type") == "link" and name in table.value.columns}


def _only_web_and_release_links(table) -> None:
    """A link opens a web page or a release on the Releases page: never a file name, which the
    browser would take for a page of the app."""
    for name, links in _link_columns(table).items():
        for link in links:
            assert is_clean_web_address(link) or link.startswith("releases?release="), (name, link)


def test_data_quality_names_only_the_filters_each_query_applies(two_days, factory, use_database):
    from db.ingest import ingest_files

    ingest_files(factory, [("aggregate.txt", AGGREGATE.encode())])  # Syria, no stated day
    use_database(two_days)
    at = open_page("pages/data_quality.py", country="Syria")
    assert not at.exception, _errors(at)
    # the diagnostics per release apply the dates only: their charts claim no country
    titles = [figure["layout"]["title"]["text"] for figure in _figures(at)]
    assert len(titles) == 2
    for title in titles:
        assert "Syria" not in title and "all countries, places and targets" in title, title
    captions = _captions(at)
    assert "the country, place and target filters do not apply" in captions
    # the places, target phrases and strikes without a day do apply the filters, and say which
    assert captions.count("The filters apply: country: Syria") == 2
    assert "The filters apply (country: Syria)" in captions
    undated = _table(at, "counted_on")
    assert list(undated.value["strikes"]) == [575]
    _only_web_and_release_links(undated)
    assert list(undated.value["source"]) == ["aggregate.txt"]  # plain text


# --- the release behind a row: a link under its name; sources linked only when on the web -----


def test_drill_down_rows_open_their_release(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/timeline.py")
    assert not at.exception, _errors(at)
    reports = _table(at, "sentence")
    _only_web_and_release_links(reports)
    columns = list(reports.value.columns)
    assert "release" in columns and columns.index("release") < columns.index("sentence")
    release_text = json.loads(reports.proto.columns)["release"]["type_config"]["display_text"]
    shown = [unquote(re.search(release_text, link).group(1)) for link in reports.value["release"]]
    # the samples' own title, as the release list says: 3 lines and 2 countries' stated engagements
    # of day one, a line and a country's of day two
    assert shown == ["Strikes continue against ISIS"] * 7
    # each link opens its release at the row's sentence (report)
    opened = [parse_qs(urlsplit(link).query) for link in reports.value["release"]]
    first, second = sorted({query["release"][0] for query in opened})
    assert [query["release"][0] for query in opened] == [first] * 5 + [second] * 2
    assert all(query["report"][0].isdigit() for query in opened)
    assert list(reports.value["source"]) == ["day1.txt"] * 5 + ["day2.txt"] * 2  # plain text, not links


def test_starter_drill_down_links_only_web_pages(starter_url, use_database):
    use_database(starter_url)
    at = open_page("pages/timeline.py")
    assert not at.exception, _errors(at)
    reports = _table(at, "release")
    links = _link_columns(reports)
    assert links["web_page"] and all(is_clean_web_address(link) for link in links["web_page"])
    _only_web_and_release_links(reports)
    assert not reports.value["source"].dropna().map(is_clean_web_address).any()


def test_an_opened_release_is_headed_by_its_name_in_the_list(starter_url, use_database):
    use_database(starter_url)
    at = open_page("pages/releases.py")
    releases = at.dataframe[0].value
    untitled_web_page = releases[releases["source"].notna()].iloc[0]  # the list links web pages only
    at = open_page("pages/releases.py", release=str(int(untitled_web_page["id"])))
    assert not at.exception, _errors(at)
    assert as_read(at.header[0].value) == untitled_web_page["title"]  # e.g. "iraq-businessnews.com, 2017-09-17"


def test_an_opened_release_says_when_it_states_no_day(starter_url, use_database):
    # the 2019 summary names no day: its strikes are counted across the days its index gives
    use_database(starter_url)
    at = open_page("pages/releases.py", q="southfront")
    [fragment_id] = at.dataframe[0].value["id"]
    at = open_page("pages/releases.py", release=str(int(fragment_id)))
    assert not at.exception, _errors(at)
    facts = " ".join(markdown.value for markdown in at.markdown)
    assert ("30 Dec – 13 Jan 2019 (no day stated for its 2 strike reports: counted across these days, none on one "
            "day)") in facts
    reports = [frame.value for frame in at.dataframe if "day" in frame.value.columns][0]
    assert list(reports["day"]) == ["not stated", "not stated"]
    assert {str(day) for day in reports["date"]} == {"2018-12-30"}
    assert {str(day) for day in reports["until"]} == {"2019-01-13"}


def test_the_map_caption_accounts_for_every_strike_off_the_map(starter_url, use_database):
    # the 2019 summary's 588 strikes name no place: they were missing from the caption's count
    use_database(starter_url)
    at = open_page("pages/areas.py")
    assert not at.exception, _errors(at)
    [caption] = [c.value for c in at.caption if "strikes in view are at a place with coordinates" in c.value]
    mapped, total = (int(n.replace(",", "")) for n in re.match(r"([\d,]+) of ([\d,]+) strikes", caption).groups())
    off_the_map = [int(n.replace(",", "")) for n in re.findall(r"; ([\d,]+) (?:at |stated by their release)", caption)]
    assert len(off_the_map) == 3 and mapped + sum(off_the_map) == total
    assert re.search(r"; [\d,]+ at no place the gazetteer knows", caption)
    assert re.search(r"; [\d,]+ stated by their release but not itemised by place", caption)


def test_strikes_under_a_target_filter_say_what_they_count(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py", category="vehicles")
    assert not at.exception, _errors(at)
    [strikes] = [m for m in at.metric if m.label == "Strikes"]
    assert "reports that name such a target" in strikes.proto.help
    [strikes] = [m for m in open_page("pages/overview.py").metric if m.label == "Strikes"]
    assert "reports that name such a target" not in strikes.proto.help


def test_dates_given_the_wrong_way_round_bound_the_same_period(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py", start="2017-07-21", end="2017-07-20")
    assert not at.exception, _errors(at)
    assert metric(at, "Strikes") == "10"  # both days
    assert "to compare with the previous 2 days" in _captions(at)  # 18-19 July, before the data


def test_engagements_before_they_were_reported_are_not_a_zero(starter_url, use_database):
    use_database(starter_url)
    at = open_page("pages/overview.py", start="2015-03-01", end="2015-03-31")
    assert not at.exception, _errors(at)
    assert metric(at, "Engagements") == "not reported"
    assert metric(open_page("pages/overview.py", start="2017-06-01", end="2017-06-30"), "Engagements") != "not reported"


# --- the whole record: the data against the coalition's own totals --------------------------


def _values(array) -> list:
    """A figure's numbers as Plotly's JSON holds them: a list, or typed binary data."""
    if isinstance(array, dict) and "bdata" in array:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _starter_session(starter_url):
    from db.engine import make_engine, session_factory

    return session_factory(make_engine(starter_url))()


def test_the_overview_says_what_the_data_hold_of_the_published_record(starter_url, use_database):
    from db.queries import covering_total

    use_database(starter_url)
    at = open_page("pages/overview.py")
    assert not at.exception, _errors(at)
    [note] = [box.value for box in at.info if "The data hold" in box.value]
    with _starter_session(starter_url) as session:
        bounds = queries.filter_options(session)["bounds"]
        reference = covering_total(session, *bounds)
        whole = queries.headline(session, Filters())
    # the shortest published period that covers the data's days, with its source
    assert (reference.published, reference.as_of.isoformat()) == (34_464, "2019-03-31")
    assert (f"The data hold {reference.held:,} of the 34,464 strikes the coalition reported from 8 Aug 2014 to "
            "31 Mar 2019") in note
    assert f"({reference.share:.0%})" in note and "the shortest period the coalition published a total for" in note
    assert "Wikipedia" in note  # its source, as plain text: it has no web address
    assert reference.held == whole.strikes  # the period holds every day of the data
    assert f"{whole.unitemised:,} of the {whole.strikes:,} strikes" in _captions(at)
    assert metric(at, "Days with counts") and metric(at, "Days in a summary only") == "14"  # the narratives' two weeks before the 2019 span


@pytest.mark.parametrize("params", [
    {"country": "Iraq", "start": "2015-01-01", "end": "2015-12-31"},
    {"country": "Syria", "start": "2016-07-01", "end": "2016-09-30"},
    {"start": "2019-01-01", "end": "2019-03-31"},
])
def test_the_overview_names_a_source_without_a_web_address(starter_url, use_database, params):
    """A published total without a URL arrived as NaN and the Overview showed a traceback for
    27 of the 78 preset and country views of the starter data: its source is plain text."""
    use_database(starter_url)
    at = open_page("pages/overview.py", **params)
    assert not at.exception, _errors(at)
    [note] = [box.value for box in at.info if "The data hold" in box.value]
    assert "Source: " in note and "nan" not in note


def test_the_timeline_adds_up_the_data_against_the_published_totals(starter_url, use_database):
    use_database(starter_url)
    at = open_page("pages/timeline.py", grain="month", split="country")
    assert not at.exception, _errors(at)
    bars, running = _figures(at)
    names = [trace.get("name") for trace in bars["data"]]
    assert "Syria: not itemised" in names  # the hatched part of Syria's bars
    hatched = next(trace for trace in bars["data"] if trace.get("name") == "Syria: not itemised")
    assert hatched["marker"]["pattern"]["shape"] == "/"
    assert {"days a release gives counts for", "days only a summary without counts covers"} <= set(names)
    [held, published] = running["data"]
    assert held["name"] == "strikes in the data" and published["name"] == "reported by the coalition"
    assert max(_values(published["y"])) == 34_763  # to 31 Dec 2019, the latest the coalition published
    with _starter_session(starter_url) as session:
        whole = queries.headline(session, Filters()).strikes  # every span ends by 31 Dec 2019
    assert f"the data hold {whole:,} ({whole / 34_763:.0%})" in running["layout"]["annotations"][0]["text"]
    shorter = _table(at, "published", "in the data").value
    assert (shorter["published"] >= 0).all() and len(shorter) == 8


def _subtitle(figure: dict) -> str:
    """A chart's subtitle as it reads, its lines joined."""
    return " ".join(re.findall(r"<span style='font-size:13px;color:#52606D'>(.*?)</span>",
                                 figure["layout"]["title"]["text"]))


def test_the_running_totals_csv_says_the_filters_its_rows_obey(starter_url, use_database, monkeypatch):
    # the coalition published totals by country only: the running total follows the country
    # alone, and its CSV's header must not claim the place filter in force
    import dashboard.frame

    written = []
    real = dashboard.frame.csv_bytes
    monkeypatch.setattr(dashboard.frame, "csv_bytes",
                        lambda table, about=None: written.append((table, about)) or real(table, about))
    use_database(starter_url)
    at = open_page("pages/timeline.py", place="Mosul", country="Iraq")
    assert not at.exception, _errors(at)
    [(rows, about)] = [(table, about) for table, about in written if "coalition's own totals" in about[0]]
    assert "Mosul" not in " ".join(about) and "place:" not in " ".join(about)
    assert about[1].startswith("all dates from 8 Aug 2014 · Iraq; every place and target")
    with _starter_session(starter_url) as session:
        whole = queries.headline(session, Filters(countries=("Iraq",))).strikes
    assert rows["running"].iloc[-1] == whole  # the whole record in Iraq, not Mosul's strikes
    running = _figures(at)[-1]
    assert about[1] == _subtitle(running)  # the chart says the same of itself
    assert "hover" not in running["layout"]["title"]["text"]


@pytest.mark.parametrize(("page", "area"), [("pages/areas.py", "in Iraq"), ("pages/targets.py", "in Iraq"),
                                            ("pages/data_quality.py", None)])
def test_every_chart_title_names_its_area_and_period(two_days, use_database, page, area):
    # a chart's title is its slide's title: what it shows, where and when (the Data quality
    # charts apply the dates alone: they name no country)
    use_database(two_days)
    at = open_page(page, country="Iraq", start="2017-07-20", end="2017-07-21")
    assert not at.exception, _errors(at)
    titles = [re.match(r"<b>(.*?)</b>", figure["layout"]["title"]["text"]).group(1).replace("<br>", " ")
              for figure in _figures(at)]
    assert len(titles) >= 2
    for title in titles:
        assert title.endswith(", 20–21 Jul 2017"), title
        assert (area in title) if area else ("Iraq" not in title), title


def test_data_quality_lists_every_release_whose_totals_and_lines_differ(starter_url, use_database):
    use_database(starter_url)
    at = open_page("pages/data_quality.py")
    assert not at.exception, _errors(at)
    table = _table(at, "not_itemised", "reason").value
    with _starter_session(starter_url) as session:
        expected = queries.totals_check(session, Filters())
    assert len(table) == len(expected) > 50
    assert set(table["reason"]) <= {"copy stops inside a list", "does not add up as published", "lines add up to more",
                                    "a count stated with no place"}
    assert int(table["not_itemised"].sum()) == int(expected["not_itemised"].sum())
    assert metric(at, "Releases whose totals differ") == f"{len(expected):,}"


def test_data_quality_shows_the_audits_checks_and_every_finding_in_view(starter_url, use_database, monkeypatch):
    from dashboard.page_data import data_quality
    from db.audit import audit

    use_database(starter_url)
    audits = []
    monkeypatch.setattr(data_quality, "audit", lambda session: audits.append(1) or audit(session))
    at = open_page("pages/data_quality.py")
    assert not at.exception, _errors(at)
    checks = _table(at, "check", "rule", "violations").value
    findings = _table(at, "check", "figures", "reason").value
    with _starter_session(starter_url) as session:
        report = audit(session)
    # the same checks and findings as `manage.py audit`, each explained by its release's own reason
    assert list(checks["check"]) == [check.name for check in report.checks]
    assert list(checks["findings"]) == [len(check.findings) for check in report.checks]
    assert int(checks["violations"].sum()) == len(report.violations) == 0
    assert len(findings) == len(report.explained) > 0 and findings["reason"].notna().all()
    assert any("listed under Syria: counted in Syria, as published" in reason for reason in findings["reason"])
    assert "Every check holds in view" in " ".join(box.value for box in at.success)
    # a view of 2015 lists only its own findings
    at = open_page("pages/data_quality.py", start="2015-01-01", end="2015-12-31")
    in_2015 = report.within(Filters(start=date(2015, 1, 1), end=date(2015, 12, 31)))
    assert not at.exception, _errors(at)
    assert len(_table(at, "check", "figures", "reason").value) == len(in_2015.explained) < len(report.explained)
    # the audit of the whole data ran once: another view picks its findings from it
    assert len(audits) == 1


def test_data_quality_lists_a_day_repeated_under_a_later_date(factory, database_url, use_database):
    from sample_releases import ARCHIVE_HEADER, REPEATED_LIST, archive_day

    from db.ingest import ingest_files

    archive = ARCHIVE_HEADER + archive_day("04/10/2015", REPEATED_LIST) + archive_day("04/11/2015", REPEATED_LIST)
    ingest_files(factory, [("lines.csv", archive.encode())])
    use_database(database_url)
    at = open_page("pages/data_quality.py")
    assert not at.exception, _errors(at)
    repeats = _table(at, "lines", "counted_published").value
    # the page of 11 Apr repeats that of 10 Apr: its 4 lines and 11 strikes are not counted again
    assert [(str(r.published), r.lines, r.strikes, str(r.counted_published)) for r in repeats.itertuples()] == [
        ("2015-04-11", 4, 11, "2015-04-10")]


def test_compared_areas_each_show_their_own_figures(two_days, use_database):
    """Under a place filter (Mosul), area B (Ar-Raqqah) lies outside the filters: it reads 0 and
    says why, instead of showing area A's figures."""
    use_database(two_days)
    at = open_page("pages/areas.py", place="Mosul", cmp_a="province:Nineveh", cmp_b="province:Ar-Raqqah")
    assert not at.exception, _errors(at)
    assert at.selectbox(key="areas_compare_a").value == "province:Nineveh"
    assert at.selectbox(key="areas_compare_b").value == "province:Ar-Raqqah"
    strikes = [m.value for m in at.metric if m.label == "Strikes"]
    assert strikes[:3] == ["5", "0", "+5"]  # Mosul 2 + 3 in Nineveh; nothing of Ar-Raqqah is near Mosul
    assert "Ar-Raqqah has no strikes under the filters in force (place: Mosul)" in _captions(at)
    # without the filter it shows its own: Raqqa's 4 strikes
    at = open_page("pages/areas.py", cmp_a="province:Nineveh", cmp_b="province:Ar-Raqqah")
    assert [m.value for m in at.metric if m.label == "Strikes"][:3] == ["5", "4", "+1"]


def test_a_compared_area_obeys_every_filter_in_force(starter_url, use_database):
    """With the dates of 2016 and the place filter Raqqa, area A = Mosul showed Mosul's own
    strikes of 2016 as "356.2% of the 260 strikes in view": a place area replaced the place
    filter instead of narrowing it. An area the filters leave out reads 0 and says why, in the
    comparison and in the list behind the numbers; the area in view holds every strike in view."""
    use_database(starter_url)
    dates = {"start": "2016-01-01", "end": "2016-12-31"}
    at = open_page("pages/areas.py", **dates, place="Raqqa", cmp_a="place:Mosul", cmp_b="place:Raqqa",
                   drill="place:Mosul")
    assert not at.exception, _errors(at)
    with _starter_session(starter_url) as session:
        in_view = queries.headline(session, Filters(date(2016, 1, 1), date(2016, 12, 31), places=("Raqqa",))).strikes
    assert in_view > 0
    strikes = [m.value for m in at.metric if m.label == "Strikes"]
    assert strikes[:3] == ["0", f"{in_view:,}", f"−{in_view:,}"]
    captions = _captions(at)
    assert "Mosul has no strikes under the filters in force (place: Raqqa)" in captions
    assert f"0.0% of the {in_view:,} strikes in view" in captions
    assert f"100.0% of the {in_view:,} strikes in view" in captions
    assert not re.search(r"\b(\d{4,}|[2-9]\d\d|1\d\d\.[1-9]|1[1-9]\d)\.\d% of the", captions)  # nothing above 100%
    # the strike reports behind Mosul, chosen before the filter: none under it
    assert "Mosul lies outside the filters in force (place: Raqqa)" in captions
    assert not [table for table in at.dataframe if "sentence" in table.value.columns]


def test_no_compared_area_holds_more_than_the_strikes_in_view(starter_url):
    """Over the starter data's largest places and provinces, each country and each year, an
    area's figures obey every filter in force: its strikes never exceed the strikes in view, an
    area a place or province filter leaves out reads 0, and no share of the view exceeds 100%."""
    from dataclasses import replace

    from dashboard.page_data.areas import load_area_figures, load_areas
    from dashboard.view_state import Area

    with _starter_session(starter_url) as session:
        everything = load_areas(session, Filters())
        places, provinces = everything.ranked("place")[:5], everything.ranked("province")[:3]
        filter_sets = [Filters(), Filters(countries=("Iraq",)), Filters(countries=("Syria",)),
                       Filters(places=tuple(places[:2])), *(Filters(places=(name,)) for name in places),
                       *(Filters(provinces=(name,)) for name in provinces)]
        areas = [Area("place", name) for name in places] + [Area("province", name) for name in provinces]
        compared = []  # (filters, area, the area's strikes, the strikes in view)
        for base in filter_sets:
            for year in (None, *range(2014, 2020)):
                filters = replace(base, start=date(year, 1, 1), end=date(year, 12, 31)) if year else base
                in_view = queries.headline(session, filters).strikes
                compared += [(filters, area, load_area_figures(session, filters, area).strikes, in_view)
                             for area in areas]
    assert len(compared) == len(filter_sets) * 7 * len(areas)
    assert any(strikes for _filters, _area, strikes, _in_view in compared)
    over = [row for row in compared if row[2] > row[3]]
    assert not over, f"{len(over)} areas hold more strikes than the view, e.g. {over[:3]}"
    left_out = [row for row in compared if row[2] and row[0].places and row[1].kind == "place"
                and row[1].name not in row[0].places]
    assert not left_out, left_out[:3]
    from dashboard.page_data.areas import share_of_view

    assert all(0 <= share_of_view(strikes, in_view) <= 1 for _filters, _area, strikes, in_view in compared)


def test_engagements_of_an_area_before_2017_read_not_reported(factory, database_url, use_database):
    from test_queries import AROUND_BAGHDAD

    from db.ingest import ingest_files

    ingest_files(factory, [("baghdad.txt", AROUND_BAGHDAD.encode())])
    use_database(database_url)
    at = open_page("pages/areas.py", cmp_a="place:Baghdad", cmp_b="place:Mosul")
    assert not at.exception, _errors(at)
    engagements = [m.value for m in at.metric if m.label == "Engagements"]
    assert engagements[:3] == ["not reported", "not reported", "–"]
    overview = open_page("pages/overview.py")
    assert metric(overview, "Engagements") == "not reported"


def test_the_filters_in_force_show_above_the_content_and_go_with_a_click(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/overview.py", country="Iraq", start="2017-07-20", end="2017-07-21")
    assert not at.exception, _errors(at)
    chips = at.button_group(key="filter_chips")
    assert [option.content for option in chips.proto.options] == ["2017-07-20 – 2017-07-21 ✕", "Iraq ✕"]
    chips.set_value("Iraq ✕").run()
    assert not at.exception, _errors(at)
    assert "country" not in at.query_params and at.query_params["start"] in ("2017-07-20", ["2017-07-20"])
    assert metric(at, "Strikes") == "10"  # both countries again
    assert at.multiselect(key="filter_country_1").value == []


def test_the_listed_period_is_in_the_url_and_chosen_without_a_mouse(two_days, use_database):
    """A shared address with bar= reopens the list of that period; the select does what a click
    on the bar does."""
    use_database(two_days)
    at = open_page("pages/timeline.py", grain="day", bar="2017-07-21")
    assert not at.exception, _errors(at)
    assert at.selectbox(key="timeline_bar").value == D21
    reports = _table(at, "sentence").value
    assert list(reports["date"].astype(str)) == ["2017-07-21", "2017-07-21"]  # Mosul, and Iraq's engagements
    at.selectbox(key="timeline_bar").set_value(D20).run()
    assert at.query_params["bar"] in ("2017-07-20", ["2017-07-20"])
    assert set(_table(at, "sentence").value["date"].astype(str)) == {"2017-07-20"}
    at.selectbox(key="timeline_bar").set_value("all of the filtered period").run()
    assert "bar" not in at.query_params
    assert len(_table(at, "sentence").value) == 7


def test_the_listed_area_is_in_the_url_and_chosen_without_a_mouse(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/areas.py", drill="place:Raqqa")
    assert not at.exception, _errors(at)
    assert at.selectbox(key="areas_drill_choice").value == "place:Raqqa"
    assert list(_table(at, "sentence").value["strikes"]) == [4]
    at.selectbox(key="areas_drill_choice").set_value("province:Nineveh").run()
    assert at.query_params["drill"] in ("province:Nineveh", ["province:Nineveh"])
    assert list(_table(at, "sentence").value["strikes"]) == [2, 3]  # Mosul on the 20th and the 21st


def test_countries_compared_as_lines_shares_and_a_difference(two_days, use_database):
    use_database(two_days)
    at = open_page("pages/timeline.py", grain="day", split="country", show="share")
    assert not at.exception, _errors(at)
    share = _figures(at)[0]
    # the 20th: Syria 5 and Iraq 2 of 7; the 21st: Iraq 3 of 3, Syria none (the lines; the
    # label of each period is an unseen point's, showlegend False)
    by_group = {trace["name"]: [round(v) for v in _values(trace["y"]) if v is not None] for trace in share["data"]
                if trace.get("showlegend") is not False}
    assert by_group == {"Syria": [71, 0], "Iraq": [29, 100]}
    assert share["layout"]["hovermode"] == "x unified"
    at = open_page("pages/timeline.py", grain="day", split="country", show="difference")
    difference = _figures(at)[0]
    assert "Iraq less Syria" in difference["layout"]["title"]["text"]  # a tie, 5 and 5: by name
    # 2 - 5 on the 20th, 3 - 0 on the 21st: each bar in the colour of the country with more
    assert [(trace["name"], _values(trace["y"])) for trace in difference["data"]] == [("Iraq more", [3]),
                                                                                       ("Syria more", [-3])]
    at = open_page("pages/timeline.py", grain="day", split="country", show="lines")
    assert {trace["name"] for trace in _figures(at)[0]["data"] if trace.get("showlegend") is not False} == {"Iraq", "Syria"}


def _chart_csvs(monkeypatch) -> list:
    """Records the CSV of every chart a page draws (show_chart), in order, as the reader
    downloads it: a frame read back from the CSV's bytes, its "# " lines skipped."""
    import io

    import pandas as pd

    import dashboard.frame

    written = []
    write = dashboard.frame.csv_bytes

    def recording(table, about=None):
        data = write(table, about)
        written.append(pd.read_csv(io.BytesIO(data), skiprows=len(about or []), keep_default_na=False,
                                   na_values=[""]))
        return data

    monkeypatch.setattr(dashboard.frame, "csv_bytes", recording)
    return written


@pytest.mark.parametrize(("show", "measure"), [("lines", "strikes"), ("share", "strikes"), ("lines", "engagements")])
def test_each_period_of_the_timeline_lines_hovers_its_own_values(starter_url, use_database, monkeypatch, show,
                                                                   measure):
    """Per month, by country, as lines: at Feb 2017 the shared hover label read "unknown: 3
    strikes", March's, though the chart's CSV has no February row for "unknown": Plotly's unified
    hover takes a trace's nearest point where it has none at the period. Each period's label now
    shows that period's rows of the CSV and nothing else, and each line has a point of the CSV's
    number wherever the CSV has one (0 where its group had no strikes that month)."""
    csvs = _chart_csvs(monkeypatch)
    use_database(starter_url)
    at = open_page("pages/timeline.py", grain="month", split="country", show=show, measure=measure)
    assert not at.exception, _errors(at)
    figure, table = _figures(at)[0], csvs[0]
    value = "share" if show == "share" else measure
    rows = {(period, group): number for period, group, number in table[["period", "group", value]].itertuples(index=False)}
    periods = sorted({period for period, _group in rows})
    groups = list(dict.fromkeys(table["group"]))
    assert len(periods) > 40 and {"Iraq", "Syria", "unknown"} <= set(groups)
    # the CSV: a row for every group in every period it holds; an empty cell only for "not reported"
    assert sorted(rows) == sorted((period, group) for period in periods for group in groups)
    if value != "engagements":
        assert not table[value].isna().any()

    def number(figure_value) -> str:
        if figure_value is None or figure_value != figure_value:
            return "not reported"
        return f"{figure_value:.0f}%" if show == "share" else f"{figure_value:,.0f} {measure}"

    # each line: at each period, the CSV's number (a break where the CSV's cell is empty)
    lines = {trace["name"]: trace for trace in figure["data"] if trace.get("showlegend") is not False}
    assert list(lines) == groups
    for group, trace in lines.items():
        drawn = {x[:10]: y for x, y in zip(trace["x"], _values(trace["y"]), strict=True)
                 if y is not None and y == y}
        expected = {period: rows[period, group] for period in periods if rows[period, group] == rows[period, group]}
        assert drawn.keys() == expected.keys(), group
        assert all(abs(drawn[period] - expected[period]) < 0.01 for period in drawn), group
    # the hover: every trace that takes the hover has a point at every period, and no other x, so
    # Plotly never reaches for a neighbour's; its label at a period lists that period's rows alone
    hovering = [trace for trace in figure["data"] if trace.get("hoverinfo") != "skip"]
    assert hovering
    labels: dict[str, list[str]] = {}
    for trace in hovering:
        xs = [x[:10] for x, y in zip(trace["x"], _values(trace["y"]), strict=True) if y is not None and y == y]
        assert xs == periods, trace.get("name")
        texts = trace["customdata"] if "%{customdata}" in trace["hovertemplate"] else None
        assert texts is not None, "a label written from the CSV's rows of its period"
        for x, text in zip(xs, texts, strict=True):
            labels.setdefault(x, []).extend(re.sub(r"<[^>]+>", "", line).strip("● ")
                                            for line in text.split("<br>"))
    for period in periods:
        assert labels[period] == [f"{group}: {number(rows[period, group])}" for group in groups], period
    if (show, measure) == ("lines", "strikes"):
        assert rows["2017-02-01", "unknown"] == 0 and rows["2017-03-01", "unknown"] == 3
        assert "unknown: 0 strikes" in labels["2017-02-01"]


def test_text_from_a_release_or_a_file_is_shown_as_written(factory, database_url, use_database):
    """A release title `![p](url)` made every visitor's browser load an outside image and a file
    name `[text](url)` became a link: a release's words and a file's name are plain text."""
    from db.ingest import ingest_files

    title, text = HOSTILE
    [stored] = ingest_files(factory, [(HOSTILE_FILE_NAME, text.encode())]).files[0].release_ids
    use_database(database_url)
    at = open_page("pages/releases.py", release=str(stored), q="host.invalid")
    assert not at.exception, _errors(at)
    assert title in " ".join(as_read(header.value) for header in at.header)
    assert HOSTILE_FILE_NAME in " ".join(as_read(caption.value) for caption in at.caption)
    assert not live_markdown(at)
    # an address shared with a place name written as markdown
    at = open_page("pages/areas.py", drill="place:![p](http://host.invalid/t.png)")
    assert not at.exception, _errors(at)
    assert not live_markdown(at)


def test_a_bar_that_rests_on_a_release_that_does_not_add_up_says_so(factory, database_url, use_database):
    """The tallest week of 2017 once rested on a release stating 13 strikes whose lines made
    125, and nothing on the Timeline said so: a bar and the reports behind it now name such a
    release. Here DAY_ONE states 6 strikes where its lines add up to 7."""
    from db.ingest import ingest_files
    from db.queries import strike_reports

    over = DAY_ONE.replace("conducting 7 strikes", "conducting 6 strikes")
    ingest_files(factory, [("day1.txt", over.encode()), ("day2.txt", DAY_TWO.encode())])
    use_database(database_url)
    at = open_page("pages/timeline.py", grain="day", split="country")
    assert not at.exception, _errors(at)
    bars = [trace for trace in _figures(at)[0]["data"] if trace["type"] == "bar"]
    hovers = {(trace["name"], str(x)[:10]): row[3] for trace in bars for x, row in zip(trace["x"], trace["customdata"],
                                                                                        strict=True)}
    # 20 July: Syria's 5 and Iraq's 2 come from DAY_ONE; 21 July (DAY_TWO) adds up
    assert "5 of them from releases whose totals and lines differ" in hovers[("Syria", "2017-07-20")]
    assert "2 of them from releases whose totals and lines differ" in hovers[("Iraq", "2017-07-20")]
    assert hovers[("Iraq", "2017-07-21")] == ""
    with factory() as session:
        reports = strike_reports(session, Filters())
    differs = dict(zip(reports["date"].astype(str), reports["release_differs"].astype(bool), strict=False))
    assert differs == {"2017-07-20": True, "2017-07-21": False}


ANALYSIS_PAGES = [page.script for page in REGISTERED_ANALYSIS_PAGES]


@pytest.mark.parametrize("page", ANALYSIS_PAGES)
@pytest.mark.parametrize("params", [{"start": "2013-12-31"}, {"start": "9999-12-31"}, {"end": "0001-01-01"},
                                    {"start": "1900-01-01", "end": "9999-12-31"}])
def test_a_date_no_view_can_name_is_clamped(page, params, starter_url, use_database):
    """A start before 2014 raised StreamlitValueBelowMinError on every analysis page, and
    9999-12-31 or 0001-01-01 an OverflowError: each is taken as the nearest date the date
    field offers."""
    use_database(starter_url)
    at = open_page(page, **params)
    assert not at.exception, _errors(at)
    start, end = at.sidebar.date_input[0].value
    assert date(2014, 1, 1) <= start <= end <= date(2030, 12, 31)
    assert at.query_params.get("start", start.isoformat()) == start.isoformat()


@pytest.mark.parametrize("release", ["99999999999999999999999", "2147483648", "-1", "0"])
def test_a_release_id_no_row_can_have_opens_the_list(release, two_days, use_database):
    """/releases?release=99999999999999999999999 raised OverflowError on SQLite and showed a
    DataError with its SQL on PostgreSQL: an id outside PostgreSQL's integer is no release."""
    use_database(two_days)
    at = open_page("pages/releases.py", release=release, report=release)
    assert not at.exception, _errors(at)
    assert "release" not in at.query_params


def test_more_trend_places_than_the_chart_draws_keeps_the_first(starter_url, use_database):
    """/areas?trend= with 9 places raised StreamlitSelectionCountExceedsMaxError."""
    from dashboard.view_state import MOST_TREND_PLACES

    use_database(starter_url)
    first = open_page("pages/areas.py")
    places = [option for option in first.multiselect(key="areas_trend_places").options][:MOST_TREND_PLACES + 1]
    assert len(places) == MOST_TREND_PLACES + 1
    at = open_page("pages/areas.py", trend=",".join(places))
    assert not at.exception, _errors(at)
    assert at.multiselect(key="areas_trend_places").value == places[:MOST_TREND_PLACES]


def test_no_error_shows_its_details_to_a_visitor():
    """A failing query showed PostgreSQL's DataError with the raw SQL to anonymous visitors:
    the app shows that an error happened, and its details go to the server's log only."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_the_server_watches_no_source_file():
    """Streamlit's default watched every imported module's file: each new session walked all of
    them, and polling threads ran for as long as the server did (55 % of the server's time for
    a page visit). A deployed dashboard does not reload on edits."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"


def test_no_caption_names_its_source_twice(starter_url, use_database):
    """The Overview's caption under the view in words read "source: Source: CJTF-OIR ..."."""
    use_database(starter_url)
    at = open_page("pages/overview.py")
    assert not at.exception, _errors(at)
    texts = [element.value for kind in ("caption", "markdown", "info") for element in getattr(at, kind)]
    assert not [text for text in texts if re.search(r"source:\s*source", text, re.IGNORECASE)]
    assert any(text.startswith("The figures are this page's. Source: CJTF-OIR") for text in texts)


def test_the_whole_campaign_preset_leaves_the_dates_open(two_days, use_database):
    """The whole-campaign preset wrote the data's first and last day into the URL: a chip for a
    range that filters nothing, and a view pinned to today's data."""
    use_database(two_days)
    at = open_page("pages/overview.py", start="2017-07-21", end="2017-07-21")
    assert not at.exception, _errors(at)
    at.selectbox(key="filter_period").select("the whole campaign").run()
    assert not at.exception, _errors(at)
    assert "start" not in at.query_params and "end" not in at.query_params
    assert metric(at, "Strikes") == "10"  # both days: 7 and 3
