"""Statement grammar: one sentence -> what it says about strikes.

A sentence is one of: a strike statement (a count of strikes at a place, with targets), a
totals statement (a count for a country or the whole period, no place), a context line
(a heading or a "no reported strikes" line), or nothing we use. Dates are resolved by the
caller, which knows the release date and the block the sentence sits in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

from loaders.dates import DAY_PATTERN, MONTH_PATTERN, names_a_month
from loaders.numbers import COUNT_PATTERN, ORDINAL_PATTERN, parse_count
from loaders.taxonomy import compound_terms

COUNTRY_PATTERN = r"(?:Syria|Iraq)"



def keyword_text(text: str) -> str:
    """Return the text lower-cased as re.IGNORECASE compares letters: a lower-case word that an
    IGNORECASE pattern requires is a substring of it whenever the pattern matches the text, so a
    missing word lets a caller skip the pattern."""
    # Besides upper and lower case, IGNORECASE matches "İ" and the dotless "ı" to "i" and the
    # long "ſ" to "s" (the Kelvin sign, U+212A, lower-cases to "k" by itself).
    if not text.isascii() and ("İ" in text or "ı" in text or "ſ" in text):
        text = text.replace("İ", "i").replace("ı", "i").replace("ſ", "s")
    return text.lower()


# Characters IGNORECASE equates with an ASCII letter although they are not ASCII themselves:
# "İ" and the dotless "ı" (i), the long "ſ" (s) and the Kelvin sign (k).
_ASCII_CASE_PARTNERS = "\u0130\u0131\u017f\u212a"


def _lower_case_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """Return the case-sensitive twin of an IGNORECASE pattern, for lower-cased ASCII text.

    On ASCII text, IGNORECASE compares letters exactly as lower-casing both sides does, and
    lower-casing ASCII text keeps every position: the twin run on text.lower() matches at the
    spans the pattern matches on text, several times faster (re can skip ahead only through
    case-sensitive patterns). Only literal capitals are lowered; escapes (\\S, \\W, \\b, ...)
    keep their meaning, which does not depend on case.
    """
    source = pattern.pattern
    # an escape naming a character by its code, an inline flag, or a non-ASCII letter that
    # IGNORECASE pairs with an ASCII one would not be lowered correctly
    if re.search(r"\\[xuUN0-7]|\(\?[a-zA-Z-]+[:)]", source) or any(map(source.__contains__, _ASCII_CASE_PARTNERS)):
        raise ValueError(f"no lower-case twin for {source!r}")
    # an escape or a group's "(?P<" / "(?P=" is kept as it is; a lone capital is lowered
    twin_source = re.sub(
        r"\\.|\(\?P[<=]|[A-Z]",
        lambda match: match.group(0).lower() if len(match.group(0)) == 1 else match.group(0),
        source,
    )
    twin = re.compile(twin_source, pattern.flags & ~re.IGNORECASE)
    if twin.groupindex != pattern.groupindex:
        raise ValueError(f"group names of {source!r} must be lower case")
    return twin


class CaselessPattern:
    """An IGNORECASE pattern that runs on ASCII text through its lower-case twin. Callers read a
    match through its spans (the twin's groups hold the lower-cased text)."""

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern = pattern
        self.twin = _lower_case_twin(pattern)

    def on(self, text: str, lowered: str) -> tuple[re.Pattern[str], str]:
        """Return the pattern to run and the string to run it on; lowered is text.lower()."""
        return (self.twin, lowered) if text.isascii() else (self.pattern, text)


def _search(caseless: CaselessPattern, text: str, lowered: str, pos: int = 0) -> re.Match[str] | None:
    """Search text for a CaselessPattern (lowered is text.lower()); read the match by its spans."""
    pattern, subject = caseless.on(text, lowered)
    return pattern.search(subject, pos)


class Prefiltered:
    """A rarely matching pattern with the words every match of it holds (lower case; from each
    group of `requires`, one word): a text whose keyword_text lacks them is never searched. The
    words are kept by hand beside the pattern; tests/test_parser_shortcuts.py checks every
    Prefiltered of the loaders against matches drawn from its own pattern, so an alternative
    added without its word fails there instead of silently never matching."""

    __slots__ = ("pattern", "requires", "_caseless")

    def __init__(self, pattern: re.Pattern[str], *requires: tuple[str, ...], caseless: bool = False):
        self.pattern = pattern
        self.requires = requires
        # an IGNORECASE pattern searched through its lower-case twin (see CaselessPattern)
        self._caseless = CaselessPattern(pattern) if caseless else None

    def may_match(self, keywords: str) -> bool:
        """False if the pattern cannot match a text whose keyword_text is keywords."""
        return all(any(map(keywords.__contains__, group)) for group in self.requires)

    def search(self, text: str, keywords: str) -> re.Match[str] | None:
        """The pattern's first match in text (keywords is keyword_text(text)), or None; a
        caseless one is read through its spans, like _search."""
        if not self.may_match(keywords):
            return None
        if self._caseless is not None:
            return _search(self._caseless, text, keywords)  # keywords is text.lower() for ASCII text
        return self.pattern.search(text)


def group_text(text: str, match: re.Match[str], group: str) -> str | None:
    """Return what a group of a match found in text (or in its lower-cased twin) says in text."""
    start, end = match.span(group)
    return text[start:end] if start >= 0 else None


# "southwest of Baghdad"; capitalised where it opens a line ("Southwest of Baghdad, one airstrike ...")
_DIRECTION = r"(?:[Nn]orth|[Ss]outh|[Ee]ast|[Ww]est)(?:-?(?:east|west))?|(?:[Nn]orth|[Ss]outh|[Ee]ast|[Ww]est)ern"

# "four strikes", "an Aug. 6 strike", "A fifth airstrike", "21 airstrikes", "fives strikes"
STRIKE_COUNT_RE = re.compile(
    r"\b(?P<another>[Aa]nother)\s+(?:[\w-]+\s+){0,3}?(?:air\s?)?strikes?\b(?!\s+areas?)|"
    rf"\b(?P<count>{COUNT_PATTERN})\s+(?:(?:{ORDINAL_PATTERN})\s+)?"
    rf"(?:(?P<date>{DAY_PATTERN})\s+)?(?:separate\s+|other\s+recent\s+|other\s+|more\s+|previous\s+|previously\s+unreported\s+|newly\s+reported\s+)?"
    r"(?:air\s?)?(?:strikes?|stikes?)\b(?!\s+areas?)",  # "airstike": a typo in real releases
    re.IGNORECASE,
)
# "consisting of 28 engagements", "with 231 engagements", "in 28 engagements"
ENGAGEMENTS_RE = re.compile(
    rf",?\s*(?:consisting\s+of|with|in)\s+(?P<count>{COUNT_PATTERN})\s+eng(?:agements?\b|\w*$)",
    re.IGNORECASE,
)
_ACTIONS = {
    "engaged": "engaged", "engaging": "engaged", "engage": "engaged",
    "struck": "struck", "striking": "struck", "hit": "struck",
    "destroyed": "destroyed", "destroying": "destroyed",
    "damaged": "damaged", "damaging": "damaged",
    "suppressed": "suppressed", "suppressing": "suppressed",
    "denied": "denied access", "denying": "denied access",
    "wounded": "wounded", "wounding": "wounded",
    "killed": "killed", "killing": "killed",
    "cratered": "cratered", "cratering": "cratered",
    "disabled": "damaged", "neutralized": "destroyed",
}
ACTION_RE = re.compile(
    r"\b(?P<verb>" + "|".join(sorted(_ACTIONS, key=len, reverse=True)) + r")\b"
    r"|\b(?P<inconclusive>had\s+inconclusive\s+results)\b",
    re.IGNORECASE,
)
# Place names: capitalised words with the particles and hyphens real names carry.
_NAME_WORD = r"(?:[A-Z][\w'’`\-]*|(?:al|ar|as|ad|an|at|az|ash|el|ad|bin|abu|abi|ibn)(?=\s+[A-Z])|al-[A-Z][\w'’\-]*)"
_NAME_TAIL = r"(?:\s+(?:oil\s+refinery|refinery|dam|area|oil\s+field|border|crossing|region)\b)*"
PLACE_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD})*{_NAME_TAIL}"
_PROVINCE = r"(?:\s+in\s+(?:the\s+)?(?:al\s+|Al\s+)?[A-Z][\w'’\-]*\s+[Pp]rovince)?"

# "Near X, Syria, ..." / "Near X ..." at the start, after an optional "On DATE," / "Yesterday"
LEADING_NEAR_RE = re.compile(
    rf"^(?:(?:On\s+{DAY_PATTERN}|Yesterday|Today),?\s+)?(?:in\s+{COUNTRY_PATTERN},?\s+)?(?:[Nn]ear|In(?!\s+{COUNTRY_PATTERN}\b)(?=\s+[A-Z]))\s+"
    rf"(?P<place>.+?)(?:,\s*(?P<country>{COUNTRY_PATTERN})\b)?\s*(?:,|(?=\s+(?:{COUNT_PATTERN})\s))",
)
INLINE_NEAR_RE = re.compile(
    rf"\b[Nn]ear\s+(?:the\s+)?(?P<place>{PLACE_NAME}(?:\s+and\s+{PLACE_NAME})?){_PROVINCE}"
    rf"(?:,?\s+(?:in\s+)?(?P<country>{COUNTRY_PATTERN})\b)?",
)
DIRECTION_RE = re.compile(
    rf"\b(?P<place>(?:{_DIRECTION})\s+of\s+(?:the\s+)?{PLACE_NAME})",
)
_COUNTRY_IN_RE = re.compile(rf"\b[Ii]n\s+(?P<country>{COUNTRY_PATTERN})\b")
_BOTH_COUNTRIES_RE = re.compile(r"\b(?:Syria\s+and\s+Iraq|Iraq\s+and\s+Syria|Iraq,\s+Syria)\b")
_CUMULATIVE_RE = re.compile(
    r"\b(?:to\s+date|first\s+\w+\s+days|for\s+all\s+of|percent|since\s+(?:Aug|the\s+start|\d)|"
    r"tempo|month-to-date|in\s+total|cumulative|over\s+the\s+\d+|during\s+the\s+month|"
    r"a\s+total\s+of|across\s+(?:Iraq|Syria))\b"
    # "During May, the coalition has conducted 225 strikes", "225 strikes in May", "this month": a
    # month's figure, not "During May 25-31" or "in May 25-26"
    rf"|\b(?:during|in)\s+(?:the\s+month\s+of\s+)?{MONTH_PATTERN}(?!\w)(?!\.?\s*\d{{1,2}}\b)|\bthis\s+month\b",
    re.IGNORECASE,
)
_CUMULATIVE = Prefiltered(_CUMULATIVE_RE, (
    "date", "first", "all", "percent", "since", "tempo", "total", "cumulative", "over", "during", "across", "in", "month"))
# "Additionally in Iraq, coalition military forces conducted nine strikes ..." is the second
# country's total of the same day, not a late block.
LATE_BLOCK_RE = re.compile(
    r"\b(?:Additionally(?!,?\s+in\s+(?:Iraq|Syria)\b)|other\s+recent|previous(?:ly)?|closed\s+within|were\s*n[o’']t\s+available|"
    r"details\s+were\s+unavailable|not\s+(?:yet\s+)?available\s+(?:in|at)\s+(?:the\s+)?time|Additional\s+Strikes|late|"
    # "Officials also announced details today from 59 strikes ...", "provided results today of 15 strikes"
    r"(?:announced|provided)\s+(?:the\s+)?(?:details|results))\b",
    re.IGNORECASE,
)
_LATE_BLOCK = Prefiltered(LATE_BLOCK_RE, ("additional", "other", "previous", "closed", "available", "late", "announced",
                                          "provided"))
# A strike line that is itself a late report: "Additionally, officials reported, eight strikes
# were conducted near Raqqa from April 11 into yesterday ..." inside a country's main list.
LATE_LINE_RE = re.compile(r"^Additionally,|\bclosed\s+within\b|\bnewly\s+reported\b", re.IGNORECASE)
_LATE_LINE = Prefiltered(LATE_LINE_RE, ("additionally", "closed", "newly"))
NO_STRIKES_RE = re.compile(r"\b(?:no|zero)\s+(?:reported\s+)?strikes\b|\bno\s+strikes\s+were\b", re.IGNORECASE)
_NO_STRIKES = Prefiltered(NO_STRIKES_RE, ("no", "zero"))
_LEADING_DATE_RE = re.compile(rf"^(?:On\s+(?P<day>{DAY_PATTERN})|(?P<rel>Yesterday|Today))\b")
# "on May 22", "from April 7-8", "conducted in Syria May 22", "in Iraq May 2-3"
_INNER_DATE_RE = re.compile(
    rf"\b(?:on|On|between|from|in\s+{COUNTRY_PATTERN}(?:\s+and\s+{COUNTRY_PATTERN})?)\s+(?P<day>{DAY_PATTERN})"
)
# "reported today", "announced yesterday", "yesterday's report" date the report, not the strikes
_RELATIVE_DAY_RE = re.compile(
    r"(?<!reported )(?<!announced )(?<!released )(?<!said )\b(yesterday|today)\b(?!['’]s)", re.IGNORECASE
)
_RELATIVE_DAY = Prefiltered(_RELATIVE_DAY_RE, ("yesterday", "today"))
# "from April 11 into yesterday", "from Aug. 1 through Aug. 3": a window, not its first day
_UNTIL_RE = re.compile(
    rf"\bfrom\s+{DAY_PATTERN}\s+(?:into|through|until|to)\s+(?P<until>yesterday|today|{DAY_PATTERN})"
)
_UNTIL = Prefiltered(_UNTIL_RE, ("from",))
_ONGOING = Prefiltered(re.compile(r"\bcontinue[sd]?\s+to\s+attack\b", re.IGNORECASE), ("continue",))
_TARGET_TAIL_RE = re.compile(
    r"\s*(?:,?\s*(?:consisting\s+of|with)\s+(?:" + COUNT_PATTERN + r")\s+engagements?)"
    r"|\s+against\s+(?:ISIS|ISIL|Daesh)\s+(?:targets|terrorists)\b"
    rf"|\s+(?:in|near)\s+(?:{COUNTRY_PATTERN})\b",
    re.IGNORECASE,
)
_TARGET_TAIL = Prefiltered(_TARGET_TAIL_RE, ("engagement", "against", "syria", "iraq"))
# Boilerplate that defines a strike; it counts nothing.
BOILERPLATE_RE = re.compile(
    r"define\s+a\s+strike|a\s+single\s+aircraft\s+delivering|is\s+one\s+strike|as\s+defined\s+by|"
    r"refers\s+to\s+one\s+or\s+more|classified\s+as\s+a\s+strike|list\s+above\s+contains",
    re.IGNORECASE,
)
_ITEM_SEPARATOR = re.compile(r"(?<!\d),|,(?!\d{3}\b)|;|\s+and\s+|\s+as\s+well\s+as\s+")  # not the comma of "1,000"
_TRAILING_ARTICLE = re.compile(r"\s+(?:an?|the)$")
_LEADING_FILLER = re.compile(r"^(?:and|also|an?\s+additional)\s+", re.IGNORECASE)
_MASS_NOUNS = {"equipment", "infrastructure", "materiel", "ammunition", "fire", "personnel", "explosives"}
# "(" runs to the next ")" or "(": with "[^)]*" each of a run of unclosed "(" would scan to the
# end of the text, time that grows with the square of its length
_PARENTHETICAL_RE = re.compile(r"\s*\([^()]*\)")
# ", which represents part of ..." / ", that was firing on ..." describe, they list no targets
_RELATIVE_CLAUSE_RE = re.compile(
    r",?\s+(?:which|that\s+was|who|and\s+initial\s+indications|in\s+support\s+of)\s+", re.IGNORECASE
)
_RELATIVE_CLAUSE = Prefiltered(_RELATIVE_CLAUSE_RE, ("which", "that", "who", "initial", "support"))
_COUNT_WORD_START = re.compile(rf"^(?P<count>{COUNT_PATTERN})\s+(?P<rest>.*)$", re.IGNORECASE)
_MIDLIST_NUMBER = re.compile(
    r"(?<=[a-z])\s+(?=(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+[A-Za-z])"
)
_STRIKE_COUNT = CaselessPattern(STRIKE_COUNT_RE)
_ACTION = CaselessPattern(ACTION_RE)
_BOILERPLATE = Prefiltered(BOILERPLATE_RE, ("defin", "deliver", "one", "refers", "classified", "list"), caseless=True)
# "eng" and a joining word ("engaged" alone is common; "in" is part of "engaging" too, so the
# test only saves work where no joining word is there at all)
_ENGAGEMENTS = Prefiltered(ENGAGEMENTS_RE, ("eng",), ("consisting", "with", "in"), caseless=True)


_ADJECTIVE_ONLY = re.compile(r"^(?:large|small|medium|heavy|light|separate)$", re.IGNORECASE)
_OWNER_PREFIX = re.compile(r"^(?:ISIS|ISIL|Daesh)\s+")
_SIZE_PREFIX = re.compile(r"^(?:large|small|medium|heavy|light)\s+", re.IGNORECASE)
_DANGLING_WORD = re.compile(r"\b(?:that|which|and|then)\s*$")
_DANGLING_WORDS = ("that", "which", "and", "then")
_QUOTES = re.compile(r"[\"“”]")
_ANOTHER_START = re.compile(r"^another\b", re.IGNORECASE)
_QUANTITY_OF = re.compile(r"^(?:pieces?\s+of|units?\s+of|sets?\s+of)\s+", re.IGNORECASE)
_OTHER_START = re.compile(r"^other\s+(?=\S)", re.IGNORECASE)
_ON_TYPO = re.compile(r"^on\s+(?P<rest>.+)$")
_PLACE_THEN_COUNTRY = re.compile(rf"^(?P<place>.+?)(?:,|\s+in)\s*(?P<country>{COUNTRY_PATTERN})$")
_PLACE_THEN_DAY = re.compile(rf"\s+on\s+{DAY_PATTERN}$")
_COUNTRY_BEFORE = re.compile(rf"\s+in\s+{COUNTRY_PATTERN}\s*$")
_LEADING_THE = re.compile(r"^(?:the\s+)", re.IGNORECASE)
_PLACE_AND = re.compile(r"\s+and\s+(?=[A-Z])")
_ADDITIONAL_START = re.compile(r"^an?\s+additional\s+", re.IGNORECASE)


class TargetPhrase(NamedTuple):  # a tuple: a release makes dozens, read and never changed
    action: str
    count: int | None
    text: str  # as written, with its count word
    same_as: str | None = None  # "damaged another": the phrase it refers back to


@dataclass
class Statement:
    kind: str  # strike, totals, header, no_strikes, cumulative, other
    strikes: int | None = None
    engagements: int | None = None
    places: list[str] = field(default_factory=list)  # as written
    country: str | None = None  # named in the sentence
    both_countries: bool = False
    day_text: str | None = None  # "Nov. 1" / "Aug. 6" / "July 19-20" as written, if any
    relative_day: str | None = None  # "yesterday" / "today"
    until_text: str | None = None  # the end of a window "from <day_text> into yesterday", as written
    late: bool = False  # opens a block of strikes from earlier days
    day_paragraph: bool = False  # "On Nov. 15, coalition forces conducted four strikes ..." (no place)
    targets: list[TargetPhrase] = field(default_factory=list)


def _place_mentions(sentence: str) -> tuple[list[str], str | None, tuple[int, int] | None]:
    """Return (places as written, country named with them, span of the place mention)."""
    match = LEADING_NEAR_RE.match(sentence)
    if match:
        place = match["place"].strip().strip(",")
        if " on " in place:
            place = _PLACE_THEN_DAY.sub("", place)  # "Near Raqqa on May 3, two strikes ...": the day is not the place
        # Missing comma: "Near Dayr Az Zawr, Syria six strikes"
        country = match["country"]
        tail = _PLACE_THEN_COUNTRY.match(place) if "Syria" in place or "Iraq" in place else None
        if tail:
            place, country = tail["place"], tail["country"]
        return _split_places(place), country, match.span()
    match = INLINE_NEAR_RE.search(sentence)
    if match:
        return _split_places(match["place"]), match["country"], _with_country(sentence, match.span())
    match = DIRECTION_RE.search(sentence)
    if match:
        return [match["place"]], None, _with_country(sentence, match.span())
    return [], None, None


def _with_country(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """Widen a mid-sentence place span over an "in Syria" right before it."""
    before = _COUNTRY_BEFORE.search(sentence[: span[0]])
    return (before.start() if before else span[0], span[1])


def _split_places(place: str) -> list[str]:
    place = _LEADING_THE.sub("", place.strip())
    parts = _PLACE_AND.split(place) if "and" in place else [place]
    return [part.strip(" ,") for part in parts if part.strip(" ,")]


@cache
def _compound_pattern() -> CaselessPattern:
    """One pattern for every known phrase that contains "and" ("command and control node")."""
    alternatives = [re.escape(term).replace(r"\ ", r"[\s-]+") for term in compound_terms()]
    return CaselessPattern(re.compile("|".join(alternatives) or r"(?!)", re.IGNORECASE))


@cache
def _compound_first_words() -> tuple[str, ...]:
    """The first word of every known compound, lower case: the pattern requires one of them."""
    return tuple(sorted({term.split()[0] for term in compound_terms()}))


_INNER_AND = re.compile(r"(?<=[\s-])and(?=[\s-])", re.IGNORECASE)


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    """True if any of the words is a substring of the text."""
    return any(map(text.__contains__, words))


def _object_pieces(objects: str) -> list[str]:
    """Split a verb's object list into pieces, never inside a known compound; a compound's own
    "and" is a NUL in its piece."""
    if _has_any(keyword_text(objects), _compound_first_words()):
        pattern, subject = _compound_pattern().on(objects, objects.lower())
        protected, done = [], 0
        for match in pattern.finditer(subject):
            protected += [objects[done : match.start()], _INNER_AND.sub("\x00", objects[match.start() : match.end()])]
            done = match.end()
        objects = "".join(protected) + objects[done:]
    return [piece for chunk in _ITEM_SEPARATOR.split(objects) for piece in _MIDLIST_NUMBER.split(chunk)]


@lru_cache(maxsize=65536)
def _item_reading(piece: str) -> tuple[str, int | None, str, bool] | None:
    """Return (target phrase as written, count, text without its count, whether that text is
    only a size word) for one piece of an object list; None for an empty piece or a stray word.
    Target phrases repeat from release to release."""
    item = _LEADING_FILLER.sub("", piece.replace("\x00", "and").strip(" .:"))
    if item.endswith((" a", " an", " the")):
        item = _TRAILING_ARTICLE.sub("", item)  # "a front-end loader an and ISIS wellhead": a typo
    if not item or item.lower() in _NOT_A_TARGET:
        return None  # "a six fighting positions": the article is a typo; "and and": a stray word
    count, text = _count_of(item)
    return item, count, text, bool(_ADJECTIVE_ONLY.match(_OWNER_PREFIX.sub("", text)))


@lru_cache(maxsize=65536)
def _object_list(objects: str) -> tuple[tuple[str, int | None, str, bool], ...]:
    """Return the _item_reading of each target phrase of one verb's object list."""
    readings = []
    for piece in _object_pieces(objects):
        reading = _item_reading(piece)
        if reading is not None:
            readings.append(reading)
    return tuple(readings)


_OTHER_WORDS = {"another", "others", "other"}
_NOT_A_TARGET = {"a", "an", "the", "also", "then", "and", "or", "as well as"}


def _target_phrases(action_text: str) -> list[TargetPhrase]:
    """Return the targets of a verb list: "engaged three units and destroyed two X, a Y"."""
    cleaned = _PARENTHETICAL_RE.sub("", action_text) if "(" in action_text else action_text
    lowered = keyword_text(cleaned)
    if _TARGET_TAIL.may_match(lowered):
        cleaned = _TARGET_TAIL_RE.sub("", cleaned)
        lowered = keyword_text(cleaned)
    if _RELATIVE_CLAUSE.may_match(lowered):
        cleaned = _RELATIVE_CLAUSE_RE.split(cleaned)[0]
    pattern, subject = _ACTION.on(cleaned, cleaned.lower())
    verbs = list(pattern.finditer(subject))
    targets: list[TargetPhrase] = []
    append = targets.append
    make = tuple.__new__  # TargetPhrase's own __new__ takes keywords: slower, and called per target
    previous_text = ""
    last = len(verbs) - 1
    for index, verb in enumerate(verbs):
        if verb["inconclusive"]:
            append(make(TargetPhrase, ("inconclusive", None, cleaned[verb.start() : verb.end()], None)))
            continue
        action = _ACTIONS[verb["verb"].lower()]
        objects = cleaned[verb.end() : verbs[index + 1].start() if index < last else len(cleaned)].strip(" ,;.")
        if objects.rstrip().endswith(_DANGLING_WORDS):  # the pattern's word ends the text
            objects = _DANGLING_WORD.sub("", objects).strip(" ,;.")
        if action == "denied access":
            append(make(TargetPhrase, (action, 1, objects or "access", None)))
            continue
        pending_adjective: list[tuple[int | None, str]] = []
        for item, count, text, adjective_only in _object_list(objects):
            if adjective_only:
                pending_adjective.append((count, item))  # "one large and three small units"
                continue
            same_as = None
            if previous_text and text.lower() in _OTHER_WORDS:
                text = same_as = previous_text
            if pending_adjective:
                for adjective_count, adjective_item in pending_adjective:
                    append(make(TargetPhrase, (action, adjective_count, f"{adjective_item} {_head(text)}", None)))
                pending_adjective = []
            append(make(TargetPhrase, (action, count, item, same_as)))
            previous_text = text
        for adjective_count, adjective_item in pending_adjective:
            append(make(TargetPhrase, (action, adjective_count, adjective_item, None)))
    return targets


def _head(text: str) -> str:
    return _SIZE_PREFIX.sub("", text)


def _count_of(item: str) -> tuple[int | None, str]:
    lowered = item.strip().strip("\"“”'’")
    lowered = _QUOTES.sub("", lowered)
    if _ANOTHER_START.match(lowered):
        return 1, lowered
    match = _COUNT_WORD_START.match(lowered)
    if match and parse_count(match["count"]) is not None:
        rest = _QUANTITY_OF.sub("", match["rest"])
        rest = _OTHER_START.sub("", rest)  # "one other ISIL vehicle"
        if rest.lower() in {"others", "other"}:
            return parse_count(match["count"]), "others"
        return parse_count(match["count"]), rest
    typo = _ON_TYPO.match(lowered)  # "damaged on oil wellhead": "an"
    if typo:
        return 1, typo["rest"]
    # A singular without a number is one ("suppressed ISIL movement"); a plural or a mass
    # noun ("destroyed ISIS engineering equipment") has no count.
    last = lowered.split()[-1].lower() if lowered.split() else ""
    if last.endswith("s") or last in _MASS_NOUNS:
        return None, lowered
    return 1, lowered


def _leading_date(sentence: str, keywords: str) -> tuple[str | None, str | None]:
    """Return (day as written, relative day word) of a sentence; keywords is its keyword_text."""
    match = _LEADING_DATE_RE.match(sentence)
    if not match:
        # a day is written with its month's name, and the pattern is case-sensitive
        inner = _INNER_DATE_RE.search(sentence) if names_a_month(sentence) else None
        if inner:
            return inner["day"], None
        relative = _RELATIVE_DAY.search(sentence, keywords)
        return None, relative[1].lower() if relative else None
    if match["day"]:
        return match["day"], None
    return None, match["rel"].lower()


_FOLLOW_ON_RE = re.compile(
    r"^(?:In\s+total,\s+)?(?:The|These|This|Those|the)\s+(?:[\w-]+\s+)?(?:air)?strikes?\s+(?:also\s+)?",
)
_PASSIVE_RE = re.compile(
    r"^As\s+part\s+of\s+(?:these|the)\s+(?:air)?strikes,\s+(?P<objects>.+?)\s+were\s+"
    r"(?P<verb>struck|destroyed|damaged|engaged|suppressed)\b",
    re.IGNORECASE,
)


def _continuation(sentence: str, lowered: str) -> Statement | None:
    """ "The strikes engaged ..." / "As part of these strikes, ... were struck": more targets of
    the statement before. lowered is sentence.lower()."""
    passive = _PASSIVE_RE.match(sentence)
    if passive:
        objects = _ADDITIONAL_START.sub("", passive["objects"])
        return Statement("continuation", targets=_target_phrases(f"{passive['verb']} {objects}"))
    follow = _FOLLOW_ON_RE.match(sentence)
    action, subject = _ACTION.on(sentence, lowered)
    if follow and action.match(subject, follow.end()):
        return Statement("continuation", targets=_target_phrases(sentence[follow.end():]))
    return None


def _country_in(sentence: str) -> str | None:
    """The country of "in Syria" / "In Iraq" in the sentence, if any."""
    if "Syria" not in sentence and "Iraq" not in sentence:
        return None  # the pattern is case-sensitive
    match = _COUNTRY_IN_RE.search(sentence)
    return match["country"] if match else None


@lru_cache(maxsize=16384)
def analyse(sentence: str) -> Statement:
    """Return what one sentence says about strikes (see module docstring). Releases repeat
    whole sentences (boilerplate, recurring lines): each is read once, and callers get the same
    Statement again, so they read it and never change it."""
    lowered = sentence.lower()
    if "strike" not in lowered and "stike" not in lowered:
        return Statement("other")  # every statement we read names strikes ("airstike": a typo)
    # Each rarely matching pattern below runs only when the text holds a word it requires.
    keywords = keyword_text(sentence)
    if _BOILERPLATE.search(sentence, keywords):
        return Statement("boilerplate")
    pattern, subject = _STRIKE_COUNT.on(sentence, lowered)
    count_match = pattern.search(subject)
    if not count_match:
        continuation = _continuation(sentence, lowered)
        if continuation is not None:
            return continuation
        if _NO_STRIKES.search(sentence, keywords):
            day, relative = _leading_date(sentence, keywords)
            return Statement("no_strikes", country=_country_in(sentence), day_text=day, relative_day=relative)
        return Statement("other")
    strikes = 1 if count_match["another"] else parse_count(group_text(sentence, count_match, "count"))
    engagement_match = _ENGAGEMENTS.search(sentence, keywords)
    engagements = parse_count(group_text(sentence, engagement_match, "count")) if engagement_match else None
    places, place_country, place_span = _place_mentions(sentence)
    country = place_country or _country_in(sentence)
    day, relative = _leading_date(sentence, keywords)
    if count_match["date"] and not count_match["another"]:
        day = group_text(sentence, count_match, "date")
    until = _UNTIL.search(sentence, keywords) if day else None
    statement = Statement(
        "other",
        strikes=strikes,
        engagements=engagements,
        places=places,
        country=country,
        # the pattern is case-sensitive and names both countries
        both_countries="Syria" in sentence and "Iraq" in sentence and bool(_BOTH_COUNTRIES_RE.search(sentence)),
        day_text=day,
        relative_day=relative,
        until_text=until["until"] if until else None,
    )
    action, subject = _ACTION.on(sentence, lowered)
    verb = action.search(subject, count_match.end())
    action_start = verb.start() if verb else None
    if not places and _CUMULATIVE.search(sentence, keywords):
        statement.kind = "cumulative"
        return statement
    ongoing = bool(_ONGOING.search(sentence, keywords))
    single_country = statement.country is not None and not statement.both_countries
    one_day = bool(_LEADING_DATE_RE.match(sentence)) and single_country and not ongoing
    is_header = sentence.rstrip().endswith(":")
    late_block = bool(_LATE_BLOCK.search(sentence, keywords))
    # "Officials also provided results today of 15 strikes ... near Raqqa on Aug. 30-31 ...:"
    # heads a late block at that place; it is no line of its own
    heads_a_late_block = is_header and late_block and action_start is None
    if (places and not heads_a_late_block) or (not is_header and (action_start is not None or one_day)):
        # Without a place: a country-level statement ("In Syria, 575 strikes engaged ..." or a
        # day's paragraph cut before its place).
        statement.kind = "strike"
        statement.late = bool(_LATE_LINE.search(sentence, keywords))
        if action_start is not None:
            action_text = sentence[action_start:]
            if place_span and place_span[0] > action_start:
                # "damaged eight ISIL vehicles in Syria northwest of Al Qa'im": the place is not a target
                cut = slice(place_span[0] - action_start, place_span[1] - action_start)
                action_text = action_text[: cut.start] + action_text[cut.stop :]
            statement.targets = _target_phrases(action_text)
        return statement
    statement.late = late_block
    statement.kind = "header" if is_header else "totals"
    statement.day_paragraph = bool(_LEADING_DATE_RE.match(sentence)) and not statement.both_countries and not ongoing
    return statement
