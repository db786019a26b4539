"""Counts as releases write them: digits, number words, articles and a few typos."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# Words that mean "one" before a noun, and typos seen in real releases ("fives strikes").
_ONE = {"a": 1, "an": 1, "single": 1}
_TYPOS = {"fives": 5, "twos": 2, "threes": 3}
# "A fifth airstrike" counts one strike; the ordinal only numbers it.
_ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "final", "last", "another", "additional",
)

# The largest count any release in the corpus states for one place or period is 575 strikes (a
# summary of two weeks of 2019). A count above this bound is a misreading or a forgery: it is
# recorded as a diagnostic and never counted.
MAX_PLAUSIBLE_COUNT = 2_500
# What one release can add: the most any release in the corpus counts is 588 strikes (the
# two-week summary of January 2019). A release counting more than MAX_RELEASE_STRIKES, in its
# lines and what it states beyond them, is refused whole: three crafted day totals just under
# MAX_PLAUSIBLE_COUNT would otherwise double the campaign.
MOST_STRIKES_A_RELEASE_STATES = 588
MAX_RELEASE_STRIKES = 1_000

_tens_alt = "|".join(_TENS)
_units_alt = "|".join(sorted(_UNITS, key=len, reverse=True))
# Digits only where they are a whole number: never the tail of a longer run, of "-5" or of
# "2.5", and never more digits than any count has (a run of thousands would not fit an int).
# "2,400" and "2 400" (a space, no-break or thin space between groups); never "400" of "2 400".
_GROUP = "[ \u00a0\u202f]"
_DIGITS = (rf"(?<![\d.\-−])(?<!\d,)(?<!\d{_GROUP})"
           rf"(?:\d{{1,3}}(?:,\d{{3}}){{1,2}}|\d{{1,3}}(?:{_GROUP}\d{{3}}){{1,2}}|\d{{1,7}})(?![\d,.]\d|{_GROUP}\d)")
_BELOW_HUNDRED = rf"(?:(?:{_tens_alt})(?:[- ](?:{_units_alt}))?|{_units_alt})"
_BELOW_THOUSAND = rf"(?:{_BELOW_HUNDRED}\s+hundred(?:\s+(?:and\s+)?{_BELOW_HUNDRED})?|{_BELOW_HUNDRED})"
# "two thousand four hundred ninety-nine" whole: never its "ninety-nine" alone
_NUMBER_WORDS = (rf"(?<!hundred\s)(?<!thousand\s)(?<!hundred\sand\s)(?<!thousand\sand\s)"
                 rf"(?:{_BELOW_THOUSAND}\s+thousand(?:,?\s+(?:and\s+)?{_BELOW_THOUSAND})?|{_BELOW_THOUSAND})")
NUMBER_PATTERN = rf"(?:{_DIGITS}|{_NUMBER_WORDS}|{'|'.join(_TYPOS)})"
COUNT_PATTERN = rf"(?:{NUMBER_PATTERN}|an?|single)"
ORDINAL_PATTERN = "|".join(_ORDINALS)

_NUMBER_RE = re.compile(rf"^{NUMBER_PATTERN}$", re.IGNORECASE)


def parse_count(word: str) -> int | None:
    """Return the integer a count word stands for ("twenty-three" -> 23, "an" -> 1), else None."""
    token = word.strip().lower()
    if token in _ONE:
        return 1
    if token in _TYPOS:
        return _TYPOS[token]
    if not _NUMBER_RE.match(token):
        return None
    if token[0].isdigit():
        return int(re.sub(r"[,\s]", "", token))
    if token in _UNITS:
        return _UNITS[token]
    # "two thousand four hundred ninety-nine": each word multiplies or adds
    total = current = 0
    for word in re.split(r"[-,\s]+", token):
        if word == "thousand":
            total, current = total + current * 1000, 0
        elif word == "hundred":
            current *= 100
        elif word != "and":
            current += _TENS.get(word) or _UNITS.get(word, 0)
    return total + current
