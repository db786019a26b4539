"""Every strike once, on its day, in its country: the classes of fault an audit of the sources
found (docs/COUNTING.md), each on a text written for this test in the shape of the releases
that showed it. Every expected number is counted by hand from the text in the test."""

from __future__ import annotations

from datetime import date

from sample_releases import ARCHIVE_HEADER, REPEATED_LIST, archive_day

from loaders import parse_release
from loaders.records import ParsedRelease


def _by_country(release: ParsedRelease) -> dict[str | None, int]:
    totals: dict[str | None, int] = {}
    for report in release.strikes:
        if report.strikes:
            totals[report.country] = totals.get(report.country, 0) + report.strikes
    return totals


def _strikes(release: ParsedRelease) -> int:
    return sum(report.strikes or 0 for report in release.strikes)


def _engagements(release: ParsedRelease) -> int:
    return sum(report.engagements or 0 for report in release.strikes)


def _lines(release: ParsedRelease, block: str = "late") -> list[tuple]:
    return [(r.country, r.location, r.date, r.last_date, r.strikes) for r in release.strikes
            if r.itemised and r.block == block]


def _not_itemised(release: ParsedRelease) -> list[tuple]:
    return [(r.country, r.date, r.last_date, r.strikes, r.engagements, r.block)
            for r in release.strikes if not r.itemised]


# 1. A late block announced in words the parser did not know was read as a day total of the
# main list, and its lines were counted beside it (2017-08-25 and 2017-08-27).
LATE_IN_OTHER_WORDS = """SOUTHWEST ASIA, Aug. 25, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting nine strikes consisting of 20 engagements, officials reported today.

Strikes in Syria

In Syria, coalition military forces conducted six strikes consisting of eight engagements against ISIS targets:

-- Near Abu Kamal, two strikes destroyed an ISIS vehicle.

-- Near Raqqa, four strikes engaged three ISIS tactical units.

Strikes in Iraq, Earlier Strikes

In Iraq, coalition military forces conducted three strikes yesterday consisting of 12 engagements against ISIS targets near Tal Afar, destroying four fighting positions.

Officials also announced details today from 30 strikes consisting of 41 engagements conducted Aug. 21-23 in Syria and Iraq for which the information was not yet available in time for yesterday's report:

-- On Aug. 21 near Raqqa, Syria, three strikes engaged an ISIS tactical unit.

-- On Aug. 22 near Raqqa, five strikes destroyed two fighting positions.

-- On Aug. 23 near Tal Afar, four strikes destroyed an ISIS vehicle."""


def test_a_late_block_in_other_words_counts_on_top_of_the_day_once():
    release = parse_release(LATE_IN_OTHER_WORDS)
    # the day: Syria 2 + 4 = 6, Iraq 3 (Tal Afar): the stated 9; the late block 30 on top: 39
    assert _strikes(release) == 39
    # its lines on their own days, in their places' countries (Raqqa under the Iraq heading is Syria's)
    assert _lines(release) == [
        ("Syria", "Raqqa", date(2017, 8, 21), None, 3),
        ("Syria", "Raqqa", date(2017, 8, 22), None, 5),
        ("Iraq", "Tal Afar", date(2017, 8, 23), None, 4),
    ]
    # the 30 - 12 = 18 the cut copy does not place, over the days the block names, in no one country;
    # the day's Syria engagements (8) and the block's (41) stated but never per place
    assert sorted(_not_itemised(release), key=str) == sorted([
        ("Syria", date(2017, 8, 24), None, 0, 8, "main"),
        (None, date(2017, 8, 21), date(2017, 8, 23), 18, 41, "late"),
    ], key=str)
    assert _by_country(release) == {"Syria": 2 + 4 + 3 + 5, "Iraq": 3 + 4, None: 18}
    assert _engagements(release) == 20 + 41


# 2. A late block's header naming a place became a listed report of its own, its lines
# counted beside it and filed under the heading's country with no place (2017-09-02).
LATE_HEADER_WITH_A_PLACE = """SOUTHWEST ASIA, Sept. 2, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting five strikes consisting of seven engagements, officials reported today.

Strikes in Syria

In Syria, coalition military forces conducted three strikes consisting of four engagements against ISIS targets:

-- Near Dayr Az Zawr, three strikes destroyed two ISIS oil stills.

Strikes in Iraq

In Iraq, coalition military forces conducted two strikes consisting of three engagements against ISIS targets near Qaim, destroying an ISIS-held building.

Previous Strikes

Officials also provided results today of 15 strikes consisting of 20 engagements conducted near Raqqa on Aug. 30-31 for which the information was not yet available in time for yesterday's report:

-- On Aug. 30, two strikes engaged two ISIS tactical units.

-- On Aug. 31, 13 strikes destroyed four fighting positions.

Part of Operation Inherent Resolve

These strikes were conducted as part of Operation Inherent Resolve."""


def test_a_late_header_naming_a_place_heads_its_lines():
    release = parse_release(LATE_HEADER_WITH_A_PLACE)
    assert _strikes(release) == 5 + 15  # not 5 + 15 + 15
    assert _lines(release) == [
        ("Syria", "Raqqa", date(2017, 8, 30), None, 2),
        ("Syria", "Raqqa", date(2017, 8, 31), None, 13),
    ]
    assert _by_country(release) == {"Syria": 3 + 15, "Iraq": 2}


# 3. Late blocks put on days they do not name, and marked as stated (2017-08-28, -29, -22).
LATE_BLOCK_OF_SCATTERED_DAYS = """SOUTHWEST ASIA, Aug. 28, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting four strikes consisting of four engagements, officials reported today.

Strikes in Syria

In Syria, coalition military forces conducted four strikes consisting of four engagements against ISIS targets:

-- Near Raqqa, four strikes engaged two ISIS tactical units.

Additionally, 20 strikes consisting of 24 engagements were conducted in Syria and Iraq on May 26, June 11 and Aug. 25-26 that closed within the last 24 hours:

-- On May 26, near Raqqa, Syria, a strike engaged an ISIS tactical unit.

-- On June 11, near Raqqa, Syria, two strikes destroyed two fighting positions.

-- On Aug. 25, near Raq"""

LATE_BLOCK_CUT_AT_ITS_HEADER = """SOUTHWEST ASIA, Aug. 22, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting two strikes consisting of two engagements, officials reported today.

Strikes in Iraq

In Iraq, coalition military forces conducted two strikes consisting of two engagements against ISIS targets:

-- Near Rawah, two strikes destroyed a vehicle.

Officials today also announced results of 12 strikes consisting of 16 engagements conducted Aug. 18-20 in Syria and Iraq for which the details were not yet available at the time of yesterday's report:"""


def test_what_a_late_block_does_not_place_counts_on_the_days_it_names():
    release = parse_release(LATE_BLOCK_OF_SCATTERED_DAYS)
    # the block names May 26 to Aug. 26: its 20 - 1 - 2 = 17 unplaced strikes lie over those days
    assert [(r.date, r.last_date, r.strikes) for r in release.strikes if not r.itemised and r.strikes] == [
        (date(2017, 5, 26), date(2017, 8, 26), 17)]
    assert _strikes(release) == 4 + 20
    cut = parse_release(LATE_BLOCK_CUT_AT_ITS_HEADER)
    # "announced ... today" dates the announcement: the 12 lie over Aug. 18-20, never on the 22nd
    assert [(r.date, r.last_date, r.strikes, r.engagements) for r in cut.strikes if r.block == "late"] == [
        (date(2017, 8, 18), date(2017, 8, 20), 12, 16)]
    assert _strikes(cut) == 2 + 12


def test_a_late_block_that_names_no_day_leaves_its_day_open():
    text = LATE_BLOCK_OF_SCATTERED_DAYS.replace(" on May 26, June 11 and Aug. 25-26", "")
    release = parse_release(text)
    [unplaced] = [r for r in release.strikes if not r.itemised and r.block == "late"]
    assert (unplaced.date, unplaced.last_date) == (None, None)  # counted on a day we choose, never stated


# 5. Syrian places under an Iraq heading (the line archives' rows of 2015-12-21).
IRAQ_LIST_ENDING_IN_SYRIA = """SOUTHWEST ASIA, Dec. 21, 2015 — Coalition forces conducted strikes against ISIL yesterday.

Iraq

-- Near Ramadi, three strikes destroyed an ISIL vehicle.

-- Near Ar Raqqah, two strikes destroyed an ISIL headquarters.

-- Near Abu Kamal, a strike destroyed an ISIL oil still."""


def test_a_line_is_in_its_places_country_unless_the_place_lies_on_the_border():
    release = parse_release(IRAQ_LIST_ENDING_IN_SYRIA)
    assert [(r.location, r.country) for r in release.strikes] == [
        ("Ramadi", "Iraq"),
        ("Raqqa", "Syria"),  # deep in Syria: the heading is stale
        ("Abu Kamal", "Iraq"),  # on the border: the strikes may be on Iraq's side, kept as published
    ]
    kinds = {d.kind: d.message for d in release.diagnostics if d.kind in ("country_from_place", "filed_as_published")}
    assert "Raqqa" in kinds["country_from_place"] and "Abu Kamal" in kinds["filed_as_published"]


# 7. A month's figure before the release's own total.
MONTH_FIGURE_FIRST = """SOUTHWEST ASIA, June 1, 2018 — Coalition forces and partners kept up the pressure on ISIS remnants.

During May, the coalition has conducted 120 strikes with 150 engagements. This is a 30 percent increase over the 92 strikes conducted in April.

Coalition military forces conducted 11 strikes May 25-31, consisting of 13 engagements against ISIS targets in Syria.

On May 26, near Abu Kamal, Syria, four strikes engaged three ISIS tactical units.

On May 29, near Hajin, Syria, seven strikes destroyed an ISIS headquarters."""


def test_a_months_figure_is_a_published_total_not_the_releases():
    release = parse_release(MONTH_FIGURE_FIRST)
    assert release.stated_totals["all"].strikes == 11
    assert _strikes(release) == 4 + 7  # the lines make up the 11: nothing not itemised
    assert [(f.period_start, f.as_of, f.strikes, f.engagements) for f in release.published_figures] == [
        (date(2018, 5, 1), date(2018, 5, 31), 120, 150), (date(2018, 4, 1), date(2018, 4, 30), 92, None)]


# 8. Country figures above the overall (2017-05-20: "four strikes consisting of 56 engagements"
# in Syria against an overall 61, where Iraq's own line states 56).
COUNTRY_FIGURE_ABOVE_THE_OVERALL = """SOUTHWEST ASIA, May 20, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, conducting seven strikes consisting of 40 engagements, officials reported today.

Strikes in Syria

In Syria, coalition military forces conducted three strikes consisting of 36 engagements against ISIS targets:

-- Near Raqqa, three strikes destroyed an ISIS vehicle.

Strikes in Iraq

In Iraq, coalition military forces conducted four strikes consisting of 36 engagements against ISIS targets near Mosul, destroying 20 fighting positions.

Part of Operation Inherent Resolve"""


def test_a_country_figure_the_overall_and_the_lines_contradict_yields_to_them():
    release = parse_release(COUNTRY_FIGURE_ABOVE_THE_OVERALL)
    # Iraq's 36 is its line's own; the overall 40 leaves Syria 40 - 36 = 4, not the 36 it states
    assert _engagements(release) == 40
    assert _strikes(release) == 7
    [flag] = [d for d in release.diagnostics if d.kind == "country_over_overall"]
    assert "Syria" in flag.message and "36" in flag.message and "4" in flag.message


def _files(*texts: str) -> list[tuple[str, bytes]]:
    return [(f"release-{index}.txt", text.encode()) for index, text in enumerate(texts)]


def test_a_span_counts_in_a_period_that_holds_it_and_is_drawn_across_its_days(factory):
    """Each view's total is its bars and its spans: a span of days is in a period's total only
    where the period holds the whole span, and on a chart it lies across its days, in no one
    period's bar (SQLite and PostgreSQL, summaries and detail rows)."""
    from db import queries
    from db.data_dictionary import TABLES
    from db.ingest import ingest_files
    from db.open_data import strike_report_rows
    from db.queries import Filters

    ingest_files(factory, _files(LATE_BLOCK_OF_SCATTERED_DAYS, LATE_IN_OTHER_WORDS))
    views = {  # hand-counted: 4 + 1 + 2 + 17 (May 26 - Aug. 26) and 9 + 12 + 18 (Aug. 21-23)
        Filters(): 24 + 39,
        Filters(start=date(2017, 5, 26), end=date(2017, 8, 26)): 1 + 2 + 17 + 39,  # not the 4 of Aug. 27
        Filters(start=date(2017, 6, 1), end=date(2017, 8, 31)): 4 + 2 + 39,  # cuts the May 26 span
        Filters(start=date(2017, 8, 22), end=date(2017, 8, 31)): 4 + 9 + 5 + 4,  # cuts the Aug. 21-23 span
    }
    with factory() as session:
        for filters, expected in views.items():
            assert queries.headline(session, filters).strikes == expected, filters
            for grain in queries.GRAINS:
                bars = queries.strikes_over_time(session, filters, grain=grain)["strikes"].sum()
                spans = queries.spans_over_time(session, filters, grain=grain)
                assert bars + spans["strikes"].sum() == expected, (filters, grain)
        spans = queries.spans_over_time(session, Filters(), grain="month")
        assert [(row.first, row.last, row.strikes) for row in spans.itertuples()] == [
            (date(2017, 5, 26), date(2017, 8, 26), 17)]  # Aug. 21-23 lies in one month: its bar
        week = queries.spans_over_time(session, Filters(), grain="week")
        assert sorted(week["strikes"]) == [17]  # Aug. 21-23 is Monday to Wednesday of one week
        day = queries.spans_over_time(session, Filters(), grain="day")
        assert sorted(day["strikes"]) == [17, 18]
        # the open data say the span: its first day and its last
        names = [column.name for column in TABLES["strike_reports"]]
        rows = [dict(zip(names, row, strict=True)) for row in strike_report_rows(session, Filters())]
        assert sorted((row["strike_date"], row["last_date"], row["strikes"]) for row in rows if row["last_date"]) == [
            (date(2017, 5, 26), date(2017, 8, 26), 17), (date(2017, 8, 21), date(2017, 8, 23), 18)]


# 4. The line archives repeat whole days: a page kept under two dates (2015-04-10 and -11,
# 2016-08-22 and 09-14 ...), and a release file and an archive day list the same lines under
# different strike days (20 Dec 2014).
def _counted_days(factory) -> dict[date, int]:
    from db import queries
    from db.queries import Filters

    with factory() as session:
        frame = queries.strikes_over_time(session, Filters(), grain="day")
    return {row.period: int(row.strikes) for row in frame.itertuples()}


def test_a_days_list_repeated_under_a_later_date_counts_once_on_the_first(factory):
    from db.ingest import ingest_files

    archive = ARCHIVE_HEADER + archive_day("04/10/2015", REPEATED_LIST) + archive_day("04/11/2015", REPEATED_LIST) \
        + archive_day("04/12/2015", [("Iraq", "Ramadi", 6)])
    ingest_files(factory, [("lines.csv", archive.encode())])
    # 3 + 2 + 1 + 5 = 11 once, on the day the first page reports (the day before it): not 22
    assert _counted_days(factory) == {date(2015, 4, 9): 11, date(2015, 4, 11): 6}
    # whichever comes first: the later page alone, then the earlier, still counts the earlier once
    from db.ingest import ingest_files as again

    again(factory, [("later.csv", (ARCHIVE_HEADER + archive_day("05/02/2015", REPEATED_LIST)).encode())])
    assert _counted_days(factory)[date(2015, 4, 9)] == 11 and date(2015, 5, 1) not in _counted_days(factory)


def test_a_short_list_on_two_days_is_two_reports(factory):
    from db.ingest import ingest_files

    short = [("Iraq", "Ramadi", 3), ("Iraq", "Mosul", 2)]  # two lines can recur on two days
    archive = ARCHIVE_HEADER + archive_day("04/10/2015", short) + archive_day("04/11/2015", short)
    ingest_files(factory, [("lines.csv", archive.encode())])
    assert _counted_days(factory) == {date(2015, 4, 9): 5, date(2015, 4, 10): 5}


RELEASE_OF_THE_SAME_LINES = """SOUTHWEST ASIA, Dec. 20, 2014 — U.S. and partner nation military forces conducted airstrikes against ISIL in Syria and Iraq on Dec. 18 and 19.

Syria

-- Near Kobani, five airstrikes struck an ISIL tactical unit.

Iraq

-- Near Ramadi, three airstrikes struck an ISIL tactical unit.

-- Near Mosul, two airstrikes struck an ISIL tactical unit.

-- Near Bayji, one airstrike struck an ISIL tactical unit.
"""


def test_a_release_and_an_archive_day_listing_the_same_lines_count_once(factory):
    from db.ingest import ingest_files

    archive = ARCHIVE_HEADER + archive_day("12/22/2014", REPEATED_LIST)
    ingest_files(factory, [("lines.csv", archive.encode()), ("2014-12-20_release.txt", RELEASE_OF_THE_SAME_LINES.encode())])
    counted = _counted_days(factory)
    assert sum(counted.values()) == 11  # not 22: the full text is the copy counted
    assert date(2014, 12, 21) not in counted


# 9. The repost rule merged two different releases that cover the same days with the same total.
def test_two_releases_of_one_day_with_equal_totals_and_other_places_both_count(factory):
    from sample_releases import DAY_ONE

    from db.ingest import ingest_files

    other = (DAY_ONE.replace("July 21, 2017", "July 22, 2017").replace("yesterday", "on July 20")
             .replace("Near Raqqa, four", "Near Tabqa, four").replace("Near Mosul, two", "Near Qayyarah, two"))
    repost = DAY_ONE.replace("July 21, 2017", "July 22, 2017").replace("yesterday", "on July 20")
    ingest_files(factory, [("one.txt", DAY_ONE.encode()), ("other.txt", other.encode())])
    assert _counted_days(factory) == {date(2017, 7, 20): 7 + 7}  # same day, same 7: two releases
    result = ingest_files(factory, [("repost.txt", repost.encode())])
    assert [item.outcome for item in result.files] == ["revision"]  # the same places and counts: a copy
    assert _counted_days(factory) == {date(2017, 7, 20): 14}


# A fragment that keeps only its totals names no day: its index gives the days it covers
# ("... covering Dec. 30, 2018 - Jan. 13, 2019", the 2019 strike summary).
FRAGMENT_OF_TOTALS = """Coalition forces conducted 40 strikes consisting of 52 engagements against ISIS targets in Syria and Iraq.

In Syria, coalition forces conducted 37 strikes consisting of 48 engagements near Hajin and Abu Kamal.

In Iraq, coalition forces conducted three strikes consisting of four engagements."""


def test_a_fragment_lies_over_the_days_its_index_gives_never_marked_stated(factory):
    from db import queries
    from db.ingest import ingest_files
    from db.queries import Filters
    from loaders.readers import SourceNote

    span = (date(2018, 12, 30), date(2019, 1, 13))
    release = parse_release(FRAGMENT_OF_TOTALS, published_hint=date(2019, 1, 15), period_hint=span)
    assert (release.period_start, release.period_end) == span
    assert [(r.country, r.strikes, r.date, r.last_date, r.date_in_text) for r in release.strikes if r.strikes] == [
        ("Syria", 37, *span, False), ("Iraq", 3, *span, False)]  # Iraq's 3: stated, no line places them
    ingest_files(factory, [("fragment.txt", FRAGMENT_OF_TOTALS.encode())],
                 source_notes={"fragment.txt": SourceNote(None, span)})
    with factory() as session:
        assert queries.headline(session, Filters(start=span[0], end=span[1])).strikes == 40
        assert queries.headline(session, Filters(start=date(2019, 1, 1))).strikes == 0  # cuts the span
        [undated] = queries.undated_reports(session, Filters()).itertuples()
        assert (undated.counted_on, undated.until, undated.strikes) == (*span, 40)
