"""Ways to compare the groups of a time series (countries, provinces, categories): their
share of each period's total, or the difference between two of them. Plain functions over the
tidy frames of db.queries.strikes_over_time (columns period, group and numbers)."""

from __future__ import annotations

import pandas as pd

SHOW_MODES = ("bars", "lines", "share", "difference")


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
