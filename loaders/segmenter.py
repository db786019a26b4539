"""Cut a release's raw text into units (headings, bullets, paragraphs) and sentences, each
with its character span in the raw text, so every parsed number points back to its words."""

from __future__ import annotations

import re
from typing import NamedTuple

_BULLET = re.compile(r"^\s*(?:--|[-*•o·▪–—](?=\s))\s*")
# Unmarked bullets ("Near Mosul, ..." on a line of its own) start a new unit too.
_UNIT_START = re.compile(r"^\s*(?:--|[-*•o·▪–—]\s|Near\s|On\s|Yesterday\b|There\s+w(?:ere|as)\s)")
_TERMINAL_CHARS = ".:;!?\"”)"  # end punctuation: a line ending in one (trailing space aside) is complete
_BULLET_MARKS = "-*•o·▪–—"  # a bullet, after any leading space, starts with one of these
_FUNCTION_WORDS = {
    "a", "an", "the", "in", "of", "and", "to", "on", "at", "near", "by", "for", "with", "from",
    "against", "as", "that", "this", "these", "conducted", "were", "was", "one", "two", "three",
    "four", "five", "six", "seven", "eight", "nine", "ten", "isil", "isis",
}
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Fla|No|Gen|Lt|Col|Maj|Sgt|Dr|Mr|Mrs|"
    r"St|Ft|Inc|Co|vs|approx|etc)|\b[A-Z]|\b[a-z]\.[a-z]|U\.S|U\.K|a\.m|p\.m)\.$"
)
# ". " / "! " / "? " (closing quotes allowed) before a capital or a digit, or ": " before anything.
# One character class first lets re skip quickly to the candidates.
_SENTENCE_END = re.compile(r"[.!?:](?:(?<=[.!?])[\"”’)]*\s+(?=[\"“(]?[A-Z0-9])|(?<=:)\s+(?=\S))")


class Sentence(NamedTuple):  # a tuple: a release makes dozens, and a frozen dataclass is slow to build
    text: str  # whitespace collapsed
    start: int  # span in the raw text
    end: int
    unit: int  # index of the unit (heading, bullet or paragraph) it belongs to
    bulleted: bool
    heading: bool  # a short line without end punctuation: "Syria", "Strikes in Iraq"


def _lines_with_offsets(raw: str) -> list[tuple[int, int, str]]:
    """Return (start, end, text) of each line of raw, without its line break."""
    lines, offset = [], 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        lines.append((offset, offset + len(body), body))
        offset += len(line)
    return lines


def _ends_complete(text: str) -> bool:
    """True if the text ends in end punctuation, trailing space aside."""
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in _TERMINAL_CHARS


def _few_words(text: str) -> bool:
    """True if the text has one to six words (without splitting a long text to count them)."""
    return 0 < len(text.split(None, 6)) <= 6


def _is_heading(text: str) -> bool:
    return _few_words(text) and not _ends_complete(text) and not _BULLET.match(text)


def _units(raw: str) -> list[tuple[int, int]]:
    """Spans of units: consecutive non-blank lines joined unless a line starts a bullet or a
    heading, or the previous line was complete (hard-wrapped copies break sentences anywhere).

    A line is a heading when it is short, without end punctuation and not a bullet, and the line
    after it is blank or starts a unit. A line ends its unit at end punctuation, or when it is a
    short header line (title, dateline, "By ...") followed by a capitalised line; not when it
    ends on a function word."""
    lines = _lines_with_offsets(raw)
    last = len(lines) - 1
    units: list[list[int]] = []
    open_unit = False
    statement_unit = False  # the open unit starts a bullet or a strike line
    previous_complete = True
    for index, (start, end, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            open_unit = False
            continue
        following = lines[index + 1][2] if index < last else ""
        complete = stripped[-1] in _TERMINAL_CHARS
        heading = (
            not complete
            and len(stripped.split(None, 6)) <= 6
            and not _BULLET.match(stripped)
            and (not following.strip() or bool(_UNIT_START.match(following)))
        )
        if not open_unit or previous_complete or heading or _UNIT_START.match(line):
            units.append([start, end])
            statement_unit = bool(_UNIT_START.match(line))
        else:
            units[-1][1] = end
        open_unit = True
        if complete or heading:
            previous_complete = True
        elif len(line) >= 160 or stripped.endswith(",") or statement_unit:
            # a bullet or "Near X, ..." line runs on to its end punctuation, wherever a copy
            # hard-wraps it ("-- Near Al" / "Qaim, four strikes ...")
            previous_complete = False
        else:
            following = following.lstrip()
            if following[:1].isupper() or following[:1].isdigit():
                previous_complete = stripped.rsplit(None, 1)[-1].lower() not in _FUNCTION_WORDS
            else:
                previous_complete = False
    return [(start, end) for start, end in units]


def _split_sentences(raw: str, start: int, end: int, text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of raw[start:end] (which is text)."""
    spans, cursor = [], start
    for match in _SENTENCE_END.finditer(text):
        cut = start + match.end()
        if match.group(0)[0] == ".":
            dot = start + match.start()
            # an abbreviation ends at the dot and is at most 8 characters long: the last 16
            # characters of the sentence so far hold it and the character before it (for \b)
            if _ABBREVIATIONS.search(raw[max(cursor, dot - 15) : dot + 1]):
                continue
        spans.append((cursor, start + match.start() + len(match.group(0).rstrip())))
        cursor = cut
    if cursor < end:
        spans.append((cursor, end))
    return spans


def segment(raw: str) -> list[Sentence]:
    """Return the sentences of a release in order, with spans into raw."""
    sentences: list[Sentence] = []
    append = sentences.append
    make = tuple.__new__  # Sentence's own __new__ takes keywords: slower, and called per sentence
    for unit_index, (start, end) in enumerate(_units(raw)):
        unit_text = raw[start:end]
        bulleted = unit_text.lstrip()[:1] in _BULLET_MARKS and bool(_BULLET.match(unit_text))
        words = unit_text.split()
        heading = (
            len(words) <= 6  # _is_heading's first test, before the text is rebuilt
            and "\n" not in unit_text.strip()
            and _is_heading(" ".join(words))
        )
        spans = _split_sentences(raw, start, end, unit_text)
        for s_start, s_end in spans:
            # a unit of one sentence has its words already
            piece_words = words if s_start == start and s_end == end else raw[s_start:s_end].split()
            if not piece_words:
                continue
            text = " ".join(piece_words)
            lead = s_start
            while raw[lead].isspace():  # the piece holds a word: the loop stops inside it
                lead += 1
            # text is stripped, so a bullet starts at its first character
            if text[0] in _BULLET_MARKS:
                text = _BULLET.sub("", text, count=1)
            append(make(Sentence, (text, lead, s_end, unit_index, bulleted, heading)))
    return sentences
