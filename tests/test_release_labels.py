"""What the release list calls a release without a title: a name from its source, not "(no title)"."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.release_labels import is_web_address, release_label

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
    assert is_web_address("https://www.centcom.mil/MEDIA/PRESS-RELEASES/")
    assert not is_web_address("centcom_release_lines_2014-2015.csv#2015-07-13")
    assert not is_web_address("github:kevinschaul/uscentcom-isil-airstrikes-scraper")
    assert not is_web_address(None)
