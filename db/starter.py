"""Starter data: the facts our own loader derives from the real corpus (dates, places,
coordinates, counts, target types, source URLs; no release text), shipped in
data/starter.json.gz and loaded into an empty database on the app's first start.

Rebuild with `python3 manage.py starter` (reads ../shared/corpus)."""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from db import models, summaries
from db.data_version import bump_data_version
from db.engine import execute_many, make_engine, reserve_ids, session_factory, write_transaction
from db.schema import upgrade
from db.settings import STARTER_DATA_PATH, get_settings
from loaders.records import late_stated_strikes, overall_stated_strikes

# 2: strike reports not itemised, releases without counts, published totals; 3: one place per name; 4: spans of days
FORMAT_VERSION = 4
# Diagnostics whose message quotes no release sentence; the others stay with the full texts.
_FACT_DIAGNOSTICS = {"incomplete_list", "totals_mismatch", "unknown_place", "unclassified_target", "archive_disagreement",
                     "no_date", "not_itemised", "over_itemised", "no_counts", "country_from_place",
                     "filed_as_published", "country_over_overall"}
PUBLISHED_TOTALS_FILE = "published_totals.csv"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _corpus_files(corpus: Path) -> list[Path]:
    from loaders.readers import iter_release_paths

    archives = sorted((corpus / "archive").glob("centcom_release_lines_*.csv"))
    # The archives first: a release file for the same day then becomes the counted version.
    return [*archives, *iter_release_paths([corpus / "releases"])]


def export_facts(factory: sessionmaker[Session]) -> dict:
    """Return the facts of every current release as a JSON-ready dict."""
    releases = []
    with factory() as session:
        quoted: dict[int, list[dict]] = {}
        for row in session.scalars(select(models.PublishedTotal).where(models.PublishedTotal.release_id.is_not(None))
                                   .order_by(models.PublishedTotal.id)):
            quoted.setdefault(row.release_id, []).append(_published_fact(row))
        rows = session.scalars(
            select(models.Release)
            .where(models.Release.is_current.is_(True))
            .order_by(models.Release.published, models.Release.id)
            .options(
                selectinload(models.Release.strike_reports).selectinload(models.StrikeReport.targets),
                selectinload(models.Release.strike_reports).selectinload(models.StrikeReport.place),
                selectinload(models.Release.diagnostics),
            )
        )
        for release in rows:
            releases.append(
                {
                    "key": release.release_key,
                    "hash": release.content_hash,
                    "source": Path(release.source.split("#")[0]).name + ("#" + release.source.split("#")[1] if "#" in release.source else ""),
                    "source_url": release.source_url,
                    "format": release.format,
                    "published": _iso(release.published),
                    "period": [_iso(release.period_start), _iso(release.period_end)],
                    "stated_totals": release.stated_totals,
                    "list_key": release.list_key,
                    "reports": [
                        {
                            "country": report.country,
                            "location_raw": report.location_raw,
                            "place": [report.place.name, report.place.country, report.place.province,
                                      report.place.lat, report.place.lon, report.place.precision]
                            if report.place else None,
                            "precision": report.location_precision,
                            "date": _iso(report.strike_date),
                            "last_date": _iso(report.last_date),
                            "date_stated": report.date_stated,
                            "strikes": report.strikes,
                            "engagements": report.engagements,
                            "block": report.block,
                            "row": report.archive_row,
                            "itemised": report.itemised,
                            "targets": [[t.action, t.count, t.type, t.category] for t in report.targets],
                        }
                        for report in sorted(release.strike_reports, key=lambda r: r.position)
                    ],
                    "diagnostics": [
                        [d.kind, d.message] for d in release.diagnostics if d.kind in _FACT_DIAGNOSTICS
                    ],
                    "states_counts": release.states_counts,
                    "published_totals": quoted.get(release.id, []),
                }
            )
        reference = [_published_fact(row) for row in session.scalars(
            select(models.PublishedTotal).where(models.PublishedTotal.release_id.is_(None))
            .order_by(models.PublishedTotal.as_of_date, models.PublishedTotal.scope, models.PublishedTotal.id))]
    return {"format_version": FORMAT_VERSION, "releases": releases, "published_totals": reference}


def _published_fact(row: models.PublishedTotal) -> dict:
    """A published total as a fact: figures, days, who stated it and where (not the quote)."""
    return {"as_of": _iso(row.as_of_date), "period_start": _iso(row.period_start), "scope": row.scope,
            "strikes": row.strikes, "engagements": row.engagements, "who_stated": row.who_stated, "url": row.url}


def build_starter_data(corpus: Path, output: Path | None = None) -> str:
    """Ingest the corpus into a scratch database with our own loader and write its facts."""
    from db.ingest import ingest_files
    from loaders.readers import source_notes

    output = output or STARTER_DATA_PATH
    notes = source_notes([corpus / "releases"])
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/starter.db")
        upgrade(engine)
        factory = session_factory(engine)
        files = [(str(path), path.read_bytes()) for path in _corpus_files(corpus)]
        published = corpus / PUBLISHED_TOTALS_FILE
        if published.is_file():
            files.append((str(published), published.read_bytes()))
        result = ingest_files(factory, files, user_name="starter-build", origin="cli", source_notes=notes)
        failed = [item for item in result.files if item.outcome == "failed"]
        if failed:
            raise RuntimeError(f"corpus files failed: {[(f.source, f.reason) for f in failed]}")
        facts = export_facts(factory)
        engine.dispose()
    output.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(facts, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with gzip.GzipFile(output, "wb", mtime=0) as handle:  # mtime 0: same input, same bytes
        handle.write(payload)
    reports = sum(len(r["reports"]) for r in facts["releases"])
    return f"wrote {output}: {len(facts['releases'])} releases, {reports} strike reports"


def never_imported(factory: sessionmaker[Session]) -> bool:
    """Whether the database has never had an import: the only kind starter data go into (a
    database whose imports staff undid stays as they left it)."""
    with factory() as session:
        return _never_imported(session)


def _never_imported(session: Session) -> bool:
    return session.scalar(select(models.ImportBatch.id).limit(1)) is None


def load_starter_data(
    factory: sessionmaker[Session],
    path: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Load the starter facts into the database in one transaction; returns the number of
    releases loaded (0 if the file is missing, or the database has had another import). Starter data
    of another version, in a database that holds nothing else, are replaced by these."""
    path = path or get_settings().starter_data_path
    if path is None or not path.is_file():
        return 0
    raw = path.read_bytes()
    facts = json.loads(gzip.decompress(raw).decode("utf-8"))
    releases = facts["releases"]
    try:
        return _load(factory, path, releases, on_progress, facts.get("published_totals", []),
                     hashlib.sha256(raw).hexdigest())
    except IntegrityError:
        return 0  # another app process loaded it at the same moment: nothing left to do


def _starter_only(session: Session) -> models.ImportBatch | None:
    """The starter import of a database that has had no other import, else None."""
    batches = session.scalars(select(models.ImportBatch).order_by(models.ImportBatch.id)).all()
    # a refresh marks the starter import it replaces undone: starter imports alone are "nothing else"
    starters = [batch for batch in batches if batch.origin == "starter" and batch.undone_at is None]
    if len(starters) != 1 or any(batch.origin != "starter" for batch in batches):
        return None
    return starters[0]


def starter_refresh_due(factory: sessionmaker[Session], path: Path | None = None) -> bool:
    """True if the database holds the starter data and nothing else, and they are not the
    bundled file's (an older version of the app loaded them). A database that has had any other
    import, or whose starter import was undone, keeps what it has."""
    path = path or get_settings().starter_data_path
    if path is None or not path.is_file():
        return False
    with factory() as session:
        batch = _starter_only(session)
    return batch is not None and (batch.summary or {}).get("sha256") != hashlib.sha256(path.read_bytes()).hexdigest()


def _remove_starter(session: Session, batch: models.ImportBatch) -> None:
    """Take out the starter data of a database that holds nothing else, summaries included."""
    session.execute(delete(models.PublishedTotal).where(models.PublishedTotal.import_id == batch.id))
    session.execute(delete(models.Release).where(models.Release.import_id == batch.id))
    for model in (models.StrikeDay, models.ReleaseDay, models.TargetMonth, models.TargetPlaceMonth):
        session.execute(delete(model))
    batch.undone_at = models.utcnow()
    batch.undone_by = "starter data refresh"


def _published_total(fact: dict, release_id: int | None = None, import_id: int | None = None) -> dict:
    """The published_total row of a fact (its quote stays with the full texts)."""
    return {
        "as_of_date": _date(fact["as_of"]), "period_start": _date(fact["period_start"]), "scope": fact["scope"],
        "strikes": fact["strikes"], "engagements": fact["engagements"], "who_stated": fact["who_stated"] or "",
        "url": fact["url"], "quote": None, "release_id": release_id, "import_id": import_id,
        "created_at": models.utcnow(),
    }


def _load(factory, path: Path, releases: list[dict], on_progress, published_totals: list[dict], digest: str) -> int:
    """Known-good rows written as they are: no version planning, one executemany per table
    with ids reserved beforehand, and the summaries' deltas worked out from the rows in memory
    (db.store writes an import the same way)."""
    with write_transaction(factory) as session:
        if not _never_imported(session):
            previous = _starter_only(session)
            if previous is None or (previous.summary or {}).get("sha256") == digest:
                return 0  # loaded meanwhile by another process, or data of staff's own
            _remove_starter(session, previous)
            session.flush()
        batch = models.ImportBatch(user_name="starter", origin="starter", summary={
            "files": [{"source": path.name, "outcome": "new", "releases": len(releases)}], "sha256": digest})
        session.add(batch)
        session.flush()
        rows = _StarterRows(session, batch.id, releases)
        for index, item in enumerate(releases):
            rows.add(item)
            if on_progress and index % 50 == 0:
                on_progress(index, len(releases))
        rows.write(published_totals)
        bump_data_version(session)
    if on_progress:
        on_progress(len(releases), len(releases))
    return len(releases)


class _StarterRows:
    """The rows of the starter facts, each table's in one list, ids given as they are made."""

    def __init__(self, session: Session, import_id: int, releases: list[dict]):
        self.session, self.import_id = session, import_id
        place = models.Place.__table__
        self.place_ids = {(name, country): place_id for place_id, name, country in
                          session.execute(select(place.c.id, place.c.name, place.c.country))}
        named = {(report["place"][0], report["place"][1]): report["place"]
                 for item in releases for report in item["reports"] if report["place"]}
        missing = [key for key in named if key not in self.place_ids]
        self.new_places = [
            {"id": place_id, "name": name, "country": country, "province": province, "lat": lat, "lon": lon,
             "precision": precision, "source": ""}
            for place_id, (name, country, province, lat, lon, precision)
            in zip(reserve_ids(session, place, len(missing)), (named[key] for key in missing), strict=True)
        ]
        self.place_ids.update({(row["name"], row["country"]): row["id"] for row in self.new_places})
        self.release_ids = iter(reserve_ids(session, models.Release.__table__, len(releases)))
        self.report_ids = iter(reserve_ids(session, models.StrikeReport.__table__,
                                           sum(len(item["reports"]) for item in releases)))
        self.releases: list[dict] = []
        self.reports: list[dict] = []
        self.targets: list[tuple[dict, dict]] = []  # (report row, target row), as db.summaries takes them
        self.diagnostics: list[dict] = []
        self.published: list[dict] = []

    def add(self, item: dict) -> None:
        release_id = next(self.release_ids)
        reports = [self._report(release_id, position, report) for position, report in enumerate(item["reports"])]
        self.releases.append({
            "id": release_id, "release_key": item["key"], "content_hash": f"starter:{item['hash']}",
            "source": item["source"], "source_url": item["source_url"], "format": "starter", "title": None,
            "published": _date(item["published"]), "period_start": _date(item["period"][0]),
            "period_end": _date(item["period"][1]), "stated_totals": item["stated_totals"],
            "stated_strikes": overall_stated_strikes(item["stated_totals"] or {}),
            "parsed_strikes": sum(report["strikes"] or 0 for report in reports
                                  if report["block"] == "main" and report["itemised"]),
            "stated_late_strikes": late_stated_strikes(item["stated_totals"] or {}),
            "report_count": len(reports),
            "list_key": item.get("list_key"), "raw_text": None, "is_current": True,
            "states_counts": item.get("states_counts", True), "replaces_id": None, "import_id": self.import_id,
            "created_at": models.utcnow(),
        })
        self.reports.extend(reports)
        self.diagnostics.extend({"release_id": release_id, "kind": kind, "message": message, "text": None,
                                 "span_start": None, "span_end": None} for kind, message in item["diagnostics"])
        self.published.extend(_published_total(fact, release_id=release_id)
                              for fact in item.get("published_totals", []))

    def _report(self, release_id: int, position: int, report: dict) -> dict:
        row = {
            "id": next(self.report_ids), "release_id": release_id, "position": position,
            "country": report["country"], "location_raw": report["location_raw"],
            "place_id": self.place_ids[report["place"][0], report["place"][1]] if report["place"] else None,
            "location_precision": report.get("precision"), "strike_date": _date(report["date"]),
            "last_date": _date(report.get("last_date")), "date_stated": report["date_stated"],
            "strikes": report["strikes"], "engagements": report["engagements"], "block": report["block"],
            "sentence": None, "span_start": None, "span_end": None, "archive_row": report["row"],
            "itemised": report.get("itemised", True),
        }
        self.targets.extend((row, {"strike_report_id": row["id"], "action": action, "count": count, "text": None,
                                   "type": type_, "category": category})
                            for action, count, type_, category in report["targets"])
        return row

    def write(self, published_totals: list[dict]) -> None:
        session = self.session
        execute_many(session, models.Place.__table__.insert(), self.new_places)
        execute_many(session, models.Release.__table__.insert(), self.releases)
        execute_many(session, models.StrikeReport.__table__.insert(), self.reports)
        summaries.mark_flags(session, written=True)  # a first start: every report is the starter data's
        execute_many(session, models.Target.__table__.insert(), [target for _report, target in self.targets])
        execute_many(session, models.Diagnostic.__table__.insert(), self.diagnostics)
        execute_many(session, models.PublishedTotal.__table__.insert(), [
            *self.published, *(_published_total(fact, import_id=self.import_id) for fact in published_totals)])
        summaries.write_deltas(session, summaries.written_deltas(self.reports, self.targets))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
