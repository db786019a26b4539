"""Loaders: release files (text, HTML, PDF, line-archive CSV) -> typed, traceable records."""

from loaders.archive import archive_as_one, parse_archive_rows
from loaders.gc_pause import gc_paused
from loaders.readers import SourceDocument, UnreadableFile, read_bytes, read_path
from loaders.records import Diagnostic, ParsedRelease, StrikeReport, Target, Totals
from loaders.release_parser import parse_release


def parse_document(document: SourceDocument) -> list[ParsedRelease]:
    """Return the releases a read document holds: one for a release, one per day for an archive;
    UnreadableFile for a file of published totals (no release: db.ingest stores its totals)."""
    if document.format == "published_totals":
        raise UnreadableFile("a file of published totals, not a release: ingest it to store its totals")
    with gc_paused():
        if document.format == "archive":
            return parse_archive_rows(document)
        return [
            parse_release(
                document.text,
                source=document.source,
                format=document.format,
                published_hint=document.published_hint,
                title=document.title,
                period_hint=document.period_hint,
            )
        ]


__all__ = [
    "Diagnostic",
    "ParsedRelease",
    "SourceDocument",
    "StrikeReport",
    "Target",
    "Totals",
    "UnreadableFile",
    "archive_as_one",
    "parse_archive_rows",
    "parse_document",
    "parse_release",
    "read_bytes",
    "read_path",
]
