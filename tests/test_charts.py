"""Chart builders without Streamlit: what a screenshot of a chart shows about itself."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

import pandas as pd

from dashboard import charts, series

SOURCE = charts.source_line(389, date(2026, 12, 2))
SUB = charts.subtitle((date(2015, 1, 1), date(2015, 6, 30)), "Iraq")


def _source_annotation(figure):
    [note] = [a for a in figure.layout.annotations if a.text.replace("<br>", " ") == SOURCE]
    return note


def _types() -> pd.DataFrame:
    return pd.DataFrame({
        "type": ["vehicle", "fighting position", "a very long target type name that pushes the plot right"],
        "category": ["vehicles", "positions, routes and terrain", "unclassified"],
        "targets": [30, 20, 5],
    })


def test_the_source_line_ends_at_the_plot_s_right_edge():
    # a plot that starts after long bar labels clipped a line that started at its left edge
    figure = charts.bar_ranking(_types(), "type", "targets", "Top target types", SUB, SOURCE, color="category")
    note = _source_annotation(figure)
    assert (note.x, note.xanchor, note.xref) == (1, "right", "paper")


def test_bars_coloured_by_category_name_their_colours():
    figure = charts.bar_ranking(_types(), "type", "targets", "Top target types", SUB, SOURCE, color="category")
    colours = charts.category_colours()
    ordered = _types().sort_values("targets")
    assert list(figure.data[0].marker.color) == [colours[c] for c in ordered["category"]]
    # the key under the subtitle names each colour shown, largest first
    title = figure.layout.title.text
    for name in ("vehicles", "positions, routes and terrain", "unclassified"):
        assert f"<span style='color:{colours[name]}'>■</span> {name}" in title
    assert title.index("vehicles") < title.index("positions, routes") < title.index("unclassified")


def test_the_treemap_uses_the_category_colours_of_the_other_charts():
    figure = charts.treemap(_types(), "Targets by category", SUB, SOURCE)
    colours = charts.category_colours()
    treemap = figure.data[0]
    for label, parent, colour in zip(treemap.labels, treemap.parents, treemap.marker.colors, strict=True):
        assert colour == colours[parent or label], label


def test_a_legend_of_many_groups_stays_clear_of_the_title():
    days = [date(2015, 1, day) for day in range(1, 6)]
    data = pd.DataFrame([
        {"period": day, "group": f"place {index}", "strikes": index + 1, "engagements": 0}
        for index in range(12) for day in days
    ])
    figure = charts.timeline(data, "strikes", "day", True, "Strikes per day", SUB, SOURCE)
    legend = figure.layout.legend
    # to the right of the plot, from its top down: it grows downwards, never into the title
    assert legend.x >= 1 and legend.xanchor == "left"
    assert legend.y <= 1 and legend.yanchor == "top"


def test_groups_beyond_the_palette_are_summed_as_others():
    days = [date(2015, 1, day) for day in range(1, 4)]
    data = pd.DataFrame([
        {"period": day, "group": f"place {index:02d}", "strikes": 100 - index, "engagements": None, "reports": 1}
        for index in range(12) for day in days
    ])
    folded = series.top_groups(data, "strikes", charts.MOST_GROUPS)
    assert sorted(folded["group"].unique()) == ["5 others", *(f"place {i:02d}" for i in range(7))]
    # nothing is lost: every period keeps its total
    assert folded.groupby("period")["strikes"].sum().to_dict() == data.groupby("period")["strikes"].sum().to_dict()
    assert folded.groupby("period")["reports"].sum().to_dict() == data.groupby("period")["reports"].sum().to_dict()
    figure = charts.timeline(folded, "strikes", "day", True, "Strikes per day", SUB, SOURCE)
    colours = [trace.marker.color for trace in figure.data]
    assert len(colours) == len(set(colours)) == 8  # one colour per group
    assert series.top_groups(data[data["group"] < "place 08"], "strikes", charts.MOST_GROUPS).equals(data[data["group"] < "place 08"])


def _days(totals: list[int], first: date = date(2019, 1, 1)) -> pd.DataFrame:
    return pd.DataFrame({
        "period": [date.fromordinal(first.toordinal() + offset) for offset in range(len(totals))],
        "group": "all", "strikes": totals,
    })


def test_towering_periods_are_the_bars_above_a_gap():
    assert series.towering_periods(_days([10, 12, 588, 9, 11, 14, 8]), "strikes") == ([(date(2019, 1, 3), 588)], 14)
    # two bars above the gap, the taller first
    towering, rest = series.towering_periods(_days([10, 600, 590, 9, 11, 14, 8]), "strikes")
    assert [total for _period, total in towering] == [600, 590] and rest == 14
    assert series.towering_periods(_days([10, 30, 40, 9, 11, 14, 8]), "strikes") == ([], 0)  # no threefold gap
    assert series.towering_periods(_days([10, 588, 9]), "strikes") == ([], 0)  # too few other bars to judge


def test_only_a_tall_bar_of_undated_strikes_is_cut():
    days = _days([10, 12, 588, 9, 11, 14, 8, 200])

    def undated_in(period):
        return {date(2019, 1, 3): 575, date(2019, 1, 8): 0}.get(period, 0)

    # the 200 of stated days sets the axis; the 588, nearly all on an assumed day, runs past it
    tall_bars, shown = series.undated_tall_bars(days, "strikes", undated_in)
    assert tall_bars == [series.TallBar(date(2019, 1, 3), 588, 575)] and shown == 200
    # a towering bar of stated days is never cut
    assert series.undated_tall_bars(days, "strikes", lambda period: 0) == ([], 0)
    # a bar not much taller than one shown in full stays whole
    assert series.undated_tall_bars(_days([10, 12, 240, 9, 11, 14, 8, 200]), "strikes", undated_in)[0] == []


def test_a_cut_axis_labels_the_bar_that_runs_past_it():
    days = _days([10, 12, 588, 9, 11, 14, 8])
    tall_bars, shown = series.undated_tall_bars(days, "strikes", lambda period: 575)
    figure = charts.timeline(days, "strikes", "day", True, "Strikes per day", SUB, SOURCE, tall_bars=tall_bars, shown=shown)
    assert figure.layout.yaxis.range == (0, 14 * series.AXIS_HEADROOM)
    [mark] = [a for a in figure.layout.annotations if "▲" in a.text]
    assert mark.text == "<b>▲ 588</b>" and mark.xanchor == "left"  # in the left half: it reads to the right
    # the subtitle says why, so a screenshot of the chart does too
    said = re.sub(r"<span style='[^']*'>|</span>", "", figure.layout.title.text).replace("<br>", " ")
    assert "▲ 03 Jan 2019 runs off the axis: 588 strikes" in said
    assert "575 on no day stated by their release, counted on one day" in said
    # without tall bars the axis fits every bar
    assert charts.timeline(days, "strikes", "day", True, "t", SUB, SOURCE).layout.yaxis.range is None


def _weeks(groups: dict[str, list[int]], first: date = date(2015, 4, 6)) -> pd.DataFrame:
    return pd.DataFrame([
        {"period": date.fromordinal(first.toordinal() + 7 * week), "group": group, "strikes": count}
        for group, counts in groups.items() for week, count in enumerate(counts)
    ])


def test_week_bars_stand_on_their_monday():
    # Plotly's weeks start on a Sunday unless told: a click then named the day before the week
    figure = charts.timeline(_weeks({"all": [3, 4, 5]}), "strikes", "week", True, "t", SUB, SOURCE)
    [bars] = figure.data
    assert date.fromisoformat(bars.xperiod0).weekday() == 0 and bars.xperiodalignment == "middle"
    assert date.fromisoformat(figure.layout.xaxis.tick0).weekday() == 0  # and so do the ticks


def test_side_by_side_bars_share_their_period_without_overlapping():
    data = _weeks({"Iraq": [2, 7], "Syria": [5, 1], "unknown": [1, 1]})
    figure = charts.timeline(data, "strikes", "week", False, "t", SUB, SOURCE)
    spans = sorted((bar.offset, bar.offset + bar.width[0]) for bar in figure.data)
    assert all(left_end <= right_start for (_, left_end), (right_start, _) in pairwise(spans))
    assert spans[-1][1] - spans[0][0] <= 7 * 86_400_000  # all inside the week
    stacked = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE)
    assert {bar.offset for bar in stacked.data} == {None}


def test_the_time_axis_spans_the_period_chosen_not_only_the_bars():
    data = _weeks({"all": [3, 4]}, first=date(2016, 11, 7))
    figure = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE, period=(date(2016, 7, 1), date(2016, 12, 31)))
    assert [str(end)[:10] for end in figure.layout.xaxis.range] == ["2016-07-01", "2017-01-01"]


def test_a_country_keeps_its_colour_in_every_view():
    both = charts.timeline(_weeks({"Iraq": [9, 9], "Syria": [1, 1]}), "strikes", "week", True, "t", SUB, SOURCE,
                           colours=charts.COUNTRY_COLOURS)
    syria_first = charts.timeline(_weeks({"Iraq": [1, 1], "Syria": [9, 9]}), "strikes", "week", True, "t", SUB, SOURCE,
                                  colours=charts.COUNTRY_COLOURS)
    syria_only = charts.timeline(_weeks({"Syria": [9, 9]}), "strikes", "week", True, "t", SUB, SOURCE,
                                 colours=charts.COUNTRY_COLOURS)
    for figure in (both, syria_first, syria_only):
        assert {bar.name: bar.marker.color for bar in figure.data}.items() <= charts.COUNTRY_COLOURS.items()
    located = pd.DataFrame({"place": ["Raqqa"], "province": ["Ar Raqqah"], "country": ["Syria"], "strikes": [5],
                            "lat": [35.95], "lon": [39.01]})
    dots = charts.place_map(located, "t", SUB, SOURCE).data[0]
    assert dots.marker.color == charts.COUNTRY_COLOURS["Syria"]


def test_the_dates_sit_under_the_release_strip():
    days = pd.DataFrame({"day": [date(2015, 4, 7)], "covered": ["counts"]})
    figure = charts.timeline(_weeks({"all": [3, 4]}), "strikes", "week", True, "t", SUB, SOURCE, covered_days=days)
    assert figure.layout.xaxis.anchor == "y2"


def test_period_presets_cover_the_years_and_quarters_the_data_reach():
    from dashboard.view_state import WHOLE_CAMPAIGN, period_presets

    presets = period_presets(date(2014, 8, 8), date(2015, 2, 10))
    assert presets[WHOLE_CAMPAIGN] == (date(2014, 8, 8), date(2015, 2, 10))
    assert presets["2014"] == (date(2014, 1, 1), date(2014, 12, 31))
    assert presets["2014 Q4"] == (date(2014, 10, 1), date(2014, 12, 31))
    assert presets["2015 Q1"] == (date(2015, 1, 1), date(2015, 3, 31))
    assert list(presets) == [WHOLE_CAMPAIGN, "2015", "2014", "2015 Q1", "2014 Q4", "2014 Q3"]


def test_filter_chips_name_each_filter_and_remove_one():
    from dashboard.view_state import filter_chips, params_without
    from db.queries import Filters

    filters = Filters(start=date(2015, 1, 1), end=date(2015, 12, 31), countries=("Iraq",), places=("Hit", "Mosul"))
    assert filter_chips(filters) == [("2015-01-01 – 2015-12-31", "dates", None), ("Iraq", "country", "Iraq"),
                                     ("Hit", "place", "Hit"), ("Mosul", "place", "Mosul")]
    params = {"start": "2015-01-01", "end": "2015-12-31", "country": "Iraq", "place": "Hit,Mosul", "grain": "week"}
    assert params_without(params, "place", "Hit") == {**params, "place": "Mosul"}
    assert params_without(params, "country", "Iraq") == {key: value for key, value in params.items() if key != "country"}
    assert params_without(params, "dates", None) == {"country": "Iraq", "place": "Hit,Mosul", "grain": "week"}
    assert filter_chips(Filters()) == []


def test_covered_days_are_drawn_as_runs():
    from dashboard.series import day_runs

    days = [date(2017, 7, 20), date(2017, 7, 21), date(2017, 7, 22), date(2017, 7, 25), date(2017, 7, 21)]
    assert day_runs(days) == [(date(2017, 7, 20), date(2017, 7, 22)), (date(2017, 7, 25), date(2017, 7, 25))]
    covered = pd.DataFrame({"day": days[:4], "covered": ["counts", "counts", "counts", "no counts"]})
    figure = charts.timeline(_weeks({"all": [3, 4]}), "strikes", "week", True, "t", SUB, SOURCE, covered_days=covered)
    strip = [trace for trace in figure.data if trace.yaxis == "y2"]
    assert [trace.name for trace in strip] == ["days a release gives counts for", "days only a summary without counts covers"]
    assert list(strip[0].x) == [date(2017, 7, 20), date(2017, 7, 23), None]  # one run, to the day after its last


def test_every_milestone_has_a_day_of_the_campaign_a_short_label_and_a_public_source():
    from dashboard.milestones import milestones

    marks = milestones()
    assert len(marks) >= 10 and [m.day for m in marks] == sorted({m.day for m in marks})
    for mark in marks:
        assert date(2014, 8, 8) <= mark.day <= date(2019, 12, 31), mark
        assert mark.source_url.startswith("https://") and " " not in mark.source_url, mark
        assert 0 < len(mark.label) <= 24 and len(mark.name) > len(mark.label), mark


def test_milestones_hang_from_the_foot_and_format_changes_from_the_top():
    from dashboard.milestones import milestones

    data = _weeks({"all": [5] * 60}, first=date(2016, 9, 5))  # the weeks of 5 Sep 2016 to 23 Oct 2017
    figure = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE, milestones=list(milestones()))
    notes = {note.text: note for note in figure.layout.annotations}
    assert {"Mosul offensive begins", "Mosul retaken", "Raqqa offensive begins"} <= set(notes)
    assert "Kobani retaken" not in notes and "Baghuz falls" not in notes  # outside the bars' dates
    assert notes["Mosul retaken"].yanchor == "bottom" and notes["engagements reported"].yanchor == "top"
    dashed = [shape for shape in figure.layout.shapes if shape.line.dash == "dash"]
    assert len(dashed) == sum(1 for m in milestones() if date(2016, 9, 5) <= m.day <= date(2017, 10, 30))
    without = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE)
    assert "Mosul retaken" not in {note.text for note in without.layout.annotations}


def test_a_title_says_what_is_in_view():
    from dashboard.charts import short_period, view_title

    half = (date(2015, 1, 1), date(2015, 6, 30))
    assert view_title("Strikes per week, by country", ("Syria",), (), (), half) == "Strikes per week in Syria, Jan–Jun 2015"
    assert view_title("Strikes per week, by province", ("Syria",), (), (), None) == "Strikes per week in Syria, by province"
    assert view_title("Strikes per month, by country", ("Iraq", "Syria"), (), (), None) == "Strikes per month, by country"
    assert view_title("Strikes by place", ("Iraq",), ("Ninawa",), ("Mosul",), None) == "Strikes by place near Mosul"
    assert short_period(date(2017, 5, 1), date(2017, 5, 31)) == "May 2017"
    assert short_period(date(2016, 11, 1), date(2017, 2, 28)) == "Nov 2016–Feb 2017"
    assert short_period(date(2017, 7, 3), date(2017, 7, 9)) == "3–9 Jul 2017"
    assert short_period(date(2017, 6, 28), date(2017, 7, 4)) == "28 Jun–4 Jul 2017"
    assert short_period(date(2016, 12, 30), date(2017, 1, 2)) == "30 Dec 2016–2 Jan 2017"


def test_the_map_names_its_largest_places_and_countries_and_keys_its_sizes():
    located = pd.DataFrame({
        "place": ["Mosul", "Raqqa", "Abu Kamal", "Hit", "Tabqa", "Baiji", "Sinjar"],
        "country": ["Iraq", "Syria", "Syria", "Iraq", "Syria", "Iraq", "Iraq"],
        "province": ["Ninawa", "Ar-Raqqah", "Deir ez-Zor", "Anbar", "Ar-Raqqah", "Salah ad-Din", "Ninawa"],
        "lat": [36.34, 35.95, 34.45, 33.64, 35.84, 34.93, 36.32], "lon": [43.13, 39.01, 40.92, 42.83, 38.55, 43.49, 41.86],
        "strikes": [600, 450, 90, 40, 30, 20, 5],
    })
    figure = charts.place_map(located, "t", SUB, SOURCE)
    labels = next(trace for trace in figure.data if trace.mode == "text" and "Mosul" in trace.text)
    assert list(labels.text) == ["Mosul", "Raqqa", "Abu Kamal", "Hit", "Tabqa", "Baiji"]  # the six largest
    countries = next(trace for trace in figure.data if trace.mode == "text" and "IRAQ" in trace.text)
    assert set(countries.text) == {"IRAQ", "SYRIA"}
    [key] = [trace for trace in figure.data if trace.name == "sizes"]
    assert list(key.text) == ["50 strikes", "100 strikes", "500 strikes"]
    mosul = figure.data[0].marker.size[0]  # 600 strikes, the largest: drawn as the map draws it
    assert list(key.marker.size) == sorted(key.marker.size) and key.marker.size[-1] < mosul
    assert "circle area ∝ strikes" in {note.text for note in figure.layout.annotations}
    one = charts.place_map(located.head(1), "t", SUB, SOURCE)  # one place: the country and the towns around it
    assert one.layout.geo.lataxis.range[1] - one.layout.geo.lataxis.range[0] >= 3
    [towns] = [trace for trace in one.data if trace.name == "towns nearby"]
    assert "Mosul" not in towns.text and {"Erbil", "Dahuk"} & set(towns.text)
    assert not [trace for trace in figure.data if trace.name == "towns nearby"]  # seven places: none added


def test_titles_subtitles_and_source_lines_break_to_fit_a_phones_chart():
    """No line of a chart's own text is longer than a phone's chart holds: each breaks after a
    separator (", " in a title, " · " in a subtitle, "; " in a source line), or between words."""
    title = "Strikes per month near Ar-Raqqah (province), Jan 2015–Jun 2017"
    sub = ("15 Sep 2014 – 14 Jan 2019 · country Syria · places Raqqa, Tabqah, Deir ez-Zor, Abu Kamal · "
           "575 on no day stated by their release, counted on one day")
    source = "Source: CJTF-OIR strike releases; 747 releases; parsed 2026-12-03"
    figure = charts.bar_ranking(_types(), "type", "targets", title, sub, source)
    heading = re.sub(r"<span style='[^']*'>|</span>|</?b>", "", figure.layout.title.text).split("<br>")
    [note] = [note for note in figure.layout.annotations if note.text.startswith("Source")]
    for line, longest in [*((line, charts.TITLE_CHARS) for line in heading[:2]),
                          *((line, charts.SUBTITLE_CHARS) for line in heading[2:]),
                          *((line, charts.SOURCE_CHARS) for line in note.text.split("<br>"))]:
        assert len(line) <= longest, line
    assert heading[:2] == ["Strikes per month near Ar-Raqqah", "(province), Jan 2015–Jun 2017"]
    assert note.text == "Source: CJTF-OIR strike releases; 747 releases;<br>parsed 2026-12-03"
    # nothing lost: the words are those given, in order
    assert " ".join(heading[2:]) == sub and " ".join(heading[:2]) == title
    assert figure.layout.margin.b == 80 + charts.SOURCE_LINE_PX  # room for the second line


def test_cut_first_and_last_periods_are_marked_partial():
    data = _weeks({"Iraq": [3, 9, 9, 2], "Syria": [1, 4, 4, 1]}, first=date(2015, 1, 5))  # weeks of 5 Jan ... 26 Jan
    cut = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE, period=(date(2015, 1, 8), date(2015, 1, 27)))
    marks = [(note.x, note.y, note.xanchor) for note in cut.layout.annotations if note.text == "partial week"]
    # from the first bar's left edge, to the last bar's right edge: never over the y axis's ticks
    assert [(str(x)[:10], y, side) for x, y, side in marks] == [("2015-01-05", 4.0, "left"),
                                                                 ("2015-02-02", 3.0, "right")]
    whole = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE, period=(date(2015, 1, 5), date(2015, 2, 1)))
    assert not [note for note in whole.layout.annotations if note.text == "partial week"]


def test_the_camera_png_is_slide_sized_with_text_at_least_16_px():
    options = charts.image_config("name")["toImageButtonOptions"]
    assert (round(options["width"] * options["scale"]), round(options["height"] * options["scale"])) == (3200, 1800)
    assert 12 * options["scale"] * 1600 / 3200 >= 16  # Plotly's smallest text, 12 px, on a 1600-pixel slide


def test_on_a_phone_the_camera_png_is_the_chart_as_the_phone_shows_it():
    """On a phone the camera's PNG was the phone's layout (legend rows made for 358 px, thinned
    labels) stretched to a slide's 1200 px: now it is drawn at the size it was laid out for."""
    data = _weeks({"Iraq": [3, 9, 9, 2], "Syria": [1, 4, 4, 1]}, first=date(2015, 1, 5))
    wide = charts.timeline(data, "strikes", "week", True, "Strikes per week, by country", SUB, SOURCE)
    phone = charts.for_screen(wide, 390)
    options = charts.image_config("name", phone, 390)["toImageButtonOptions"]
    assert (options["width"], options["height"]) == (390 - 32, phone.layout.height)
    assert phone.layout.height > (wide.layout.height or 460)  # the legend's rows above the plot
    assert options["scale"] * 12 >= 36  # 12 px text drawn at a phone's own density
    assert charts.image_config("name", wide, 1280)["toImageButtonOptions"] == \
        charts.image_config("name")["toImageButtonOptions"]  # a wide screen: the slide size


def test_a_few_counts_tick_in_whole_numbers():
    """Two days' top targets (at most 4 of a type) ticked "0 1 1 2 2 3 3 4 4": steps of a half
    printed as whole numbers. Up to 10 the step is one; beyond, Plotly chooses."""
    few = pd.DataFrame({"type": ["tactical unit", "vehicle"], "targets": [4, 2], "category": ["units", "vehicles"]})
    many = few.assign(targets=[400, 200])
    assert charts.bar_ranking(few, "type", "targets", "t", SUB, SOURCE).layout.xaxis.dtick == 1
    assert charts.bar_ranking(many, "type", "targets", "t", SUB, SOURCE).layout.xaxis.dtick is None
    assert charts.count_ticks(10) == {"tickformat": ",d", "dtick": 1} and "dtick" not in charts.count_ticks(11)


def test_a_share_reads_as_it_rounds_never_0_or_100_when_it_is_not():
    from dashboard.shares import share_text

    assert [share_text(value) for value in (0, 12 / 2494, 0.012, 0.5, 0.994, 0.996, 1, 1.003, 1.5)] == [
        "0%", "under 1%", "1%", "50%", "99%", "over 99%", "100%", "over 100%", "150%"]
    assert [share_text(value, 1) for value in (0.0004, 0.0123, 0.9996)] == ["under 0.1%", "1.2%", "over 99.9%"]


def _published(strikes: int, who: str = "CJTF-OIR (monthly report)") -> pd.DataFrame:
    return pd.DataFrame({"as_of": [date(2017, 7, 20)], "strikes": [strikes], "who_stated": [who]})


def test_a_charts_csv_header_is_what_the_chart_says_of_itself():
    # the header is read from the figure: it can never state filters its subtitle does not
    held = pd.DataFrame({"period": [date(2017, 7, 1)], "strikes": [12], "running": [12]})
    figure = charts.running_total(held, _published(2494), "Strikes against the totals", "from 8 Aug 2014 · Iraq",
                                  SOURCE, 12)
    about = charts.csv_about(figure)
    assert about[:2] == ["Strikes against the totals", "from 8 Aug 2014 · Iraq"]
    assert about[2].startswith(SOURCE) and "<" not in about[2]
    ranking = charts.bar_ranking(_types(), "type", "targets", "Top target types", SUB, SOURCE, color="category")
    assert charts.csv_about(ranking) == ["Top target types", SUB, SOURCE]


def test_the_running_total_names_its_published_source_on_the_chart_not_only_on_hover():
    held = pd.DataFrame({"period": [date(2017, 7, 1)], "strikes": [12], "running": [12]})
    figure = charts.running_total(held, _published(2494, "CJTF-OIR <monthly> report"), "t", "s", SOURCE, 12)
    [source] = [note.text.replace("<br>", " ") for note in figure.layout.annotations
                if note.text.replace("<br>", " ").startswith(SOURCE)]
    assert "CJTF-OIR &lt;monthly&gt; report" in source  # a file's words, escaped
    labels = " ".join(note.text for note in figure.layout.annotations)
    assert "the data hold 12 (under 1%)" in labels and "(0%)" not in labels
    assert "hover" not in (figure.layout.title.text + labels).lower()


def test_a_difference_is_drawn_in_the_colour_of_the_group_that_leads():
    """"Iraq less Syria" coloured Iraq-led months in Syria's colour, had no key, and its hover
    read "Apr 1, 2017" at a month grain."""
    data = pd.DataFrame({"period": [date(2017, 3, 1), date(2017, 4, 1)], "group": ["Iraq less Syria"] * 2,
                         "difference": [12, -5]})
    figure = charts.difference_bars(data, "month", "Strikes per month: Iraq less Syria", SUB, SOURCE, "strikes",
                                    "Iraq", "Syria")
    iraq, syria = figure.data
    assert (iraq.name, iraq.marker.color, list(iraq.y)) == ("Iraq more", charts.COUNTRY_COLOURS["Iraq"], [12])
    assert (syria.name, syria.marker.color, list(syria.y)) == ("Syria more", charts.COUNTRY_COLOURS["Syria"], [-5])
    assert figure.layout.showlegend is True
    assert all("%{x|%b %Y}" in trace.hovertemplate for trace in figure.data)


def test_milestone_labels_near_each_other_or_the_axis_hang_apart():
    """At 1280 px "Raqqa retaken" lay on "Al Qaim and Deir ez-Zor" (17 days apart) and "strikes
    in Syria begin" on the y axis's ticks: a label hangs right of its line near the left edge and
    on the other side from a close neighbour."""
    from dashboard.milestones import milestones

    data = _weeks({"Iraq": [3, 9]}, first=date(2014, 9, 15))
    figure = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE, milestones=list(milestones()),
                             period=(date(2014, 9, 15), date(2019, 1, 14)))
    side = {note.text: "left of its line" if note.xanchor == "right" else "right of its line"
            for note in figure.layout.annotations if note.textangle == -90 and note.yanchor == "bottom"}
    assert side["strikes in Syria begin"] == "right of its line"
    assert side["Raqqa retaken"] != side["Al Qaim and Deir ez-Zor"]
    assert side["Mosul offensive begins"] == "left of its line"  # alone: the usual side


def test_a_wide_or_unknown_screen_gets_the_chart_as_it_is():
    data = _weeks({"Iraq": [3, 9], "Syria": [4, 1]}, first=date(2015, 1, 5))
    figure = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE)
    assert charts.for_screen(figure, None) is figure and charts.for_screen(figure, charts.NARROW_SCREEN) is figure


def test_on_a_phone_the_legend_stands_in_rows_above_the_plot_and_the_plot_keeps_its_height():
    """At 390 px a legend beside the plot left it a sliver (the Timeline's about 120 px wide):
    on a narrow screen it stands above the plot, under the subtitle, with room made for its rows."""
    data = _weeks({"Iraq": [3, 9], "Syria": [4, 1], "unknown": [1, 1]}, first=date(2015, 1, 5))
    wide = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE)
    phone = charts.for_screen(wide, 390)
    assert phone is not wide and wide.layout.legend.orientation == "v"  # the wide chart untouched
    legend = phone.layout.legend
    assert (legend.orientation, legend.x, legend.xanchor, legend.y, legend.yanchor) == ("h", 0, "left", 1, "bottom")
    # three names (265 px) are wider than the 238 px plot: two columns, two rows; the rows add to
    # the top margin and the height alike
    added = phone.layout.margin.t - wide.layout.margin.t
    assert added == 2 * 22 + 24 and phone.layout.height - wide.layout.height == added
    assert phone.layout.margin.r <= 30


def test_a_legend_of_long_names_on_a_phone_takes_a_row_each():
    # Plotly lays a legend wider than the plot in columns as wide as its widest entry
    assert charts._legend_rows(["Iraq", "Syria"], 238) == 1
    assert charts._legend_rows(["Iraq", "Iraq: not itemised", "Syria", "Syria: not itemised", "unknown",
                                "unknown: not itemised"], 238) == 6
    assert charts._legend_rows(["a", "b", "c", "d", "e"], 120) == 3  # two 57 px columns a row


def test_on_a_phone_the_map_keys_its_sizes_under_the_map_and_a_treemap_is_left_alone():
    located = pd.DataFrame({"place": ["Mosul", "Raqqa"], "country": ["Iraq", "Syria"], "province": ["Ninawa", "Ar-Raqqah"],
                            "lat": [36.34, 35.95], "lon": [43.13, 39.01], "strikes": [600, 450]})
    phone = charts.for_screen(charts.place_map(located, "t", SUB, SOURCE), 390)
    assert list(phone.layout.geo.domain.x) == [0, 1] and phone.layout.geo.domain.y[0] >= max(phone.layout.yaxis.domain)
    assert phone.layout.legend.orientation == "h"  # the countries' colours above the map
    treemap = charts.treemap(pd.DataFrame({"category": ["vehicles"], "type": ["vehicle"], "targets": [3]}), "t", SUB,
                             SOURCE)
    assert charts.for_screen(treemap, 390).layout.margin.t == treemap.layout.margin.t


def test_on_a_phone_close_milestones_keep_their_lines_and_the_first_label():
    from dashboard.milestones import milestones

    data = _weeks({"Iraq": [3, 9]}, first=date(2014, 9, 15))
    period = (date(2014, 9, 15), date(2019, 1, 14))
    wide = charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE, milestones=list(milestones()), period=period)
    phone = charts.for_screen(wide, 390)
    labels = [note for note in phone.layout.annotations if note.textangle == -90]
    shown = [note.text for note in labels if note.visible is not False]
    assert all(note.visible is not False for note in wide.layout.annotations)  # all labelled on a wide screen
    assert "strikes in Syria begin" in shown and 3 <= len(shown) < len(labels)
    plot, span = 390 - 32 - 90 - 30, (period[1] - period[0]).days
    at = sorted((pd.Timestamp(note.x) - pd.Timestamp(period[0])).days / span * plot for note in labels
                if note.visible is not False)
    assert min(b - a for a, b in pairwise(at)) >= 32  # no two labels on each other
    assert len(phone.layout.shapes) == len(wide.layout.shapes)  # every dashed line stays


def test_on_a_phone_the_source_line_starts_at_the_chart_s_left_edge():
    data = _weeks({"Iraq": [3, 9]}, first=date(2015, 1, 5))
    phone = charts.for_screen(charts.timeline(data, "strikes", "week", True, "t", SUB, SOURCE), 390)
    assert _source_annotation(phone).xshift == 8 - 60  # the plot's left margin, undone
