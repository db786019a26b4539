"""Every figure that names the same quantity agrees, wherever a reader meets it: the pages (run
as a reader opens them), their charts, the open-data export, the deck's words and the view in
words, over named views and drawn filter sets on the starter data.

The quantities and where each is read (a figure named differently on screen is a different
quantity, and is compared with its own kind):
- strikes in view: the Overview's "Strikes" metric, its view in words ("report N strikes"),
  its not-itemised caption ("X of the N strikes"); the Timeline's bars and spans; the Areas
  map caption ("X of N strikes in view"); the Targets caption ("of the N strikes in view");
  Data quality's cost lines ("of the period's N"); the open data's strike reports;
- engagements: the Overview's metric, its view in words, the open data;
- releases reporting strikes in view: the Overview's "Releases" metric, its releases caption,
  the releases of the open data's strike reports;
- targets and target mentions: the Targets page's lower-bound box, its chart's rows (the CSV),
  the open data's targets;
- shares: every percentage on these pages lies in 0-100%;
- periods: every published period the view in words quotes holds the view.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_pages import (  # noqa: F401 (fixtures used by name)
    _errors,
    _figures,
    _starter_session,
    _values,
    metric,
    open_page,
    starter_url,
    use_database,
)

from db.queries import Filters

NUMBER = r"([\d,]+)"


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _params(filters: Filters) -> dict[str, str]:
    params = {}
    if filters.start:
        params["start"] = filters.start.isoformat()
    if filters.end:
        params["end"] = filters.end.isoformat()
    for key, values in (("country", filters.countries), ("place", filters.places), ("category", filters.categories)):
        if values:
            params[key] = ",".join(values)
    return params


def _texts(at) -> list[str]:
    return [element.value for kind in ("markdown", "caption", "info", "success", "warning", "code")
            for element in getattr(at, kind)]


def _shares_within_bounds(texts: list[str]) -> None:
    for text in texts:
        text = re.sub(r"https?://[^\s>)]+", "", text)  # a web address's %-escapes are no shares
        for share in re.findall(r"(?<![\w.])(\d+(?:\.\d+)?)%", text):
            assert 0 <= float(share) <= 100, text


def _page(script: str, **params):
    """The page run on the view, with no exception and every share it names within 0-100%."""
    at = open_page(script, **params)
    assert not at.exception, _errors(at)
    _shares_within_bounds(_texts(at))
    return at


def _figures_of_the_view(url: str, filters: Filters) -> dict:
    """What the data and their files say of the view (the reference every page is held against)."""
    from db.data_dictionary import TABLES
    from db.open_data import strike_report_rows, target_rows

    with _starter_session(url) as session:
        reports = [dict(zip([c.name for c in TABLES["strike_reports"]], row, strict=True))
                   for row in strike_report_rows(session, filters)]
        targets = [dict(zip([c.name for c in TABLES["targets"]], row, strict=True))
                   for row in target_rows(session, filters)]
    engagements = [row["engagements"] for row in reports if row["engagements"] is not None]
    return {
        "strikes": sum(row["strikes"] or 0 for row in reports),
        "engagements": sum(engagements) if engagements else None,
        "releases": len({row["release_id"] for row in reports}),
        "mentions": len(targets),
        "targets": sum(row["counted"] for row in targets),
    }


def check_the_view(url: str, filters: Filters) -> int:
    """Open every page of the view and compare each figure with the others; returns how many
    figure pairs were compared."""
    expected = _figures_of_the_view(url, filters)
    strikes = expected["strikes"]
    compared = 0

    def same(found, quantity: str, where: str) -> None:
        nonlocal compared
        compared += 1
        assert found == expected[quantity], f"{where}: {quantity} {found} != {expected[quantity]} ({filters})"

    params = _params(filters)
    overview = _page("pages/overview.py", **params)
    texts = _texts(overview)
    same(_int(metric(overview, "Strikes")), "strikes", "Overview metric")
    engagements = metric(overview, "Engagements")
    same(None if engagements == "not reported" else _int(engagements), "engagements", "Overview metric")
    same(_int(metric(overview, "Releases")), "releases", "Overview metric")
    [words] = [code.value for code in overview.code]
    if strikes:
        same(_int(re.search(rf"report {NUMBER} strikes?", words).group(1)), "strikes", "the view in words")
    for caption in texts:
        if found := re.search(rf"{NUMBER} of the {NUMBER} strikes \([^)]*%\) are stated by their release", caption):
            same(_int(found.group(2)), "strikes", "Overview not-itemised caption")
        if found := re.search(rf"; {NUMBER} report strikes in view \(the Releases figure above\)", caption):
            same(_int(found.group(1)), "releases", "Overview releases caption")

    timeline = _page("pages/timeline.py", grain="month", split="country", **params)
    bars = _figures(timeline)[0]["data"]
    drawn = sum(row[1] for trace in bars if trace["type"] == "bar" and trace.get("customdata") is not None
                for row in trace["customdata"])
    spans = sum(_int(n) for trace in bars if trace.get("name", "").endswith("over a span")
                for n in re.findall(rf": {NUMBER} strikes over", trace["hovertemplate"]))
    if strikes:
        same(int(drawn) + spans, "strikes", "Timeline bars and spans")

    areas = _page("pages/areas.py", **params)
    for caption in _texts(areas):
        if found := re.search(rf"{NUMBER} of {NUMBER} strikes in view are at a place with coordinates", caption):
            same(_int(found.group(2)), "strikes", "Areas map caption")

    targets = _page("pages/targets.py", **params)
    for text in _texts(targets):
        if found := re.search(rf"of {NUMBER} target mentions carry no number .* the {NUMBER} targets counted", text):
            same(_int(found.group(1)), "mentions", "Targets lower-bound box")
            same(_int(found.group(2)), "targets", "Targets lower-bound box")
        if found := re.search(rf"of the {NUMBER} strikes in view", text):
            same(_int(found.group(1)), "strikes", "Targets caption")
    treemap = [figure for figure in _figures(targets) if figure["data"] and figure["data"][0]["type"] == "treemap"]
    if treemap and expected["targets"]:
        trace = treemap[0]["data"][0]
        leaves = set(trace["ids"]) - set(trace["parents"])
        values = dict(zip(trace["ids"], _values(trace["values"]), strict=True))
        same(int(sum(values[leaf] for leaf in leaves)), "targets", "Targets treemap")

    quality = _page("pages/data_quality.py", **params)
    for text in _texts(quality):
        if found := re.search(rf"strikes, [\d.]+% of the period's {NUMBER}, off the map", text):
            same(_int(found.group(1)), "strikes", "Data quality places line")
        if found := re.search(rf"target mentions without a type \([\d,]+ phrases?\): [\d.]+% of the period's {NUMBER}", text):
            same(_int(found.group(1)), "mentions", "Data quality targets line")
        if found := re.search(rf"{NUMBER} of the {NUMBER} strikes \([^)]*%\) are stated by their release", text):
            same(_int(found.group(2)), "strikes", "Data quality not-itemised line")
    return compared


NAMED_VIEWS = {
    "default": Filters(),
    "Syria 2017": Filters(start=date(2017, 1, 1), end=date(2017, 12, 31), countries=("Syria",)),
    "Mosul 2015": Filters(start=date(2015, 1, 1), end=date(2015, 12, 31), places=("Mosul",)),
    "Jan-Mar 2016": Filters(start=date(2016, 1, 1), end=date(2016, 3, 31)),
    "Raqqa 2016": Filters(start=date(2016, 1, 1), end=date(2016, 12, 31), places=("Raqqa",)),
    "vehicles": Filters(categories=("vehicles",)),
}


@pytest.mark.parametrize("name", list(NAMED_VIEWS))
def test_every_figure_of_a_named_view_agrees(starter_url, use_database, name):  # noqa: F811
    use_database(starter_url)
    assert check_the_view(starter_url, NAMED_VIEWS[name]) >= 8


DAYS = st.dates(min_value=date(2014, 9, 1), max_value=date(2019, 1, 31))


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(first=DAYS, last=DAYS, countries=st.sampled_from([(), ("Iraq",), ("Syria",)]))
def test_every_figure_of_a_drawn_view_agrees(starter_url, use_database, first, last, countries):  # noqa: F811
    use_database(starter_url)
    start, end = min(first, last), max(first, last)
    check_the_view(starter_url, Filters(start=start, end=end, countries=countries))
