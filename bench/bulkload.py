"""A bench-only bulk loader: the rows db.ingest.store/add_derived_rows would write for a list
of NEW parsed releases, inserted with SQLAlchemy Core executemany (ids assigned here, one
transaction per call). Two uses:

1. lay down the bulk of the largest synthetic scale quickly, so db.ingest.ingest_parsed is
   then measured on top of a database that already holds it (see bench/run.py);
2. show what a Core bulk path would gain over the ORM path (the fix proposed in
   docs/BENCHMARKS.md).

It only handles releases new to the database (no duplicates, no revisions): true of the
synthetic sets, whose content hashes and release keys are all distinct; run.py checks that
every release ends up current. The rows are checked against ingest_parsed at 1x in every run
(the page query results of both databases must be equal).

Never used on real data or by the app.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, insert, select, text

from db import models
from db.ingest import bump_data_version, release_key
from loaders import ParsedRelease

_TABLES = (models.Release, models.StrikeReport, models.Target, models.Diagnostic, models.Place)


class BulkLoader:
    def __init__(self, engine: Engine, import_id: int | None):
        self.engine = engine
        self.import_id = import_id
        with engine.connect() as connection:
            self.next_id = {
                model: (connection.scalar(select(func.max(model.id))) or 0) + 1 for model in _TABLES
            }
            self.places = {
                (row.name, row.country, row.precision): row.id
                for row in connection.execute(select(models.Place.id, models.Place.name, models.Place.country,
                                                     models.Place.precision))
            }

    def _id(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def load(self, parsed_list: list[ParsedRelease], keep_text: bool = True) -> list[int]:
        """Insert the releases in one transaction; return their ids."""
        releases, reports, targets, diagnostics, places = [], [], [], [], []
        ids = []
        for parsed in parsed_list:
            release_id = self._id(models.Release)
            ids.append(release_id)
            releases.append({
                "id": release_id,
                "release_key": release_key(parsed),
                "content_hash": parsed.content_hash,
                "source": parsed.source,
                "source_url": None,
                "format": parsed.format,
                "title": parsed.title,
                "published": parsed.published,
                "period_start": parsed.period_start,
                "period_end": parsed.period_end,
                "stated_totals": {key: totals.as_dict() for key, totals in parsed.stated_totals.items()},
                "raw_text": parsed.raw_text if keep_text else None,
                "is_current": True,
                "replaces_id": None,
                "import_id": self.import_id,
            })
            fallback_day = parsed.period_start or (
                parsed.published - timedelta(days=1) if parsed.published else None
            )
            rows = parsed.archive_rows or []
            for position, report in enumerate(parsed.strikes):
                place_id = None
                if report.location:
                    key = (report.location, report.country or "", report.location_precision)
                    place_id = self.places.get(key)
                    if place_id is None:
                        place_id = self.places[key] = self._id(models.Place)
                        places.append({
                            "id": place_id, "name": key[0], "country": key[1], "province": report.province,
                            "lat": report.lat, "lon": report.lon, "precision": key[2], "source": "",
                        })
                report_id = self._id(models.StrikeReport)
                reports.append({
                    "id": report_id,
                    "release_id": release_id,
                    "position": position,
                    "country": report.country,
                    "location_raw": report.location_raw,
                    "place_id": place_id,
                    "strike_date": report.date or fallback_day,
                    "date_stated": report.date is not None,
                    "strikes": report.strikes,
                    "engagements": report.engagements,
                    "block": report.block,
                    "sentence": report.sentence if keep_text else None,
                    "span_start": report.span[0] if keep_text else None,
                    "span_end": report.span[1] if keep_text else None,
                    "archive_row": rows[position] if position < len(rows) else None,
                })
                for target in report.targets:
                    targets.append({
                        "id": self._id(models.Target), "strike_report_id": report_id, "action": target.action,
                        "count": target.count, "text": target.text if keep_text else None,
                        "type": target.type, "category": target.category,
                    })
            for diagnostic in parsed.diagnostics:
                diagnostics.append({
                    "id": self._id(models.Diagnostic), "release_id": release_id, "kind": diagnostic.kind,
                    "message": diagnostic.message, "text": diagnostic.text if keep_text else None,
                    "span_start": diagnostic.span[0] if diagnostic.span and keep_text else None,
                    "span_end": diagnostic.span[1] if diagnostic.span and keep_text else None,
                })
        with self.engine.begin() as connection:
            for model, rows_ in ((models.Place, places), (models.Release, releases),
                                 (models.StrikeReport, reports), (models.Target, targets),
                                 (models.Diagnostic, diagnostics)):
                if rows_:
                    connection.execute(insert(model), rows_)
            if self.engine.dialect.name == "postgresql":
                for model in _TABLES:
                    table = model.__tablename__
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"
                    ))
        return ids

    def bump_version(self, factory) -> None:
        from db.engine import write_transaction

        with write_transaction(factory) as session:
            bump_data_version(session)
