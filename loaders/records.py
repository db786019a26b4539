"""Typed records a parsed release becomes. Plain dataclasses: the database layer maps them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

COUNTRIES = ("Iraq", "Syria")
SCOPES = ("all", *COUNTRIES)  # what a total is stated for: both countries, or one


@dataclass(slots=True)
class Target:
    action: str  # engaged, struck, destroyed, damaged, suppressed, denied access, wounded, ...
    count: int | None  # None: a plural without a number ("destroyed ISIL fighting positions")
    text: str  # the phrase as written, e.g. "two ISIL heavy machine guns"
    type: str | None  # canonical type from the taxonomy, or the normalised phrase if unclassified
    category: str | None  # taxonomy category, "unclassified" when the phrase matched nothing


@dataclass(slots=True)
class StrikeReport:
    country: str | None
    location_raw: str | None  # the place as written, e.g. "Dayr Az Zawr" or "west of Baghdad"
    location: str | None  # canonical gazetteer name
    location_country: str | None  # the country the gazetteer puts that place in
    province: str | None
    lat: float | None
    lon: float | None
    location_precision: str  # place, relative, region, unresolved
    date: date | None  # the day the strikes happened; None where the release leaves it open
    strikes: int | None
    engagements: int | None
    sentence: str
    span: tuple[int, int]  # character span of the sentence in the release's raw text
    block: str = "main"  # main, or late (an "Additionally ..." block reporting earlier days)
    targets: list[Target] = field(default_factory=list)
    # False for the part of a stated total that no line of the release accounts for (see
    # loaders.count_of_record): its sentence is the one stating the total
    itemised: bool = True
    stated_by: int | None = None  # index in ParsedRelease.stated of the total the line makes up
    # the last day of the span of days the strikes lie in, where the release names a span and
    # not one day ("Aug. 21-23"); None for one day (date) or none
    last_date: date | None = None
    # False where the days come from outside the text (the index of a fragment that names none)
    date_in_text: bool = True


@dataclass(slots=True)
class Diagnostic:
    kind: str  # see DIAGNOSTIC_KINDS
    message: str
    text: str = ""
    span: tuple[int, int] | None = None


DIAGNOSTIC_KINDS = {
    "unparsed_sentence": "a sentence about strikes that yielded no row",
    "unknown_place": "a place the gazetteer could not resolve",
    "unclassified_target": "a target phrase the taxonomy does not know",
    "totals_mismatch": "stated totals differ from the sum of the parsed lines",
    "incomplete_list": "the copy stops inside the strike list",
    "no_date": "no release date in the text or its metadata",
    "no_statements": "no strike statement found in the text",
    "cumulative_figure": "a cumulative or month-to-date figure, not counted",
    "archive_disagreement": "the archive's own reading differs from ours",
    "not_itemised": "a stated total the release's lines do not account for in full",
    "over_itemised": "the release's lines add up to more than its stated total",
    "no_counts": "a release that states no strike counts (a narrative summary)",
    "implausible_count": "a count far beyond any a release states: not counted",
    "country_from_place": "a line listed under the other country's heading, counted in its place's country",
    "filed_as_published": "a border place listed under the other country's heading, kept there as published",
    "country_over_overall": "country figures adding up to more than the overall: the unsupported one yields",
}

# What a stated total covers, from the widest to the narrowest.
STATED_LEVELS = ("release", "country", "day", "late")


@dataclass(slots=True)
class StatedTotal:
    """A count the release states for part of what it reports: the whole period ("conducted 28
    strikes ..."), one country ("In Syria, ... 20 strikes ..."), one day's paragraph ("On May 1,
    ... five strikes ...:") or a late block ("details today of nine April 28-29 strikes")."""

    level: str  # see STATED_LEVELS
    country: str | None  # None: both countries
    first: date | None  # the days it covers, None where the release leaves them open
    last: date | None
    strikes: int | None
    engagements: int | None
    sentence: str
    span: tuple[int, int]
    parent: int | None = None  # index of the wider total this one is part of


@dataclass(slots=True)
class PublishedFigure:
    """A total the coalition itself published: quoted in a release for a longer period than the
    release's own ("To date, ... 198 airstrikes across Iraq", "During the first 24 days of May,
    ... 184 strikes"), or a row of a file of published totals. A reference figure, never counted
    as strikes of a release."""

    scope: str  # all, Iraq, Syria
    period_start: date  # 2014-08-08 (CAMPAIGN_START) for a figure since the campaign began
    as_of: date | None  # the last day it counts (None until the release's own last day is known)
    strikes: int | None
    engagements: int | None
    sentence: str  # the words stating it (a file's `quote`)
    span: tuple[int, int] | None  # in the release's text; None for a file's row
    who_stated: str = ""
    url: str | None = None


@dataclass(slots=True)
class Totals:
    strikes: int | None = None
    engagements: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {"strikes": self.strikes, "engagements": self.engagements}


def overall_stated_strikes(stated_totals: dict) -> int | None:
    """The overall strikes a release states, from its totals as stored ({"all": {"strikes": ..},
    "Iraq": ..}): its "all" total, else Iraq and Syria added; None where it states none."""
    overall = (stated_totals.get("all") or {}).get("strikes")
    if overall is not None:
        return overall
    countries = [(stated_totals.get(country) or {}).get("strikes") for country in COUNTRIES]
    known = [value for value in countries if value is not None]
    return sum(known) if known else None


def late_stated_strikes(stated_totals: dict) -> int:
    """The strikes a release's late blocks state on top of its overall total, from its totals
    as stored (their "late" entry: ParsedRelease.stated_record); 0 where it has none."""
    return (stated_totals.get("late") or {}).get("strikes") or 0


@dataclass(slots=True)
class ParsedRelease:
    source: str
    format: str  # txt, html, pdf, paste, archive
    raw_text: str
    content_hash: str
    title: str | None
    published: date | None
    period_start: date | None
    period_end: date | None
    stated_totals: dict[str, Totals]  # keys: all, Iraq, Syria
    strikes: list[StrikeReport]
    diagnostics: list[Diagnostic]
    archive_rows: list[int] | None = None  # for a line archive: the 1-based row of each strike
    stated: list[StatedTotal] = field(default_factory=list)
    published_figures: list[PublishedFigure] = field(default_factory=list)
    states_counts: bool = True  # False for a narrative summary that gives no strike counts
    dateline: bool = True  # False where the text names no date of its own (a file name or index gave it)

    @property
    def stated_overall_strikes(self) -> int | None:
        """The overall strikes the release states (overall_stated_strikes)."""
        return overall_stated_strikes({key: totals.as_dict() for key, totals in self.stated_totals.items()})

    @property
    def counted_strikes(self) -> int:
        """The strikes the release adds: its lines and what it states beyond them."""
        return sum(report.strikes or 0 for report in self.strikes)

    def late_on_top(self) -> Totals:
        """What the release's late blocks state beyond its overall total (those the overall does
        not include: loaders.count_of_record): counted on top of it."""
        late = Totals()
        for total in self.stated:
            if total.level == "late" and total.parent is None:
                if total.strikes is not None:
                    late.strikes = (late.strikes or 0) + total.strikes
                if total.engagements is not None:
                    late.engagements = (late.engagements or 0) + total.engagements
        return late

    def stated_record(self) -> dict[str, dict[str, int | None]]:
        """The totals the release states, as stored: overall and per country, and "late" for
        its late blocks' own counts on top of the overall (where it has any)."""
        record = {key: totals.as_dict() for key, totals in self.stated_totals.items()}
        late = self.late_on_top()
        if late.strikes is not None or late.engagements is not None:
            record["late"] = late.as_dict()
        return record

    def parsed_totals(self, block: str = "main") -> dict[str, Totals]:
        """Sum of the itemised strike reports of one block, overall and per country."""
        totals = {key: Totals() for key in SCOPES}
        for report in self.strikes:
            if report.block != block or not report.itemised:
                continue
            for key in ("all", report.country):
                if key not in totals:
                    continue
                bucket = totals[key]
                if report.strikes is not None:
                    bucket.strikes = (bucket.strikes or 0) + report.strikes
                if report.engagements is not None:
                    bucket.engagements = (bucket.engagements or 0) + report.engagements
        return totals
