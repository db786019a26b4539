"""Published totals: the reference file read and refused with reasons, stored by upload or
with a release that quotes one, undone, and compared with what the data hold (SQLite and
PostgreSQL). Expected numbers are counted by hand from the texts here."""

from __future__ import annotations

from datetime import date

import pytest
from sample_releases import DAY_ONE, DAY_TWO
from sqlalchemy import func, select

from db import models
from db.ingest import FAILED, ingest_files
from db.maintenance import undo_import
from db.queries.published_totals import published_coverage, published_totals
from db.versions import DUPLICATE, NEW
from loaders.published_totals import BadPublishedTotals, read_published_totals

HEADER = "as_of_date,period_start,scope,strikes,engagements,who_stated,url,quote\n"
REFERENCE = HEADER + (
    '2017-07-20,2014-08-08,all,40,,"CJTF-OIR (monthly report)",https://example.org/a,"a total of 40 strikes"\n'
    "2017-07-21,2017-07-21,Iraq,5,,CJTF-OIR daily release,https://example.org/b,\n"
    "2017-07-31,2017-07-01,all,\"1,200\",2000,CJTF-OIR monthly,,\n"
)

# A release quoting a month-to-date figure beside its own day's strikes
QUOTING = """Strikes continue against ISIS

SOUTHWEST ASIA, July 23, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting 2 strikes consisting of 2 engagements, officials reported today. During the first 22 days of July, the coalition conducted 610 strikes with 900 engagements.

Strikes in Syria

In Syria, coalition military forces conducted 2 strikes consisting of 2 engagements against ISIS targets:

-- Near Raqqa, two strikes destroyed an ISIS vehicle.

Part of Operation Inherent Resolve
"""


def test_the_reference_file_is_read():
    figures = read_published_totals(REFERENCE)
    assert [(f.as_of, f.period_start, f.scope, f.strikes, f.engagements) for f in figures] == [
        (date(2017, 7, 20), date(2014, 8, 8), "all", 40, None),
        (date(2017, 7, 21), date(2017, 7, 21), "Iraq", 5, None),
        (date(2017, 7, 31), date(2017, 7, 1), "all", 1200, 2000),
    ]
    assert figures[0].who_stated == "CJTF-OIR (monthly report)" and figures[0].url == "https://example.org/a"
    assert figures[0].sentence == "a total of 40 strikes"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (HEADER + "2017-07-20,2014-08-08,everywhere,40,,x,,\n", "line 2: scope 'everywhere' is not one of all, Iraq, Syria"),
        (HEADER + "20/07/2017,2014-08-08,all,40,,x,,\n", "line 2: as_of_date '20/07/2017' is not a date"),
        (HEADER + "2017-07-20,2017-08-01,all,40,,x,,\n", "line 2: period_start 2017-08-01 is after as_of_date"),
        (HEADER + "2017-07-20,2014-08-08,all,forty,,x,,\n", "line 2: strikes 'forty' is not a whole number"),
        (HEADER + "2017-07-20,2014-08-08,all,1" + "0" * 12 + ",,x,,\n", "strikes '1000000000000' is not a whole number of at most 9"),
        (HEADER, "a header but no rows"),
        ("as_of_date,scope\n2017-07-20,all\n", "lack the columns period_start, strikes"),
    ],
)
def test_a_bad_reference_file_is_refused_with_its_reason(text, reason):
    with pytest.raises(BadPublishedTotals, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_published_totals(text)


@pytest.mark.parametrize("url", [
    "https://ok.example/a< ![img](https://evil.example/pixel.png) [click](https://evil.example/phish)",
    '"https://ok.example/a\n![img](https://evil.example/pixel.png)"',
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
])
def test_a_source_address_that_is_more_than_an_address_is_refused(url):
    """A url cell carrying markdown made every Overview visitor load an outside image and see
    a live link: a file of published totals gives clean http(s) addresses or is refused."""
    with pytest.raises(BadPublishedTotals, match="line 2: url .* is not a plain http"):
        read_published_totals(HEADER + f"2017-07-20,2014-08-08,all,40,,CJTF-OIR,{url},\n")


def test_a_total_without_an_address_is_compared_with_its_source_as_text(factory):
    """Stored without a url (an upload's empty cell, or a figure quoted in a release), a total
    reaches the pages as None, never as pandas' NaN, and its source is shown as plain text."""
    from dashboard.record import source_markdown

    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("totals.csv", REFERENCE.encode()),
                           ("quoting.txt", QUOTING.encode())])
    with factory() as session:
        compared = published_coverage(session, None, date(2017, 7, 31))
    assert [(c.as_of, c.url) for c in compared] == [(date(2017, 7, 20), "https://example.org/a"),
                                                   (date(2017, 7, 22), None), (date(2017, 7, 31), None)]
    assert all(isinstance(c.who_stated, str) and c.who_stated for c in compared)
    assert [source_markdown(c.who_stated, c.url) for c in compared] == [
        "[CJTF\\-OIR \\(monthly report\\)](<https://example.org/a>)", "quoted in quoting\\.txt",
        "CJTF\\-OIR monthly"]


def test_every_bad_row_is_named():
    rows = "".join(f"2017-07-20,2014-08-08,nowhere,{n},,x,,\n" for n in range(8))
    with pytest.raises(BadPublishedTotals, match=r"line 2: .*line 6: .* \(and 3 more\)"):
        read_published_totals(HEADER + rows)


def _reference_rows(factory) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(models.PublishedTotal)
                              .where(models.PublishedTotal.release_id.is_(None)))


def test_an_upload_of_published_totals_is_stored_once_and_undone(factory):
    first = ingest_files(factory, [("totals.csv", REFERENCE.encode())])
    assert [(f.outcome, f.published_totals) for f in first.files] == [(NEW, 3)]
    again = ingest_files(factory, [("totals-again.csv", REFERENCE.encode())])
    assert [(f.outcome, f.published_totals) for f in again.files] == [(DUPLICATE, 0)]
    assert _reference_rows(factory) == 3
    broken = ingest_files(factory, [("bad.csv", (HEADER + "2017-07-20,2014-08-08,all,x,,,,\n").encode())])
    assert broken.files[0].outcome == FAILED and "strikes 'x'" in broken.files[0].reason
    undone = undo_import(factory, first.import_id, user_name="test")
    assert undone.published_totals == 3
    assert _reference_rows(factory) == 0


def test_a_figure_a_release_quotes_is_kept_with_the_release(factory):
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    quoting = ingest_files(factory, [("day3.txt", QUOTING.encode())])
    with factory() as session:
        frame = published_totals(session)
    assert [(r.as_of, r.period_start, r.scope, r.strikes, r.engagements) for r in frame.itertuples()] == [
        (date(2017, 7, 22), date(2017, 7, 1), "all", 610, 900)]
    assert frame.iloc[0]["who_stated"] == "quoted in day3.txt"
    assert frame.iloc[0]["quote"].startswith("During the first 22 days of July")
    undo_import(factory, quoting.import_id, user_name="test")
    with factory() as session:
        assert published_totals(session).empty  # gone with the release


def test_a_figure_stated_twice_is_listed_once_with_the_reference_source(factory):
    ingest_files(factory, [("day3.txt", QUOTING.encode())])
    ingest_files(factory, [("totals.csv", (HEADER + "2017-07-22,2017-07-01,all,610,900,CJTF-OIR,https://x.org,\n").encode())])
    with factory() as session:
        frame = published_totals(session)
    assert list(frame["who_stated"]) == ["CJTF-OIR"]


def test_what_the_data_hold_of_the_published_totals(factory):
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode()),
                           ("totals.csv", REFERENCE.encode())])
    with factory() as session:
        whole = published_coverage(session, None, date(2017, 7, 31))
        iraq = published_coverage(session, date(2017, 7, 21), date(2017, 7, 21), "Iraq")
        before = published_coverage(session, None, date(2017, 7, 19))
    # to 20 July: the latest cumulative figure (40) against the data since 8 Aug 2014: day one's 7
    # strikes; then July's 1,200 against both days, 7 + 3 = 10
    assert [(c.cumulative, c.as_of, c.published, c.held) for c in whole] == [
        (True, date(2017, 7, 20), 40, 7), (False, date(2017, 7, 31), 1200, 10)]
    assert whole[0].share == pytest.approx(7 / 40)
    # Iraq on the 21st: 5 published, 3 held (Mosul, day two)
    assert [(c.scope, c.published, c.held) for c in iraq] == [("Iraq", 5, 3)]
    assert before == []  # nothing published on or before the 19th
