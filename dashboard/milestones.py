"""The campaign's milestones an analyst reads strike counts against (dashboard/data/milestones.csv:
one row each, with a public source), for the time charts."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from loaders.campaign import ENGAGEMENTS_REPORTED_FROM

MILESTONES_CSV = Path(__file__).resolve().parent / "data" / "milestones.csv"
# Changes in how the releases were written, marked on time axes beside the milestones.
FORMAT_CHANGES = [
    (date(2014, 12, 20), "daily summary lists begin"),
    (ENGAGEMENTS_REPORTED_FROM, "engagements reported"),
    (date(2017, 11, 17), "multi-day releases"),
    (date(2018, 2, 2), "weekly summaries"),
]


@dataclass(frozen=True)
class Milestone:
    day: date
    name: str  # what happened, in a sentence
    label: str  # a few words, on the chart
    source_url: str


@cache
def milestones() -> tuple[Milestone, ...]:
    """Every milestone, oldest first."""
    with MILESTONES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = [Milestone(date.fromisoformat(row["date"]), row["name"], row["label"], row["source_url"])
                for row in csv.DictReader(handle)]
    return tuple(sorted(rows, key=lambda milestone: milestone.day))


def milestones_between(start: date | None, end: date | None) -> list[Milestone]:
    return [m for m in milestones() if (start is None or m.day >= start) and (end is None or m.day <= end)]
