"""Queries behind the pages: filters in, tidy DataFrames and frozen dataclasses out, aggregated
in SQL; one module per subject (filters, periods, where the numbers come from, strikes,
targets, releases, data quality, published totals).

Every query counts only the current version of each release. Strike-level filters (dates,
country, province, place) select strike reports; target-level filters (category, type,
action) keep the strike reports that have a matching target and, in target charts, only the
matching targets.

Most queries read the summaries of db.summaries instead of every strike report and target:
strike charts read strike_day (exact for any dates; the detail rows only where a target
filter asks which reports hit what), target charts read target_month for the whole months
of the period and the detail rows for the days at its ends. Both paths give the same
numbers (tests/test_summaries.py runs every query both ways, switching db.queries.sources).
"""

from __future__ import annotations

from db.queries.filters import DAY_NOT_STATED, GRAINS, SPLITS, Filters
from db.queries.periods import period_bucket, period_end, period_start
from db.queries.published_totals import (
    PublishedComparison,
    covering_total,
    latest_cumulative,
    published_coverage,
    published_totals,
    running_held,
    strikes_held,
)
from db.queries.quality import (
    AS_PUBLISHED,
    COPY_CUT,
    LINES_OVER,
    NO_PLACE,
    diagnostics_by_kind,
    diagnostics_list,
    diagnostics_over_time,
    releases_named,
    repeated_lists,
    strikes_on_flagged_releases,
    totals_check,
    undated_reports,
    unresolved_places,
)
from db.queries.releases import (
    DiagnosticRead,
    ReleaseDetail,
    ReleaseFacts,
    ReportRead,
    TargetRead,
    counted_releases,
    imports_log,
    last_import_day,
    release_detail,
    release_totals,
    releases_list,
    strike_reports,
)
from db.queries.sources import summaries_enabled
from db.queries.strikes import (
    COUNTED,
    NO_COUNTS,
    NOT_ITEMISED,
    Coverage,
    CrossingSpan,
    Headline,
    coverage,
    coverage_days,
    data_version,
    filter_options,
    headline,
    place_trend,
    places_summary,
    ranking,
    release_days,
    spans_crossing,
    spans_over_time,
    strikes_over_time,
    undated_totals,
)
from db.queries.targets import (
    TargetCounts,
    target_counts,
    target_type_over_time,
    target_type_trend,
    targets_by_action,
    targets_by_type,
    unclassified_targets,
)

__all__ = [
    "AS_PUBLISHED",
    "COPY_CUT",
    "COUNTED",
    "Coverage",
    "CrossingSpan",
    "DAY_NOT_STATED",
    "Filters",
    "GRAINS",
    "Headline",
    "LINES_OVER",
    "NO_PLACE",
    "NOT_ITEMISED",
    "NO_COUNTS",
    "PublishedComparison",
    "DiagnosticRead",
    "ReleaseDetail",
    "ReleaseFacts",
    "ReportRead",
    "TargetRead",
    "SPLITS",
    "TargetCounts",
    "period_bucket",
    "coverage",
    "coverage_days",
    "data_version",
    "diagnostics_by_kind",
    "diagnostics_list",
    "diagnostics_over_time",
    "filter_options",
    "headline",
    "imports_log",
    "last_import_day",
    "period_end",
    "period_start",
    "place_trend",
    "places_summary",
    "published_coverage",
    "covering_total",
    "latest_cumulative",
    "published_totals",
    "ranking",
    "counted_releases",
    "release_days",
    "release_detail",
    "release_totals",
    "releases_list",
    "running_held",
    "strike_reports",
    "spans_crossing",
    "spans_over_time",
    "strikes_held",
    "strikes_over_time",
    "summaries_enabled",
    "target_counts",
    "target_type_over_time",
    "target_type_trend",
    "targets_by_action",
    "targets_by_type",
    "totals_check",
    "unclassified_targets",
    "releases_named",
    "repeated_lists",
    "strikes_on_flagged_releases",
    "undated_reports",
    "undated_totals",
    "unresolved_places",
]
