"""Targets: by type, category and action, and over time (a lower bound: releases name some
targets without a number)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from db.models import (
    Target,
)
from db.queries.filters import GRAINS, Filters
from db.queries.frames import as_frame, with_dates
from db.queries.periods import period_bucket
from db.queries.sources import DETAIL_TARGETS, target_rows, target_totals
from db.queries.strikes import NO_TARGET_NAMED, fill_reported, reported_periods


def targets_by_type(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns category, type, targets, mentions: targets hit, by canonical type. A result stated
    without a target ("the strike was inconclusive") is NO_TARGET_NAMED in both, as by action:
    every breakdown of a view's targets adds up to its target_counts."""
    statement = target_totals(
        session, filters, lambda source: [func.coalesce(source.category, NO_TARGET_NAMED).label("category"),
                                          func.coalesce(source.type, NO_TARGET_NAMED).label("type")],
        ("targets", "mentions"),
    )
    frame = as_frame(session, statement)
    return frame.sort_values(["targets", "category", "type"], ascending=[False, True, True], ignore_index=True)


def targets_by_action(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns category, action, targets."""
    statement = target_totals(
        session, filters,
        lambda source: [func.coalesce(source.category, NO_TARGET_NAMED).label("category"), source.action.label("action")],
        ("targets",),
    )
    return as_frame(session, statement).sort_values(["category", "action"], ignore_index=True)


def target_type_over_time(session: Session, filters: Filters, target_type: str, grain: str = "month") -> pd.DataFrame:
    """Columns period, action, targets: one target type over time."""
    statement = target_totals(
        session, filters,
        lambda source: [(period_bucket(session, grain) if source is DETAIL_TARGETS else source.month(session)).label("period"),
                        source.action.label("action")],
        ("targets",), where=lambda source: [source.type == target_type], by_month=grain == "month",
    )
    frame = with_dates(as_frame(session, statement))
    return frame.sort_values(["period", "action"], ignore_index=True) if not frame.empty else frame


def unclassified_targets(session: Session, filters: Filters) -> pd.DataFrame:
    """Columns type, mentions, example: target phrases the taxonomy does not know."""
    statement = (
        target_rows(filters, Target.type.label("type"), func.count().label("mentions"), func.min(Target.text).label("example"))
        .where(Target.category == "unclassified")
        .group_by(Target.type)
        .order_by(func.count().desc())
    )
    return as_frame(session, statement)


def target_type_trend(session: Session, filters: Filters, target_type: str, grain: str = "month") -> pd.DataFrame:
    """Columns period, action, targets: target_type_over_time with a zero for each action in
    periods with strike reports but none of this type; periods with no report are left out."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    counted = target_type_over_time(session, filters, target_type, grain)
    if counted.empty:
        return fill_reported(counted, [], "action", [], "targets")
    actions = counted.groupby("action")["targets"].sum().sort_values(ascending=False).index.tolist()
    return fill_reported(counted, reported_periods(session, filters, grain), "action", actions, "targets")


@dataclass
class TargetCounts:
    mentions: int  # target phrases in the filtered strike reports
    without_number: int  # phrases with no number ("destroyed fighting positions"): counted as one
    targets: int  # the targets counted


def target_counts(session: Session, filters: Filters) -> TargetCounts:
    """How many target mentions carry no number and so count one: the basis of the lower bound."""
    totals = session.execute(
        select(*(func.coalesce(func.sum(column), 0) for column in
                 target_totals(session, filters, lambda source: [], ("mentions", "numbered", "targets")).subquery().c))
    ).one()
    mentions, numbered, targets = (int(value) for value in totals)
    return TargetCounts(mentions, mentions - numbered, targets)
