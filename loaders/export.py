"""Parsed releases as plain JSON-ready dicts (the `parse --json` contract other tools rely on)."""

from __future__ import annotations

from typing import Any

from loaders.records import ParsedRelease


def release_to_dict(parsed: ParsedRelease) -> dict[str, Any]:
    """Return the documented JSON shape of one parsed release (or one line archive)."""
    strikes = []
    rows = parsed.archive_rows or []
    for index, report in enumerate(parsed.strikes):
        entry: dict[str, Any] = {
            "date": report.date.isoformat() if report.date else None,
            "country": report.country,
            "location_raw": report.location_raw,
            "location": report.location,
            "province": report.province,
            "lat": report.lat,
            "lon": report.lon,
            "location_precision": report.location_precision,
            "strikes": report.strikes,
            "engagements": report.engagements,
            "block": report.block,
            "sentence": report.sentence,
            "span": list(report.span),
            "targets": [
                {
                    "action": target.action,
                    "type": target.type,
                    "category": target.category,
                    "count": target.count,
                    "text": target.text,
                }
                for target in report.targets
            ],
        }
        if index < len(rows):
            entry["row"] = rows[index]
        strikes.append(entry)
    return {
        "source": parsed.source,
        "format": parsed.format,
        "title": parsed.title,
        "published": parsed.published.isoformat() if parsed.published else None,
        "period": {
            "start": parsed.period_start.isoformat() if parsed.period_start else None,
            "end": parsed.period_end.isoformat() if parsed.period_end else None,
        },
        "content_hash": parsed.content_hash,
        "stated_totals": {key: totals.as_dict() for key, totals in parsed.stated_totals.items()},
        "parsed_totals": {key: totals.as_dict() for key, totals in parsed.parsed_totals().items()},
        "strikes": strikes,
        "diagnostics": [
            {
                "kind": diagnostic.kind,
                "message": diagnostic.message,
                "text": diagnostic.text,
                "span": list(diagnostic.span) if diagnostic.span else None,
            }
            for diagnostic in parsed.diagnostics
        ],
    }
