"""Cut a release's raw text into units (headings, bullets, paragraphs) and sentences, each
with its character span in the raw text, so every parsed number points back to its words."""

from __future__ import annotations

import re
from typing import NamedTuple

_BULLET = re.compile(r"^\s*(?:--|[-*•o·▪–—](?=\s))\s*")
# Unmarked bullets ("Near Mosul, ..." on a line of its own) start a new unit too.
_UNIT_START = re.compile(r"^\s*(?:--|[-*•o·▪–—]\s|Near\s|On\s|Yesterday\b|There\s+w(?:ere|as)\s)")
_TERMINAL = re.compile(r"[.:;!?\"”)]\s*$")
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
    """True if the text ends in end punctuation, trailing space aside (_TERMINAL)."""
    # \s is exactly what str.rstrip() strips, so a match can only start at the last non-space
    return bool(_TERMINAL.search(text, len(text.rstrip()) - 1))


def _few_words(text: str) -> bool:
    """True if the text has one to six words (without splitting a long text to count them)."""
    return 0 < len(text.split(None, 6)) <= 6


def _is_heading(text: str) -> bool:
    return _few_words(text) and not _ends_complete(text) and not _BULLET.match(text)


def _units(raw: str) -> list[tuple[int, int]]:
    """Spans of units: consecutive non-blank lines joined unless a line starts a bullet or a
    heading, or the previous line was complete (hard-wrapped copies break sentences anywhere)."""
    lines = _lines_with_offsets(raw)

    def heading_at(index: int) -> bool:
        text = lines[index][2].strip()
        if not _is_heading(text):
            return False
        following = lines[index + 1][2] if index + 1 < len(lines) else ""
        return not following.strip() or bool(_UNIT_START.match(following))

    def complete_at(index: int, line: str, heading: bool) -> bool:
        """A line ends its unit at end punctuation, or when it is a short header line (title,
        dateline, "By ...") followed by a capitalised line; not when it ends on a function word."""
        if heading or _ends_complete(line):
            return True
        if len(line) >= 160 or line.rstrip().endswith(","):
            return False
        following = lines[index + 1][2].lstrip() if index + 1 < len(lines) else ""
        if not (following[:1].isupper() or following[:1].isdigit()):
            return False
        last_words = line.rsplit(None, 1)
        return (last_words[-1].lower() if last_words else "") not in _FUNCTION_WORDS

    units: list[list[int]] = []
    open_unit = False
    previous_complete = True
    for index, (start, end, line) in enumerate(lines):
        if not line.strip():
            open_unit = False
            continue
        heading = heading_at(index)
        if not open_unit or previous_complete or heading or _UNIT_START.match(line):
            units.append([start, end])
        else:
            units[-1][1] = end
        open_unit = True
        previous_complete = complete_at(index, line, heading)
    return [(start, end) for start, end in units]


def _split_sentences(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    text = raw[start:end]
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
    for unit_index, (start, end) in enumerate(_units(raw)):
        unit_text = raw[start:end]
        bulleted = unit_text.lstrip()[:1] in _BULLET_MARKS and bool(_BULLET.match(unit_text))
        heading = (
            "\n" not in unit_text.strip()
            and _few_words(unit_text)  # _is_heading's first test, before the text is rebuilt
            and _is_heading(" ".join(unit_text.split()))
        )
        for s_start, s_end in _split_sentences(raw, start, end):
            piece = raw[s_start:s_end]
            lead = len(piece) - len(piece.lstrip())
            text = " ".join(piece.split())
            if not text:
                continue
            sentences.append(
                Sentence(
                    # text is stripped, so a bullet starts at its first character
                    text=_BULLET.sub("", text, count=1) if text[0] in _BULLET_MARKS else text,
                    start=s_start + lead,
                    end=s_end,
                    unit=unit_index,
                    bulleted=bulleted,
                    heading=heading,
                )
            )
    return sentences
