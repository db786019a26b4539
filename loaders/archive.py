"""Line archives: CSV files with one release line per row (date, country, line, and the
archive's own location and number). Each line is parsed by our own grammar; the archive's
reading is only a cross-check, and every disagreement becomes a diagnostic."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime

from loaders.dates import assumed_strike_day
from loaders.gazetteer import resolve_place
from loaders.numbers import parse_count
from loaders.readers import SourceDocument
from loaders.records import COUNTRIES, SCOPES, Diagnostic, ParsedRelease, Totals
from loaders.release_parser import content_hash, parse_release


def _row_date(value: str) -> date | None:
    for layout in ("%m/%d/%Y", "%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(value.strip(), layout).date()
        except ValueError:
            continue
    return None


def _row_country(value: str) -> str | None:
    for country in COUNTRIES:
        if country.lower() in value.lower():
            return country
    return None


def _heading(country: str | None) -> str:
    return f"{country}\n" if country else ""


def parse_archive_rows(document: SourceDocument) -> list[ParsedRelease]:
    """Return one ParsedRelease per release date in the archive, each strike report tagged
    with its 1-based data row (ParsedRelease.archive_rows)."""
    rows_by_day: dict[date | None, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for number, row in enumerate(document.archive_rows or [], start=1):
        rows_by_day[_row_date(row.get("date", ""))].append((number, row))
    releases = [_parse_day(document.source, published, rows) for published, rows in rows_by_day.items()]
    releases.sort(key=lambda release: (release.published or date.min))
    return releases


_CHUNK_RE = re.compile(r"^\[row (?P<number>\d+)\]\n(?:(?P<country>Iraq|Syria)\n)?(?P<line>.*)$", re.DOTALL)


def reparse_archive_day(raw: str, source: str, published: date | None) -> ParsedRelease:
    """Parse again the stored text of one archive day (see _parse_day for its layout)."""
    rows = []
    for chunk in raw.split("\n\n"):
        match = _CHUNK_RE.match(chunk)
        if match:
            rows.append((int(match["number"]), {"country": match["country"] or "", "line": match["line"]}))
    return _parse_day(source.split("#")[0], published, rows)


def _parse_day(source: str, published: date | None, rows: list[tuple[int, dict[str, str]]]) -> ParsedRelease:
    """The stored text of a day is one chunk per row, "[row N]", the country heading and the
    line, so a reparse sees the same input and every span points into it."""
    strikes, archive_rows, diagnostics, chunks = [], [], [], []
    offset = 0
    for number, row in rows:
        country = _row_country(row.get("country", ""))
        line = " ".join(row.get("line", "").split())
        text = _heading(country) + line
        label = f"[row {number}]\n"
        start = offset + len(label)
        parsed = parse_release(text, source=source, format="archive", published_hint=published)
        if not parsed.strikes:
            diagnostics.append(Diagnostic("unparsed_sentence", f"row {number}: no strike statement", line,
                                          (start, start + len(text))))
        for report in parsed.strikes:
            report.date = None  # an archive line does not say which day its strikes were
            report.span = (start + report.span[0], start + report.span[1])
            strikes.append(report)
            archive_rows.append(number)
        for diagnostic in parsed.diagnostics:
            if diagnostic.kind in ("unknown_place", "unclassified_target", "unparsed_sentence", "implausible_count",
                                   "country_from_place", "filed_as_published"):
                diagnostic.message = f"row {number}: {diagnostic.message}"
                diagnostic.span = (start, start + len(text))
                diagnostics.append(diagnostic)
        if "location" in row or "number" in row:
            diagnostics.extend(cross_check(number, row, parsed, (start, start + len(text))))
        chunks.append(label + text)
        offset += len(label) + len(text) + 2
    raw = "\n\n".join(chunks)
    return ParsedRelease(
        source=f"{source}#{published.isoformat() if published else 'undated'}",
        format="archive",
        raw_text=raw,
        content_hash=content_hash(raw),
        title=None,
        published=published,
        # a daily release's lines report the day before it (its lines say no day of their own)
        period_start=assumed_strike_day(published),
        period_end=assumed_strike_day(published),
        stated_totals={key: Totals() for key in SCOPES},
        strikes=strikes,
        diagnostics=diagnostics,
        archive_rows=archive_rows,
    )


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def cross_check(number: int, row: dict[str, str], parsed: ParsedRelease, span: tuple[int, int]) -> list[Diagnostic]:
    """Compare our reading of a row with the archive's own location and number."""
    theirs_place = row.get("location", "").strip()
    theirs_count = parse_count(row.get("number", "").strip()) if row.get("number", "").strip() else None
    if not parsed.strikes:
        return []
    ours = parsed.strikes[0]
    same_sentence = [report for report in parsed.strikes if report.span == ours.span]
    problems = []
    if theirs_place:
        written = " and ".join(report.location_raw or "" for report in same_sentence)
        # Prose lines ("In Syria, five airstrikes near Kobani ...") are filed under their country.
        country_level = theirs_place in COUNTRIES and theirs_place == ours.country
        same_text = country_level or _key(theirs_place) in {_key(ours.location_raw or ""), _key(written)}
        same_place = False
        if not same_text and ours.location:
            resolved = resolve_place(theirs_place, ours.country)
            same_place = resolved.precision != "unresolved" and resolved.name == ours.location
        if not (same_text or same_place):
            problems.append(f"place: archive {theirs_place!r}, ours {ours.location_raw!r}")
    if theirs_count is not None and theirs_count != ours.strikes:
        problems.append(f"strikes: archive {theirs_count}, ours {ours.strikes}")
    if not problems:
        return []
    return [Diagnostic("archive_disagreement", f"row {number}: " + "; ".join(problems), row.get("line", ""), span)]


def archive_as_one(document: SourceDocument) -> ParsedRelease:
    """Return the whole archive as one parsed object (for `parse --json`): its rows' strike
    reports in order, each tagged with its row number."""
    days = parse_archive_rows(document)
    pairs = sorted(
        ((row, report) for day in days for row, report in zip(day.archive_rows or [], day.strikes, strict=False)),
        key=lambda pair: pair[0],
    )
    diagnostics = [diagnostic for day in days for diagnostic in day.diagnostics]
    first = days[0] if days else None
    return ParsedRelease(
        source=document.source,
        format="archive",
        raw_text=document.text,
        content_hash=content_hash(document.text),
        title=None,
        published=None,
        period_start=min((d.published for d in days if d.published), default=None),
        period_end=max((d.published for d in days if d.published), default=None),
        stated_totals=first.stated_totals if first else {},
        strikes=[report for _, report in pairs],
        diagnostics=diagnostics,
        archive_rows=[row for row, _ in pairs],
    )
