"""Chart builders without Streamlit: what a screenshot of a chart shows about itself."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import charts

SOURCE = charts.source_line(389, date(2026, 12, 2))
SUB = charts.subtitle((date(2015, 1, 1), date(2015, 6, 30)), "Iraq")


def _source_annotation(figure):
    [note] = [a for a in figure.layout.annotations if a.text == SOURCE]
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
    folded = charts.top_groups(data, "strikes")
    assert sorted(folded["group"].unique()) == ["5 others", *(f"place {i:02d}" for i in range(7))]
    # nothing is lost: every period keeps its total
    assert folded.groupby("period")["strikes"].sum().to_dict() == data.groupby("period")["strikes"].sum().to_dict()
    assert folded.groupby("period")["reports"].sum().to_dict() == data.groupby("period")["reports"].sum().to_dict()
    figure = charts.timeline(folded, "strikes", "day", True, "Strikes per day", SUB, SOURCE)
    colours = [trace.marker.color for trace in figure.data]
    assert len(colours) == len(set(colours)) == 8  # one colour per group
    assert charts.top_groups(data[data["group"] < "place 08"], "strikes").equals(data[data["group"] < "place 08"])
