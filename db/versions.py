"""Which version of a release counts: a release's identity across copies and corrections
(release_key, and the list of lines it reports under another date), how versions rank, and
what storing each release of a file would do (plan). Nothing here writes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import models
from db.engine import in_chunks
from loaders import ParsedRelease
from loaders.dates import assumed_strike_day
from loaders.release_parser import find_release_date

NEW, DUPLICATE, REVISION = "new", "duplicate", "revision"


def release_key(parsed: ParsedRelease) -> str:
    """Identity of a release across versions: its date and the first day it reports. Two
    copies of the same release (a repost, a correction) share it; different releases do not."""
    published = parsed.published.isoformat() if parsed.published else "undated"
    start = parsed.period_start or assumed_strike_day(parsed.published)
    if parsed.format == "archive" and parsed.published:
        start = assumed_strike_day(parsed.published)  # archive lines: the daily "yesterday"
    # a summary without counts and a release with counts, published the same day over the same
    # days, are two releases (the 2019 narrative and the strike summary of 15 Jan 2019)
    kind = "" if parsed.states_counts else "|summary"
    return f"{published}|{start.isoformat() if start else parsed.content_hash[:16]}{kind}"


_SOURCE_RANK = {"archive": 1, "starter": 0}  # everything else is a full release text: 2


def standing(format: str, complete: bool) -> tuple[int, bool]:
    """How good a copy is: a full text beats an archive line, which beats starter facts; then a
    complete copy beats one cut short."""
    return _SOURCE_RANK.get(format, 2), complete


def version_rank(format: str, complete: bool, published: date | None, order: float) -> tuple:
    """How a version of a release ranks against the others; the best is the one counted. Its
    standing first; then the first publication, for one list of strikes published under two
    dates (a page kept under a later date repeats a day's list: the original is the earlier);
    then the newest (order: the row's id, newer higher), for a correction of the same release."""
    first_published = -(published or date.max).toordinal()
    return (*standing(format, complete), first_published, order)


def _is_complete(parsed: ParsedRelease) -> bool:
    return not any(d.kind == "incomplete_list" for d in parsed.diagnostics)


def stored_is_complete(session: Session, release_id: int) -> bool:
    return not session.scalar(
        select(models.Diagnostic.id)
        .where(models.Diagnostic.release_id == release_id, models.Diagnostic.kind == "incomplete_list")
        .limit(1)
    )


# A list of at least this many lines reported under two dates is one report of strikes, whatever
# else the two copies say: no two days of the campaign list the same four places with the same counts.
SAME_LIST_LINES = 4


def list_key(lines: Iterable[tuple[str | None, str | None, int | None]]) -> str | None:
    """What a release reports, as one key: its itemised lines (country, place, strikes), in any
    order, and their number ("5:<sha256>"); None for a release that itemises none. Two copies
    of one release share it, whatever their dates and wording."""
    items = sorted((country or "", (place or "").casefold(), strikes or 0) for country, place, strikes in lines)
    if not items:
        return None
    digest = hashlib.sha256(repr(items).encode()).hexdigest()[:40]
    return f"{len(items)}:{digest}"


def parsed_list_key(parsed: ParsedRelease) -> str | None:
    return list_key((report.country, report.location or report.location_raw, report.strikes)
                    for report in parsed.strikes if report.itemised and report.strikes)


def _list_lines(key: str | None) -> int:
    return int(key.split(":", 1)[0]) if key else 0


@dataclass
class Version:
    """The counted version of a release, as the planner knows it."""

    id: int | None  # None: stored by this file but not inserted yet
    format: str
    complete: bool | None  # None: not known yet (stored before this file; looked up when needed)
    counted: bool = True
    key: str = ""  # its release_key
    published: date | None = None
    period: tuple[date | None, date | None] = (None, None)
    stated: int | None = None  # the overall strikes it states
    # its itemised lines' sentences, and whether its text has a dateline; None: not known yet
    # (stored before this file; looked up when a copy without a dateline meets it)
    sentences: frozenset[str] | None = None
    dateline: bool | None = None


def line_sentences(sentences: Iterable[str | None]) -> frozenset[str]:
    """The sentences of a release's itemised lines, as one set (whitespace as one space)."""
    return frozenset(" ".join(sentence.split()) for sentence in sentences if sentence)


def _parsed_sentences(parsed: ParsedRelease) -> frozenset[str]:
    return line_sentences(report.sentence for report in parsed.strikes if report.itemised and report.strikes)


def _same_release(parsed: ParsedRelease, listed: str, other: Version) -> bool:
    """Whether a release (its list key: listed) with the list of a counted one under another
    date is a copy of it: a long list (SAME_LIST_LINES) says so alone; a short one also needs the
    same days and the same stated overall, and two full texts (a repost dated the day it was
    reposted)."""
    if _list_lines(listed) >= SAME_LIST_LINES:
        return True
    full_texts = parsed.format not in ("archive", "starter") and other.format not in ("archive", "starter")
    stated = parsed.stated_overall_strikes
    return (full_texts and stated is not None and stated == other.stated
            and (parsed.period_start, parsed.period_end) == other.period)


_UNSTORED_ORDER = 2**62  # the order (version_rank) of a version not inserted yet: above every row id


class Planner:
    """What storing each release of one file does: two look-ups for the whole file, then kept
    up to date as the file's own releases are stored (a file may hold two copies of one)."""

    def __init__(self, session: Session, parsed_list: list[ParsedRelease]):
        self.session = session
        self.by_hash: dict[str, Version] = {}
        self.current: dict[str, Version] = {}
        self.by_list: dict[str, Version] = {}
        # each release's list key, worked out once (hashing its lines is most of a plan's work)
        self._list_keys = {id(parsed): parsed_list_key(parsed) for parsed in parsed_list}
        release = models.Release
        hashes = [parsed.content_hash for parsed in parsed_list]
        keys = [release_key(parsed) for parsed in parsed_list]
        lists = [key for key in self._list_keys.values() if key]
        for chunk in in_chunks(hashes):
            for content_hash, release_id, format in session.execute(
                select(release.content_hash, release.id, release.format).where(release.content_hash.in_(chunk))
            ):
                self.by_hash[content_hash] = Version(release_id, format, None)
        columns = (release.release_key, release.id, release.format, release.published, release.period_start,
                   release.period_end, release.stated_strikes, release.list_key)
        for chunk_of, column in ((in_chunks(keys), release.release_key), (in_chunks(lists), release.list_key)):
            for chunk in chunk_of:
                for key, release_id, format, published, start, end, stated, listed in session.execute(
                    select(*columns).where(column.in_(chunk), release.is_current.is_(True))
                ):
                    version = self.current.setdefault(key, Version(release_id, format, None, key=key,
                                                                    published=published, period=(start, end),
                                                                    stated=stated))
                    if listed:
                        self.by_list.setdefault(listed, version)

    def list_key(self, parsed: ParsedRelease) -> str | None:
        """parsed_list_key of a release of the file."""
        return self._list_keys[id(parsed)]

    def key_of(self, parsed: ParsedRelease) -> str:
        """The release_key a release is stored under: its own, or that of the counted copy of the
        same release it meets under another date (see _same_release, _copy_without_dateline)."""
        key = release_key(parsed)
        if key not in self.current:
            listed = self.list_key(parsed)
            same = self.by_list.get(listed)
            if same is not None and (_same_release(parsed, listed, same) or self._copy_without_dateline(parsed, same)):
                return same.key
        return key

    def _copy_without_dateline(self, parsed: ParsedRelease, other: Version) -> bool:
        """A short list under another date is the same release when one of the two texts has no
        dateline (its date came from a file name or an index: a repost) and their lines are the
        same sentences, word for word; it need not state an overall total."""
        if other.sentences is None:
            release, report = models.Release, models.StrikeReport
            raw = self.session.scalar(select(release.raw_text).where(release.id == other.id))
            other.dateline = bool(raw) and find_release_date(raw) is not None
            other.sentences = line_sentences(self.session.scalars(
                select(report.sentence).where(report.release_id == other.id, report.itemised.is_(True),
                                              report.strikes > 0)))
        sentences = _parsed_sentences(parsed)
        return bool(sentences) and not (parsed.dateline and other.dateline) and sentences == other.sentences

    def outcome(self, parsed: ParsedRelease) -> tuple[str, Version | None]:
        """(new | duplicate | revision, the version it meets: the stored copy or the counted one)."""
        if parsed.content_hash in self.by_hash:
            return DUPLICATE, self.by_hash[parsed.content_hash]
        current = self.current.get(self.key_of(parsed))
        return (REVISION, current) if current is not None else (NEW, None)

    def counts_over(self, parsed: ParsedRelease, current: Version) -> bool:
        """Whether a new version is counted instead of the current one (version_rank): not when
        it is a weaker copy of the same release (an archive line after the full text, a cut copy
        after a complete one, a day's list repeated under a later date); then it is kept as history."""
        if current.complete is None:
            current.complete = stored_is_complete(self.session, current.id)
        # not inserted yet: newer than every stored row, the one being stored newest of all
        pending = _UNSTORED_ORDER if current.id is None else current.id
        return (version_rank(parsed.format, _is_complete(parsed), parsed.published, _UNSTORED_ORDER + 1)
                > version_rank(current.format, current.complete, current.published, pending))

    def stored(self, parsed: ParsedRelease, counted: bool) -> Version:
        """Note a release of this file as stored; returns its version (id None until inserted)."""
        key = self.key_of(parsed)
        version = Version(None, parsed.format, _is_complete(parsed), counted, key=key, published=parsed.published,
                           period=(parsed.period_start, parsed.period_end), stated=parsed.stated_overall_strikes,
                           sentences=_parsed_sentences(parsed), dateline=parsed.dateline)
        self.by_hash[parsed.content_hash] = version
        if counted:
            self.current[key] = version
            listed = self.list_key(parsed)
            if listed is not None:
                self.by_list[listed] = version
        return version


def plan(session: Session, parsed_list: list[ParsedRelease]) -> list[str]:
    """What storing these releases (one file) would do, one outcome each: new, duplicate or
    revision. Nothing is written."""
    planner = Planner(session, parsed_list)
    outcomes = []
    for parsed in parsed_list:
        outcome, current = planner.outcome(parsed)
        outcomes.append(outcome)
        if outcome != DUPLICATE:
            # as if stored: a later copy in the same file meets this one
            planner.stored(parsed, current is None or planner.counts_over(parsed, current))
    return outcomes
