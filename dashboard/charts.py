"""Plotly figure builders: DataFrames in, figures out. Every chart states what it counts,
the period and filters in force, its units, and its source, so a screenshot explains itself."""

from __future__ import annotations

import html
import math
import re
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.milestones import FORMAT_CHANGES, Milestone
from dashboard.series import AXIS_HEADROOM, TallBar, day_runs
from dashboard.shares import share_text
from loaders.dates import month_end
from loaders.gazetteer import largest_towns

# The look of every chart, as the default template: a new figure takes the default in about
# a millisecond, while assigning a template to a figure validates all of it again (about
# 20 ms a chart, most of a cached page's rerun).
pio.templates.default = "plotly_white"

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
GREY = "#9AA5B1"
MOST_GROUPS = len(PALETTE) - 1  # groups with a colour of their own; the rest are summed as "others"
# The colour of each country in every chart and view (the map's too).
COUNTRY_COLOURS = {"Iraq": PALETTE[0], "Syria": PALETTE[1], "unknown": GREY}
# Weeks start on Monday, as the queries count them (Plotly's default reference is a Sunday).
WEEK_START = "2000-01-03"
FONT = "Source Sans Pro, Arial, sans-serif"
SLIDE_SIZE = (1600, 900)


def slug(text: str, longest: int = 80) -> str:
    """A file name's stem from a title: "Strikes per week, by country" -> "strikes-per-week-by-country"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:longest].strip("-")


def short_period(first: date, last: date) -> str:
    """"May 2017", "Jan–Jun 2015", "Nov 2016–Feb 2017", or days: "3–9 Jul 2017", "28 Jun–4 Jul 2017"."""
    whole_months = first.day == 1 and (last + timedelta(days=1)).day == 1
    if whole_months:
        if (first.year, first.month) == (last.year, last.month):
            return f"{first:%b %Y}"
        return f"{first:%b}–{last:%b %Y}" if first.year == last.year else f"{first:%b %Y}–{last:%b %Y}"
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b}–{last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y}–{last.day} {last:%b %Y}"


def view_title(base: str, countries: tuple[str, ...], provinces: tuple[str, ...], places: tuple[str, ...],
               period: tuple[date, date] | None) -> str:
    """A chart's title that says what is in view, for a screenshot or a slide: "Strikes per week,
    by country" with Syria alone, January to June 2015 -> "Strikes per week in Syria, Jan–Jun
    2015". period: the dates chosen (None: the whole record, not named)."""
    head, by, split = base.partition(", by ")
    where = (f" near {places[0]}" if len(places) == 1 else f" in {provinces[0]}" if len(provinces) == 1
             else f" in {countries[0]}" if len(countries) == 1 else "")
    if by and split == "country" and len(countries) == 1:
        by = split = ""  # one country: nothing to split by
    return head + where + by + split + (f", {short_period(*period)}" if period else "")


def source_line(releases: int, parsed_on: date | None = None) -> str:
    parsed = f"; parsed {parsed_on.isoformat()}" if parsed_on else ""
    return f"Source: CJTF-OIR strike releases; {releases:,} releases{parsed}"


def subtitle(period: tuple[date | None, date | None], filters_text: str, extra: str = "") -> str:
    start, end = period
    span = f"{start:%d %b %Y} – {end:%d %b %Y}" if start and end else "all dates"
    return " · ".join(part for part in (span, filters_text, extra) if part)


# Characters a line of a chart's title, subtitle and source line holds: each fits a phone's
# chart (about 330 px across at 390 px) in its font, so no screen cuts them.
TITLE_CHARS, SUBTITLE_CHARS, SOURCE_CHARS = 34, 44, 52
SOURCE_LINE_PX = 14  # a source line's height, 11 px type


def _wrap(text: str, width: int = SUBTITLE_CHARS, separator: str = " · ") -> list[str]:
    """Parts of a text (separated by `separator`) packed into lines of at most `width`
    characters; a part longer than a line breaks between words. A line that breaks after a
    separator keeps its mark (the "·" of " · "), so the lines joined by spaces read as the text."""
    mark = separator.strip()
    lines: list[str] = []
    for part in text.split(separator):
        if lines and len(lines[-1]) + len(separator) + len(part) + len(mark) <= width:
            lines[-1] += separator + part
            continue
        if lines:
            lines[-1] += (" " if mark == "·" else "") + mark
        words = part.split(" ")
        lines.append(words[0])
        for word in words[1:]:
            if len(lines[-1]) + 1 + len(word) + len(mark) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
    return lines


def _colour_key(key: dict[str, str]) -> list[str]:
    """Lines of "■ name" in each name's colour, packed like the subtitle: a key that needs no
    room beside the plot, for charts in a narrow column."""
    lines: list[list[str]] = []
    for name in key:
        if lines and sum(len(entry) + 5 for entry in lines[-1]) + len(name) <= 44:
            lines[-1].append(name)
        else:
            lines.append([name])
    return ["   ".join(f"<span style='color:{key[name]}'>■</span> {name}" for name in line) for line in lines]


def frame(figure: go.Figure, title: str, sub: str, source: str, height: int = 460,
          notes: list[dict] | None = None, key: dict[str, str] | None = None, source_side: str = "left") -> go.Figure:
    """Title, subtitle, source line, palette and fonts shared by every chart; notes are the
    chart's own annotations, set together with the source line (setting annotations one
    after another revalidates all of them each time); key is a colour key {name: colour}
    shown under the subtitle."""
    title_lines = _wrap(title, TITLE_CHARS, separator=", ")
    sub_lines = _wrap(sub) + (_colour_key(key) if key else [])
    subtitle_html = "<br>".join(f"<span style='font-size:13px;color:#52606D'>{line}</span>" for line in sub_lines)
    source_lines = [line for given in source.split("<br>") for line in _wrap(given, SOURCE_CHARS, separator="; ")]
    figure.update_layout(
        # hung from the top of the figure: centred in the top margin, a tall block ran into the plot
        title={"text": f"<b>{'<br>'.join(title_lines)}</b><br>{subtitle_html}", "x": 0.01, "xanchor": "left",
               "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
        font={"family": FONT, "size": 13, "color": "#1F2933"},
        colorway=PALETTE,
        height=height,
        margin={"l": 60, "r": 30, "t": 72 + 22 * (len(title_lines) - 1) + 18 * len(sub_lines),
                "b": 80 + SOURCE_LINE_PX * (len(source_lines) - 1)},
        # right of the plot: above it, a legend of many groups grew over the title
        legend={"orientation": "v", "yanchor": "top", "y": 1.0, "xanchor": "left", "x": 1.01},
        # what the chart says of itself, as its CSV's first lines say it (csv_about)
        meta={"about": [title, sub, source]},
    )
    # assigned, not passed to update_layout, which walks and revalidates every annotation's
    # properties one path at a time: 35-40 ms a chart, most of a chart's making
    figure.layout.annotations = [
        *(figure.layout.annotations if notes is None else notes),
        # pinned in pixels below the plot, so it stays inside charts of any height; from the
        # plot's left edge (a legend beside the plot can leave it narrower than the line), or
        # with source_side="right" ending at its right edge, for a plot that starts after long
        # bar labels and has no room right of its left edge
        {"text": "<br>".join(source_lines), "xref": "paper", "yref": "paper", "x": 1 if source_side == "right" else 0,
         "y": 0, "yshift": -58, "showarrow": False, "xanchor": source_side, "yanchor": "top",
         "align": source_side, "font": {"size": 11, "color": "#52606D"}},
    ]
    return figure


# A window narrower than this (a phone, upright) gets charts laid out for it (for_screen); wider
# ones have room for a legend and keys beside the plot.
NARROW_SCREEN = 640
_PAGE_PADDING = 32  # px the page leaves either side of a chart on a narrow screen (Streamlit's 1rem)
_LEGEND_ROW_PX, _LEGEND_CHAR_PX, _LEGEND_ENTRY_PX = 22, 7.2, 50  # 13 px type; an entry's symbol and gaps


def for_screen(figure: go.Figure, width: int | None) -> go.Figure:
    """The chart laid out for a window `width` px wide: as it is on a wide one (or an unknown
    one), and on a narrow one with nothing beside the plot, which would leave it a sliver: the
    legend in rows above the plot, under the subtitle; the map's size key under the map; rotated
    labels (milestones, format changes) that would stand on each other left as dashed lines."""
    if width is None or width >= NARROW_SCREEN:
        return figure
    figure = go.Figure(figure)
    chart_width = width - _PAGE_PADDING
    margin = figure.layout.margin
    left, right = margin.l if margin.l is not None else 60, margin.r if margin.r is not None else 30
    # the plot's width: its left margin grows to hold the y axis's title and ticks (about 90 px)
    plot_width = max(chart_width - max(left, 90) - min(right, 30), 60)
    entries = _legend_entries(figure)
    if entries:
        title = figure.layout.legend.title.text or ""
        # Plotly wraps a horizontal legend at the plot's width
        rows = _legend_rows(([title] if title else []) + entries, plot_width)
        above = rows * _LEGEND_ROW_PX + 24  # and a gap: the subtitle's last line reaches below its margin
        figure.update_layout(
            # in rows, trace after trace: grouped, each group stood in a column of its own
            legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "yref": "paper",
                    "bgcolor": "rgba(0,0,0,0)", "borderwidth": 0, "traceorder": "normal", "tracegroupgap": 0},
            margin={"t": (margin.t or 0) + above, "r": min(right, 30)},
            height=(figure.layout.height or 460) + above,  # the plot keeps its height
        )
    elif right > 30:
        figure.update_layout(margin={"r": 30})
    if figure.layout.geo and figure.layout.geo.domain and figure.layout.xaxis.domain:
        # the size key under the map, not in a strip beside it a few pixels wide
        figure.update_geos(domain={"x": [0, 1], "y": [0.3, 1]})
        figure.update_layout(xaxis={"domain": [0, 0.5]}, yaxis={"domain": [0, 0.22]})
    for note in figure.layout.annotations:
        if _is_source_line(note) and note.xanchor == "left":
            # the source line from the chart's left edge: from the plot's, it ran past the right one
            note.xshift = 8 - left
    _thin_rotated_labels(figure, plot_width)
    return figure


def _is_source_line(note) -> bool:
    """frame()'s source line: the annotation pinned in pixels below the plot's foot."""
    return note.yref == "paper" and note.y == 0 and (note.yshift or 0) < 0


def _legend_entries(figure: go.Figure) -> list[str]:
    if figure.layout.showlegend is False:
        return []
    # a treemap has no legend; a trace of a legend group has its own entry in it
    named = [str(trace.name) for trace in figure.data
             if getattr(trace, "showlegend", False) is not False and trace.name]
    # Plotly shows a legend of one trace only when asked to
    return named if len(named) > 1 or figure.layout.showlegend else []


def _legend_rows(entries: list[str], room: float) -> int:
    """The rows a horizontal legend of these entries takes in `room` px, as Plotly lays it out:
    one row if all fit, else columns as wide as the widest entry."""
    widths = [_LEGEND_ENTRY_PX + _LEGEND_CHAR_PX * len(entry) for entry in entries]
    if sum(widths) <= room:
        return 1
    columns = max(1, int(room // max(widths)))
    return -(-len(entries) // columns)


# two rotated 10-11 px labels hung towards each other from lines this far apart do not meet
_ROTATED_LABEL_PX = 32


def _thin_rotated_labels(figure: go.Figure, plot_width: float) -> None:
    """Of rotated labels on a date axis standing closer than a label's thickness at this plot
    width, each after the first is hidden (its dashed line stays): on a phone the
    campaign's milestones stood 1-8 px apart, their words on each other (those hung from the
    plot's top against those stood on its foot too: the plot is short)."""
    rotated = [note for note in figure.layout.annotations if note.textangle == -90 and note.text]
    if not rotated:
        return
    days = [pd.Timestamp(note.x) for note in rotated]
    if figure.layout.xaxis.range:  # the period chosen, which may reach past the bars
        shown = pd.to_datetime(pd.Series(list(figure.layout.xaxis.range)), errors="coerce").dropna()
    else:
        xs = [value for trace in figure.data for value in (trace.x if trace.x is not None else []) if value is not None]
        shown = pd.to_datetime(pd.Series(xs, dtype=object), errors="coerce").dropna()
    first, last = min([*shown, *days]), max([*shown, *days])
    span = max((last - first).days, 1)
    placed: list[float] = []
    for note in sorted(rotated, key=lambda note: pd.Timestamp(note.x)):
        at = (pd.Timestamp(note.x) - first).days / span * plot_width
        if placed and at - placed[-1] < _ROTATED_LABEL_PX:
            note.visible = False
            continue
        placed.append(at)


def csv_about(figure: go.Figure) -> list[str]:
    """The first lines of a chart's CSV: its title, its subtitle (the period and the filters its
    numbers obey) and its source line, as the chart shows them, as plain text; [] for a figure
    frame() did not make."""
    meta = figure.layout.meta
    about = meta.get("about", []) if isinstance(meta, dict) else []
    return [html.unescape(re.sub(r"<[^>]+>", "", line.replace("<br>", " "))) for line in about]


# The camera button's PNG: laid out at 1200 x 675 and drawn 8/3 times over, 3200 x 1800 pixels,
# so a 12 px tick label is 16 px on a 1600-pixel-wide slide.
CAMERA_LAYOUT, CAMERA_SCALE = (1200, 675), 8 / 3
# On a narrow screen the PNG is the chart as laid out for it, at its size, drawn 3 times over
# (a phone's own pixel density): a slide's 1200 px would stretch a layout made for 360 px.
NARROW_CAMERA_SCALE = 3


def image_config(filename: str, figure: go.Figure | None = None, screen_width: int | None = None) -> dict:
    """Plotly's own camera button saves a PNG with a meaningful file name: slide-sized, or on
    a narrow screen the figure as for_screen laid it out for that screen, at that size."""
    width, height, scale = *CAMERA_LAYOUT, CAMERA_SCALE
    if figure is not None and screen_width is not None and screen_width < NARROW_SCREEN:
        width, height, scale = screen_width - _PAGE_PADDING, figure.layout.height or 460, NARROW_CAMERA_SCALE
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "width": width, "height": height,
                                 "scale": scale},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def empty(title: str, sub: str, source: str, message: str = "No strikes match these filters.") -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 16})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return frame(figure, title, sub, source)


def _axis_cut(figure: go.Figure, tall_bars: list[TallBar], shown: int, start: date, end: date) -> list[dict]:
    """End the y axis above the bars shown in full and mark each bar that runs past it with
    its value: one day's bar built from an undated multi-day summary would otherwise flatten
    every other bar. Returns the marks for frame()."""
    top = shown * AXIS_HEADROOM
    figure.update_yaxes(range=[0, top], autorange=False)
    middle = start + (end - start) / 2
    marks = []
    for bar in tall_bars:
        right_half = bar.period > middle  # the mark reads away from the plot's nearer edge
        marks.append({
            "x": bar.period, "y": top, "xref": "x", "yref": "y", "showarrow": False, "yanchor": "top",
            "xanchor": "right" if right_half else "left", "xshift": -4 if right_half else 4,
            "text": f"<b>▲ {bar.total:,}</b>", "font": {"size": 12, "color": "#1F2933"},
        })
    return marks


def axis_cut_note(tall_bars: list[TallBar], measure: str, grain: str) -> str:
    """The subtitle's words for the bars that run off a cut axis (" · "-separated parts)."""
    when = {"day": "%d %b %Y", "week": "week of %d %b %Y", "month": "%b %Y"}[grain]
    return " · ".join(
        f"▲ {bar.period:{when}} runs off the axis: {bar.total:,} {measure} · "
        f"{bar.undated:,} on no day stated by their release, counted on one day"
        for bar in tall_bars
    )


# How the coverage strip marks a day (db.queries.coverage_days): (legend name, colour)
COVERAGE_MARKS = {
    "counts": ("days a release gives counts for", "#52606D"),
    "no counts": ("days only a summary without counts covers", "#E69F00"),
}


NOT_ITEMISED_PATTERN = {"shape": "/", "fgcolor": "#FFFFFF", "size": 6, "solidity": 0.35}


GRAIN_DAYS = {"day": 1, "week": 7, "month": 30.44}  # a period's length, for a span's average per period


def spans_note(spans: pd.DataFrame | None, measure: str, grain: str) -> str:
    """The subtitle's words for the spans of days drawn across their days ("" for none)."""
    if spans is None or spans.empty or not spans[measure].fillna(0).any():
        return ""
    total = int(spans[measure].fillna(0).sum())
    return (f"▭ {total:,} {measure} stated over spans of days no one {grain} holds, drawn across those days at "
            f"their average per {grain}")


def _draw_spans(figure: go.Figure, spans: pd.DataFrame, measure: str, grain: str, colour_of: dict[str, str]) -> float:
    """Each span of days as a hatched band from its first day to its last, as high as its
    average per period (its area is its total, as a bar's is): one release's count over three
    weeks never stands as one week's bar. Returns the tallest band's height."""
    tallest = 0.0
    for row in spans.itertuples(index=False):
        value = getattr(row, measure)
        if not value or pd.isna(value):
            continue
        days = (row.last - row.first).days + 1
        height = value * GRAIN_DAYS[grain] / days
        tallest = max(tallest, height)
        end = row.last + timedelta(days=1)
        colour = colour_of.get(row.group, GREY)
        figure.add_trace(go.Scatter(
            x=[row.first, row.first, end, end, row.first], y=[0, height, height, 0, 0], mode="lines", fill="toself",
            line={"color": colour, "width": 1}, fillcolor="rgba(255,255,255,0)",
            fillpattern={"shape": "/", "fgcolor": colour, "solidity": 0.3}, name=f"{row.group}: over a span",
            legendgroup=str(row.group), showlegend=False, hoveron="fills",
            hovertemplate=(f"{html.escape(str(row.group))}: {int(value):,} {measure} over {row.first:%d %b %Y} – "
                           f"{row.last:%d %b %Y} ({days} days; drawn at {height:,.1f} per {grain})<extra></extra>"),
        ))
    return tallest


def _flagged_words(part: pd.DataFrame) -> list[str]:
    """Each bar's words for its strikes whose release does not add up (column "flagged",
    db.queries.strikes_on_flagged_releases): a figure that rests on them says so."""
    if "flagged" not in part:
        return [""] * len(part)
    return [f"<br>  {int(n):,} of them from releases whose totals and lines differ (see Data quality)"
            if n and not pd.isna(n) else "" for n in part["flagged"]]


def timeline(data: pd.DataFrame, measure: str, grain: str, stacked: bool, title: str, sub: str, source: str, *,
             covered_days: pd.DataFrame | None = None, tall_bars: list[TallBar] | None = None,
             shown: int = 0, period: tuple[date | None, date | None] = (None, None),
             colours: dict[str, str] | None = None, milestones: list[Milestone] | None = None,
             spans: pd.DataFrame | None = None) -> go.Figure:
    """Bars of strikes (or engagements) per period, one trace per group, with format changes
    (labelled at the top) and the campaign's `milestones` (labelled at the foot) marked and, below, a strip of the days a release covers (with counts, or only a summary
    without them); with tall_bars (see undated_tall_bars) the y axis ends a little above
    `shown`, and the subtitle says why. Where the data have a column `unitemised`, the strikes
    a release states but no line of it places are the hatched top of their group's bar. The
    time axis spans `period` (its open ends: the data's); `colours` fixes the colour of known
    groups (countries, categories), so a group keeps it in every view. `spans` (first, last,
    group and the measure: db.queries.spans_over_time) are drawn across their days."""
    spans = spans if spans is not None and not spans.empty else None
    if data.empty and spans is None:
        return empty(title, sub, source)
    if data.empty:  # only spans: the axis still needs their periods
        data = pd.DataFrame({"period": [spans["first"].min(), spans["last"].max()], "group": spans["group"].iloc[0],
                             measure: 0, "unitemised": 0})
    figure = go.Figure()
    groups = data.groupby("group")[measure].sum().sort_values(ascending=False).index.tolist()
    if spans is not None:
        groups += [group for group in dict.fromkeys(spans["group"]) if group not in groups]
    colour_of = _group_colours(groups, colours or {})
    # Bars as wide as their period (a single day or week still shows as a bar), in its middle;
    # side by side, each group takes its share of that width.
    width_ms = {"day": 1, "week": 7, "month": 30}[grain] * 86_400_000 * 0.85
    share = width_ms if stacked else width_ms / len(groups)
    when = {"day": "%d %b %Y", "week": "week of %d %b %Y", "month": "%b %Y"}[grain]
    split_itemised = measure == "strikes" and "unitemised" in data and bool(data["unitemised"].fillna(0).any())
    bar = {"xperiod": {"day": 86_400_000, "week": 604_800_000, "month": "M1"}[grain],
           "xperiod0": WEEK_START if grain == "week" else None, "xperiodalignment": "middle", "xhoverformat": when}
    for index, group in enumerate(groups):
        part = data[data["group"] == group]
        if part.empty:
            continue  # a group with spans only
        offset = None if stacked else -width_ms / 2 + index * share
        unitemised = part["unitemised"].fillna(0) if split_itemised else pd.Series(0, index=part.index)
        itemised = part[measure] - unitemised
        figure.add_bar(
            x=part["period"], y=itemised, name=str(group), marker_color=colour_of[group], legendgroup=str(group),
            width=[share] * len(part), offset=offset, **bar,
            customdata=part[["group", measure]].assign(unitemised=unitemised, flagged=_flagged_words(part)),
            hovertemplate=f"{group}: %{{customdata[1]:,}} {measure}"
                          + (" (%{customdata[2]:,} not itemised by place)" if split_itemised else "")
                          + "%{customdata[3]}<extra></extra>",
        )
        if split_itemised and unitemised.any():
            # only the periods that have such strikes: an empty bar is still drawn, at a cost
            has = unitemised > 0
            figure.add_bar(
                x=part["period"][has], y=unitemised[has], base=None if stacked else itemised[has],
                name=f"{group}: not itemised", legendgroup=str(group),
                marker={"color": colour_of[group], "pattern": NOT_ITEMISED_PATTERN},
                width=[share] * int(has.sum()), offset=offset, **bar,
                hoverinfo="skip", hovertemplate=None,  # the group's own bar says it, once
            )
    # one label for every group at a period: the groups compared at a glance
    figure.update_layout(barmode="stack" if stacked else "group", bargap=0.1, hovermode="x unified",
                         showlegend=len(groups) > 1 or split_itemised)
    figure.update_yaxes(title_text=f"{measure} per {grain}", rangemode="tozero", tickformat=",d")
    figure.update_xaxes(title_text=None)
    if spans is not None:
        _draw_spans(figure, spans, measure, grain, colour_of)
        sub = " · ".join(part for part in (sub, spans_note(spans, measure, grain)) if part)
    first_bar = min(data["period"].min(), spans["first"].min()) if spans is not None else data["period"].min()
    past_last_bar = data["period"].max() + timedelta(days={"day": 1, "week": 7, "month": 31}[grain])
    if spans is not None:
        past_last_bar = max(past_last_bar, spans["last"].max() + timedelta(days=1))
    start = min(period[0] or first_bar, first_bar)
    end = max(period[1] + timedelta(days=1) if period[1] else past_last_bar, past_last_bar)
    figure.update_xaxes(type="date", range=[start, end])
    weeks = (end - start).days / 7
    if grain == "week" and weeks <= 26:
        # ticks on the weeks' Mondays, as the bars (Plotly's own weekly ticks fall on Sundays);
        # over a longer span its monthly ticks read better
        figure.update_xaxes(tickmode="linear", tick0=WEEK_START, dtick=7 * 86_400_000 * math.ceil(weeks / 12))
    notes = _format_changes(figure, start, end) + _milestones(figure, milestones or [], start, end)
    notes += _partial_periods(data, measure, grain, stacked, period, tall_bars or [])
    if tall_bars:
        notes += _axis_cut(figure, tall_bars, shown, start, end)
        sub = " · ".join((sub, axis_cut_note(tall_bars, measure, grain)))
    if split_itemised:
        sub = " · ".join((sub, "hatched: stated by a release but not itemised by place"))
    if covered_days is not None and not covered_days.empty:
        for covered, (name, colour) in COVERAGE_MARKS.items():
            runs = day_runs(covered_days.loc[covered_days["covered"] == covered, "day"])
            if not runs:
                continue
            # one line of runs of days (a run: its first day to the day after its last), not a
            # mark per day: a campaign's thousand days cost the browser a thousand shapes
            xs: list = []
            for first, last in runs:
                xs += [first, last + timedelta(days=1), None]
            figure.add_trace(go.Scatter(
                x=xs, y=[0 if x is not None else None for x in xs], mode="lines", yaxis="y2", name=name,
                line={"color": colour, "width": 12}, connectgaps=False, hoverinfo="skip",
            ))
        figure.update_layout(
            yaxis={"domain": [0.14, 1]},
            yaxis2={"domain": [0, 0.07], "showticklabels": False, "showgrid": False, "zeroline": False,
                    "title": {"text": "covered", "font": {"size": 10}}},
            xaxis={"anchor": "y2"},  # the dates under the strip, not printed over it
        )
    # labels hung from the plot's top (format changes) and stood on its foot (milestones) meet
    # in a plot much under 300 px tall
    return frame(figure, title, sub, source, notes=notes, height=540 if notes else 460)


def difference_bars(data: pd.DataFrame, grain: str, title: str, sub: str, source: str, unit: str,
                    first: str, second: str, colours: dict[str, str] | None = None) -> go.Figure:
    """One bar per period of first less second (data: period, group, difference): above the
    axis in first's colour where it has more, below in second's where second has; the key names
    both. The hover names the period as the axis counts it (a month, a week, a day)."""
    if data.empty:
        return empty(title, sub, source)
    colour_of = _group_colours([first, second], colours or COUNTRY_COLOURS)
    name = str(data["group"].iloc[0])
    leads = data["difference"] >= 0
    figure = go.Figure()
    for leader, rows in ((first, data[leads]), (second, data[~leads])):
        figure.add_trace(go.Bar(
            x=rows["period"], y=rows["difference"], name=f"{leader} more", marker_color=colour_of[leader],
            xperiod={"day": 86_400_000, "week": 604_800_000, "month": "M1"}[grain],
            xperiod0=WEEK_START if grain == "week" else None, xperiodalignment="middle",
            hovertemplate=f"%{{x|{_HOVER_DAY[grain]}}}<br>{html.escape(name)}: %{{y:+,}} {unit}<extra></extra>",
        ))
    figure.update_yaxes(title_text=f"{name}, {unit} per {grain}", tickformat="+,d", zeroline=True,
                        zerolinecolor="#52606D")
    figure.update_xaxes(title_text=None, type="date")
    figure.update_layout(barmode="relative", showlegend=True)
    return frame(figure, title, sub, source)


def running_total(held: pd.DataFrame, published: pd.DataFrame, title: str, sub: str, source: str,
                  latest_held: int | None = None) -> go.Figure:
    """The data's strikes added up since the campaign began (held: columns period, the first of
    a month, and running, the total at its end) against the totals the coalition published for
    the same scope (published: columns as_of, strikes, who_stated), each a point with its source
    on hover; the latest published total is labelled with what the data hold to its day
    (latest_held), and its source is the source line's second line (a slide has no hover)."""
    if held.empty and published.empty:
        return empty(title, sub, source, "Nothing to add up for these filters.")
    figure = go.Figure()
    if not held.empty:
        month_ends = (pd.to_datetime(held["period"]) + pd.offsets.MonthEnd(0)).dt.date
        figure.add_scatter(
            x=month_ends, y=held["running"], name="strikes in the data", mode="lines+markers",
            line={"color": PALETTE[0], "width": 3}, marker={"size": 4},
            hovertemplate="to %{x|%d %b %Y}: %{y:,} strikes in the data<extra></extra>",
        )
    notes = []
    if not published.empty:
        figure.add_scatter(
            x=published["as_of"], y=published["strikes"], name="reported by the coalition", mode="markers",
            marker={"color": PALETTE[3], "size": 11, "symbol": "diamond", "line": {"width": 1, "color": "#FFFFFF"}},
            # a file's words: escaped, since Plotly reads tags (links among them) in hover text
            customdata=published[["who_stated"]].fillna("").map(html.escape),
            hovertemplate="to %{x|%d %b %Y}: %{y:,} strikes reported by the coalition<br>%{customdata[0]}<extra></extra>",
        )
        latest = published.iloc[-1]
        held_then = latest_held if latest_held is not None else 0
        share = held_then / latest["strikes"] if latest["strikes"] else 0
        notes.append({
            # below and left of the point: between the published points and the data's line
            "x": latest["as_of"], "y": latest["strikes"], "xref": "x", "yref": "y", "showarrow": True, "arrowhead": 0,
            "ax": -30, "ay": 70, "xanchor": "right", "yanchor": "top", "bgcolor": "rgba(255,255,255,0.85)",
            "text": f"{latest['strikes']:,} reported to {latest['as_of']:%d %b %Y};<br>the data hold {held_then:,} "
                    f"({share_text(share)})",
            "font": {"size": 13, "color": "#1F2933"}, "align": "right",
        })
    figure.update_yaxes(title_text="strikes since 8 Aug 2014", rangemode="tozero", tickformat=",d")
    figure.update_xaxes(title_text=None, type="date")
    figure.update_layout(showlegend=True, hovermode="closest")
    if published.empty:
        return frame(figure, title, sub, source, notes=notes)
    who = latest["who_stated"] if isinstance(latest["who_stated"], str) and latest["who_stated"] else "not recorded"
    # a file's words: escaped, as Plotly reads tags in an annotation
    published_source = f"◆ the coalition's totals as published; the latest, to {latest['as_of']:%d %b %Y}: {html.escape(who)}"
    figure = frame(figure, title, sub, f"{source}<br>{published_source}", notes=notes)
    return figure


def _group_colours(groups: list[str], fixed: dict[str, str]) -> dict[str, str]:
    """Each group's fixed colour if it has one; the others, in order, the palette's colours
    that no fixed group in view takes, then grey."""
    taken = {fixed[group] for group in groups if group in fixed}
    spare = iter([colour for colour in PALETTE if colour not in taken])
    return {group: fixed.get(group) or next(spare, GREY) for group in groups}


def _format_changes(figure: go.Figure, start: date, end: date) -> list[dict]:
    """Draw a dotted line at each change of format between start and end; return their labels
    for frame() (one layout update for all: add_vline and add_annotation each revalidate the
    figure's shapes and annotations)."""
    shown = [(day, label) for day, label in FORMAT_CHANGES if start <= day <= end]
    figure.layout.shapes = [{"type": "line", "x0": day, "x1": day, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                             "line": {"dash": "dot", "color": "#9AA5B1"}} for day, _label in shown]
    return [{"x": day, "y": 1, "yref": "paper", "text": label, "showarrow": False, "textangle": -90,
             "xanchor": _hung(side), "yanchor": "top", "font": {"size": 10, "color": "#52606D"}}
            for (day, label), side in zip(shown, _label_sides([day for day, _label in shown], start, end), strict=True)]


MILESTONE_COLOUR = "#7B6D8D"


def _partial_periods(data: pd.DataFrame, measure: str, grain: str, stacked: bool,
                     period: tuple[date | None, date | None], tall_bars: list[TallBar]) -> list[dict]:
    """"partial week" (or month) over the first and last bars when the dates in view start or end
    inside their period: a short bar there is a cut period, not a drop in strikes."""
    first_day, last_day = period
    if grain == "day" or data.empty or not (first_day and last_day):
        return []
    heights = data.groupby("period")[measure].sum() if stacked else data.groupby("period")[measure].max()
    first_bar, last_bar = min(heights.index), max(heights.index)
    ends = {"week": lambda bar: bar + timedelta(days=6), "month": month_end}[grain]
    cut = {bar for bar, is_cut in ((first_bar, first_day > first_bar), (last_bar, last_day < ends(last_bar)))
           if is_cut and bar not in {tall.period for tall in tall_bars}}
    # the first bar's label starts at its left edge, the last's ends at its right: centred over a
    # bar narrower than the words, the first lay on the y axis's ticks
    return [{"x": bar if bar == first_bar else ends(bar) + timedelta(days=1), "y": float(heights[bar]), "yref": "y",
             "text": f"partial {grain}", "showarrow": False, "yanchor": "bottom",
             "xanchor": "left" if bar == first_bar else "right", "font": {"size": 11, "color": "#52606D"}}
            for bar in sorted(cut)]


# A rotated label (a milestone's, a format change's) this near the plot's left edge hangs right
# of its line (left of it, it lay on the y axis's ticks); one nearer than LABEL_CLOSE to the
# label before it hangs on the other side of its line (at 1280 px, "Raqqa retaken" and "Al Qaim and Deir ez-Zor", 17 days apart, lay
# on each other). Shares of the time axis.
LABEL_EDGE, LABEL_CLOSE = 0.03, 0.06


def _label_sides(days: list[date], start: date, end: date) -> list[str]:
    """"left" or "right": the side of its line each rotated label (in date order) hangs on."""
    span = max((end - start).days, 1)
    sides: list[str] = []
    for index, day in enumerate(days):
        at = (day - start).days / span
        after = (day - days[index - 1]).days / span if index else 1.0
        if at < LABEL_EDGE or (after < LABEL_CLOSE and sides[-1] == "left"):
            sides.append("right")
        else:
            sides.append("left")
    return sides


def _hung(side: str) -> str:
    """A rotated label's xanchor for the side of its line it hangs on (its box's far side)."""
    return "right" if side == "left" else "left"


def _milestones(figure: go.Figure, shown: list[Milestone], start: date, end: date) -> list[dict]:
    """A dashed line at each milestone between start and end (added to the format changes'
    lines), labelled up from the foot of the plot, so that no label meets a format change's,
    which hang from its top; returns the labels for frame()."""
    shown = [milestone for milestone in shown if start <= milestone.day <= end]
    figure.layout.shapes = [*figure.layout.shapes, *(
        {"type": "line", "x0": m.day, "x1": m.day, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
         "line": {"dash": "dash", "color": MILESTONE_COLOUR, "width": 1}} for m in shown)]
    return [{"x": m.day, "y": 0, "yref": "y domain", "text": m.label, "showarrow": False, "textangle": -90,
             "xanchor": _hung(side), "yanchor": "bottom",
             "bgcolor": "rgba(255,255,255,0.75)", "font": {"size": 10, "color": MILESTONE_COLOUR},
             "hovertext": f"{m.day:%d %b %Y}: {m.name}"}
            for m, side in zip(shown, _label_sides([m.day for m in shown], start, end), strict=True)]


# An axis of counts reads in whole numbers: its ",d" format alone printed "0 1 1 2 2 ..." where
# Plotly chose steps of a half for a few counts; up to this many, the step is one.
WHOLE_STEPS_UP_TO = 10


def count_ticks(largest: float) -> dict:
    """The tick settings of an axis of counts whose largest value is `largest`."""
    return {"tickformat": ",d", **({"dtick": 1} if largest <= WHOLE_STEPS_UP_TO else {})}


def bar_ranking(data: pd.DataFrame, label: str, value: str, title: str, sub: str, source: str, color: str | None = None) -> go.Figure:
    """Horizontal bars, longest on top; with `color`, one colour per value of that column (the
    category colours for "category"), named in a colour key under the subtitle."""
    if data.empty:
        return empty(title, sub, source)
    ordered = data.sort_values(value)
    figure = go.Figure(go.Bar(
        x=ordered[value], y=ordered[label], orientation="h", marker_color=PALETTE[0],
        text=ordered[value], texttemplate="%{x:,}", textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:,}<extra></extra>",
    ))
    key = None
    if color and color in ordered:
        groups = list(dict.fromkeys(ordered[color]))
        fixed = category_colours() if color == "category" else colours_for(groups)
        key = {group: fixed.get(group, "#7B8794") for group in reversed(groups)}  # largest first
        figure.data[0].marker.color = [key[group] for group in ordered[color]]
    figure.update_xaxes(title_text=value, **count_ticks(ordered[value].max()))
    return frame(figure, title, sub, source, height=max(420, 26 * len(ordered) + 160), key=key, source_side="right")


def treemap(data: pd.DataFrame, title: str, sub: str, source: str) -> go.Figure:
    if data.empty:
        return empty(title, sub, source)
    categories = sorted(data["category"].fillna("unclassified").unique())
    labels = categories + data["type"].tolist()
    parents = [""] * len(categories) + data["category"].fillna("unclassified").tolist()
    ids = categories + [f"{c}/{t}" for c, t in zip(data["category"].fillna("unclassified"), data["type"], strict=True)]
    parent_ids = [""] * len(categories) + data["category"].fillna("unclassified").tolist()
    values = [int(data.loc[data["category"].fillna("unclassified") == c, "targets"].sum()) for c in categories] + data["targets"].astype(int).tolist()
    colours = category_colours()
    figure = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parent_ids, values=values, branchvalues="total",
        # the category colours of the other charts, so a category looks the same everywhere
        marker={"colors": [colours.get(p or lab, "#7B8794") for lab, p in zip(labels, parents, strict=True)]},
        hovertemplate="%{label}: %{value:,} targets<extra></extra>",
    ))
    figure.update_layout(margin={"l": 10, "r": 10})
    return frame(figure, title, sub, source, height=520)


def stacked_actions(data: pd.DataFrame, title: str, sub: str, source: str) -> go.Figure:
    if data.empty:
        return empty(title, sub, source)
    figure = go.Figure()
    for index, action in enumerate(sorted(data["action"].unique())):
        part = data[data["action"] == action]
        figure.add_bar(y=part["category"], x=part["targets"], name=action, orientation="h",
                       marker_color=PALETTE[index % len(PALETTE)], hovertemplate=f"{action}: %{{x:,}}<extra></extra>")
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title_text="targets", **count_ticks(data.groupby("category")["targets"].sum().max()))
    return frame(figure, title, sub, source, source_side="right")


# Where a map writes each country's name (lat, lon): inside its outline, clear of its big towns.
COUNTRY_LABELS = {"Iraq": (32.9, 43.6), "Syria": (35.2, 38.3)}
SIZE_KEY = (1, 10, 50, 100, 500, 1000, 2000)  # the strikes a size key may show, three of them at most
LABELLED_PLACES = 6
NEIGHBOURS_UP_TO = 3  # a map of this many places or fewer also names the largest towns around them
MIN_SPAN_DEGREES = 3.0  # a view of one place or a few close ones still shows the country around them


def _circle_size(strikes, biggest: float):
    return 6 + 34 * (strikes / biggest) ** 0.5


def place_map(data: pd.DataFrame, title: str, sub: str, source: str) -> go.Figure:
    """Places sized by strikes on Natural Earth country outlines (served by the app itself),
    fitted to the places shown with a margin: the largest places and the countries named on
    the map, and a key of circle sizes beside the colour key."""
    located = data.dropna(subset=["lat", "lon"]) if not data.empty else data
    if located.empty:
        return empty(title, sub, source, "No located places match these filters.")
    biggest = max(located["strikes"].max(), 1)
    figure = go.Figure()
    countries = sorted(located["country"].fillna("unknown").unique())
    colour_of = _group_colours(countries, COUNTRY_COLOURS)
    for country in countries:
        part = located[located["country"].fillna("unknown") == country]
        figure.add_trace(go.Scattergeo(
            lon=part["lon"], lat=part["lat"], text=part["place"], name=country, customdata=part[["place", "province", "strikes"]],
            marker={"size": _circle_size(part["strikes"], biggest), "color": colour_of[country],
                    "line": {"width": 0.5, "color": "#FFFFFF"}, "opacity": 0.8},
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]:,} strikes<extra></extra>",
        ))
    largest = located.nlargest(LABELLED_PLACES, "strikes")
    figure.add_trace(go.Scattergeo(
        lon=largest["lon"], lat=largest["lat"], text=largest["place"], mode="text", textposition="top center",
        textfont={"size": 12, "color": "#1F2933"}, hoverinfo="skip", showlegend=False,
    ))
    # the key of sizes beside the map, under the colour key: circles of 10, 100 ... strikes drawn
    # at this map's scale (a legend draws every marker at one size)
    sizes = [count for count in SIZE_KEY if count <= biggest][-3:]
    figure.add_trace(go.Scatter(
        x=[0] * len(sizes), y=list(range(len(sizes))), mode="markers+text", xaxis="x", yaxis="y",
        marker={"size": [_circle_size(count, biggest) for count in sizes], "color": "rgba(0,0,0,0)",
                "line": {"width": 1, "color": "#52606D"}},
        text=[f"{count:,} strike{'s' * (count != 1)}" for count in sizes], textposition="middle right",
        # its words may run past the key's narrow strip into the margin, never be cut at its edge
        cliponaxis=False, showlegend=False, hoverinfo="skip", name="sizes",
    ))
    figure.update_layout(
        xaxis={"domain": [0.88, 1], "range": [-0.6, 2.4], "visible": False, "fixedrange": True},
        yaxis={"domain": [0.05, 0.5], "range": [-0.8, len(sizes) - 0.2], "visible": False, "fixedrange": True},
    )
    figure.add_annotation(text="circle area ∝ strikes", xref="x domain", yref="y domain", x=0, y=1.08,
                          xanchor="left", yanchor="bottom", showarrow=False, font={"size": 12, "color": "#52606D"})
    lat_range = _span(located["lat"].min(), located["lat"].max())
    # wide enough to fill a wide frame: on Mercator at these latitudes a degree of latitude is
    # drawn about 1.2 times as tall as a degree of longitude is wide
    lon_range = _span(located["lon"].min(), located["lon"].max(), least=2.4 * (lat_range[1] - lat_range[0]))
    if len(located) <= NEIGHBOURS_UP_TO:
        # a view of one place or a few: the towns around them, for a reader to place them
        points = list(zip(located["lat"], located["lon"], strict=True))
        # not a quarter of a town shown (Mosul's "Al Mawsil al Jadidah"), whose name would cover it
        towns = [town for town in largest_towns(lat_range, lon_range, most=20)
                 if all(abs(town[1] - lat) + abs(town[2] - lon) > 0.25 for lat, lon in points)][:8]
        figure.add_trace(go.Scattergeo(
            lat=[town[1] for town in towns], lon=[town[2] for town in towns], text=[town[0] for town in towns],
            mode="markers+text", textposition="bottom center", marker={"size": 4, "color": GREY},
            textfont={"size": 11, "color": "#7B8794"}, hoverinfo="skip", showlegend=False, name="towns nearby",
        ))
    named = {name: point for name, point in COUNTRY_LABELS.items()
             if lat_range[0] <= point[0] <= lat_range[1] and lon_range[0] <= point[1] <= lon_range[1]}
    if named:
        figure.add_trace(go.Scattergeo(
            lat=[point[0] for point in named.values()], lon=[point[1] for point in named.values()],
            text=[name.upper() for name in named], mode="text", hoverinfo="skip", showlegend=False,
            textfont={"size": 15, "color": "#9AA5B1"},
        ))
    figure.update_geos(
        scope="asia", resolution=50, showcountries=True, countrycolor="#7B8794", showland=True, landcolor="#F5F7FA",
        showocean=True, oceancolor="#E6F0F7", showlakes=True, lakecolor="#E6F0F7", showrivers=True, rivercolor="#B3D4EA",
        lataxis_range=list(lat_range), lonaxis_range=list(lon_range), projection_type="mercator",
        domain={"x": [0, 0.86], "y": [0, 1]},  # the map fills its frame, the keys beside it
    )
    figure = frame(figure, title, sub, source, height=560)
    figure.update_layout(legend={"x": 0.87})
    return figure


def _span(low: float, high: float, margin: float = 0.8, least: float = MIN_SPAN_DEGREES) -> tuple[float, float]:
    """An axis range around low..high with a margin, at least `least` degrees wide."""
    low, high = low - margin, high + margin
    short = max(least, MIN_SPAN_DEGREES) - (high - low)
    return (low - short / 2, high + short / 2) if short > 0 else (low, high)


# --- areas and targets pages ----------------------------------------------------------------

GRAIN_STEP_DAYS = {"day": 1, "week": 7, "month": 31}


def _with_gaps(part: pd.DataFrame, x: str, y: str, grain: str) -> tuple[list, list]:
    """x and y of one line with a None wherever periods are missing (no report in the data),
    so the line breaks there instead of drawing a slope across the gap."""
    xs: list = []
    ys: list = []
    previous = None
    for period, value in zip(part[x], part[y], strict=True):
        if previous is not None and (period - previous).days > GRAIN_STEP_DAYS.get(grain, 31):
            xs.append(previous + (period - previous) / 2)
            ys.append(None)
        xs.append(period)
        ys.append(value)
        previous = period
    return xs, ys


_HOVER_DAY = {"day": "%d %b %Y", "week": "week of %d %b %Y", "month": "%b %Y"}


def trend_lines(data: pd.DataFrame, x: str, y: str, group: str, grain: str, title: str, sub: str, source: str,
                y_title: str, unit: str, colours: dict[str, str] | None = None, percent: bool = False) -> go.Figure:
    """One line per group (in the order of the data's groups, biggest first), broken where the
    data has no report at all in a period, so a gap in reporting never looks like a lull; one
    hover label for every group at a period, written from that period's rows alone (a group
    without a row there is not in it; an empty value reads "not reported"). colours fixes known
    groups' colours (countries, categories); percent reads the values as percentages."""
    if data.empty:
        return empty(title, sub, source)
    figure = go.Figure()
    groups = list(dict.fromkeys(data[group]))
    colour_of = _group_colours([str(name) for name in groups], colours or {})
    for name in groups:
        part = data[data[group] == name].sort_values(x)
        xs, ys = _with_gaps(part, x, y, grain)
        figure.add_scatter(
            x=xs, y=ys, name=str(name), mode="lines+markers", connectgaps=False,
            line={"color": colour_of[str(name)], "width": 2}, marker={"size": 5}, hoverinfo="skip",
        )
    # The lines take no hover: Plotly's unified hover shows, for a line without a point at the
    # period, its nearest point (a neighbouring period's value). One unseen point per period
    # takes it instead, its label that period's values and nothing else.
    values = {(period, name): value for period, name, value in data[[x, group, y]].itertuples(index=False)}
    periods = sorted({period for period, _name in values})

    def worded(value) -> str:
        if pd.isna(value):
            return "not reported"
        return f"{value:.0f}%" if percent else f"{value:,.0f} {unit}"

    labels = ["<br>".join(f"<span style='color:{colour_of[str(name)]}'>●</span> {html.escape(str(name))}: "
                          f"{worded(values[period, name])}" for name in groups if (period, name) in values)
              for period in periods]
    figure.add_scatter(x=periods, y=[0] * len(periods), mode="markers", marker={"size": 1, "opacity": 0},
                       name="", showlegend=False, customdata=labels, hovertemplate="%{customdata}<extra></extra>")
    figure.update_yaxes(title_text=y_title, rangemode="tozero", tickformat=".0f" if percent else ",d",
                        ticksuffix="%" if percent else None, range=[0, 100] if percent else None)
    figure.update_xaxes(title_text=None, hoverformat=_HOVER_DAY.get(grain, "%b %Y"))
    figure.update_layout(showlegend=True, hovermode="x unified")
    figure = frame(figure, title, sub, source)
    # a vertical legend beside the plot: never over the subtitle, however many lines
    figure.update_layout(legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"})
    return fit_source(figure)


def grouped_ranking(data: pd.DataFrame, label: str, value: str, group: str, title: str, sub: str, source: str,
                    unit: str) -> go.Figure:
    """Horizontal bars, biggest on top, coloured by group with a legend (one trace per group)."""
    if data.empty:
        return empty(title, sub, source)
    ordered = data.sort_values(value)
    groups = data.groupby(group, dropna=False)[value].sum().sort_values(ascending=False).index.tolist()
    figure = go.Figure()
    fixed = category_colours() if group == "category" else {}
    for index, name in enumerate(groups):
        part = ordered[ordered[group] == name] if name == name else ordered[ordered[group].isna()]
        figure.add_bar(
            x=part[value], y=part[label], orientation="h", name=str(name),
            marker_color=fixed.get(name, PALETTE[index % len(PALETTE)]),
            customdata=part[[group]].fillna("none"), hovertemplate=f"%{{y}} ({name}): %{{x:,}} {unit}<extra></extra>",
        )
    figure.update_yaxes(categoryorder="array", categoryarray=ordered[label].tolist(), title_text=None)
    figure.update_xaxes(title_text=unit, **count_ticks(data.groupby(label)[value].sum().max()))
    figure.update_layout(barmode="stack")
    figure = frame(figure, title, sub, source, height=max(420, 24 * len(ordered) + 190), source_side="right")
    return fit_source(legend_inside(figure, group))


def actions_by_category(data: pd.DataFrame, title: str, sub: str, source: str) -> go.Figure:
    """stacked_actions with the most common action first and no two actions sharing a colour
    (grey beyond the palette), categories sorted by their total."""
    figure = stacked_actions(data, title, sub, source)
    if data.empty:
        return figure
    totals = data.groupby("action")["targets"].sum().sort_values(ascending=False)
    order = totals.index.tolist()
    colours = PALETTE[:6] + ["#000000"]  # Okabe-Ito without the yellow, hard to read on white
    extra = ["#9AA5B1", "#52606D", "#CBD2D9"]
    traces = sorted(figure.data, key=lambda trace: order.index(trace.name) if trace.name in order else len(order))
    for index, trace in enumerate(traces):
        trace.marker.color = colours[index] if index < len(colours) else extra[(index - len(colours)) % len(extra)]
        trace.legendrank = index
    figure.data = tuple(traces)
    figure.update_yaxes(categoryorder="total ascending", title_text=None)
    figure.update_layout(height=max(520, 40 * data["category"].nunique() + 240))
    return fit_source(legend_inside(figure, "action"))


def fit_source(figure: go.Figure, below: int = 58) -> go.Figure:
    """Move the source line (frame() pins it 58 px below the plot, clearing an x axis title)
    to another distance: ~20 px suits charts without axes (maps, treemaps)."""
    lines = 1
    for annotation in figure.layout.annotations:
        if _is_source_line(annotation):
            annotation.update(yshift=-below)
            lines = (annotation.text or "").count("<br>") + 1
    margin = figure.layout.margin.b if figure.layout.margin and figure.layout.margin.b is not None else 80
    figure.update_layout(margin={"b": max(margin, below + 22 + SOURCE_LINE_PX * (lines - 1))})
    return figure


def legend_inside(figure: go.Figure, title: str = "") -> go.Figure:
    """A vertical legend in the lower right of the plot, where ranked horizontal bars are
    shortest, instead of over the subtitle."""
    figure.update_layout(legend={
        "orientation": "v", "x": 0.99, "xanchor": "right", "y": 0.02, "yanchor": "bottom", "traceorder": "normal",
        "bgcolor": "rgba(255,255,255,0.9)", "bordercolor": "#CBD2D9", "borderwidth": 1,
        "title": {"text": title, "font": {"size": 12}},
    })
    return figure


def category_colours() -> dict[str, str]:
    """One colour per target category, the same in every chart and every filtered view."""
    from loaders.taxonomy import categories

    return colours_for([*categories(), "unclassified"])


def split_colours(split: str) -> dict[str, str] | None:
    """The fixed colours of a timeline split's groups: countries and categories keep theirs in
    every view; provinces and places take the palette in order of size."""
    return {"country": COUNTRY_COLOURS, "category": category_colours()}.get(split)


def colours_for(groups: list[str]) -> dict[str, str]:
    """A fixed colour per group, in the order given, so one group keeps its colour in every
    chart of a page (e.g. the diagnostic kinds)."""
    return {group: PALETTE[index % len(PALETTE)] for index, group in enumerate(groups)}


def ranking_coloured(data: pd.DataFrame, label: str, value: str, title: str, sub: str, source: str,
                     colours: dict[str, str], message: str = "Nothing to count for these filters.") -> go.Figure:
    """Horizontal bars, longest on top, each bar in its label's colour from `colours`."""
    if data.empty:
        return empty(title, sub, source, message)
    ordered = data.sort_values(value)
    figure = go.Figure(go.Bar(
        x=ordered[value], y=ordered[label], orientation="h",
        marker_color=[colours.get(name, "#7B8794") for name in ordered[label]],
        hovertemplate="%{y}: %{x:,}" + f" {value}<extra></extra>",
    ))
    figure.update_xaxes(title_text=value, rangemode="tozero", **count_ticks(ordered[value].max()))
    figure.update_yaxes(title_text=None)
    return frame(figure, title, sub, source, height=max(380, 38 * len(ordered) + 220), source_side="right")


def stacked_over_time(data: pd.DataFrame, x: str, y: str, group: str, title: str, sub: str, source: str,
                      y_title: str, colours: dict[str, str] | None = None,
                      message: str = "Nothing to count for these filters.") -> go.Figure:
    """Monthly stacked bars, one trace per group (the biggest at the bottom), the format
    changes of the releases marked, and the legend beside the plot, clear of the subtitle."""
    if data.empty:
        return empty(title, sub, source, message)
    groups = data.groupby(group)[y].sum().sort_values(ascending=False).index.tolist()
    colours = colours or colours_for(groups)
    figure = go.Figure()
    for name in groups:
        part = data[data[group] == name]
        figure.add_bar(
            x=part[x], y=part[y], name=str(name), marker_color=colours.get(name, "#7B8794"),
            xperiod="M1", xperiodalignment="middle",
            hovertemplate=f"%{{x|%b %Y}}<br>{name}: %{{y:,}}<extra></extra>",
        )
    figure.update_layout(barmode="stack", bargap=0.15, showlegend=True)
    figure.update_yaxes(title_text=y_title, rangemode="tozero", tickformat=",d")
    figure.update_xaxes(title_text=None, type="date")
    start, end = min(data[x]), max(data[x])
    notes = _format_changes(figure, start, end)
    figure = frame(figure, title, sub, source, notes=notes)
    figure.update_layout(
        legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top", "traceorder": "normal"},
        margin={"r": 170},
    )
    return figure
