"""Readers: bytes of a release file (text, HTML, PDF, line-archive CSV) -> plain text.

Type is decided by content first and extension second, so a renamed file is still read as
what it is; anything unreadable raises UnreadableFile with a reason a person can act on.
"""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from loaders.published_totals import REQUIRED_COLUMNS, is_published_totals_header

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".text", ".html", ".htm", ".pdf", ".csv")
ARCHIVE_COLUMNS = {"date", "country", "line"}

_RELEASE_WORDS = re.compile(
    r"\b(?:air)?strikes?\b|\bengagements?\b|\bISIL\b|\bISIS\b|\bDaesh\b", re.IGNORECASE
)
# Bytes below 32 other than tab, line feed, form feed and carriage return: many mean binary.
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13))
_FILE_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")


class UnreadableFile(ValueError):
    """The file cannot be read as a release; the message says why."""


@dataclass
class SourceDocument:
    text: str
    source: str
    format: str  # txt, html, pdf, archive, paste, published_totals
    title: str | None = None
    published_hint: date | None = None  # from the file name or the uploader, if the text lacks it
    archive_rows: list[dict[str, str]] | None = None  # for a line archive: its rows


def date_from_name(name: str) -> date | None:
    """Return the YYYY-MM-DD date a file name starts with or contains, else None."""
    match = _FILE_DATE.search(Path(name).name)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def decode_text(data: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:  # an odd byte count, a lone surrogate
            raise UnreadableFile(f"broken UTF-16 text: {error.reason} at byte {error.start}") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"unknown text encoding (not UTF-8, UTF-16 or Windows-1252): {error.reason} "
            f"at byte {error.start}"
        ) from error


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text: every other byte is zero
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) * 0.05


def sniff_format(data: bytes, name: str) -> str:
    """Return txt, html, pdf or archive, judged by the content (the extension breaks ties)."""
    head = data[:2048].lstrip().lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if _looks_binary(data):
        raise UnreadableFile("binary content: not a text, HTML, PDF or CSV release file")
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or (
        b"<body" in head or b"<head" in head or b"<div" in head or b"<p>" in head
    ):
        return "html"
    first_line = decode_text(data[:4096]).splitlines()[0] if data.strip() else ""
    header = {column.strip().lower() for column in first_line.split(",")}
    if header >= ARCHIVE_COLUMNS:
        return "archive"
    if is_published_totals_header(header):
        return "published_totals"
    if name.lower().endswith(".csv"):
        raise UnreadableFile(
            f"CSV without the line-archive columns {', '.join(sorted(ARCHIVE_COLUMNS))} "
            f"or the published-totals columns {', '.join(sorted(REQUIRED_COLUMNS))}"
        )
    if name.lower().endswith(".pdf"):
        raise UnreadableFile("named .pdf but the content is not a PDF")
    return "txt"


# Deeper than this no release page goes; the text of each element of a deeper one, read below,
# would take time that grows with the square of its depth.
MAX_HTML_DEPTH = 256


def _deepest(soup) -> int:
    """The depth of the most deeply nested element, in one pass (no recursion)."""
    depths = {id(soup): 0}
    deepest = 0
    for element in soup.descendants:
        if getattr(element, "name", None) is None:
            continue
        depth = depths[id(element.parent)] + 1
        depths[id(element)] = depth
        deepest = max(deepest, depth)
    return deepest


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Return (release text, page title) from a release web page, site chrome removed."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    depth = _deepest(soup)
    if depth > MAX_HTML_DEPTH:
        raise UnreadableFile(f"HTML nested {depth} elements deep (a release page is a few dozen): not a release page")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "form", "iframe"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "div", "li", "h1", "h2", "h3", "h4", "tr", "strong"]):
        if block.name == "strong":
            continue
        block.insert_before("\n")
        block.insert_after("\n")
    # The release body is the smallest element holding most of the page's strike wording.
    best, best_key = soup.body or soup, None
    candidates = soup.find_all(["article", "main", "section", "div", "td"]) or [best]
    page_hits = len(_RELEASE_WORDS.findall(soup.get_text()))
    for element in candidates:
        text = element.get_text()
        hits = len(_RELEASE_WORDS.findall(text))
        if hits == 0 or hits < page_hits * 0.8:
            continue
        key = (len(text),)
        if best_key is None or key < best_key:
            best, best_key = element, key
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in best.get_text().splitlines()]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if title and title not in text[:500]:
        text = f"{title}\n\n{text}"
    return text, title


# A release is a page or a few; a file of more is no release, and reading each page of 99,000
# took a minute and 880 MB. The time bound stops a file of few but costly pages.
MAX_PDF_PAGES = 200
MAX_PDF_SECONDS = 30


def pdf_to_text(data: bytes) -> str:
    """Return the text layer of a PDF; UnreadableFile if it has none (a scan), is broken, or is
    larger than any release (by its page count, before any page is read, then by time)."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data))
        count = len(reader.pages)  # the document's own count: no page read yet
        if count > MAX_PDF_PAGES:
            raise UnreadableFile(f"PDF of {count:,} pages: a release has a few (at most {MAX_PDF_PAGES} are read)")
        deadline = time.monotonic() + MAX_PDF_SECONDS
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            if time.monotonic() > deadline:
                raise UnreadableFile(f"PDF text not read within {MAX_PDF_SECONDS} s: far more than any release holds")
    except UnreadableFile:
        raise
    except LimitReachedError as error:
        raise UnreadableFile(f"PDF whose content expands beyond what is read (a compression bomb?): {error}") from error
    except Exception as error:  # noqa: BLE001 - the PDF library reading a hostile file: any failure means broken
        raise UnreadableFile(f"broken PDF ({type(error).__name__}): {error}") from error
    text = "\n\n".join(page.strip() for page in pages).strip()
    if not text:
        raise UnreadableFile("PDF without a text layer (a scanned image?): no text to parse")
    return text


def read_archive(text: str, source: str) -> SourceDocument:
    """Return a line archive (CSV with date, country, line columns) as a document of rows."""
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    missing = ARCHIVE_COLUMNS - columns
    if missing:
        raise UnreadableFile(f"line archive lacks the columns {', '.join(sorted(missing))}")
    rows = [{key.strip().lower(): (value or "") for key, value in row.items() if key} for row in reader]
    if not rows:
        raise UnreadableFile("line archive has a header but no rows")
    return SourceDocument(text=text, source=source, format="archive", archive_rows=rows)


def read_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Return the plain text of one release file; UnreadableFile says why it cannot be read."""
    if len(data) > max_bytes:
        raise UnreadableFile(
            f"file is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit"
        )
    if not data.strip():
        raise UnreadableFile("empty file")
    kind = sniff_format(data, name)
    hint = date_from_name(name)
    text = pdf_to_text(data) if kind == "pdf" else decode_text(data)
    nul = text.find("\x00")
    if nul >= 0:  # past the sniffed head; PostgreSQL cannot store it, so no database keeps it
        raise UnreadableFile(f"a NUL character at character {nul:,}: not a release text")
    if kind == "pdf":
        return SourceDocument(text, name, "pdf", published_hint=hint)
    if kind == "archive":
        return read_archive(text, name)
    if kind == "published_totals":
        return SourceDocument(text, name, "published_totals")
    if kind == "html":
        body, title = html_to_text(text)
        if not _RELEASE_WORDS.search(body):
            raise UnreadableFile("HTML page holds no release text (no strike wording found)")
        return SourceDocument(body, name, "html", title=title, published_hint=hint)
    return SourceDocument(text.replace("\r\n", "\n").replace("\r", "\n"), name, "txt", published_hint=hint)


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Read one file from disk (see read_bytes)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableFile(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    return read_bytes(path.read_bytes(), str(path), max_bytes)


def iter_release_paths(paths: list[Path]) -> list[Path]:
    """Expand folders into the release files they hold (sorted), keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    child
                    for child in path.rglob("*")
                    if child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and child.name != "index.csv"
                    and not child.name.startswith(".")
                )
            )
        else:
            found.append(path)
    return found


def source_urls(paths: list[Path]) -> dict[str, str]:
    """The web address of each release file that a folder's index.csv (columns file, source)
    names, keyed by the file's path as given."""
    urls: dict[str, str] = {}
    for folder in {path if path.is_dir() else path.parent for path in paths}:
        index = folder / "index.csv"
        if not index.is_file():
            continue
        with index.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row.get("file") and row.get("source"):
                    urls[str(folder / row["file"])] = row["source"].split(" ")[0]
    return urls

