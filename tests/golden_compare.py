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
            "country": r.country,
            "location_raw": _place_key(r.location_raw),
            "strikes": r.strikes,
            "engagements": r.engagements,
            "targets": _targets_key(
                [{"action": t.action, "type": t.type, "count": t.count} for t in r.targets]
            ),
        }
        for r in parsed.strikes
    ]
    want_rows = [
        {**row, "location_raw": _place_key(row["location_raw"]), "targets": _targets_key(row["targets"])}
        for row in golden["strikes"]
    ]
    if len(got_rows) != len(want_rows):
        problems.append(f"strike reports: parsed {len(got_rows)}, expected {len(want_rows)}")
    for index, (got, want) in enumerate(zip(got_rows, want_rows, strict=False)):
        for field in ("date", "country", "location_raw", "strikes", "engagements"):
            if got[field] != want[field]:
                problems.append(f"row {index + 1} {field}: {got[field]!r} != {want[field]!r}")
        if got["targets"] != want["targets"]:
            extra = got["targets"] - want["targets"]
            missing = want["targets"] - got["targets"]
            problems.append(
                f"row {index + 1} ({want['location_raw']}) targets: extra {dict(extra)}, missing {dict(missing)}"
            )
    return problems
