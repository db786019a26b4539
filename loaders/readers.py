"""Readers: bytes of a release file (text, HTML, PDF, line-archive CSV) -> plain text.

Type is decided by content first and extension second, so a renamed file is still read as
what it is; anything unreadable raises UnreadableFile with a reason a person can act on.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from loaders.dates import DAY_PATTERN, parse_day
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
    period_hint: tuple[date, date] | None = None  # the days it covers, from its index, if the text lacks them
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


# Deeper than this no release page goes (a release page nests a few dozen elements): a page
# nested deeper is refused while it is read, before its text is gathered.
MAX_HTML_DEPTH = 256
MAX_HTML_SECONDS = 30
# Elements whose text is site chrome, not the release; elements that start a line of text;
# elements that may hold a release's body (the smallest that holds most of the page's strike
# wording is taken); elements that never hold others (HTML's void elements).
_CHROME = frozenset({"script", "style", "noscript", "nav", "header", "footer", "form", "iframe"})
_BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "tr"})
_BODY_CANDIDATES = frozenset({"article", "main", "section", "div", "td"})
_VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr", "image",
                   "img", "input", "isindex", "keygen", "link", "menuitem", "meta", "nextid", "param", "source",
                   "spacer", "track", "wbr"})
_KEEP_WHITESPACE = frozenset({"pre", "textarea"})
_CODE = frozenset({"script", "style", "template"})  # their text is no page's text, not even a title's
_ASCII_SPACE = re.compile(r"[ \n\t\f\r]*")


@dataclass
class _OpenElement:
    name: str
    span: list[int] | None  # [start, end] in the page's text, for a candidate body
    ends_chrome: bool  # the chrome element whose text is left out
    is_title: bool


class _PageReader(HTMLParser):
    """One pass over a web page, in time linear in its size: the text a reader sees (chrome
    left out, blocks on lines of their own), the title, and where each candidate body begins
    and ends in that text. Nesting is checked as elements open, so a page too deep is refused
    before it is read further."""

    def __init__(self, deadline: float) -> None:
        super().__init__(convert_charrefs=True)
        self.deadline, self.events = deadline, 0
        self.chunks: list[str] = []
        self.length = 0
        self.pending: list[str] = []  # text since the last tag, kept as one string
        self.stack: list[_OpenElement] = []
        self.open_names: Counter[str] = Counter()
        self.in_chrome = self.keep_whitespace = self.in_code = 0  # open elements of each kind
        self.title: list[str] | None = None
        self.title_done = False
        self.spans: list[list[int]] = []
        self.body: list[int] | None = None

    def _tick(self) -> None:
        self.events += 1
        if self.events % 1024 == 0 and time.monotonic() > self.deadline:
            raise UnreadableFile(f"HTML not read within {MAX_HTML_SECONDS} s: far more than any release page holds")

    def _emit(self, text: str) -> None:
        if text and not self.in_chrome:
            self.chunks.append(text)
            self.length += len(text)

    def _flush(self) -> None:
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending = []
        if not self.keep_whitespace and _ASCII_SPACE.fullmatch(text):
            text = "\n" if "\n" in text else " "
        if self.title is not None and not self.title_done and not self.in_code:
            self.title.append(text)
        self._emit(text)

    def handle_data(self, data: str) -> None:
        self._tick()
        self.pending.append(data)

    def unknown_decl(self, data: str) -> None:
        if data.upper().startswith("CDATA["):  # a CDATA section is text
            self._flush()
            self.pending.append(data[len("CDATA["):])
        self._flush()

    def handle_comment(self, data: str) -> None:
        self._flush()

    def handle_decl(self, decl: str) -> None:
        self._flush()

    def handle_pi(self, data: str) -> None:
        self._flush()

    def handle_starttag(self, tag: str, attrs) -> None:
        self._tick()
        self._flush()
        if tag in _VOID:
            if tag == "br":
                self._emit("\n")
            return
        if len(self.stack) >= MAX_HTML_DEPTH:
            raise UnreadableFile(f"HTML nested more than {MAX_HTML_DEPTH} elements deep (a release page is a few "
                                 "dozen): not a release page")
        if tag in _BLOCKS:
            self._emit("\n")
        ends_chrome = tag in _CHROME and not self.in_chrome
        self.in_chrome += ends_chrome
        span = None
        if not self.in_chrome:
            if tag in _BODY_CANDIDATES:
                span = [self.length, -1]
                self.spans.append(span)
            elif tag == "body" and self.body is None:
                span = self.body = [self.length, -1]
        is_title = tag == "title" and self.title is None
        if is_title:
            self.title = []
        self.keep_whitespace += tag in _KEEP_WHITESPACE
        self.in_code += tag in _CODE
        self.stack.append(_OpenElement(tag, span, ends_chrome, is_title))
        self.open_names[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        self._tick()
        self._flush()
        if not self.open_names[tag]:
            return  # closes nothing open: ignored, as browsers do
        while self.stack:
            element = self._close()
            if element.name == tag:
                return

    def _close(self) -> _OpenElement:
        element = self.stack.pop()
        self.open_names[element.name] -= 1
        if element.span is not None:
            element.span[1] = self.length
        if element.is_title:
            self.title_done = True
        self.keep_whitespace -= element.name in _KEEP_WHITESPACE
        self.in_code -= element.name in _CODE
        self.in_chrome -= element.ends_chrome
        if element.name in _BLOCKS:
            self._emit("\n")
        return element

    def close(self) -> None:
        super().close()
        self._flush()
        while self.stack:
            self._close()


# html.parser rescans the rest of a page from every start of markup that never ends (a "<!--"
# without a "-->" after it, a "<a" without a ">"), which takes time that grows with the square
# of their number; and it stops on a marked section of a kind it does not know ("<![foo[").
# Such starts are made text ("&lt;") first, by C-level replacements only: each start of
# markup has an end after it exactly when it lies before the last such end in the page.
_SECTION_NAME = r"(?![-_.a-z0-9])"
# (an end, the starts it ends, how far past a start html.parser begins to look for its end:
# "<!-->" is a comment without an end, whose "-->" begins inside its own "<!--")
_ENDS_AND_STARTS = (
    (">", re.compile(r"<"), 1),
    ("-->", re.compile(r"<(?=!--)"), 4),
    ("]]>", re.compile(rf"<(?=!\[(?:cdata|temp|ignore|include|rcdata){_SECTION_NAME})", re.IGNORECASE), 3),
    ("]>", re.compile(rf"<(?=!\[(?:if|else|endif){_SECTION_NAME})", re.IGNORECASE), 3),
)
_UNKNOWN_SECTION = re.compile(rf"<(?=!\[(?!(?:cdata|temp|ignore|include|rcdata|if|else|endif){_SECTION_NAME}))",
                              re.IGNORECASE)


def unfinished_markup_as_text(markup: str) -> str:
    """The page with every start of markup that has no end after it, and every marked section
    of an unknown kind, written as text ("&lt;"): html.parser then reads it in linear time."""
    markup = _UNKNOWN_SECTION.sub("&lt;", markup)
    for end, starts, looked_for_from in _ENDS_AND_STARTS:
        last = markup.rfind(end)
        # a start whose end would be looked for past the last end's first character has none after it
        cut = max(last - looked_for_from + 1, 0) if last >= 0 else 0
        markup = markup[:cut] + starts.sub("&lt;", markup[cut:])
    return markup


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Return (release text, page title) from a release web page, site chrome removed. The
    release body is the smallest element holding most of the page's strike wording."""
    reader = _PageReader(time.monotonic() + MAX_HTML_SECONDS)
    try:
        reader.feed(unfinished_markup_as_text(markup))
        reader.close()
    except UnreadableFile:
        raise
    except Exception as error:  # noqa: BLE001 - html.parser on a hostile page: any failure means unreadable
        raise UnreadableFile(f"HTML the reader cannot follow ({type(error).__name__}): {error}"[:300]) from error
    page = "".join(reader.chunks)
    title = " ".join(part.strip() for part in reader.title if part.strip()) if reader.title is not None else None
    hits = list(_RELEASE_WORDS.finditer(page))
    starts, ends = [hit.start() for hit in hits], [hit.end() for hit in hits]
    best = reader.body or [0, len(page)]
    best_length = None
    for start, end in reader.spans:
        inside = bisect.bisect_right(ends, end) - bisect.bisect_left(starts, start)
        if inside <= 0 or inside < len(hits) * 0.8:
            continue
        if best_length is None or end - start < best_length:
            best, best_length = [start, end], end - start
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in page[best[0]:best[1]].splitlines()]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if title and title not in text[:500]:
        text = f"{title}\n\n{text}"
    return text, title or None


# A release is a page or a few; a file of more is no release, and reading each page of 99,000
# took a minute and 880 MB. The time bound stops a file of few but costly pages.
MAX_PDF_PAGES = 200
MAX_PDF_SECONDS = 30
# A release's page content is a few kilobytes: a stream expanding past this is a compression bomb,
# refused before it takes memory (pypdf's own limits are 75 MB a stream)
MAX_PDF_STREAM_BYTES = 10 * 2**20
_PDF_LIMITS = {name: MAX_PDF_STREAM_BYTES for name in (
    "zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
    "array_based_stream_maximum_output_length", "stream_decoding_work_maximum_length")}


def pdf_to_text(data: bytes) -> str:
    """Return the text layer of a PDF; UnreadableFile if it has none (a scan), is broken, or is
    larger than any release (by its page count, before any page is read, then by time)."""
    from pypdf import apply_configuration
    from pypdf.errors import LimitReachedError

    try:
        with apply_configuration(**_PDF_LIMITS):
            return _pdf_text(data)
    except UnreadableFile:
        raise
    except LimitReachedError as error:
        raise UnreadableFile(f"PDF whose content expands beyond what is read (a compression bomb?): {error}") from error
    except Exception as error:  # noqa: BLE001 - the PDF library reading a hostile file: any failure means broken
        raise UnreadableFile(f"broken PDF ({type(error).__name__}): {error}") from error


def _pdf_text(data: bytes) -> str:
    """The text of each page, under the page bound and the time bound."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    # the count the document states, which reads no page; where it states a few, the pages
    # found, which a file stating fewer than it holds cannot escape
    stated = _stated_page_count(reader)
    count = stated if stated is not None and stated > MAX_PDF_PAGES else len(reader.pages)
    if count > MAX_PDF_PAGES:
        raise UnreadableFile(f"PDF of {count:,} pages: a release has a few (at most {MAX_PDF_PAGES} are read)")
    deadline = time.monotonic() + MAX_PDF_SECONDS
    pages = []
    for page in reader.pages:
        pages.append(page.extract_text() or "")
        if time.monotonic() > deadline:
            raise UnreadableFile(f"PDF text not read within {MAX_PDF_SECONDS} s: far more than any release holds")
    text = "\n\n".join(page.strip() for page in pages).strip()
    if not text:
        raise UnreadableFile("PDF without a text layer (a scanned image?): no text to parse")
    return text


def _stated_page_count(reader) -> int | None:
    """The page count the document's page tree states at its root (/Count), or None where it
    states none that can be read. Counting the pages instead reads every page object: 5 s for
    20,000 pages."""
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]
    except Exception:  # noqa: BLE001 - a broken or odd root: the pages are counted instead
        return None
    return count if isinstance(count, int) else None


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


def megabytes(size: int) -> str:
    """A size in the megabytes the Upload page states its limit in (MiB: 20 MB is 20 * 1024 * 1024 bytes)."""
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"


def read_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Return the plain text of one release file; UnreadableFile says why it cannot be read."""
    if len(data) > max_bytes:
        raise UnreadableFile(
            f"file is {megabytes(len(data))}, over the {megabytes(max_bytes)} limit"
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
        raise UnreadableFile(f"file is {megabytes(size)}, over the {megabytes(max_bytes)} limit")
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


@dataclass(frozen=True)
class SourceNote:
    """What a folder's index.csv says of a release file beyond its text: where it was published,
    and the days it covers where the copy does not say ("... covering Dec. 30, 2018 - Jan. 13,
    2019": a fragment that keeps only the totals)."""

    url: str | None = None
    period: tuple[date, date] | None = None


_COVERS_RE = re.compile(
    rf"\bcover(?:s|ing)\s+(?P<first>{DAY_PATTERN})\s*[-–]\s*(?P<last>{DAY_PATTERN})", re.IGNORECASE)


def _period_noted(text: str, published: date | None) -> tuple[date, date] | None:
    found = _COVERS_RE.search(text)
    if not found:
        return None
    first = parse_day(found["first"], published)[0]
    last = parse_day(found["last"], published)[1]
    return (first, last) if first and last and first <= last else None


def source_notes(paths: list[Path]) -> dict[str, SourceNote]:
    """The SourceNote of each release file that a folder's index.csv (columns file, source, and
    optionally notes and release_date) describes, keyed by the file's path as given."""
    notes: dict[str, SourceNote] = {}
    for folder in {path if path.is_dir() else path.parent for path in paths}:
        index = folder / "index.csv"
        if not index.is_file():
            continue
        with index.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if not row.get("file"):
                    continue
                source = row.get("source") or ""
                published = date_from_name(row["file"])
                period = _period_noted(f"{source} {row.get('notes') or ''}", published)
                url = source.split(" ")[0] or None
                if url or period:
                    notes[str(folder / row["file"])] = SourceNote(url, period)
    return notes
