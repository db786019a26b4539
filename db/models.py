"""The schema: typed SQLAlchemy 2 models. Every change to it is an Alembic revision in
db/migrations/versions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ImportBatch(Base):
    """One import: who ran it, when, and whether it has been undone."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(120))
    origin: Mapped[str] = mapped_column(String(40))  # cli, upload, starter
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(String(120))
    summary: Mapped[dict] = mapped_column(JSON, default=dict)  # per file: outcome and counts

    releases: Mapped[list[Release]] = relationship(back_populates="import_batch")


class Place(Base):
    """A canonical place from the gazetteer, shared by all strike reports that name it."""

    __tablename__ = "place"
    __table_args__ = (UniqueConstraint("name", "country", name="uq_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(40))
    province: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[str] = mapped_column(String(20))  # place (a town, a site) or region (a valley, a border)
    source: Mapped[str] = mapped_column(String(300), default="")


_TOTALS_DIFFER = "stated_strikes IS NOT NULL AND stated_strikes != parsed_strikes"
# the counted releases that state a total, as the audit writes it on each database (whether it
# counts is part of the condition, so that no query of every release can take the index)
_STATES_TOTAL_SQLITE = "stated_strikes IS NOT NULL AND is_current = 1"
_STATES_TOTAL_POSTGRESQL = "stated_strikes IS NOT NULL AND is_current"
# the counted releases that have a report, as db.queries.strikes writes it on each database
_REPORTING_SQLITE = "report_count > 0 AND is_current = 1"
_REPORTING_POSTGRESQL = "report_count > 0 AND is_current"
# Each database's own spelling of "the release states no day": a query's condition must read
# the same for the planner to use the partial index (queries.DAY_NOT_STATED).
_UNDATED_SQLITE = "date_stated = 0"
_UNDATED_POSTGRESQL = "NOT date_stated"
_DAY_OFF_SQLITE = "day_off = 1"
_DAY_OFF_POSTGRESQL = "day_off"
_COUNTRY_OFF_SQLITE = "country_off = 1"
_COUNTRY_OFF_POSTGRESQL = "country_off"
_UNITEMISED_SQLITE = "itemised = 0"
_UNITEMISED_POSTGRESQL = "NOT itemised"


class Release(Base):
    """One version of a release. Revisions of the same release share release_key; only the
    current one is counted."""

    __tablename__ = "release"
    __table_args__ = (
        UniqueConstraint("content_hash", name="uq_release_content_hash"),
        Index("ix_release_key_current", "release_key", "is_current"),
        # one counted version per release, whatever imports run at once
        Index("uq_release_current_key", "release_key", unique=True,
              sqlite_where=text("is_current = 1"), postgresql_where=text("is_current")),
        # covering indexes: a row carries the whole release text, so SQLite reads is_current
        # (and the day) from these instead of from the rows; is_current never leads an index
        # (nearly every row is current, and a leading is_current misleads the planner)
        Index("ix_release_published_current", "published", "is_current"),
        # with the day on PostgreSQL, whose index-only reads then give it (a join to releases for
        # their day read the whole table there: Data quality's diagnostics by month, 0021)
        Index("ix_release_id_current", "id", "is_current", postgresql_include=["published"]),
        # the releases that keep their text, counted without reading it (the text fills the row)
        Index("ix_release_with_text", "published", "is_current",
              sqlite_where=text("raw_text IS NOT NULL"), postgresql_where=text("raw_text IS NOT NULL")),
        # the periods releases cover (the days every page says are covered), read from here
        Index("ix_release_periods", "period_start", "period_end", "states_counts", "is_current"),
        # the versions not counted (copies, replaced corrections): few, and the repeated-lists
        # check starts from them instead of from every counted release
        Index("ix_release_not_counted", "release_key", "list_key",
              sqlite_where=text("is_current = 0"), postgresql_where=text("NOT is_current")),
        # the counted releases by their list: the audit's repeated-lists check groups them, and
        # an import looks up the lists it brings, from the index alone (a row holds the text)
        Index("ix_release_list_key_current", "list_key", "is_current"),
        # the few releases whose stated total differs from the parsed one (the data-quality
        # check), found without reading every release
        Index("ix_release_totals_differ", "published", "id",
              sqlite_where=text(_TOTALS_DIFFER), postgresql_where=text(_TOTALS_DIFFER)),
        # the counted releases that state a total, with what they state: the audit's totals check
        # reads them from here (reading the rows read every release text)
        Index("ix_release_stated_totals", "id", "is_current", "stated_strikes", "stated_late_strikes",
              sqlite_where=text(_STATES_TOTAL_SQLITE), postgresql_where=text(_STATES_TOTAL_POSTGRESQL)),
        # the counted releases that have a report: the whole data's releases reporting strikes
        # are counted from here (partial: no other query can take it, as a plain index of the
        # count misled PostgreSQL's plan of the audit's totals check)
        Index("ix_release_reporting", "id", "is_current", "report_count",
              sqlite_where=text(_REPORTING_SQLITE), postgresql_where=text(_REPORTING_POSTGRESQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_key: Mapped[str] = mapped_column(String(80), index=True)
    content_hash: Mapped[str] = mapped_column(String(80))  # SHA-256 hex, "starter:" prefixed for starter facts
    source: Mapped[str] = mapped_column(String(500))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    format: Mapped[str] = mapped_column(String(20))  # txt, html, pdf, paste, archive, starter
    title: Mapped[str | None] = mapped_column(String(500))
    published: Mapped[date | None] = mapped_column(Date)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    stated_totals: Mapped[dict] = mapped_column(JSON, default=dict)
    # the overall strikes the release states, the sum of its main-list reports and what its late
    # blocks state on top: kept in columns (db.summaries) so the totals check compares in SQL
    # instead of reading every JSON
    stated_strikes: Mapped[int | None] = mapped_column(Integer)
    parsed_strikes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stated_late_strikes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # how many strike reports it has (any block): the whole data's count of releases reporting
    # strikes reads it (db.queries.headline) instead of every release's days
    report_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # what the release reports, as one key (db.versions.list_key): a copy of it under another date
    # is found by it, and counted once
    list_key: Mapped[str | None] = mapped_column(String(48))
    # None for starter facts (no release text); compressed with LZ4 on PostgreSQL (0022)
    raw_text: Mapped[str | None] = mapped_column(Text)
    # no index of its own: nearly every row is current, and such an index misleads the planner
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    # False for a narrative summary that gives no strike counts: it covers its period, nothing more
    states_counts: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="SET NULL"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    import_batch: Mapped[ImportBatch | None] = relationship(back_populates="releases")
    strike_reports: Mapped[list[StrikeReport]] = relationship(
        back_populates="release", cascade="all, delete-orphan", passive_deletes=True
    )
    diagnostics: Mapped[list[Diagnostic]] = relationship(
        back_populates="release", cascade="all, delete-orphan", passive_deletes=True
    )


class StrikeReport(Base):
    """Strikes at one place on one day, as one sentence of a release states them."""

    __tablename__ = "strike_report"
    __table_args__ = (
        Index("ix_strike_report_date_country", "strike_date", "country"),
        # covering for a release's strikes added up (the audit's totals check, release by release)
        Index("ix_strike_report_release", "release_id", "strikes"),
        # covering for the releases reporting from a place in a period (the areas' comparison)
        Index("ix_strike_report_place", "place_id", "strike_date", "release_id"),
        # the reports whose release states no day (the data-quality list, a tall bar's check):
        # few in most data, found without reading every report
        Index("ix_strike_report_undated", "strike_date", "release_id",
              sqlite_where=text(_UNDATED_SQLITE), postgresql_where=text(_UNDATED_POSTGRESQL)),
        # the reports on days their release does not name (the audit's "days named" check)
        Index("ix_strike_report_day_off", "release_id",
              sqlite_where=text(_DAY_OFF_SQLITE), postgresql_where=text(_DAY_OFF_POSTGRESQL)),
        # the reports counted in another country than their place's (the audit's "countries" check)
        Index("ix_strike_report_country_off", "release_id",
              sqlite_where=text(_COUNTRY_OFF_SQLITE), postgresql_where=text(_COUNTRY_OFF_POSTGRESQL)),
        # the reports counting strikes no line places (the releases Data quality flags, and the
        # hatched share of the Overview's and the Timeline's bars)
        Index("ix_strike_report_unitemised", "release_id", "strikes",
              sqlite_where=text(_UNITEMISED_SQLITE), postgresql_where=text(_UNITEMISED_POSTGRESQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # order in the release
    country: Mapped[str | None] = mapped_column(String(40))
    location_raw: Mapped[str | None] = mapped_column(String(300))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    # how the report places itself: at the place, relative to it ("southwest of Baghdad"), a region
    location_precision: Mapped[str | None] = mapped_column(String(20))
    strike_date: Mapped[date | None] = mapped_column(Date)  # the stated (first) day, else the period start
    # the last day of a span of days the release names ("Aug. 21-23"); NULL for one day
    last_date: Mapped[date | None] = mapped_column(Date)
    date_stated: Mapped[bool] = mapped_column(Boolean, default=True)
    strikes: Mapped[int | None] = mapped_column(Integer)
    engagements: Mapped[int | None] = mapped_column(Integer)
    block: Mapped[str] = mapped_column(String(10), default="main")
    sentence: Mapped[str | None] = mapped_column(Text)  # None for starter facts
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    archive_row: Mapped[int | None] = mapped_column(Integer)
    # False for the part of a stated total no line of the release accounts for
    # (loaders.count_of_record): no place, no targets, the sentence stating the total
    itemised: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # on days its release does not name (db.summaries.day_off: set where the report is written
    # and by a rebuild), so the audit reads these few rows instead of every report
    day_off: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # in another country than its place's (db.summaries.country_off: set where the report is
    # written and by a rebuild), so the audit reads these few rows instead of every report
    country_off: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))

    release: Mapped[Release] = relationship(back_populates="strike_reports")
    place: Mapped[Place | None] = relationship()
    targets: Mapped[list[Target]] = relationship(
        back_populates="strike_report", cascade="all, delete-orphan", passive_deletes=True
    )


class Target(Base):
    """One target of a strike report: action, count and canonical type."""

    __tablename__ = "target"
    __table_args__ = (
        Index("ix_target_report", "strike_report_id"),
        Index("ix_target_type", "category", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    strike_report_id: Mapped[int] = mapped_column(ForeignKey("strike_report.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(30))
    count: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(String(500))
    type: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(80))

    strike_report: Mapped[StrikeReport] = relationship(back_populates="targets")


class Diagnostic(Base):
    """Something in a release the parser did not understand, kept with its span."""

    __tablename__ = "diagnostic"
    __table_args__ = (Index("ix_diagnostic_release", "release_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    message: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)

    release: Mapped[Release] = relationship(back_populates="diagnostics")


# --- summaries of the current releases, kept by db.summaries in the transaction that changes
# the detail rows; the charts read these instead of aggregating every strike report and
# target. `key` joins the dimension values (nullable, so no composite unique index can
# match them) for the upserts; on SQLite the tables are clustered on it (WITHOUT ROWID).
# The upserted ones leave room on each PostgreSQL page, so that a row updated keeps its place
# (a HOT update) instead of being written anew with an entry in each index: on tables written
# whole (a rebuild, a restore) only half the updates fitted, and an import's upserts took twice
# the time.
_UPDATED_IN_PLACE = {"sqlite_with_rowid": False, "postgresql_with": {"fillfactor": 70}}


class StrikeDay(Base):
    """Strike reports of current releases summed per strike day, country and place."""

    __tablename__ = "strike_day"
    __table_args__ = (Index("ix_strike_day_day", "day", "country"), _UPDATED_IN_PLACE)

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date | None] = mapped_column(Date)
    week: Mapped[date | None] = mapped_column(Date)  # the Monday of the day's week
    month: Mapped[date | None] = mapped_column(Date)  # the first of the day's month
    # a span's last day, with its week and month (NULL for one day): a period holds the reports
    # whose whole span it holds
    last_day: Mapped[date | None] = mapped_column(Date)
    last_week: Mapped[date | None] = mapped_column(Date)
    last_month: Mapped[date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(40))
    # no index on place_id: grouping by it through an index reads the rows one by one,
    # slower than sorting the whole (small) table
    place_id: Mapped[int | None] = mapped_column(Integer)
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    engagements: Mapped[int] = mapped_column(Integer, default=0)
    reports: Mapped[int] = mapped_column(Integer, default=0)  # itemised strike reports
    engagement_lines: Mapped[int] = mapped_column(Integer, default=0)  # rows stating engagements: none, "not reported"
    # strikes and engagements of stated totals that no line itemises (in strikes and engagements too)
    unitemised: Mapped[int] = mapped_column(Integer, default=0)
    unitemised_engagements: Mapped[int] = mapped_column(Integer, default=0)
    lines: Mapped[int] = mapped_column(Integer, default=0)  # every strike_report row: a key with none is gone


class ReleaseDay(Base):
    """Which current release reports strikes on which day in which country: counts releases."""

    __tablename__ = "release_day"
    __table_args__ = (Index("ix_release_day_day", "day", "country", "release_id"), {"sqlite_with_rowid": False})

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    release_id: Mapped[int] = mapped_column(Integer, index=True)
    day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)  # a span's last day; NULL for one day
    country: Mapped[str | None] = mapped_column(String(40))


class TargetMonth(Base):
    """Targets of current releases summed per strike month, country, type and action."""

    __tablename__ = "target_month"
    __table_args__ = (Index("ix_target_month_month", "month"), _UPDATED_IN_PLACE)

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    month: Mapped[date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(80))
    type: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    targets: Mapped[int] = mapped_column(Integer, default=0)  # a plural without a number counts one
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    numbered: Mapped[int] = mapped_column(Integer, default=0)  # mentions that carry a number


class TargetPlaceMonth(Base):
    """target_month by place as well: read when a view is narrowed to provinces or places
    (several times larger, so the unnarrowed views read target_month)."""

    __tablename__ = "target_place_month"
    __table_args__ = (Index("ix_target_place_month_place", "place_id", "month"), _UPDATED_IN_PLACE)

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    month: Mapped[date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(40))
    place_id: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(80))
    type: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    targets: Mapped[int] = mapped_column(Integer, default=0)
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    numbered: Mapped[int] = mapped_column(Integer, default=0)


class PublishedTotal(Base):
    """A total the coalition itself published (cumulative since 8 Aug 2014, monthly, weekly or
    daily), the reference the data's own totals are held against. From a file of published
    totals (the starter data's, or a staff upload: import_id) or from a release that quotes it
    (release_id: shown while that release is counted)."""

    __tablename__ = "published_total"
    __table_args__ = (Index("ix_published_total_as_of", "as_of_date", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of_date: Mapped[date] = mapped_column(Date)  # the last day counted
    period_start: Mapped[date] = mapped_column(Date)  # 2014-08-08 for a figure since the campaign began
    scope: Mapped[str] = mapped_column(String(10))  # all, Iraq, Syria
    strikes: Mapped[int] = mapped_column(Integer)
    engagements: Mapped[int | None] = mapped_column(Integer)
    who_stated: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str | None] = mapped_column(String(1000))
    quote: Mapped[str | None] = mapped_column(Text)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FailedFile(Base):
    """A file an import could not read or parse, kept with the reason."""

    __tablename__ = "failed_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Meta(Base):
    """Key-value facts about the data, such as data_version, bumped by every change so each
    app process sees new data at once."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class StaffUser(Base):
    """A staff account allowed to change data. Passwords are argon2 hashes."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StaffSession(Base):
    """A signed-in session; the data-management layer checks it on every change."""

    __tablename__ = "staff_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
