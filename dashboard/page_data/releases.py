"""Releases: the list of releases (searched), and one release with its totals and its strike
reports as rows."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.release_labels import release_label
from dashboard.source_text import report_summary
from db import queries
from db.queries import Filters, ReleaseDetail, ReportRead
from loaders.web_addresses import is_clean_web_address

NOT_ITEMISED = "(not itemised)"
REPORT_COLUMNS = ["#", "date", "until", "day", "country", "place", "strikes", "engagements", "targets", "block"]


def load_release_list(db: Session, filters: Filters, search: str) -> pd.DataFrame:
    """The current releases published in the period, matching the search: each named as the
    list names it (release_label), its source kept only where it is a web address."""
    releases = queries.releases_list(db, filters, search=search).copy()
    releases["title"] = [release_label(title, source, published) for title, source, published
                         in zip(releases["title"], releases["source"], releases["published"], strict=True)]
    releases["source"] = releases["source"].where(releases["source"].map(is_clean_web_address))
    return releases


def place_of(report: ReportRead) -> str | None:
    """The place a report shows: the gazetteer's name, else as written; a report with neither is
    the part of a stated total no line itemises."""
    return report.place or report.location_raw or (None if report.itemised else NOT_ITEMISED)


def targets_text(report: ReportRead) -> str:
    parts = []
    for target in report.targets:
        what = target.type or target.text or "target"
        parts.append(" ".join(str(part) for part in (target.action, target.count, what) if part not in (None, "")))
    return "; ".join(parts)


def _days(report) -> str | None:
    """A report's day, or its span of days ("2017-08-21 to 2017-08-23")."""
    if report.strike_date is None:
        return None
    return f"{report.strike_date} to {report.last_date}" if report.last_date else str(report.strike_date)


@dataclass(frozen=True)
class OpenRelease:
    detail: ReleaseDetail
    totals: pd.DataFrame  # stated against parsed, per scope
    reports: pd.DataFrame  # one row per strike report, numbered as the text highlights them

    @property
    def undated(self) -> int:
        """Strike reports whose day the release does not state."""
        return sum(not report.date_stated for report in self.detail.reports)

    def undated_note(self) -> str:
        """Words for the release's period when it states no day for some of its reports: where
        they are counted, which is the loader's reading, not the release's ("" when all are dated)."""
        undated = [report for report in self.detail.reports if not report.date_stated]
        if not undated:
            return ""
        total = len(self.detail.reports)
        which = "its" if len(undated) == total else f"{len(undated)} of its"
        where = ("counted across these days, none on one day" if all(report.last_date for report in undated)
                 else "counted on this day")
        return f" (no day stated for {which} {total} strike report{'s' if total != 1 else ''}: {where})"

    def spans(self) -> list[tuple[int | None, int | None, str]]:
        """Each report's sentence in the text, with what was read from it."""
        return [(report.span_start, report.span_end,
                 f"#{number}: " + report_summary(report.strikes, report.engagements, place_of(report), report.country,
                                                 _days(report), report.block))
                for number, report in enumerate(self.detail.reports, start=1)]

    def number_of(self, report_id: int | None) -> int | None:
        """The number of the report with this id, as the text and the rows number them."""
        return next((number for number, report in enumerate(self.detail.reports, start=1) if report.id == report_id),
                    None)


def load_release(db: Session, release_id: int) -> OpenRelease | None:
    detail = queries.release_detail(db, release_id=release_id)
    if detail is None:
        return None
    reports = pd.DataFrame(
        [{"#": number, "date": report.strike_date, "until": report.last_date, "day": "stated" if report.date_stated else "not stated",
          "country": report.country, "place": place_of(report), "strikes": report.strikes,
          "engagements": report.engagements, "targets": targets_text(report), "block": report.block}
         for number, report in enumerate(detail.reports, start=1)],
        columns=REPORT_COLUMNS,
    )
    return OpenRelease(detail, queries.release_totals(db, release_id=release_id), reports)
