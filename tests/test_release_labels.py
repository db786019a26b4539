"""What the release list calls a release without a title: a name from its source, not "(no title)";
and the links that open a release under that name."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pandas as pd
import pytest

from dashboard.release_labels import (
    RELEASE_LINK_TEXT,
    release_address,
    release_label,
    with_release_links,
)
from loaders.web_addresses import is_clean_web_address

DAY = date(2015, 7, 13)

LABELS = [
    # a release's own title is kept as it is
    ("Coalition strikes continue", "centcom_release_lines_2014-2015.csv#2015-07-13", DAY, "Coalition strikes continue"),
    # the starter data: one day of the CENTCOM archive, or a text file with its web address
    (None, "centcom_release_lines_2014-2015.csv#2015-07-13", DAY, "CENTCOM release lines, 2015-07-13"),
    (None, "data/archive/centcom_release_lines_2014-2015.csv#2015-07-13", DAY, "CENTCOM release lines, 2015-07-13"),
    (None, "centcom_release_lines_2014-2015.csv#undated", None, "CENTCOM release lines, undated"),
    ("  ", "https://www.defense.gov/News/Article/Article/1255160/officials-release-details/", date(2017, 7, 22),
     "defense.gov, 2017-07-22"),
    (None, "http://terrorism-online.blogspot.com/2014/09/us-military-airstrikes-hit-isil.html", None,
     "terrorism-online.blogspot.com"),
    # an uploaded file without a web address
    (None, "2014-09-16_dodnews-blogrepost.txt", date(2014, 9, 16), "2014-09-16_dodnews-blogrepost.txt"),
    (None, "uploads/2015-11-02_centcom-release.txt", date(2015, 11, 2), "2015-11-02_centcom-release.txt"),
    (None, "github:kevinschaul/uscentcom-isil-airstrikes-scraper", date(2015, 11, 2),
     "github:kevinschaul/uscentcom-isil-airstrikes-scraper, 2015-11-02"),
    (None, "", DAY, "Release of 2015-07-13"),
    (None, None, None, "Release without a title or source"),
]


@pytest.mark.parametrize(("title", "source", "published", "label"), LABELS)
def test_release_label(title, source, published, label):
    assert release_label(title, source, published) == label


def test_only_a_web_address_is_a_link():
    assert is_clean_web_address("https://www.centcom.mil/MEDIA/PRESS-RELEASES/")
    assert not is_clean_web_address("centcom_release_lines_2014-2015.csv#2015-07-13")
    assert not is_clean_web_address("github:kevinschaul/uscentcom-isil-airstrikes-scraper")
    assert not is_clean_web_address(None)
    assert not is_clean_web_address(float("nan"))  # a missing cell of a pandas frame


@pytest.mark.parametrize("address", [
    "https://ok.example/a< ![img](https://evil.example/pixel.png) [click](https://evil.example/phish)",
    "https://ok.example/a\n![img](https://evil.example/pixel.png)",
    "javascript:alert(1)", "JAVASCRIPT://ok.example/%0aalert(1)", "data:text/html,<script>alert(1)</script>",
    "https://ok.example/a>b", "https://ok.example/a b", "https://", "ftp://ok.example/file",
    "https://ok.example/" + "a" * 1000,
])
def test_an_address_that_is_more_than_an_address_is_never_a_link(address):
    assert not is_clean_web_address(address)


def link_text(address: str) -> str:
    """What a link column with display text RELEASE_LINK_TEXT shows (as Streamlit's table does:
    the first group, "+" as a space, decoded)."""
    found = re.search(RELEASE_LINK_TEXT, address)
    return unquote(found.group(1).replace("+", "%20")) if found else address


@pytest.mark.parametrize("label", [label for *_, label in LABELS])
def test_a_release_link_opens_the_release_under_its_label(label):
    address = release_address(12, label)
    assert address.startswith("releases?release=12#")
    assert link_text(address) == label


def test_release_links_and_sources():
    rows = pd.DataFrame({
        "release_id": [3, 4, 5],
        "title": [None, None, "Coalition strikes continue"],
        "source": ["centcom_release_lines_2014-2015.csv#2014-10-02",
                   "http://www.iraq-businessnews.com/2017/09/17/strikes/", "2017-09-18_dodnews.txt"],
        "published": [date(2014, 10, 2), date(2017, 9, 17), date(2017, 9, 18)],
    })
    linked = with_release_links(rows)
    assert [link_text(address) for address in linked["release"]] == [
        "CENTCOM release lines, 2014-10-02", "iraq-businessnews.com, 2017-09-17", "Coalition strikes continue",
    ]
    assert [address.split("#")[0] for address in linked["release"]] == [
        "releases?release=3", "releases?release=4", "releases?release=5",
    ]
    # only a web address may be a link; the other sources stay, as plain text
    assert linked["web_page"].isna().tolist() == [True, False, True]
    assert linked["web_page"][1] == "http://www.iraq-businessnews.com/2017/09/17/strikes/"
    assert linked["source"].tolist()[::2] == ["centcom_release_lines_2014-2015.csv#2014-10-02", "2017-09-18_dodnews.txt"]
    assert pd.isna(linked["source"][1])
    assert with_release_links(rows.iloc[:0])[["release", "web_page", "source"]].empty


def test_a_release_link_keeps_the_sentence_and_the_filters_of_its_view():
    """The release column of a drill table opened the release without its sentence outlined and
    without the view's filters (a click on the row kept both)."""
    rows = pd.DataFrame({"release_id": [3], "title": ["Coalition strikes continue"], "source": ["a.txt"],
                         "published": [date(2017, 9, 18)], "report_id": [40]})
    [address] = with_release_links(rows, {"country": "Iraq", "start": "2017-01-01"})["release"]
    assert address.split("#")[0] == "releases?release=3&report=40&country=Iraq&start=2017-01-01"
    assert link_text(address) == "Coalition strikes continue"
