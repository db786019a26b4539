"""What one upload can add: a month's figure is never a day's total, a release counts at most
what a release has ever stated, the preview warns before an import pushes the data above a
published total, and a count above a published figure is shown as an excess, never as more
than 100% coverage (SQLite and PostgreSQL). Numbers are counted by hand from the texts here."""

from __future__ import annotations

from datetime import date

import pytest
from sample_releases import DAY_TWO
from sqlalchemy import func, select
from test_pages import (  # noqa: F401 (fixtures used by name)
    _errors,
    no_starter_data,
    open_page,
    use_database,
)

from dashboard.record import published_rows, record_note
from db import management, models
from db.ingest import FAILED, ingest_files
from db.queries import Filters
from db.queries.published_totals import PublishedComparison
from loaders import parse_release
from loaders.campaign import CAMPAIGN_START
from loaders.numbers import MAX_RELEASE_STRIKES

HEADER = "as_of_date,period_start,scope,strikes,engagements,who_stated,url,quote\n"

# a day's release whose opening states a month's figure: "During May, ... 225 strikes"
MONTH_OPENING = """SOUTHWEST ASIA, May 30, 2018 - {opening} against ISIS targets in Iraq and Syria.

In Syria, coalition military forces conducted two strikes against ISIS targets:
- Near Abu Kamal, two strikes destroyed an ISIS fighting position.
"""


@pytest.mark.parametrize("opening", [
    "During May, the coalition has conducted 225 strikes",
    "This month, the coalition has conducted 225 strikes",
    "The coalition has conducted 225 strikes this month",
    "So far this month, the coalition conducted 225 strikes",
    "Coalition military forces conducted 225 strikes in May",
])
def test_a_months_figure_is_a_published_figure_not_a_days_total(opening):
    """"During May ... 225 strikes" added 223 not-itemised strikes to one day."""
    release = parse_release(MONTH_OPENING.format(opening=opening), "may.txt")
    assert release.counted_strikes == 2  # the two near Abu Kamal
    [figure] = release.published_figures
    # "in Iraq and Syria": both countries, not Iraq
    assert (figure.scope, figure.period_start, figure.strikes) == ("all", date(2018, 5, 1), 225)


def _release_of(strikes_per_line: list[int]) -> str:
    lines = "\n".join(f"-- Near Mosul, {count} strikes destroyed an ISIS fighting position." for count in strikes_per_line)
    total = sum(strikes_per_line)
    return (f"SOUTHWEST ASIA, July 22, 2017 — Coalition military forces conducted {total} strikes, officials "
            f"reported today.\n\nIn Iraq, coalition military forces conducted {total} strikes against ISIS "
            f"targets:\n\n{lines}\n")


def test_a_release_counting_more_than_any_release_states_is_refused(factory):
    """Three crafted files of day totals just under the per-number limit took the campaign from
    17,818 to 34,977 strikes."""
    over = _release_of([900, 900])  # each number plausible; the release is not
    [shown] = management.preview(factory, [("crafted.txt", over.encode())])
    assert shown.outcome == FAILED
    assert "1,800 strikes" in shown.reason and f"{MAX_RELEASE_STRIKES:,}" in shown.reason
    [outcome] = ingest_files(factory, [("crafted.txt", over.encode())]).files
    assert outcome.outcome == FAILED
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(models.StrikeReport)) == 0
    # at the bound a release is accepted
    [accepted] = management.preview(factory, [("large.txt", _release_of([500, 500]).encode())])
    assert accepted.outcome != FAILED


@pytest.mark.parametrize(("published", "warned"), [(2, True), (3, False)])
def test_the_preview_warns_before_an_import_goes_above_a_published_total(factory, published, warned):
    """DAY_TWO adds 3 strikes in Iraq on 21 July 2017: above a published 2, not above 3."""
    ingest_files(factory, [("totals.csv", (HEADER + f"2017-07-21,2017-07-21,Iraq,{published},,CJTF-OIR,,\n").encode())])
    [shown] = management.preview(factory, [("day2.txt", DAY_TWO.encode())])
    if warned:
        [words] = shown.above_published
        assert "3 strikes in Iraq from 2017-07-21 to 2017-07-21 (now 0, 3 added)" in words
        assert "published 2: 1 above" in words
        assert shown.warnings >= 1
    else:
        assert shown.above_published == []


EXCEEDED = PublishedComparison("all", CAMPAIGN_START, date(2018, 12, 31), 32_397, 34_429, "CJTF-OIR", None)


def test_a_count_above_a_published_figure_is_an_excess_never_a_share_above_100():
    """The Overview said "The data hold 34,429 of the 32,397 strikes ... (106%)"."""
    assert EXCEEDED.share == 1.0 and EXCEEDED.excess == 2_032
    note = record_note(EXCEEDED, None, Filters())
    assert "The data count 34,429 strikes from 8 Aug 2014 to 31 Dec 2018, 2,032 more than the 32,397" in note
    assert "%" not in note and "Data quality" in note
    [row] = published_rows([EXCEEDED], with_scope=True)
    assert row["share"] is None and row["above published"] == 2_032


def test_the_overview_shows_an_excess_as_a_flag(database_url, factory, use_database, no_starter_data):  # noqa: F811
    """Iraq on 21 July 2017: the data count 3 strikes where 2 were published."""
    ingest_files(factory, [("day2.txt", DAY_TWO.encode()),
                           ("totals.csv", (HEADER + "2017-07-21,2017-07-21,Iraq,2,,CJTF-OIR,,\n").encode())])
    use_database(database_url)
    at = open_page("pages/overview.py", country="Iraq", start="2017-07-21", end="2017-07-21")
    assert not at.exception, _errors(at)
    # the box under the figures and the view in words (the code block a briefer copies)
    for kind in ("info", "code"):
        texts = [element.value for element in getattr(at, kind)]
        assert any("1 more than the 2 the coalition reported" in text for text in texts), (kind, texts)
        assert not any("150%" in text for text in texts), texts
