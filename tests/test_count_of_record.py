"""The count of record (loaders/count_of_record.py) and the wordings it rests on, on texts
written for these tests in the shapes real releases use. Every expected number is computed by
hand from the text in the test."""

from __future__ import annotations

from datetime import date

from loaders import parse_release
from loaders.records import ParsedRelease


def _counted(release: ParsedRelease) -> dict[str | None, int]:
    """Strikes counted per country (None: country not stated), itemised and not."""
    totals: dict[str | None, int] = {}
    for report in release.strikes:
        totals[report.country] = totals.get(report.country, 0) + (report.strikes or 0)
    return totals


def _not_itemised(release: ParsedRelease) -> list[tuple]:
    return [(r.country, r.date, r.strikes, r.engagements, r.block) for r in release.strikes if not r.itemised]


DAILY_CUT = """SOUTHWEST ASIA, Feb. 9, 2017 — U.S. and coalition military forces continued to attack ISIS yesterday, Combined Joint Task Force Operation Inherent Resolve officials reported today.

Strikes in Syria

In Syria, coalition military forces conducted 17 strikes consisting of 21 engagements against ISIS targets:

-- Near Raqqa, 12 strikes engaged eight ISIS tactical units and destroyed a vehicle.

-- Near Dayr Az Zawr, five strikes destroyed four ISIS oil wellheads.

Strikes in Iraq

In Iraq, coalition military forces conducted 12 strikes consisting of 43 engagements against ISIS targets:

-- Near Mosul, seven strikes engaged six ISIS tactical units and destroyed a mortar system.

-- Near Qayyarah, two strikes destroyed an ISIS weap"""


def test_a_copy_cut_inside_its_list_counts_what_the_country_states():
    release = parse_release(DAILY_CUT)
    # Syria: 12 + 5 = 17 = stated, its 21 engagements given per country only;
    # Iraq: 7 + 2 = 9 of 12 stated: 3 strikes and all 43 engagements not itemised
    assert _counted(release) == {"Syria": 17, "Iraq": 12}
    assert sorted(_not_itemised(release), key=str) == sorted([
        ("Syria", date(2017, 2, 8), 0, 21, "main"),
        ("Iraq", date(2017, 2, 8), 3, 43, "main"),
    ], key=str)
    reasons = [d.message for d in release.diagnostics if d.kind == "not_itemised"]
    assert reasons == ["Iraq, 2017-02-08: states 12 strikes, its lines account for 9; 3 counted as not itemised "
                       "(the copy stops inside this list)"]
    # the not-itemised part points at the sentence that states it
    missing = next(r for r in release.strikes if not r.itemised and r.country == "Iraq")
    assert DAILY_CUT[missing.span[0]:missing.span[1]].startswith("In Iraq, coalition military forces conducted 12")


def test_country_totals_worded_strikes_in_engagements():
    text = ("SOUTHWEST ASIA, Feb. 10, 2017 — Coalition forces continued to attack ISIS yesterday.\n\n"
            "Strikes in Syria\n\nIn Syria, coalition military forces conducted 17 strikes in 21 engagements in Syria "
            "against ISIS targets:\n\n-- Near Raqqa, 17 strikes destroyed 12 ISIS fighting positions.\n")
    release = parse_release(text)
    assert release.stated_totals["Syria"].as_dict() == {"strikes": 17, "engagements": 21}
    assert _not_itemised(release) == [("Syria", date(2017, 2, 9), 0, 21, "main")]


def test_additionally_in_iraq_is_the_second_country_not_a_late_block():
    text = ("SOUTHWEST ASIA — On Dec. 9, Coalition military forces conducted 14 strikes against ISIL terrorists in "
            "Syria and Iraq. In Syria, Coalition military forces conducted five strikes using attack and fighter "
            "aircraft against ISIL targets. Additionally in Iraq, Coalition military forces conducted nine strikes "
            "coordinated with and in support of the Government of Iraq against ISIL targets.\n"
            "Syria\n* Near Raqqah, five strikes destroyed two ISIL vehicles.\n"
            "Iraq\n* Near Mosul, six strikes destroyed an ISIL mortar system.\n")
    release = parse_release(text, published_hint=date(2016, 12, 10))
    assert release.stated_totals["Iraq"].strikes == 9
    assert [t.level for t in release.stated] == ["release", "country", "country"]
    # Iraq: 6 of 9 itemised (the copy of the list is short): 3 not itemised; overall 5 + 9 = 14
    assert _not_itemised(release) == [("Iraq", date(2016, 12, 9), 3, None, "main")]
    assert sum(_counted(release).values()) == 14


def test_a_month_to_date_figure_is_published_not_the_period_total():
    text = ("During the first 24 days of May, the coalition conducted 184 strikes with 231 engagements. "
            "This surpassed the 183 strikes recorded for all of April.\n\n"
            "Coalition military forces conducted 52 strikes May 18-24, consisting of 70 engagements in Iraq and Syria:\n\n"
            "On May 24 in Syria, coalition military forces conducted six strikes consisting of seven engagements near "
            "Abu Kamal, destroying three ISIS-held buildings.\n")
    release = parse_release(text, published_hint=date(2018, 5, 25))
    assert release.stated_totals["all"].as_dict() == {"strikes": 52, "engagements": 70}
    figures = [(f.scope, f.period_start, f.as_of, f.strikes, f.engagements) for f in release.published_figures]
    assert figures == [
        ("all", date(2018, 5, 1), date(2018, 5, 24), 184, 231),
        ("all", date(2018, 4, 1), date(2018, 4, 30), 183, None),
    ]
    # 52 stated, 6 itemised: 46 strikes and 63 engagements not itemised, over the week
    assert _not_itemised(release) == [(None, date(2018, 5, 18), 46, 63, "main")]
    assert [r.last_date for r in release.strikes if not r.itemised] == [date(2018, 5, 24)]


def test_a_cumulative_figure_counts_to_the_release_day():
    text = ("TAMPA, Fla., Sept. 24, 2014 — U.S. military forces continued to attack ISIL terrorists in Iraq "
            "yesterday, using fighter aircraft to conduct two airstrikes. An airstrike west of Baghdad destroyed an "
            "ISIL vehicle. To date, U.S. Central Command has conducted 198 airstrikes across Iraq against ISIL.")
    release = parse_release(text)
    assert [(f.scope, f.period_start, f.as_of, f.strikes) for f in release.published_figures] == [
        ("Iraq", date(2014, 8, 8), date(2014, 9, 23), 198),
    ]
    # the release's own two airstrikes (one itemised, one not), never the 198
    assert sum(_counted(release).values()) == 2


def test_a_day_total_and_the_places_under_it_count_once():
    listed = ("Strikes in Syria\n\nOn May 1, coalition military forces conducted five strikes consisting of five "
              "engagements against ISIS targets:\n\n-- Near Abu Kamal, four strikes damaged an ISIS-held building.\n\n"
              "-- Near Shadaddi, a strike engaged an ISIS tactical unit.\n")
    same_paragraph = ("Strikes in Syria\n\nOn May 1, coalition military forces conducted five strikes consisting of "
                      "five engagements against ISIS targets in Syria. Near Abu Kamal, four strikes damaged an "
                      "ISIS-held building. Near Shadaddi, a strike engaged an ISIS tactical unit.\n")
    for text in (listed, same_paragraph):
        release = parse_release(text, published_hint=date(2018, 5, 4))
        # 4 + 1 = 5 = the day's total: 5 strikes, not 10; its 5 engagements are not itemised
        assert _counted(release) == {"Syria": 5}, text
        assert _not_itemised(release) == [("Syria", date(2018, 5, 1), 0, 5, "main")], text
        assert [t.level for t in release.stated] == ["day"]


def test_a_day_total_without_places_is_a_line_of_its_own():
    text = ("Strikes in Syria\n\nOn June 10, coalition military forces conducted six strikes consisting of six "
            "engagements against ISIS targets in Syria.\n\nOn June 9 near Abu Kamal, coalition military forces "
            "conducted two strikes consisting of two engagements, destroying an ISIS vehicle.\n")
    release = parse_release(text, published_hint=date(2018, 6, 11))
    assert [(r.location_raw, r.date, r.strikes, r.itemised) for r in release.strikes] == [
        (None, date(2018, 6, 10), 6, True), ("Abu Kamal", date(2018, 6, 9), 2, True),
    ]


LATE_IN_OVERALL = """SOUTHWEST ASIA, April 13, 2017 — U.S. and coalition military forces continued to attack ISIS, conducting 20 strikes consisting of 40 engagements against ISIS targets yesterday, officials reported today.

Strikes in Syria

In Syria, coalition military forces conducted seven strikes consisting of 21 engagements against ISIS targets:

-- Near Raqqa, seven strikes engaged three ISIS tactical units.

Additionally, officials reported, five strikes were conducted near Raqqa from April 10 into yesterday that engaged an ISIS staging area.

Strikes in Iraq

In Iraq, coalition military forces conducted eight strikes consisting of 19 engagements against ISIS targets:

-- Near Mosul, eight strikes destroyed 11 fighting positions.
"""


def test_a_late_line_inside_the_overall_total_is_counted_once():
    release = parse_release(LATE_IN_OVERALL)
    # overall 20 = Syria 7 + Iraq 8 + the late 5: nothing is missing, nothing counted twice
    assert sum(_counted(release).values()) == 20
    assert [(r.country, r.strikes) for r in release.strikes if not r.itemised and r.strikes] == []
    late = next(r for r in release.strikes if r.block == "late")
    assert (late.strikes, late.date, late.last_date) == (5, date(2017, 4, 10), date(2017, 4, 12))  # a span
    assert [t for t in release.stated if t.level == "late"][0].first == date(2017, 4, 10)


def test_a_late_block_outside_the_overall_total_counts_on_its_own():
    text = LATE_IN_OVERALL.replace("conducting 20 strikes consisting of 40", "conducting 15 strikes consisting of 40")
    release = parse_release(text)
    # overall 15 = 7 + 8: the late 5 come on top, 20 in all, still nothing missing
    assert sum(_counted(release).values()) == 20
    assert not [d for d in release.diagnostics if d.kind in ("not_itemised", "over_itemised")]


def test_a_late_block_cut_inside_its_list_counts_what_it_states():
    text = ("SOUTHWEST ASIA, May 1, 2017 — Coalition forces conducted two strikes against ISIS yesterday.\n\n"
            "Strikes in Iraq\n\nIn Iraq, coalition military forces conducted two strikes against ISIS targets:\n\n"
            "-- Near Mosul, two strikes destroyed an ISIS vehicle.\n\nEarlier Strikes\n\n"
            "Additionally, officials reported details today of nine April 28-29 strikes for which the information "
            "became available after yesterday's report.\n\n"
            "-- On April 29 near Raqqa, Syria, two strikes destroyed an ISIS-held buil")
    release = parse_release(text)
    # the late block states 9, its one readable line 2: 7 not itemised, over its window
    assert _not_itemised(release) == [(None, date(2017, 4, 28), 7, None, "late")]
    assert [r.last_date for r in release.strikes if not r.itemised] == [date(2017, 4, 29)]
    assert sum(_counted(release).values()) == 2 + 9


def test_lines_adding_up_to_more_than_stated_are_counted_and_flagged():
    text = ("SOUTHWEST ASIA, March 27, 2017 — Coalition forces continued to attack ISIS yesterday.\n\n"
            "Strikes in Iraq\n\nIn Iraq, coalition military forces conducted seven strikes consisting of 67 "
            "engagements against ISIS targets:\n\n-- Near Mosul, seven strikes destroyed an ISIS mortar system.\n\n"
            "-- Near Qaim, three strikes destroyed an ISIS headquarters.\n")
    release = parse_release(text)
    assert _counted(release) == {"Iraq": 10}  # 7 + 3: a stated figure never removes listed strikes
    assert [d.message for d in release.diagnostics if d.kind == "over_itemised"] == [
        "Iraq, 2017-03-26: states 7 strikes, its lines add up to 10; the lines are counted (as published)"]


def test_a_narrative_summary_states_no_counts_and_covers_its_week():
    text = ("News | Dec. 25, 2018\n\nCJTF-OIR continues partner support to Defeat ISIS\n\n"
            "SOUTHWEST ASIA – Combined Joint Task Force – Operation Inherent Resolve continued supporting Coalition "
            "partner forces with precision air strikes in the Middle Euphrates River Valley, Syria, Dec. 16 – 22.\n\n"
            "These coordinated attacks destroyed ISIS logistics facilities and staging areas.")
    release = parse_release(text)
    assert not release.states_counts
    assert (release.period_start, release.period_end) == (date(2018, 12, 16), date(2018, 12, 22))
    assert release.strikes == []
    assert "no_counts" in {d.kind for d in release.diagnostics}


def test_text_that_is_not_a_release_still_says_no_statement():
    release = parse_release("Operation summary 12/01: 4 sorties; targets neutralised: 7 (see annex B).")
    assert release.states_counts
    assert "no_statements" in {d.kind for d in release.diagnostics}


def test_hard_wrapped_lines_keep_every_target():
    """A PDF or an old web copy breaks lines anywhere inside a strike sentence."""
    sentence = ("-- Near Al Qaim, four strikes engaged three ISIS tactical units and destroyed two VBIED "
                "factories, an ISIS-held building, two fighting positions and an ISIS spotter location.")

    def facts(text: str) -> list:
        return [(r.location_raw, r.strikes, sorted((t.action, t.count, t.type) for t in r.targets))
                for r in parse_release(text).strikes]

    whole = facts(f"Strikes in Iraq\n\n{sentence}\n\n-- Near Mosul, a strike destroyed an ISIS weapons cache.")
    words = sentence.split(" ")
    for cut in range(1, len(words)):
        wrapped = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
        assert facts(f"Strikes in Iraq\n\n{wrapped}\n\n-- Near Mosul, a strike destroyed an ISIS weapons cache.") \
            == whole, wrapped
