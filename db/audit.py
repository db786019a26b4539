"""The data check themselves: every counted strike once, on its days, in its country, and no
count above what the coalition itself published (docs/COUNTING.md). `python3 manage.py audit`
and the Data quality page run the same checks; a finding is explained where the release
records its reason (a diagnostic) or db/audit_reasons.csv does, and a violation otherwise.
Each check is written against the stored rows, not by running the parser again."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from db.engine import in_chunks
from db.models import Diagnostic, Place, PublishedTotal, Release, StrikeReport
from db.queries.filters import Filters
from db.queries.frames import as_date
from db.queries.published_totals import strikes_held
from db.store import strike_day
from db.versions import SAME_LIST_LINES
from loaders.records import ParsedRelease, late_stated_strikes, overall_stated_strikes

REASONS_FILE = Path(__file__).resolve().parent / "audit_reasons.csv"


@dataclass(frozen=True)
class Finding:
    """One place where the data break a check: what, where, the figures, and the reason it is
    so where one is recorded (None: a violation)."""

    check: str
    subject: str  # the release (its source) or the published total the finding is about
    figures: str  # what was found, in words with the numbers
    release_id: int | None = None
    day: date | None = None
    country: str | None = None
    sentence: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Check:
    name: str
    rule: str  # what holds when the check passes, in words
    findings: tuple[Finding, ...] = ()

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.reason is None)

    @property
    def holds(self) -> bool:
        return not self.violations


@dataclass(frozen=True)
class AuditReport:
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def violations(self) -> list[Finding]:
        return [finding for check in self.checks for finding in check.violations]

    @property
    def explained(self) -> list[Finding]:
        return [finding for check in self.checks for finding in check.findings if finding.reason is not None]

    def within(self, filters: Filters) -> AuditReport:
        """The findings about the filters' dates and countries (those without a day or country
        are kept: they concern the data as a whole)."""
        def keep(finding: Finding) -> bool:
            if finding.day is not None and ((filters.start and finding.day < filters.start)
                                            or (filters.end and finding.day > filters.end)):
                return False
            return not (filters.countries and finding.country and finding.country not in filters.countries)

        return AuditReport(tuple(Check(check.name, check.rule, tuple(filter(keep, check.findings)))
                                 for check in self.checks))


RULES = {
    "release totals": "each release counts what it states overall, plus its late blocks, or says why not",
    "published totals": "no period and scope count more strikes than the coalition published for them",
    "repeated lists": f"no list of {SAME_LIST_LINES} lines or more (places, counts, countries) is counted under two dates",
    "days named": "every strike lies within the days its release or its late block names",
    "countries": "every placed strike counts in its place's country, or is listed as filed as published",
    "periods": "every counted release that states counts has a period",
}


@cache
def recorded_reasons() -> dict[tuple[str, str], str]:
    """{(check, subject): reason} from db/audit_reasons.csv: findings a person looked into."""
    if not REASONS_FILE.is_file():
        return {}
    with REASONS_FILE.open(encoding="utf-8") as handle:
        return {(row["check"], row["subject"]): row["reason"] for row in csv.DictReader(handle) if row.get("reason")}


def _strikes(count: int) -> str:
    return f"{count:,} strike{'' if count == 1 else 's'}"


def _label(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def audit(session: Session) -> AuditReport:
    """Run every check on the counted releases of the database. Each check reads the rows that
    may break it (SQL narrows them: a release whose counts differ from its stored totals, a list
    key seen twice), never every release, so the audit costs the same however much agrees."""
    reasons = recorded_reasons()

    def finding(check: str, subject: str, figures: str, **where) -> Finding:
        return Finding(check, subject, figures, reason=where.pop("reason", None) or reasons.get((check, subject)),
                       **where)

    checks = [
        Check("release totals", RULES["release totals"], tuple(_release_totals(session, finding))),
        Check("published totals", RULES["published totals"], tuple(_published_totals(session, finding))),
        Check("repeated lists", RULES["repeated lists"], tuple(_repeated_lists(session, finding))),
        Check("days named", RULES["days named"], tuple(_days_named(session, finding))),
        Check("countries", RULES["countries"], tuple(_countries(session, finding))),
        Check("periods", RULES["periods"], tuple(_periods(session, finding))),
    ]
    return AuditReport(tuple(checks))


def _messages(session: Session, release_ids: Iterable[int], kind: str) -> dict[int, list[str]]:
    """{release id: the messages of its diagnostics of this kind}, for these releases."""
    found: dict[int, list[str]] = defaultdict(list)
    for ids in in_chunks(sorted(set(release_ids))):
        for release_id, message in session.execute(
                select(Diagnostic.release_id, Diagnostic.message)
                .where(Diagnostic.release_id.in_(ids), Diagnostic.kind == kind).order_by(Diagnostic.id)):
            found[release_id].append(message)
    return found


def _release_totals(session: Session, finding):
    counted = func.coalesce(select(func.sum(StrikeReport.strikes)).where(StrikeReport.release_id == Release.id)
                            .correlate(Release).scalar_subquery(), 0)
    # stated_strikes and stated_late_strikes hold what the stored totals state (db.summaries):
    # the counted releases and what they state come from ix_release_stated_totals and each
    # one's strikes from ix_strike_report_release, no row read; only the rows of the releases
    # whose counts differ are read, and checked from their totals
    differ = dict(session.execute(
        # "= true", not "IS true": both databases read it as ix_release_stated_totals's condition
        select(Release.id, counted).where(Release.is_current == true(), Release.stated_strikes.is_not(None),
                                          counted != Release.stated_strikes + Release.stated_late_strikes)).all())
    rows = [row for ids in in_chunks(sorted(differ)) for row in session.execute(
        select(Release.id, Release.source, Release.period_start, Release.stated_totals).where(Release.id.in_(ids)))]
    over_itemised = _messages(session, (row.id for row in rows), "over_itemised")
    for row in rows:
        stated = row.stated_totals or {}
        overall = overall_stated_strikes(stated)
        if overall is None:
            continue  # an archive day or a release that states no total: nothing to add up to
        late = late_stated_strikes(stated)
        strikes = int(differ[row.id] or 0)
        if strikes == overall + late:
            continue
        over = over_itemised.get(row.id)
        yet = "; ".join(over) if over else None
        late_words = f" + {late:,} in late blocks" if late else ""
        yield finding("release totals", _label(row.source),
                      f"counts {_strikes(strikes)}, states {overall:,}{late_words}",
                      release_id=row.id, day=as_date(row.period_start) if row.period_start else None, reason=yet)


def _periods(session: Session, finding):
    for release_id, source in session.execute(
            select(Release.id, Release.source)
            .where(Release.is_current.is_(True), Release.states_counts.is_(True), Release.period_start.is_(None))):
        yield finding("periods", _label(source), "a counted release with counts but no period", release_id=release_id)


def _published_periods(session: Session):
    """(first day, last day, scope, strikes published, who stated it) of every published total
    (the largest where two state one period)."""
    statement = (select(PublishedTotal.period_start, PublishedTotal.as_of_date, PublishedTotal.scope,
                        func.max(PublishedTotal.strikes), func.min(PublishedTotal.who_stated))
                 .outerjoin(Release, Release.id == PublishedTotal.release_id)
                 .where((PublishedTotal.release_id.is_(None)) | Release.is_current.is_(True))
                 .group_by(PublishedTotal.period_start, PublishedTotal.as_of_date, PublishedTotal.scope))
    for start, end, scope, published, who in session.execute(statement):
        yield as_date(start), as_date(end), scope, published, who


def _published_totals(session: Session, finding):
    for start, end, scope, published, who in _published_periods(session):
        held = strikes_held(session, start, end, scope)
        if held > published:
            subject = f"{scope} {start.isoformat()} to {end.isoformat()}"
            yield finding("published totals", subject,
                          f"the data count {_strikes(held)} where {who or 'the coalition'} published {published:,} "
                          f"({held - published:,} above)", day=end, country=None if scope == "all" else scope)


def _repeated_lists(session: Session, finding):
    repeated = (select(Release.list_key).where(Release.is_current.is_(True), Release.list_key.is_not(None))
                .group_by(Release.list_key).having(func.count() > 1))
    by_list: dict[str, list] = defaultdict(list)
    for row in session.execute(select(Release.id, Release.source, Release.published, Release.list_key)
                               .where(Release.is_current.is_(True), Release.list_key.in_(repeated))):
        if int(row.list_key.split(":", 1)[0]) >= SAME_LIST_LINES:
            by_list[row.list_key].append(row)
    for rows in by_list.values():
        rows.sort(key=lambda row: (row.published or date.min, row.id))
        names = ", ".join(f"{_label(row.source)} ({row.published})" for row in rows)
        yield finding("repeated lists", _label(rows[0].source), f"one list of strikes counted {len(rows)} times: {names}",
                      release_id=rows[-1].id, day=as_date(rows[-1].published) if rows[-1].published else None)


def _days_named(session: Session, finding):
    report = StrikeReport
    statement = (
        select(Release.id, Release.source, Release.published, Release.period_start, Release.period_end, report.block,
               report.strike_date, report.last_date, report.date_stated, report.strikes, report.country,
               report.sentence)
        .join(Release, Release.id == report.release_id)
        # summaries.day_off, stored; "= true", not "IS true", reads as ix_strike_report_day_off's condition
        .where(Release.is_current.is_(True), report.day_off == true())
    )
    for row in session.execute(statement):
        days = f"{row.strike_date}" + (f" to {row.last_date}" if row.last_date else "")
        if not row.date_stated:
            what = f"{_strikes(row.strikes or 0)} of no stated day on {days}, not the release's first day {row.period_start}"
        elif row.block == "main" and row.period_start is not None and (
                as_date(row.strike_date) < as_date(row.period_start)
                                      or as_date(row.last_date or row.strike_date) > as_date(row.period_end)):
            what = f"{_strikes(row.strikes or 0)} on {days}, outside the release's days {row.period_start} to {row.period_end}"
        else:
            what = (f"{_strikes(row.strikes or 0)} ({row.block} block) on {days}, after the release was published "
                    f"({row.published}), or a late block on that day")
        yield finding("days named", _label(row.source), what, release_id=row.id, day=as_date(row.strike_date),
                      country=row.country, sentence=row.sentence)


def _countries(session: Session, finding):
    statement = (
        select(Release.id, Release.source, StrikeReport.strike_date, StrikeReport.country, StrikeReport.strikes,
               StrikeReport.sentence, Place.name, Place.country.label("place_country"))
        .join(Release, Release.id == StrikeReport.release_id).join(Place, Place.id == StrikeReport.place_id)
        # summaries.country_off, stored; "= true" reads as ix_strike_report_country_off's condition
        .where(Release.is_current.is_(True), StrikeReport.country_off == true())
    )
    rows = session.execute(statement).all()
    filed_as_published = _messages(session, (row.id for row in rows), "filed_as_published")
    for row in rows:
        listed = [message for message in filed_as_published.get(row.id, []) if f"{row.name} (" in message]
        yield finding("countries", _label(row.source),
                      f"{_strikes(row.strikes or 0)} near {row.name} ({row.place_country}) counted in {row.country}",
                      release_id=row.id, day=as_date(row.strike_date), country=row.country, sentence=row.sentence,
                      reason=listed[0] if listed else None)


def excess_if_imported(session: Session, releases: Iterable[ParsedRelease], shown: int = 5) -> list[str]:
    """The published totals importing these releases would push the data above, in words,
    the largest excess first (at most `shown`, then how many more); nothing is written. A new
    version is counted on top of the one it replaces, so a correction may warn where its
    import would not exceed."""
    added = [(strike_day(parsed, report), report.last_date, report.country, report.strikes)
             for parsed in releases for report in parsed.strikes if report.strikes]
    added = [(day, last or day, country, strikes) for day, last, country, strikes in added if day]
    if not added:
        return []
    first, last = min(row[0] for row in added), max(row[1] for row in added)
    excesses = []
    for start, end, scope, published, who in _published_periods(session):
        if start > last or end < first:
            continue
        adds = sum(strikes for day, until, country, strikes in added
                   if day >= start and until <= end and scope in ("all", country))
        if adds and (held := strikes_held(session, start, end, scope)) + adds > published:
            where = "" if scope == "all" else f" in {scope}"
            excesses.append((held + adds - published,
                             f"the data would count {held + adds:,} strikes{where} from {start} to {end} (now "
                             f"{held:,}, {adds:,} added) where {who or 'the coalition'} published {published:,}: "
                             f"{held + adds - published:,} above"))
    excesses.sort(key=lambda excess: -excess[0])
    words = [text for _excess, text in excesses[:shown]]
    if len(excesses) > shown:
        words.append(f"and {len(excesses) - shown} more published totals")
    return words
