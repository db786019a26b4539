"""Target taxonomy: raw target phrases -> canonical type and category.

The facts live in two data files: `data/target_types.csv` (type -> category) and
`data/target_aliases.csv` (normalised phrase -> type). A phrase that matches nothing keeps
its normalised text as its type under the category "unclassified".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from loaders.numbers import COUNT_PATTERN

DATA_DIR = Path(__file__).parent / "data"
UNCLASSIFIED = "unclassified"
MAX_TYPE_LENGTH = 200  # an unclassified phrase named as its own type, cut to what a type holds

# Words that say who holds a target or how big it is, not what it is.
_NOISE = re.compile(
    r"\b(?:isis|isil|isl|daesh|is)(?:[- ]held|[- ]occupied|[- ]controlled)?\b"
    r"|\b(?:separate|large|small|medium|additional|other|several|various|multiple|"
    r"pieces? of|suspected|enemy|terrorist|the|its|their)\b",
)
_PARENTHESES = re.compile(r"\([^()]*\)")  # linear in a run of unclosed "(" (see grammar)
_LEADING_COUNT = re.compile(rf"^(?:{COUNT_PATTERN})\s+", re.IGNORECASE)
_IRREGULAR_PLURALS = {
    "headquarters": "headquarters", "equipment": "equipment", "ammunition": "ammunition",
    "explosives": "explosives", "series": "series", "watercraft": "watercraft",
    "aircraft": "aircraft", "personnel": "personnel", "lines": "line", "wellheads": "wellhead",
}


@dataclass(frozen=True)
class TargetClass:
    type: str
    category: str


def normalise_phrase(phrase: str) -> str:
    """Return a target phrase reduced to its lookup key: lower case, no owner or size words,
    no parentheses, hyphens as spaces ("two ISIS-held buildings" -> "buildings")."""
    text = _LEADING_COUNT.sub("", _PARENTHESES.sub(" ", phrase.lower()).strip())
    text = re.sub(r"[’'`]", "", text)
    text = _NOISE.sub(" ", text)
    text = re.sub(r"[-/]", " ", text)
    text = re.sub(r"[^a-z0-9 ]", " ", text)
    return " ".join(text.split())


def singulars(noun_phrase: str) -> list[str]:
    """Return the phrase and the forms its last word may have in the singular
    ("fighting positions" -> [..., "fighting position"]; "caches" -> "cache", "boxes" -> "box")."""
    words = noun_phrase.split()
    if not words:
        return [noun_phrase]
    head, last = words[:-1], words[-1]
    forms = [last]
    if last in _IRREGULAR_PLURALS:
        forms.append(_IRREGULAR_PLURALS[last])
    elif last.endswith("ies") and len(last) > 4:
        forms.append(last[:-3] + "y")
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
        forms.append(last[:-1])
        if last.endswith("es"):
            forms.append(last[:-2])
    return [" ".join([*head, form]) for form in forms]


def singular(noun_phrase: str) -> str:
    """Return the singular used to name an unclassified phrase ("weapons caches" -> "weapons cache")."""
    forms = singulars(noun_phrase)
    return forms[1] if len(forms) > 1 else forms[0]


@cache
def _categories() -> dict[str, str]:
    with (DATA_DIR / "target_types.csv").open(encoding="utf-8") as handle:
        return {row["type"]: row["category"] for row in csv.DictReader(handle)}


@cache
def _aliases() -> dict[str, str]:
    categories = _categories()
    aliases = {normalise_phrase(type_name): type_name for type_name in categories}
    with (DATA_DIR / "target_aliases.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["type"] not in categories:
                raise ValueError(f"target_aliases.csv: unknown type {row['type']!r}")
            aliases[normalise_phrase(row["phrase"])] = row["type"]
    return aliases


def compound_terms() -> list[str]:
    """Return the known phrases that contain "and" ("command and control node"), longest first,
    so a target list is not split inside them."""
    terms = {key for key in _aliases() if " and " in f" {key} "}
    return sorted(terms, key=len, reverse=True)


def categories() -> list[str]:
    """The taxonomy's categories, sorted."""
    return sorted(set(_categories().values()))


def category_of(type_name: str) -> str:
    """Return the category of a canonical type, "unclassified" for anything else."""
    return _categories().get(type_name, UNCLASSIFIED)


@cache
def classify(phrase: str) -> TargetClass:
    """Return the canonical type and category of a raw target phrase.

    Tries the phrase, its singular, then drops leading words one at a time ("modular oil
    refinery" -> "oil refinery"); unmatched phrases come back as their own unclassified type.
    """
    key = normalise_phrase(phrase)
    aliases = _aliases()
    words = key.split()
    # no alias is longer than _longest_alias() words: dropping words before those cannot match
    # (and would take time that grows with the square of a pathological phrase's length)
    for start in range(max(0, len(words) - _longest_alias()), len(words)):
        candidate = " ".join(words[start:])
        for form in singulars(candidate):
            if form in aliases:
                type_name = aliases[form]
                return TargetClass(type_name, category_of(type_name))
    unknown = singular(key) if key else phrase.strip().lower()
    return TargetClass(unknown[:MAX_TYPE_LENGTH], UNCLASSIFIED)


@cache
def _longest_alias() -> int:
    return max(len(key.split()) for key in _aliases())
