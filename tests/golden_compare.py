"""Compare a parsed release with its hand-read golden file; returns readable differences."""

from __future__ import annotations

from collections import Counter
from typing import Any

from loaders.records import ParsedRelease


def _place_key(text: str | None) -> str | None:
    return " ".join(text.replace("’", "'").lower().split()) if text else None


def _targets_key(targets: list[dict[str, Any]]) -> Counter:
    return Counter((t["action"], t["type"], t["count"]) for t in targets)


def differences(parsed: ParsedRelease, golden: dict[str, Any]) -> list[str]:
    """Return one line per fact where the parse differs from the golden file."""
    problems: list[str] = []
    published = parsed.published.isoformat() if parsed.published else None
    if published != golden["published"]:
        problems.append(f"published: {published} != {golden['published']}")
    for key, expected in golden["stated_totals"].items():
        got = parsed.stated_totals[key].as_dict()
        if got != expected:
            problems.append(f"stated {key}: {got} != {expected}")
    got_rows = [
        {
            "date": r.date.isoformat() if r.date else None,
            "last_date": r.last_date.isoformat() if r.last_date else None,
            "country": r.country,
            "location_raw": _place_key(r.location_raw),
            "strikes": r.strikes,
            "engagements": r.engagements,
            "targets": _targets_key(
                [{"action": t.action, "type": t.type, "count": t.count} for t in r.targets]
            ),
        }
        for r in parsed.strikes
        if r.itemised  # a golden file lists the release's lines; the not-itemised rest is derived
    ]
    want_rows = [
        {**row, "last_date": row.get("last_date"), "location_raw": _place_key(row["location_raw"]),
         "targets": _targets_key(row["targets"])}
        for row in golden["strikes"]
    ]
    if len(got_rows) != len(want_rows):
        problems.append(f"strike reports: parsed {len(got_rows)}, expected {len(want_rows)}")
    for index, (got, want) in enumerate(zip(got_rows, want_rows, strict=False)):
        for field in ("date", "last_date", "country", "location_raw", "strikes", "engagements"):
            if got[field] != want[field]:
                problems.append(f"row {index + 1} {field}: {got[field]!r} != {want[field]!r}")
        if got["targets"] != want["targets"]:
            extra = got["targets"] - want["targets"]
            missing = want["targets"] - got["targets"]
            problems.append(
                f"row {index + 1} ({want['location_raw']}) targets: extra {dict(extra)}, missing {dict(missing)}"
            )
    problems += _later_keys(parsed, golden)
    return problems


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _later_keys(parsed: ParsedRelease, golden: dict[str, Any]) -> list[str]:
    """The keys golden files of the 2016-2019 material carry: whether the release states counts,
    its late blocks' own totals and the published figures it quotes."""
    problems = []
    if "states_counts" in golden and parsed.states_counts != golden["states_counts"]:
        problems.append(f"states_counts: {parsed.states_counts} != {golden['states_counts']}")
    if "late_stated" in golden:
        got = [{"strikes": t.strikes, "engagements": t.engagements, "country": t.country,
                "first": _iso(t.first), "last": _iso(t.last)} for t in parsed.stated if t.level == "late"]
        if got != golden["late_stated"]:
            problems.append(f"late_stated: {got} != {golden['late_stated']}")
    if "published_figures" in golden:
        got = [{"scope": f.scope, "period_start": _iso(f.period_start), "as_of": _iso(f.as_of),
                "strikes": f.strikes, "engagements": f.engagements} for f in parsed.published_figures]
        if got != golden["published_figures"]:
            problems.append(f"published_figures: {got} != {golden['published_figures']}")
    return problems
