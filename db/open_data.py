"""Open data: the strike reports, their targets, their releases and the coalition's published
totals under a view's filters, in the files analysts' tools read (CSV, XLSX, GeoJSON,
Parquet), with the data dictionary that describes every column.

The tables and their columns are defined once, in db/data_dictionary.py (TABLES): the writers,
the README that travels with every export, docs/DATA.md and the test that pins the columns all
read them.
Rows are streamed from the database (yield_per) into the writer, so an export of everything
never holds a whole table in memory where the format allows (CSV, Parquet, GeoJSON; XLSX in
XlsxWriter's constant-memory mode)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO

import pandas as pd
from sqlalchemy import Boolean, Select, case, func, select, type_coerce, union
from sqlalchemy.orm import Session

from db.data_dictionary import (
    COUNTING,
    FORMATS,
    PLACE_PROPERTIES,
    PUBLISHED_TOTALS,
    SINGLE_TABLE_SUFFIX,
    SOURCE,
    TABLES,
    Column,
)
from db.models import Diagnostic, Place, Release, StrikeReport, Target
from db.queries import Filters, data_version, published_totals
from db.queries.filters import publication_period, report_rows, target_condition

BATCH = 2000  # rows fetched at a time


# how the data came to hold a strike report: Release.format -> origin
ORIGINS = {"archive": "archive line", "starter": "starter facts"}
RELEASE_TEXT = "release text"


@dataclass(frozen=True)
class ExportInfo:
    """What an export holds and when it was made: printed into its README and its citation."""

    filters: Filters
    data_version: str
    made: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def filters_text(self) -> str:
        dates = (f"strike dates {self.filters.start or 'first'} to {self.filters.end or 'last'}"
                 if self.filters.start or self.filters.end else "all strike dates")
        return f"{dates}; {self.filters.describe()}"

    @property
    def citation(self) -> str:
        return (f"Strike Report Dashboard, open data export of {self.made:%d %B %Y} (data version "
                f"{self.data_version}; {self.filters_text}). Source: {SOURCE}.")

    def readme_lines(self) -> list[str]:
        lines = ["Strike Report Dashboard: open data", "",
                 f"Exported: {self.made:%Y-%m-%d %H:%M} UTC", f"Data version: {self.data_version}",
                 f"Filters: {self.filters_text}", "", f"Cite as: {self.citation}", "", COUNTING, ""]
        for name, columns in {**TABLES, "places (GeoJSON properties)": PLACE_PROPERTIES}.items():
            lines += [f"Table {name}", *(f"  {c.name} ({c.type}): {c.meaning}" for c in columns), ""]
        return lines


def export_info(session: Session, filters: Filters) -> ExportInfo:
    return ExportInfo(filters, data_version(session))


# --- rows, streamed ---------------------------------------------------------------------------


def _stream(session: Session, statement: Select) -> Iterator[tuple]:
    """Rows in batches, through the session's connection (plain rows, no ORM objects)."""
    yield from session.connection().execute(statement.execution_options(yield_per=BATCH))


def strike_report_statement(filters: Filters) -> Select:
    return report_rows(
        filters, StrikeReport.id, Release.id, Release.title, Release.source_url, Release.published,
        StrikeReport.strike_date, StrikeReport.last_date, StrikeReport.date_stated, StrikeReport.country,
        StrikeReport.location_raw,
        Place.name, Place.province, Place.lat, Place.lon, Place.precision, StrikeReport.location_precision,
        StrikeReport.strikes, StrikeReport.engagements, StrikeReport.itemised, StrikeReport.block,
        case(*((Release.format == name, origin) for name, origin in ORIGINS.items()), else_=RELEASE_TEXT),
        StrikeReport.sentence, StrikeReport.span_start, StrikeReport.span_end,
    ).order_by(StrikeReport.strike_date, Release.id, StrikeReport.position)


def strike_report_rows(session: Session, filters: Filters) -> Iterator[tuple]:
    return _stream(session, strike_report_statement(filters))


def target_statement(filters: Filters) -> Select:
    """The targets of the exported strike reports; under a target filter, the targets it names."""
    statement = report_rows(
        filters, Target.id, StrikeReport.id, Release.id, StrikeReport.strike_date, StrikeReport.country,
        Target.action, Target.count, func.coalesce(Target.count, 1), type_coerce(Target.count.is_(None), Boolean),
        Target.category, Target.type, Target.text,
    ).join(Target, Target.strike_report_id == StrikeReport.id)
    if filters.has_target_filter:
        statement = statement.where(target_condition(filters))
    return statement.order_by(StrikeReport.strike_date, Release.id, StrikeReport.position, Target.id)


def target_rows(session: Session, filters: Filters) -> Iterator[tuple]:
    return _stream(session, target_statement(filters))


def release_statement(filters: Filters) -> Select:
    """The counted releases behind the exported strike reports; with no place, country or target
    filter, also the summaries without counts published in the dates (they report no strike)."""
    wanted = report_rows(filters, StrikeReport.release_id)
    if not (filters.countries or filters.provinces or filters.places or filters.has_target_filter):
        # one IN over a UNION, not IN ... OR ...: under an OR PostgreSQL can only test the
        # subquery row by row, and once its rows outgrow work_mem it scans them all for each
        # release (185 s for 29,600 releases; 0.1 s this way)
        wanted = union(wanted, select(Release.id).where(Release.states_counts.is_(False),
                                                        *publication_period(filters)))
    diagnostics = select(func.count(Diagnostic.id)).where(Diagnostic.release_id == Release.id).scalar_subquery()
    return (
        select(Release.id, Release.title, Release.source, Release.source_url, Release.published,
               Release.period_start, Release.period_end, Release.format, Release.states_counts,
               Release.stated_totals, Release.parsed_strikes, Release.content_hash, Release.import_id, diagnostics)
        .where(Release.is_current.is_(True), Release.id.in_(wanted))
        .order_by(Release.published, Release.id)
    )


def release_rows(session: Session, filters: Filters) -> Iterator[tuple]:
    statement = release_statement(filters)
    for (release_id, title, source, url, published, first, last, release_format, states_counts, stated, parsed,
         content_hash, import_id, flagged) in _stream(session, statement):
        stated = stated or {}
        totals = [(stated.get(scope) or {}).get(measure) for measure in ("strikes", "engagements")
                  for scope in ("all", "Iraq", "Syria")]
        yield (release_id, title, source, url, published, first, last, release_format, states_counts, *totals,
               parsed, content_hash, import_id, flagged)


def published_total_rows(session: Session, filters: Filters) -> Iterator[tuple]:
    """Every published total as stored (the filters do not apply: they are the reference)."""
    frame = published_totals(session)
    whole = [column.type == "integer" for column in PUBLISHED_TOTALS]
    for row in frame.itertuples(index=False, name=None):
        yield tuple(None if _missing(value) else int(value) if integer else value
                    for value, integer in zip(row, whole, strict=True))


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


ROWS: dict[str, Callable[[Session, Filters], Iterator[tuple]]] = {
    "strike_reports": strike_report_rows,
    "targets": target_rows,
    "releases": release_rows,
    "published_totals": published_total_rows,
}


def place_rows(session: Session, filters: Filters) -> Iterator[tuple]:
    """(lon, lat, properties...) of each place with coordinates under the filters."""
    statement = (
        report_rows(filters, Place.lon, Place.lat, Place.name, Place.country, Place.province, Place.precision,
                    func.coalesce(func.sum(StrikeReport.strikes), 0), func.sum(StrikeReport.engagements),
                    func.count(StrikeReport.id), func.min(StrikeReport.strike_date),
                    func.max(func.coalesce(StrikeReport.last_date, StrikeReport.strike_date)))
        .where(Place.lat.is_not(None), Place.lon.is_not(None))
        .group_by(Place.id, Place.lon, Place.lat, Place.name, Place.country, Place.province, Place.precision)
        .order_by(func.coalesce(func.sum(StrikeReport.strikes), 0).desc(), Place.name)
    )
    yield from _stream(session, statement)


# --- cells ------------------------------------------------------------------------------------

# A cell starting with one of these is run as a formula by spreadsheet programs ("=2+5",
# "+cmd|' /C calc'!A0"): the text of a release or a file could put one there.
FORMULA_START = frozenset("=+-@\t\r")


def neutralised(value):
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe (shown as
    text); every other value as it is."""
    return "'" + value if isinstance(value, str) and value and value[0] in FORMULA_START else value


# --- writers ----------------------------------------------------------------------------------


def write_csv(out: IO[bytes], columns: tuple[Column, ...], rows: Iterable[tuple]) -> int:
    """UTF-8 CSV with a header row: dates ISO, booleans true/false, no value an empty cell, text
    neutralised against formulas. Returns the rows written."""
    texts = [index for index, column in enumerate(columns) if column.type == "text"]
    flags = [index for index, column in enumerate(columns) if column.type == "boolean"]
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow([column.name for column in columns])
    count = 0
    for values in rows:
        count += 1
        row = list(values)
        for index in texts:
            value = row[index]
            if value and value[0] in FORMULA_START:
                row[index] = "'" + value
        for index in flags:
            if row[index] is not None:
                row[index] = "true" if row[index] else "false"
        writer.writerow(row)  # csv writes None as an empty cell and a date as its ISO form
    text.flush()
    text.detach()
    return count


_ARROW_TYPES = {"integer": "int64", "number": "float64", "text": "string", "date": "date32", "boolean": "bool_"}


def write_parquet(out: IO[bytes], columns: tuple[Column, ...], rows: Iterable[tuple]) -> int:
    """Parquet, in row groups of BATCH rows; returns the rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field(column.name, getattr(pa, _ARROW_TYPES[column.type])()) for column in columns])
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                writer.write_table(pa.Table.from_arrays([list(values) for values in zip(*batch, strict=True)],
                                                        schema=schema))
                count += len(batch)
                batch = []
        if batch or not count:
            arrays = [list(values) for values in zip(*batch, strict=True)] if batch else [[] for _ in columns]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(batch)
    return count


XLSX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, the header one of them
# XlsxWriter in constant-memory mode wrote the starter data's 411,413 cells at 130,000 a second
# on a quiet 2-core machine (CSV took a ninth of the time, docs/BENCHMARKS.md a tenth at 10x);
# 100,000 a second allows for a busy one
XLSX_CELLS_PER_SECOND = 100_000
XLSX_WARN_SECONDS = 30  # longer than a reader waits for a download without being told


def table_rows(session: Session, filters: Filters) -> dict[str, int]:
    """The rows each table of the export of these filters holds, counted without reading them."""
    def count(statement: Select) -> int:
        return session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0

    return {"strike_reports": count(strike_report_statement(filters)), "targets": count(target_statement(filters)),
            "releases": count(release_statement(filters)),
            "published_totals": len(published_totals(session))}


def workbook_warning(rows: dict[str, int], faster: str = "CSV or Parquet") -> str | None:
    """What a reader should know before asking for a workbook of these table rows: how big it
    is and how long it takes to make, and the formats (`faster`, as the reader chooses them)
    that hold the same sooner; None for a workbook made in seconds."""
    cells = sum(count * len(TABLES[name]) for name, count in rows.items())
    seconds = cells / XLSX_CELLS_PER_SECOND
    if seconds < XLSX_WARN_SECONDS:
        return None
    took = f"about {round(seconds / 60)} minutes" if seconds >= 90 else f"about {round(seconds, -1):.0f} seconds"
    split = [f"{name} over {-(-count // XLSX_ROWS)} sheets" for name, count in rows.items() if count > XLSX_ROWS]
    over = f", {' and '.join(split)} (a sheet holds {XLSX_ROWS:,} rows)" if split else ""
    size = f"{cells / 1e6:.1f} million cells" if cells >= 1e6 else f"{cells:,} cells"
    return (f"This workbook holds {sum(rows.values()):,} rows ({size}{over}) and takes "
            f"{took} to make. {faster} hold the same rows and take a tenth of the time; or narrow the "
            "filters.")


def _xlsx_sheet(book, title: str, columns: tuple[Column, ...], bold, day) -> list[tuple]:
    """A new worksheet with the header row; returns each column's (write method, format)."""
    sheet = book.add_worksheet(title)
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.name, bold)
        sheet.set_column(col, col, 60 if column.name in ("sentence", "quote", "phrase") else 14)
    sheet.freeze_panes(1, 0)
    writers = {"integer": sheet.write_number, "number": sheet.write_number, "text": sheet.write_string,
               "boolean": sheet.write_boolean, "date": sheet.write_datetime}
    return [(writers[column.type], day if column.type == "date" else None) for column in columns]


def write_xlsx(out: IO[bytes], session: Session, filters: Filters, info: ExportInfo,
               tables: Iterable[str] = TABLES) -> dict[str, int]:
    """One workbook: a README sheet (the dictionary and the citation), then a sheet per table;
    a table longer than a worksheet goes on over "targets (2)" ... Text is written as text,
    never as a formula; rows stream through XlsxWriter's constant-memory mode. Returns the
    rows written per table."""
    import xlsxwriter

    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    readme = book.add_worksheet("README")
    readme.set_column(0, 0, 120)
    for index, line in enumerate(info.readme_lines()):
        readme.write_string(index, 0, line, bold if index == 0 else None)
    counts = {}
    for name in tables:
        columns = TABLES[name]
        sheets = 1
        cells = _xlsx_sheet(book, name, columns, bold, day)
        count = line = 0
        for row in ROWS[name](session, filters):
            if line == XLSX_ROWS:
                sheets += 1
                cells, line = _xlsx_sheet(book, f"{name} ({sheets})", columns, bold, day), 0
            count, line = count + 1, line + 1
            for col, value in enumerate(row):
                if value is not None:
                    write, cell_format = cells[col]
                    write(line, col, value, cell_format)
        counts[name] = count
    book.close()
    return counts


def write_geojson(out: IO[bytes], session: Session, filters: Filters, info: ExportInfo) -> int:
    """A FeatureCollection of the places with coordinates: a point per place ([longitude,
    latitude], as GeoJSON orders them), with its strikes, engagements, reports and first and last
    day under the filters; the filters and the citation as members of the collection. Returns the
    features written."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    head = {"type": "FeatureCollection", "name": "strike_places", "filters": info.filters_text,
            "data_version": info.data_version, "exported": info.made.isoformat(timespec="seconds"),
            "citation": info.citation}
    text.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n')
    count = 0
    for lon, lat, *values in place_rows(session, filters):
        properties = dict(zip((column.name for column in PLACE_PROPERTIES), values, strict=True))
        properties = {key: value.isoformat() if isinstance(value, date) else value for key, value in properties.items()}
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                   "properties": properties}
        text.write(("" if not count else ",\n") + json.dumps(feature, ensure_ascii=False))
        count += 1
    text.write("\n]}\n")
    text.flush()
    text.detach()
    return count


def export(session: Session, fmt: str, filters: Filters, out: IO[bytes], table: str | None = None) -> dict[str, int]:
    """Write the export of the filtered data in one format to out: CSV or Parquet as a zip with
    a file per table and the README (or one table's file alone, with table=), one XLSX workbook,
    or the GeoJSON of places. Returns the rows written per table (or features, for GeoJSON)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    if table is not None and table not in TABLES:
        raise ValueError(f"unknown table {table!r}: one of {', '.join(TABLES)}")
    info = export_info(session, filters)
    if fmt == "geojson":
        return {"places": write_geojson(out, session, filters, info)}
    if fmt == "xlsx":
        return write_xlsx(out, session, filters, info, [table] if table else TABLES)
    write = write_csv if fmt == "csv" else write_parquet
    if table is not None:
        return {table: write(out, TABLES[table], ROWS[table](session, filters))}
    counts = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", "\n".join(info.readme_lines()) + "\n")
        for name, columns in TABLES.items():
            with archive.open(f"{name}.{fmt}", "w", force_zip64=True) as member:
                counts[name] = write(member, columns, ROWS[name](session, filters))
    return counts


def file_name(fmt: str, filters: Filters, table: str | None = None) -> str:
    """strike-reports-2017-06-01-to-2017-06-30-syria.zip: what, the period and the filters."""
    parts = ["strike-data" if table is None else table.replace("_", "-")]
    if filters.start or filters.end:
        parts.append(f"{filters.start or 'start'}-to-{filters.end or 'end'}")
    for values in (filters.countries, filters.provinces, filters.places, filters.categories, filters.types,
                   filters.actions):
        parts += [value for value in values][:3]
    stem = "-".join(parts).lower()
    stem = "".join(char if char.isalnum() or char == "-" else "-" for char in stem)
    while "--" in stem:
        stem = stem.replace("--", "-")
    suffix = SINGLE_TABLE_SUFFIX[fmt] if table is not None and fmt in SINGLE_TABLE_SUFFIX else FORMATS[fmt][1]
    return stem.strip("-")[:120] + suffix
