"""Time series shaped for a chart, before any figure is drawn: the groups kept (the largest,
the rest as "others"), the bars that tower because their release states no day, runs of
days, and ways to compare groups (their share of each period's total, or the difference
between two). Plain functions over the tidy frames of db.queries.strikes_over_time (columns
period, group and numbers), called by the page loaders and the charts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

SHOW_MODES = ("bars", "lines", "share", "difference")
# A cut y axis ends this far above the tallest bar it shows in full.
AXIS_HEADROOM = 1.25


def top_groups(data: pd.DataFrame, measure: str, keep: int) -> pd.DataFrame:
    """The `keep` largest groups (by their total of `measure`) as they are, the rest summed per
    period into one "N others" group: more groups than colours would give two groups one colour.
    Columns period, group and numbers; the totals per period stay the same."""
    totals = data.groupby("group")[measure].sum().sort_values(ascending=False, kind="stable")
    if len(totals) <= keep + 1:
        return data
    kept = data["group"].isin(totals.index[:keep])
    numbers = [column for column in data.columns if column not in ("period", "group")]
    others = data[~kept].groupby("period", as_index=False)[numbers].sum(min_count=1)
    others.insert(1, "group", f"{len(totals) - keep} others")
    return pd.concat([data[kept], others], ignore_index=True)[list(data.columns)]


@dataclass(frozen=True)
class TallBar:
    """A period whose bar dwarfs every other: its total, and how much of it the releases
    state no day for (counted on one assumed day though it may span several)."""

    period: date
    total: int
    undated: int


def towering_periods(data: pd.DataFrame, measure: str, factor: float = 3.0, most: int = 3,
                     others: int = 5) -> tuple[list[tuple[date, int]], int]:
    """The (period, total) of the at most `most` tallest bars that stand more than `factor`
    times above every other bar, and the tallest of the rest; nothing in a chart of fewer than
    `others` other bars, or without such a gap."""
    totals = data.groupby("period")[measure].sum().sort_values(ascending=False, kind="stable")
    for tall in range(1, most + 1):
        if len(totals) - tall < others:
            break
        if totals.iloc[tall - 1] > factor * max(totals.iloc[tall], 1):
            return [(period, int(total)) for period, total in totals.iloc[:tall].items()], int(totals.iloc[tall])
    return [], 0


def undated_tall_bars(data: pd.DataFrame, measure: str,
                      undated_in: Callable[[date], int]) -> tuple[list[TallBar], int]:
    """The towering bars (towering_periods) more than half of which the releases state no day
    for, and the height the y axis should show in full: the other bars, a towering bar of
    stated days included. undated_in(period) is the period's measure without a stated day."""
    towering, shown = towering_periods(data, measure)
    candidates = []
    for period, total in towering:
        undated = undated_in(period)
        if 2 * undated > total:
            candidates.append(TallBar(period, total, undated))
        else:
            shown = max(shown, total)  # a bar of stated days is never cut
    tall = [bar for bar in candidates if bar.total > AXIS_HEADROOM * shown]
    return tall, shown if tall else 0


def day_runs(days) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs, in order."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def every_group_every_period(series: pd.DataFrame) -> pd.DataFrame:
    """The series (columns period, group and numbers) with a row for every group in every period
    it holds, by period, then group in the series' order: a group absent from a period counts 0
    there (no strike report of it that period) in each number the period reports, and stays
    empty (not reported) in a number no group of the period reports (engagements before 2017).
    A line drawn from it has a point at every period, as the chart's shared hover needs."""
    if series.empty:
        return series
    groups = list(dict.fromkeys(series["group"]))
    index = pd.MultiIndex.from_product([sorted(set(series["period"])), groups], names=["period", "group"])
    known = series.set_index(["period", "group"])
    complete = known.reindex(index)
    absent = ~index.isin(known.index)
    periods = index.get_level_values("period")
    for column in known.columns:
        if not pd.api.types.is_numeric_dtype(known[column]):
            continue
        reported = known[column].notna().groupby(level="period").any()
        complete.loc[absent & periods.map(reported).to_numpy(dtype=bool), column] = 0
        if not complete[column].isna().any():
            complete[column] = complete[column].astype(known[column].dtype)
    return complete.reset_index()[list(series.columns)]


def shares(series: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Columns period, group, share: each group's percent of its period's total, a row for every
    group in every period with a total above 0: 0 for a group with none there, empty for one
    whose measure is not reported there (periods with a total of 0, or none reported, left out)."""
    complete = every_group_every_period(series[["period", "group", measure]])
    totals = complete.groupby("period")[measure].transform("sum")
    frame = complete.assign(share=100 * complete[measure] / totals)[totals > 0]
    return frame[["period", "group", "share"]].reset_index(drop=True)


def difference(series: pd.DataFrame, measure: str, first: str, second: str) -> pd.DataFrame:
    """Columns period, group, difference: first − second in each period either reports (a group
    absent from a period counts 0 there; a period neither reports is left out)."""
    wide = series.pivot_table(index="period", columns="group", values=measure, aggfunc="sum")
    for group in (first, second):
        if group not in wide:
            wide[group] = 0
    reported = wide[[first, second]].notna().any(axis=1)
    values = (wide[first].fillna(0) - wide[second].fillna(0))[reported]
    return pd.DataFrame({"period": values.index, "group": f"{first} − {second}", "difference": values.to_numpy()})


def largest_groups(series: pd.DataFrame, measure: str, count: int = 2) -> list[str]:
    """The groups with the most of the measure, largest first."""
    return series.groupby("group")[measure].sum().sort_values(ascending=False).index[:count].tolist()
