"""Property tests: the parser never raises on arbitrary text, and every count it reports can
be found in the sentence it came from."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import parse_release
from loaders.numbers import parse_count

WORDS = [
    "Near", "near", "Mosul", "Raqqa", "Dayr", "Az", "Zawr", "Syria", "Iraq", "ISIS", "ISIL", "strike",
    "strikes", "airstrike", "engaged", "destroyed", "damaged", "suppressed", "an", "a", "two", "three",
    "twenty-three", "12", "consisting", "of", "engagements", "tactical", "units", "fighting", "positions",
    "and", ",", ".", ":", ";", "--", "*", "\n", "\n\n", "On", "Nov.", "1", "yesterday", "Additionally",
    "west", "southwest", "the", "Strikes", "in", "There", "were", "no", "reported", "(", ")", "’",
]

release_like = st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join)


def _numbers_in(sentence: str) -> set[int]:
    found = set()
    for token in re.findall(r"[A-Za-z]+(?:-[a-z]+)?|\d[\d,]*", sentence):
        value = parse_count(token)
        if value is not None:
            found.add(value)
    if re.search(r"\b(?:another|single|one)\b", sentence, re.IGNORECASE):
        found.add(1)
    return found


def _check(text: str) -> None:
    parsed = parse_release(text)
    for report in parsed.strikes:
        numbers = _numbers_in(report.sentence)
        assert report.sentence in " ".join(text.split()) or report.sentence
        for value in (report.strikes, report.engagements):
            assert value is None or value in numbers, (value, report.sentence)
        for target in report.targets:
            # a singular noun without a number counts one
            assert target.count is None or target.count in numbers or target.count == 1, (target, report.sentence)
        start, end = report.span
        assert 0 <= start <= end <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(release_like)
def test_release_like_text_never_raises(text):
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text):
    _check(text)
