"""The data dictionary of the open-data export: its tables and their columns, the places of its
GeoJSON, its formats, and the words on how the numbers are made that travel with every file.

One place for these facts, read by the writers (db/open_data.py), the README of every export,
docs/DATA.md, the command line's choices and the test that pins the columns. Plain data: the
command line reads it without loading the writers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # integer, number, text, date, boolean
    meaning: str


STRIKE_REPORTS = (
    Column("report_id", "integer", "The strike report's id (stable while its release is counted)."),
    Column("release_id", "integer", "The release it was read from (releases.release_id)."),
    Column("release_title", "text", "The release's title, where it has one."),
    Column("release_url", "text", "The release on the web, where its address is known."),
    Column("published", "date", "The day the release was published."),
    Column("strike_date", "date", "The day of the strikes: the day the release states, else the day it is "
                                  "counted on (see date_stated); for a span of days, its first day."),
    Column("last_date", "date", "The last day of a span of days the release states strikes over without "
                                "giving each day (\"Aug. 21-23\"); empty for a single day."),
    Column("date_stated", "boolean", "True where the release states the day or span; false where it gives none: "
                                     "counted over the span its release or block names, else on the release's "
                                     "first day or the day before publication."),
    Column("country", "text", "Iraq or Syria."),
    Column("place_as_written", "text", "The place as the release wrote it (\"Dayr Az Zawr\", \"Deir ez-Zor\")."),
    Column("place", "text", "The place as the gazetteer names it; empty where it was not resolved."),
    Column("province", "text", "The place's province (governorate)."),
    Column("latitude", "number", "The place's latitude, WGS 84 degrees; empty for a region without a point."),
    Column("longitude", "number", "The place's longitude, WGS 84 degrees."),
    Column("place_precision", "text", "The gazetteer's precision: place (a town, a site) or region (a valley, a "
                                      "border area); empty where not resolved."),
    Column("location_precision", "text", "How the sentence places the strikes: at the place, near it, or in a "
                                         "region."),
    Column("strikes", "integer", "Strikes the sentence states. A sentence naming several places states its "
                                 "count once, on the first; the others are empty."),
    Column("engagements", "integer", "Engagements the sentence states (releases counted them from Jan 2017 on); "
                                     "empty where none is stated: not reported, not zero."),
    Column("itemised", "boolean", "False for the part of a total the release states that none of its lines "
                                  "places: no place, no targets, the sentence stating the total."),
    Column("block", "text", "main: the release's list for its own period; late: a block adding strikes of "
                            "earlier days (\"Additionally, ...\")."),
    Column("origin", "text", "release text (a release file read whole), archive line (a line of a public "
                             "line-level archive) or starter facts (the bundled facts, without the text)."),
    Column("sentence", "text", "The sentence the numbers were read from; empty for starter facts."),
    Column("span_start", "integer", "Where the sentence starts in the release's text (a character offset)."),
    Column("span_end", "integer", "Where it ends (exclusive)."),
)

TARGETS = (
    Column("target_id", "integer", "The target's id."),
    Column("report_id", "integer", "The strike report it belongs to (strike_reports.report_id)."),
    Column("release_id", "integer", "The release it was read from."),
    Column("strike_date", "date", "The strike report's day."),
    Column("country", "text", "The strike report's country."),
    Column("action", "text", "What the release says was done: engaged, destroyed, damaged, suppressed, struck ..."),
    Column("count", "integer", "The number the release gives; empty where it gives none (\"destroyed fighting "
                               "positions\")."),
    Column("counted", "integer", "The count used in the dashboard's figures: the number, else 1. Target counts "
                                 "are lower bounds."),
    Column("count_implied", "boolean", "True where the release gives no number and the target counts as one."),
    Column("category", "text", "The target type's category in the taxonomy; unclassified where no type matched."),
    Column("type", "text", "The canonical target type (\"tactical unit\", \"VBIED factory\")."),
    Column("phrase", "text", "The target as the release wrote it."),
)

RELEASES = (
    Column("release_id", "integer", "The release's id."),
    Column("title", "text", "Its title, where it has one."),
    Column("source", "text", "The file it was imported from, or the archive line."),
    Column("source_url", "text", "The release on the web, where known."),
    Column("published", "date", "The day it was published."),
    Column("period_start", "date", "The first day its strikes cover."),
    Column("period_end", "date", "The last day its strikes cover."),
    Column("format", "text", "txt, html, pdf, paste, archive or starter."),
    Column("states_counts", "boolean", "False for a narrative summary that gives no strike counts."),
    Column("stated_strikes", "integer", "The total of strikes the release states for both countries; empty where "
                                        "it states none."),
    Column("stated_strikes_iraq", "integer", "The strikes it states for Iraq."),
    Column("stated_strikes_syria", "integer", "The strikes it states for Syria."),
    Column("stated_engagements", "integer", "The engagements it states for both countries."),
    Column("stated_engagements_iraq", "integer", "The engagements it states for Iraq."),
    Column("stated_engagements_syria", "integer", "The engagements it states for Syria."),
    Column("parsed_strikes", "integer", "The sum of its main-list strike reports."),
    Column("content_hash", "text", "SHA-256 of its text (\"starter:\" and the release's key for starter facts): "
                                   "the same text is never stored twice."),
    Column("import_id", "integer", "The import that stored it."),
    Column("diagnostics", "integer", "What the parser flagged in it (the Data quality page lists them)."),
)

PUBLISHED_TOTALS = (
    Column("as_of", "date", "The last day the total counts."),
    Column("period_start", "date", "The first day it counts: 2014-08-08 for a total since the campaign began."),
    Column("scope", "text", "all (both countries), Iraq or Syria."),
    Column("strikes", "integer", "The strikes the coalition published."),
    Column("engagements", "integer", "The engagements it published, where it did."),
    Column("who_stated", "text", "Who published it."),
    Column("url", "text", "Where it was published."),
    Column("quote", "text", "The sentence stating it."),
    Column("release_id", "integer", "The release in the data that quotes it; empty for a reference row."),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "strike_reports": STRIKE_REPORTS,
    "targets": TARGETS,
    "releases": RELEASES,
    "published_totals": PUBLISHED_TOTALS,
}

# GeoJSON: one point feature per place with coordinates, these properties
PLACE_PROPERTIES = (
    Column("place", "text", "The place as the gazetteer names it."),
    Column("country", "text", "Its country."),
    Column("province", "text", "Its province."),
    Column("precision", "text", "The gazetteer's precision (place or region)."),
    Column("strikes", "integer", "The strikes stated at the place under the filters."),
    Column("engagements", "integer", "The engagements stated there; empty where none is stated."),
    Column("reports", "integer", "The strike reports naming it."),
    Column("first_date", "date", "The first strike day."),
    Column("last_date", "date", "The last strike day."),
)

FORMATS = {
    # format -> (what a download is called, file suffix, media type)
    "csv": ("CSV, one file per table (zip)", ".zip", "application/zip"),
    "xlsx": ("Excel workbook, one sheet per table", ".xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": ("GeoJSON of places (QGIS, kepler.gl)", ".geojson", "application/geo+json"),
    "parquet": ("Parquet, one file per table (zip)", ".zip", "application/zip"),
}
# one table alone, written as the file itself instead of a zip
SINGLE_TABLE_SUFFIX = {"csv": ".csv", "parquet": ".parquet", "xlsx": ".xlsx"}

COUNTING = (
    "How the numbers are made. Strikes are what the releases state, place by place; where a release states a "
    "total its lines do not reach, the rest is a strike report with itemised = false (no place). Engagements were "
    "counted by the releases from Jan 2017 on: an empty cell is not reported, not zero. A target without a number "
    "counts as one, so target counts are lower bounds. A strike report whose release gives no day is counted on the "
    "release's first day, else the day before publication (date_stated = false). Only the counted version of a "
    "release is exported: a corrected or re-imported copy replaces the earlier one."
)
SOURCE = ("Strike releases of CJTF-OIR, US CENTCOM and DoD News, 2014-2019, as read by the Strike Report "
          "Dashboard's loaders")


def dictionary_markdown() -> str:
    """The data dictionary as docs/DATA.md holds it (a test keeps the two the same)."""
    lines = []
    for name, columns in {**TABLES, "places": PLACE_PROPERTIES}.items():
        title = "`places` (GeoJSON: one point feature per place, these properties)" if name == "places" else f"`{name}`"
        lines += [f"### {title}", "", "| column | type | meaning |", "| --- | --- | --- |"]
        lines += [f"| `{c.name}` | {c.type} | {c.meaning.replace('|', '/')} |" for c in columns]
        lines.append("")
    return "\n".join(lines)
