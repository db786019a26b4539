"""Parser quality measured on a whole corpus folder (`python -m loaders measure CORPUS`):
statement coverage, stated vs parsed totals, place resolution, agreement with the line
archive's own reading. Returns plain numbers; the CLI prints them as Markdown."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from loaders import archive_as_one, parse_document, read_path
from loaders.numbers import parse_count
from loaders.readers import iter_release_paths
from loaders.records import COUNTRIES, ParsedRelease

# Deliberately simple, independent detectors of the statements the parser must turn into rows.
_NEAR_LINE = re.compile(
    r"^[\s*\-•o]*Near\s+[^,]{2,60},(?:\s*(?:Iraq|Syria),)?\s*(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|\w+teen|twenty[\w-]*|thirty[\w-]*|forty[\w-]*|fifty[\w-]*|\d+|fives)\s+(?:[A-Z][a-z]+\.?\s+\d+\s+)?"
    r"(?:air)?strikes?\b",
    re.MULTILINE,
)
_WEEKLY_SENTENCE = re.compile(
    r"(?:^|\n)\s*(?:On\s+\w+\.?\s+\d+|Yesterday)[^.\n]{0,80}?conducted\s+\S+\s+strikes?\b[^.\n]*?\bnear\s+[A-Z]",
)


@dataclass
class CorpusMeasures:
    statements_expected: int = 0
    statements_found: int = 0
    missed_statements: list[str] = field(default_factory=list)
    releases: int = 0
    totals_agree: int = 0
    totals_disagree_flagged: int = 0
    totals_disagree_unflagged: list[str] = field(default_factory=list)
    totals_not_stated: int = 0
    place_mentions: int = 0
    places_resolved: int = 0
    unresolved_places: dict[str, int] = field(default_factory=dict)
    archive_rows: int = 0
    archive_agree: int = 0
    archive_country_level: int = 0  # prose lines the archive files under their country
    archive_disagreements: list[str] = field(default_factory=list)
    archive_agreement_by_file: dict[str, float] = field(default_factory=dict)
    stated_checked: int = 0  # releases whose stated totals a person read (index.csv `stated`)
    stated_disagreements: list[str] = field(default_factory=list)
    no_counts_releases: int = 0  # narrative summaries stored as stating no counts

    @property
    def statement_coverage(self) -> float:
        return self.statements_found / self.statements_expected if self.statements_expected else 1.0

    @property
    def place_resolution(self) -> float:
        return self.places_resolved / self.place_mentions if self.place_mentions else 1.0

    @property
    def archive_agreement(self) -> float:
        return self.archive_agree / self.archive_rows if self.archive_rows else 1.0


def _covered(release: ParsedRelease, position: int) -> bool:
    return any(start - 4 <= position < end for start, end in (report.span for report in release.strikes))


def _count_places(measures: CorpusMeasures, release: ParsedRelease) -> None:
    for report in release.strikes:
        if report.location_raw is None:
            continue
        measures.place_mentions += 1
        if report.lat is not None:
            measures.places_resolved += 1
        else:
            measures.unresolved_places[report.location_raw] = measures.unresolved_places.get(report.location_raw, 0) + 1


def _check_totals(measures: CorpusMeasures, release: ParsedRelease) -> None:
    stated = {key: totals for key, totals in release.stated_totals.items() if totals.strikes is not None}
    if not stated:
        measures.totals_not_stated += 1
        return
    parsed = release.parsed_totals("main")
    agree = all((parsed[key].strikes or 0) == totals.strikes for key, totals in stated.items())
    if agree:
        measures.totals_agree += 1
    elif {d.kind for d in release.diagnostics} & {"incomplete_list", "totals_mismatch"}:
        measures.totals_disagree_flagged += 1
    else:
        measures.totals_disagree_unflagged.append(release.source)


_STATED_ALL = re.compile(r"^(?P<strikes>\w+) strikes(?: / (?P<engagements>\d+) engagements)?")
_STATED_COUNTRY = re.compile(
    r"(?P<country>Syria|Iraq) (?P<strikes>\d+)(?:/(?P<engagements>\d+)| strikes(?: / (?P<eng>\d+) engagements)?)?"
)


def stated_reading(text: str) -> dict[str, tuple[int, int | None]] | None:
    """The stated totals a person wrote in index.csv's `stated` column ("27 strikes / 55
    engagements (Syria 14/17; Iraq 13/38)", "Syria 20 strikes; Iraq 5 strikes (no overall
    total)", "none (...)"): {scope: (strikes, engagements)}, None for a release without counts."""
    if text.startswith("none"):
        return None
    reading: dict[str, tuple[int, int | None]] = {}
    overall = _STATED_ALL.match(text)
    if overall and parse_count(overall["strikes"]) is not None:
        engagements = overall["engagements"]
        reading["all"] = (parse_count(overall["strikes"]), int(engagements) if engagements else None)
    for match in _STATED_COUNTRY.finditer(text):
        engagements = match["engagements"] or match["eng"]
        reading[match["country"]] = (int(match["strikes"]), int(engagements) if engagements else None)
    return reading


def _check_stated(measures: CorpusMeasures, name: str, release: ParsedRelease, stated: str) -> None:
    """Our stated totals against a person's reading of them."""
    measures.stated_checked += 1
    wanted = stated_reading(stated)
    if wanted is None:
        if release.states_counts:
            measures.stated_disagreements.append(f"{name}: states no counts, parsed as stating some")
        return
    for scope, (strikes, engagements) in wanted.items():
        ours = release.stated_totals.get(scope)
        got = (ours.strikes, ours.engagements) if ours else (None, None)
        if got[0] != strikes or (engagements is not None and got[1] != engagements):
            measures.stated_disagreements.append(f"{name}: {scope} read {strikes}/{engagements}, parsed {got[0]}/{got[1]}")


def _index(corpus: Path) -> dict[str, dict[str, str]]:
    index = corpus / "releases" / "index.csv"
    if not index.is_file():
        return {}
    with index.open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def measure_corpus(corpus: Path) -> CorpusMeasures:
    """Parse every release file and archive in the corpus folder and measure the parse."""
    measures = CorpusMeasures()
    index = _index(corpus)
    for path in iter_release_paths([corpus / "releases"]):
        (release,) = parse_document(read_path(path))
        measures.releases += 1
        measures.no_counts_releases += not release.states_counts
        if (index.get(path.name) or {}).get("stated"):
            _check_stated(measures, path.name, release, index[path.name]["stated"])
        text = release.raw_text
        starts = [m.start() for m in _NEAR_LINE.finditer(text)] + [m.start() for m in _WEEKLY_SENTENCE.finditer(text)]
        for start in sorted(set(starts)):
            while start < len(text) and text[start] in "\n \t*-•o":
                start += 1
            measures.statements_expected += 1
            if _covered(release, start):
                measures.statements_found += 1
            else:
                measures.missed_statements.append(f"{path.name}: {text[start:start + 90]!r}")
        _check_totals(measures, release)
        _count_places(measures, release)
    for path in sorted((corpus / "archive").glob("*lines*.csv")):
        archive = archive_as_one(read_path(path))
        rows_with_reports = set(archive.archive_rows or [])
        disagreements = {
            int(match[1]): d.message
            for d in archive.diagnostics
            if d.kind == "archive_disagreement" and (match := re.match(r"row (\d+):", d.message))
        }
        document = read_path(path)
        agreed_before, rows_before = measures.archive_agree, measures.archive_rows
        for number, row in enumerate(document.archive_rows or [], start=1):
            measures.archive_rows += 1
            if _NEAR_LINE.match(row.get("line", "")):
                measures.statements_expected += 1
                if number in rows_with_reports:
                    measures.statements_found += 1
                else:
                    measures.missed_statements.append(f"{path.name} row {number}: {row['line'][:90]!r}")
            if number in rows_with_reports and number not in disagreements:
                measures.archive_agree += 1
                if row.get("location", "").strip() in COUNTRIES:
                    measures.archive_country_level += 1
            else:
                reason = disagreements.get(number, f"row {number}: no strike statement parsed")
                measures.archive_disagreements.append(f"{reason} | {row.get('line', '')[:120]}")
        rows = measures.archive_rows - rows_before
        measures.archive_agreement_by_file[path.name] = (measures.archive_agree - agreed_before) / rows if rows else 1.0
        _count_places(measures, archive)
    return measures


def as_markdown(measures: CorpusMeasures) -> str:
    """The measures as the Markdown report kept in docs/PARSER_QUALITY.md."""
    lines = [
        "| measure | result |",
        "| --- | --- |",
        f"| strike statements that yield a strike report | {measures.statements_found} / {measures.statements_expected} ({measures.statement_coverage:.1%}) |",
        f"| release files | {measures.releases} |",
        f"| releases whose parsed totals equal their stated totals | {measures.totals_agree} |",
        f"| releases whose totals differ, flagged (incomplete copy or mismatch) | {measures.totals_disagree_flagged} |",
        f"| releases whose totals differ without a flag | {len(measures.totals_disagree_unflagged)} |",
        f"| releases stating no period totals | {measures.totals_not_stated} |",
        f"| place mentions resolved to coordinates | {measures.places_resolved} / {measures.place_mentions} ({measures.place_resolution:.1%}) |",
        f"| archive rows agreeing with the archive's own place and number | {measures.archive_agree} / {measures.archive_rows} ({measures.archive_agreement:.1%}) |",
        f"| of which prose lines the archive files under their country (compared at country level) | {measures.archive_country_level} |",
        *[f"| archive agreement, `{name}` | {share:.1%} |" for name, share in measures.archive_agreement_by_file.items()],
        f"| releases whose stated totals a person read (index.csv `stated`) and ours equal | "
        f"{measures.stated_checked - len(measures.stated_disagreements)} / {measures.stated_checked} |",
        f"| narrative summaries stored as stating no counts | {measures.no_counts_releases} |",
        "",
        "### Statements without a strike report",
        "",
        *([f"- {item}" for item in measures.missed_statements] or ["- none"]),
        "",
        "### Stated totals that differ from a person's reading",
        "",
        *([f"- {item}" for item in measures.stated_disagreements] or ["- none"]),
        "",
        "### Unresolved place mentions",
        "",
        *[f"- {place} ({count})" for place, count in sorted(measures.unresolved_places.items(), key=lambda kv: -kv[1])],
        "",
        "### Archive disagreements",
        "",
        *([f"- {item}" for item in measures.archive_disagreements] or ["- none"]),
    ]
    return "\n".join(lines) + "\n"
