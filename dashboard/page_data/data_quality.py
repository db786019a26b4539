"""Data quality: the audit's checks and findings, the lists counted once; what the parser
flagged, by kind and over time; the places and phrases not resolved; the releases whose totals
differ from their lines; the strikes without a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from db import queries
from db.audit import AuditReport, audit
from db.queries import Filters, Headline, TargetCounts


@dataclass(frozen=True)
class QualityData:
    """Diagnostics (by_kind, over_time, totals, unparsed) are read for the releases of the
    period: dates only. The rest follows every filter."""

    by_kind: pd.DataFrame
    over_time: pd.DataFrame
    totals: pd.DataFrame  # releases whose stated totals differ from their lines, with a reason code
    unparsed: pd.DataFrame  # sentences with numbers that gave no row
    unresolved: pd.DataFrame
    unclassified: pd.DataFrame
    undated: pd.DataFrame
    headline: Headline
    target_counts: TargetCounts

    def count_of(self, kind: str, column: str = "diagnostics") -> int:
        counts = self.by_kind.set_index("kind")[column] if not self.by_kind.empty else pd.Series(dtype=int)
        return int(counts.get(kind, 0))


def load_quality(db: Session, filters: Filters) -> QualityData:
    release_filters = filters.dates_only()
    return QualityData(
        by_kind=queries.diagnostics_by_kind(db, release_filters),
        over_time=queries.diagnostics_over_time(db, release_filters),
        totals=queries.totals_check(db, release_filters),
        unparsed=queries.diagnostics_list(db, release_filters, kind="unparsed_sentence"),
        unresolved=queries.unresolved_places(db, filters),
        unclassified=queries.unclassified_targets(db, filters),
        undated=queries.undated_reports(db, filters),
        headline=queries.headline(db, filters),
        target_counts=queries.target_counts(db, filters),
    )


def load_diagnostics(db: Session, filters: Filters, kind: str) -> pd.DataFrame:
    """Every diagnostic of one kind in the releases of the period (dates only), newest first."""
    return queries.diagnostics_list(db, filters.dates_only(), kind=kind)


@dataclass(frozen=True)
class Reconciliation:
    """The audit's checks (db.audit) on the whole data, their findings about the view's dates and
    countries, and the lists counted once though published under two dates."""

    checks: pd.DataFrame  # check, rule, findings, explained, violations
    findings: pd.DataFrame  # check, figures, reason, release_id, published, source, title, sentence
    repeats: pd.DataFrame  # queries.repeated_lists

    @property
    def violations(self) -> int:
        return int(self.checks["violations"].sum())

    @property
    def explained(self) -> int:
        return int(self.checks["explained"].sum())


FINDING_COLUMNS = ["check", "figures", "reason", "release_id", "published", "source", "title", "sentence"]


@dataclass(frozen=True)
class Audited:
    """The audit of the whole data and the releases its findings name: the same for every filter,
    so a page reads it once per data version and each filter only picks from it."""

    report: AuditReport
    releases: dict[int, dict]  # release id -> published, source, title


def load_audit(db: Session) -> Audited:
    report = audit(db)
    named = queries.releases_named(db, sorted({finding.release_id for check in report.checks
                                               for finding in check.findings if finding.release_id is not None}))
    return Audited(report, named.set_index("release_id").to_dict("index") if not named.empty else {})


def load_repeated_lists(db: Session, filters: Filters) -> pd.DataFrame:
    """The lists counted once though published under two dates, of the filters' dates."""
    return queries.repeated_lists(db, filters.dates_only())


def reconcile(audited: Audited, filters: Filters, repeats: pd.DataFrame) -> Reconciliation:
    """The audit's checks, and their findings about the filters' dates and countries."""
    report = audited.report.within(filters)
    checks = pd.DataFrame(
        [{"check": check.name, "rule": check.rule, "findings": len(check.findings),
          "explained": len(check.findings) - len(check.violations), "violations": len(check.violations)}
         for check in report.checks],
        columns=["check", "rule", "findings", "explained", "violations"])
    findings = [finding for check in report.checks for finding in check.findings]
    rows = []
    for finding in sorted(findings, key=lambda f: (f.reason is not None, f.check, f.day or date.min)):
        release = audited.releases.get(finding.release_id, {})
        rows.append({"check": finding.check, "figures": finding.figures, "reason": finding.reason,
                     "release_id": finding.release_id, "published": release.get("published"),
                     "source": release.get("source", finding.subject), "title": release.get("title"),
                     "sentence": finding.sentence})
    return Reconciliation(checks, pd.DataFrame(rows, columns=FINDING_COLUMNS), repeats)

