"""Property tests: the parser never raises on arbitrary text, and every count it reports can
be found in the sentence it came from."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import parse_release
from loaders.numbers import parse_count
from loaders.release_parser import canonical_text

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


def _canonical_line_by_line(text: str) -> str:
    """The definition of the canonical text, read one line at a time."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \t\r\n\x0b\x0c\x1c\x85\u00a0\u2028\u3000")), max_size=60) | st.text())
def test_canonical_text_is_each_line_without_trailing_space(text):
    # the content hash, which finds duplicate uploads, must not change with how it is computed
    assert canonical_text(text) == _canonical_line_by_line(text)
