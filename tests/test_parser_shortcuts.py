"""The parser's shortcuts give the answers of the patterns they stand for: the keyword text
that lets a pattern be skipped, and the lower-case twins of IGNORECASE patterns."""

from __future__ import annotations

import re
import string
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.dates import DAY_PATTERN, names_a_month
from loaders.grammar import (
    ACTION_RE,
    BOILERPLATE_RE,
    ENGAGEMENTS_RE,
    STRIKE_COUNT_RE,
    CaselessPattern,
    Prefiltered,
    _compound_pattern,
    keyword_text,
)
from loaders.release_parser import _WINDOW_WORDS_RE


def test_keyword_text_holds_every_letter_ignorecase_reads_as_ascii():
    letter = re.compile("[a-z]", re.IGNORECASE)
    for code in range(sys.maxunicode + 1):
        character = chr(code)
        if letter.fullmatch(character):
            ascii_letters = [a for a in string.ascii_lowercase if re.fullmatch(a, character, re.IGNORECASE)]
            assert keyword_text(character) in ascii_letters, hex(code)


SHAPES = [
    "Near Mosul, four strikes destroyed an ISIL tunnel.",
    "On Nov. 1, coalition forces conducted Twenty-Three AIRSTRIKES had inconclusive results.",
    "Another Strike struck two ISIS units; yesterday an Aug. 6 strike hit a cache. Today Monday",
    "A fifth airstrike Damaged an ISIL vehicle and SUPPRESSED an ISIL mortar team, July 19-20",
    "Conducted 12 strikes consisting of 20 Engagements; a Command and Control node, A strike IS ONE STRIKE",
]
ascii_text = st.lists(
    st.sampled_from([*" ".join(SHAPES).split(), " ", ",", ".", "-", "\n", "_", "strike", "Strikes"]),
    max_size=40,
).map(" ".join)


PATTERNS = {
    "strike count": STRIKE_COUNT_RE,
    "action": ACTION_RE,
    "window words": _WINDOW_WORDS_RE,
    "boilerplate": BOILERPLATE_RE,
    "engagements": ENGAGEMENTS_RE,
    "compound": _compound_pattern().pattern,
}


@pytest.mark.parametrize("pattern", PATTERNS.values(), ids=PATTERNS.keys())
@settings(max_examples=300, deadline=None)
@given(text=ascii_text)
def test_lower_case_twin_matches_where_the_pattern_does(pattern, text):
    caseless = CaselessPattern(pattern)
    twin, subject = caseless.on(text, text.lower())
    assert twin is caseless.twin
    assert [m.span() for m in twin.finditer(subject)] == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("pattern", PATTERNS.values(), ids=PATTERNS.keys())
@pytest.mark.parametrize("text", SHAPES, ids=range(len(SHAPES)))
def test_lower_case_twin_groups_read_back_from_the_text(pattern, text):
    twin, subject = CaselessPattern(pattern).on(text, text.lower())
    expected = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
    found = [
        (m.span(), {name: text[slice(*m.span(name))] if m.span(name)[0] >= 0 else None for name in m.groupdict()})
        for m in twin.finditer(subject)
    ]
    assert found == expected


def _prefiltered() -> dict[str, Prefiltered]:
    """Every Prefiltered pattern of the loaders, by module and name."""
    import importlib
    import pkgutil

    import loaders

    found = {}
    for module_info in pkgutil.iter_modules(loaders.__path__):
        module = importlib.import_module(f"loaders.{module_info.name}")
        found.update({f"{module_info.name}.{name}": value for name, value in vars(module).items()
                      if isinstance(value, Prefiltered)})
    return found


PREFILTERED = _prefiltered()


def test_the_prefiltered_patterns_are_found():
    assert len(PREFILTERED) >= 13, sorted(PREFILTERED)


@pytest.mark.parametrize("name", sorted(PREFILTERED))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_prefiltered_pattern_is_skipped_only_where_it_cannot_match(name, data):
    """Texts the pattern itself matches (drawn from it, and release-like ones): each holds the
    words the pattern is said to require. A word missing from `requires` fails here."""
    prefiltered = PREFILTERED[name]
    text = data.draw(st.from_regex(prefiltered.pattern) | ascii_text | st.text())
    match = prefiltered.pattern.search(text)
    if match:
        assert prefiltered.may_match(keyword_text(text)), (match.group(0), prefiltered.requires)
        found = prefiltered.search(text, keyword_text(text))
        assert found is not None and found.span() == match.span()


MONTH_WORDS = ["Nov.", "nov.", "NOV", "November", "Sept.", "sept", "May", "may", "Mar", "MAR", "1", "19-20", "2015"]


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from([*MONTH_WORDS, *" ".join(SHAPES).split(), ","]), max_size=5).map(" ".join))
def test_a_text_without_a_month_name_holds_no_day(text):
    if re.search(DAY_PATTERN, text):
        assert names_a_month(text)


def test_non_ascii_text_keeps_the_pattern():
    text = "Near Qa’im, four strikes"
    caseless = CaselessPattern(STRIKE_COUNT_RE)
    assert caseless.on(text, text.lower()) == (STRIKE_COUNT_RE, text)


def test_a_pattern_that_cannot_be_lowered_is_refused():
    with pytest.raises(ValueError):
        CaselessPattern(re.compile(r"\x41rea", re.IGNORECASE))
