"""What the release list calls a release: its own title, or for the many without one (the
starter data keep no titles) a name built from its source; and the links that open a release
under that name. Plain functions, no Streamlit: tests call them directly."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote, urlencode, urlsplit

import pandas as pd

from loaders.web_addresses import is_clean_web_address

# words of an archive's file name that name an organisation, written in capitals
ACRONYMS = {"centcom", "cjtf", "oir", "dod", "isil", "isis", "us"}
# an archive's file name often ends in the years it covers: the label gives the day instead
TRAILING_YEARS = re.compile(r"[_\- ]*\d{4}(?:[_\-]\d{4})?$")


def _archive_name(file_name: str) -> str:
    """"centcom_release_lines_2014-2015.csv" -> "CENTCOM release lines"."""
    stem = TRAILING_YEARS.sub("", file_name.rsplit(".", 1)[0]) or file_name
    words = [word.upper() if word.lower() in ACRONYMS else word for word in re.split(r"[_\- ]+", stem) if word]
    name = " ".join(words)
    return name[:1].upper() + name[1:]


def release_label(title: str | None, source: str | None, published: date | None) -> str:
    """The release's title if it has one; else, from its source: an archive line as the archive's
    name and the day ("CENTCOM release lines, 2015-07-13"), a web page as its site and the
    publication day ("defense.gov, 2017-07-22"), a file as its file name, another reference as
    itself and the day."""
    if isinstance(title, str) and title.strip():
        return title
    day = published.isoformat() if isinstance(published, date) else None
    source = source or ""
    if is_clean_web_address(source):
        site = urlsplit(source).hostname or source
        site = site.removeprefix("www.")
        return f"{site}, {day}" if day else site
    file_name = source.rsplit("/", 1)[-1]
    if "#" in file_name:  # one day of an archive: "<archive file>#<day>"
        archive, line_day = file_name.split("#", 1)
        return f"{_archive_name(archive)}, {day or line_day}"
    if "." in file_name:
        return file_name
    if source:  # a reference that is neither a web page nor a file, e.g. "github:owner/repository"
        return f"{source}, {day}" if day else source
    return f"Release of {day}" if day else "Release without a title or source"


# A release's address on the Releases page carries its label after "#": a link column shows
# the label (display text RELEASE_LINK_TEXT), the page ignores it.
RELEASE_LINK_TEXT = r"#(.+)$"


def release_address(release_id: int, label: str, report_id: int | None = None,
                    view: dict[str, str] | None = None) -> str:
    """"releases?release=12&report=40&country=Iraq#CENTCOM%20release%20lines%2C%202015-07-13":
    the address that opens the release on the Releases page at the report's sentence, under the
    filters of the view it was opened from (view: their URL parameters), with its label."""
    params = {"release": int(release_id), **({"report": int(report_id)} if report_id is not None else {}),
              **(view or {})}
    return f"releases?{urlencode(params)}#{quote(label, safe='')}"


def with_release_links(rows: pd.DataFrame, view: dict[str, str] | None = None) -> pd.DataFrame:
    """rows (with release_id, title, source, published; report_id where a row is one report)
    with "release", the address that opens each row's release under its label, at the row's
    sentence and under the view's filters (view: their URL parameters), and the source split in
    two: "web_page" where it is a web address (only those may be links), "source" where it is
    not (shown as plain text)."""
    linked = rows.copy()
    reports = rows["report_id"] if "report_id" in rows else pd.Series([None] * len(rows), index=rows.index)
    linked["release"] = [
        release_address(release_id, release_label(title, source, published),
                        int(report_id) if pd.notna(report_id) else None, view)
        for release_id, title, source, published, report_id
        in zip(rows["release_id"], rows["title"], rows["source"], rows["published"], reports, strict=True)
    ]
    on_the_web = rows["source"].map(is_clean_web_address).astype(bool)
    linked["web_page"] = rows["source"].where(on_the_web)
    linked["source"] = rows["source"].where(~on_the_web)
    return linked
