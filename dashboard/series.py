"""Ways to compare the groups of a time series (countries, provinces, categories): their
share of each period's total, or the difference between two of them. Plain functions over the
tidy frames of db.queries.strikes_over_time (columns period, group and numbers)."""

from __future__ import annotations

import pandas as pd

SHOW_MODES = ("bars", "lines", "share", "difference")


def shares(series: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Columns period, group, share: each group's percent of its period's total (periods with a
    total of 0, or none reported, left out)."""
    known = series.dropna(subset=[measure])
    totals = known.groupby("period")[measure].transform("sum")
    frame = known.assign(share=(100 * known[measure] / totals).where(totals > 0))
    return frame.dropna(subset=["share"])[["period", "group", "share"]].reset_index(drop=True)


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
