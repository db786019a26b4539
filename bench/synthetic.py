"""SYNTHETIC releases for the benchmarks: made-up strike releases in the real sentence shapes,
deterministic from a seed. They are NOT real data and go to their own scratch databases only.

Every text starts with the line ``SYNTHETIC RELEASE — not real data`` and every source is
``synthetic://seed-<seed>/<index>-<published>.txt``. What is real in them is the vocabulary:

- target phrases: the taxonomy (``loaders/data/target_aliases.csv`` and ``target_types.csv``),
  weighted by how often each type occurs in the bundled starter facts;
- places: the curated aliases (``loaders/data/place_aliases.csv``) and a few GeoNames towns
  that the gazetteer resolves, weighted by the starter facts;
- sentence shapes, one per era, after the real releases:
  * ``2015``: daily, "On Nov. 1, coalition military forces continued to attack ISIL ... In
    Syria, coalition military forces conducted N strikes ...", then ``Syria`` / ``Iraq``
    headers and bullets "*  Near X, two strikes struck two separate ISIL tactical units and
    destroyed ...";
  * ``2017``: daily, "... conducting N strikes consisting of M engagements ...", then
    "Strikes in Syria" / "In Syria, coalition military forces conducted N strikes consisting
    of M engagements against ISIS targets:" and "-- Near X, ..." bullets;
  * ``2018``: weekly, "... between Jan. 25 and Feb. 1, conducting N strikes consisting of M
    engagements ...", then one paragraph per day and place: "On Feb. 1 near X, coalition
    military forces conducted N strikes consisting of M engagements against ISIS targets,
    destroying ...".

Dates stay in the real range (Aug 2014 - Mar 2019), so a larger scale is denser, not longer.
The app treats releases with the same (published day, first strike day) as versions of one
release (db.versions.release_key), so each synthetic release gets its own pair: when there are
more releases than days, later rounds report strikes a few more days back.

A small, fixed share of releases is cut short (as many real copies are) and a few reports
name a made-up place or target phrase, so the data-quality queries have rows to count.
Each release carries what it was written to say (``expected``), to check the parser's
reading of it.
"""

from __future__ import annotations

import csv
import functools
import gzip
import itertools
import json
import random
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

BANNER = "SYNTHETIC RELEASE — not real data"
SOURCE_PREFIX = "synthetic://"
FIRST_DAY = date(2014, 8, 9)  # the first real release day after the first strikes (8 Aug 2014)
LAST_DAY = date(2019, 3, 31)
ERA_2017 = date(2017, 1, 1)
ERA_2018 = date(2018, 1, 1)

_ROOT = Path(__file__).resolve().parents[1]
_DATA = _ROOT / "loaders" / "data"
_STARTER = _ROOT / "data" / "starter.json.gz"
_FALLBACK_REAL_RELEASES = 389

# Shares of the synthetic quirks (per release / per report / per target).
CUT_AFTER_LIST = 0.03  # the copy stops after the list: no closing text
CUT_INSIDE_LIST = 0.01  # the copy stops inside the last target list
UNKNOWN_PLACE = 0.01
UNKNOWN_TARGET = 0.005
BARE_PLURAL = 0.08  # "destroyed ISIL fighting positions": no number

# GeoNames towns named in real releases that the curated aliases do not list; each is kept
# only if the gazetteer resolves it to a GeoNames place.
GEONAMES_TOWNS = (
    ("Mosul", "Iraq"), ("Ramadi", "Iraq"), ("Kirkuk", "Iraq"), ("Hit", "Iraq"), ("Rawah", "Iraq"),
    ("Kisik", "Iraq"), ("Sultan Abdallah", "Iraq"), ("Baghdad", "Iraq"), ("Samarra", "Iraq"),
    ("Baqubah", "Iraq"), ("Manbij", "Syria"), ("Al Mayadin", "Syria"), ("Hajin", "Syria"),
    ("Ash Shaddadi", "Syria"), ("Idlib", "Syria"), ("Aleppo", "Syria"), ("Homs", "Syria"),
)
# Made-up names (kept only if the gazetteer does NOT resolve them): unknown_place rows.
_FICTIONAL_PLACES = tuple(
    f"{prefix} {stem}"
    for prefix in ("Wadi", "Tall", "Qaryat", "Jabal")
    for stem in ("Fictia", "Sinthara", "Nonesuch", "Imaginar", "Placebra", "Mockara", "Dummara", "Testana")
)
# Made-up target phrases (kept only if the taxonomy does NOT know them): unclassified rows.
_FICTIONAL_TARGETS = ("synthetic decoy frame", "mock relay mast", "placeholder sled", "fixture crate")

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen", "twenty")
_MONTH_AP = ("", "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_MONTH_FULL = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


# --- what a release says --------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedTarget:
    action: str
    count: int | None
    type: str


@dataclass(frozen=True)
class ExpectedReport:
    country: str
    place: str  # as written
    day: date
    strikes: int
    engagements: int | None
    targets: tuple[ExpectedTarget, ...]


@dataclass(frozen=True)
class SyntheticRelease:
    index: int
    source: str
    published: date
    era: str  # 2015, 2017, 2018
    text: str
    expected: tuple[ExpectedReport, ...]
    cut: str  # "", "after_list" or "inside_list"

    @property
    def name(self) -> str:
        return self.source

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")


# --- vocabulary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrase:
    singular: str
    plural: str
    type: str


@dataclass(frozen=True)
class Vocabulary:
    places: dict[str, tuple[tuple[str, ...], tuple[float, ...]]]  # country -> (names, cumulative weights)
    fictional_places: dict[str, tuple[str, ...]]
    phrases: tuple[_Phrase, ...]
    phrase_weights: tuple[float, ...]  # cumulative
    fictional_phrases: tuple[_Phrase, ...]
    dropped_phrases: tuple[str, ...]  # taxonomy phrases left out: they do not read back as their type


def real_release_count() -> int:
    """The number of releases in the bundled starter data (the 1x scale)."""
    try:
        with gzip.open(_STARTER, "rb") as handle:
            return len(json.loads(handle.read().decode("utf-8"))["releases"])
    except (OSError, KeyError, ValueError):
        return _FALLBACK_REAL_RELEASES


@functools.cache
def _starter_frequencies() -> tuple[Counter, Counter]:
    """How often each canonical place and target type occurs in the starter facts."""
    places: Counter = Counter()
    types: Counter = Counter()
    try:
        with gzip.open(_STARTER, "rb") as handle:
            releases = json.loads(handle.read().decode("utf-8"))["releases"]
    except (OSError, KeyError, ValueError):
        return places, types
    for release in releases:
        for report in release["reports"]:
            if report["place"]:
                places[report["place"][0]] += 1
            for _action, _count, type_, category in report["targets"]:
                if type_ and category != "unclassified":
                    types[type_] += 1
    return places, types


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


_ACRONYMS = {"vbied", "svbied", "hbied", "pbied", "ied", "rpg", "hmmwv", "uav", "c2", "sam", "aaa", "pkm", "dshk", "sa"}


def _written(phrase: str) -> str:
    """The phrase as a release writes it: acronyms in capitals ("vbied" -> "VBIED")."""
    return " ".join(word.upper() if word in _ACRONYMS else word for word in phrase.split())


def pluralise(phrase: str) -> str:
    words = phrase.split()
    last = words[-1]
    if last in _ACRONYMS:
        plural = last.upper() + "s"
    elif last.endswith("s") or last in ("equipment", "ammunition", "aircraft", "personnel", "artillery", "watercraft"):
        plural = last
    elif last.endswith("y") and len(last) > 2 and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("ch", "sh", "x", "z")):
        plural = last + "es"
    else:
        plural = last + "s"
    return _written(" ".join([*words[:-1], plural]))


def _cumulative(weights: list[float]) -> tuple[float, ...]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(out)


@functools.cache
def vocabulary() -> Vocabulary:
    """The real place names and target phrases the releases are written with (checked against
    the gazetteer and the taxonomy, so each reads back as what it was meant to be)."""
    from loaders.gazetteer import resolve_place
    from loaders.taxonomy import UNCLASSIFIED, classify

    place_counts, type_counts = _starter_frequencies()

    # places: curated aliases, then a few GeoNames towns through the gazetteer
    names: dict[str, dict[str, float]] = {"Iraq": {}, "Syria": {}}
    with (_DATA / "place_aliases.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["country"] in names and "," not in row["alias"] and row["alias"][:1].isupper():
                names[row["country"]][row["alias"]] = 1.0 + place_counts.get(row["name"], 0) / 4
    for town, country in GEONAMES_TOWNS:
        place = resolve_place(town, country)
        if place.precision == "place" and place.country == country and town not in names[country]:
            names[country][town] = 1.0 + place_counts.get(place.name, 0) / 4
    places = {}
    for country, weighted in names.items():
        ordered = sorted(weighted)
        places[country] = (tuple(ordered), _cumulative([weighted[name] for name in ordered]))
    fictional = {
        country: tuple(name for name in _FICTIONAL_PLACES if resolve_place(name, country).precision == "unresolved")
        for country in names
    }

    # target phrases: every taxonomy phrase whose singular and plural read back as its type
    with (_DATA / "target_types.csv").open(encoding="utf-8", newline="") as handle:
        types = [row["type"] for row in csv.DictReader(handle)]
    candidates: list[tuple[str, str]] = [(type_, type_) for type_ in types]
    with (_DATA / "target_aliases.csv").open(encoding="utf-8", newline="") as handle:
        candidates += [(row["phrase"], row["type"]) for row in csv.DictReader(handle)]
    phrases, weights, dropped = [], [], []
    per_type = Counter(type_ for _phrase, type_ in candidates)
    seen = set()
    for phrase, type_ in candidates:
        if type_ == "tactical unit" or (phrase, type_) in seen:
            continue  # tactical units have their own "struck/engaged N tactical units" clause
        seen.add((phrase, type_))
        plural = pluralise(phrase)
        if (
            classify(f"ISIL {phrase}").type != type_
            or classify(f"two ISIL {plural}").type != type_
            or classify(f"an ISIS {phrase}").type != type_
            or " and " in f" {phrase} "  # "command and control node" is fine for the taxonomy,
        ):  # but a list "A, B and C" splits it in some positions: kept out to keep counts exact
            dropped.append(phrase)
            continue
        phrases.append(_Phrase(_written(phrase), plural, type_))
        weights.append((1.0 + type_counts.get(type_, 0)) / per_type[type_])
    fictional_phrases = tuple(
        _Phrase(phrase, pluralise(phrase), classify(phrase).type)
        for phrase in _FICTIONAL_TARGETS
        if classify(phrase).category == UNCLASSIFIED
    )
    return Vocabulary(places, fictional, tuple(phrases), _cumulative(weights), fictional_phrases, tuple(dropped))


# --- words -------------------------------------------------------------------------------------


def _number(value: int, words_up_to: int = 20) -> str:
    return _UNITS[value] if value <= words_up_to else str(value)


def _article(next_word: str) -> str:
    return "an" if next_word[:1].lower() in "aeiou" else "a"


def _day(value: date) -> str:
    return f"{_MONTH_AP[value.month]} {value.day}"


def _choice(rng: random.Random, items: tuple, cumulative: tuple[float, ...]):
    return items[_bisect(cumulative, rng.random() * cumulative[-1])]


def _bisect(cumulative: tuple[float, ...], value: float) -> int:
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def _strike_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.45:
        return 1
    if roll < 0.65:
        return 2
    if roll < 0.90:
        return rng.randint(3, 5)
    return rng.randint(6, 16)


def _list(items: list[str], oxford: bool) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + ("," if oxford else "") + " and " + items[-1]


class _Writer:
    """Writes the target clauses of one report in one era's style."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, era: str):
        self.rng, self.vocab, self.era = rng, vocab, era
        self.owner = "ISIL" if era == "2015" else "ISIS"

    def _item(self, phrase: _Phrase, count: int | None, owned: bool) -> str:
        owner = f"{self.owner} " if owned else ""
        if count is None:
            return f"{owner}{phrase.plural}"
        if count == 1:
            words = f"{owner}{phrase.singular}"
            return f"{_article(words)} {words}"
        return f"{_number(count, 20 if self.era == '2015' else 9)} {owner}{phrase.plural}"

    def _phrase(self) -> _Phrase:
        if self.vocab.fictional_phrases and self.rng.random() < UNKNOWN_TARGET:
            return self.rng.choice(self.vocab.fictional_phrases)
        return _choice(self.rng, self.vocab.phrases, self.vocab.phrase_weights)

    def _count(self) -> int | None:
        if self.rng.random() < BARE_PLURAL:
            return None
        roll = self.rng.random()
        return 1 if roll < 0.55 else self.rng.randint(2, 4) if roll < 0.9 else self.rng.randint(5, 15)

    def targets(self, strikes: int) -> tuple[str, list[ExpectedTarget]]:
        """Return (the clauses after the strike count, the targets they name)."""
        rng = self.rng
        expected: list[ExpectedTarget] = []
        clauses: list[str] = []
        hit_verb = "struck" if self.era == "2015" else "engaged"
        if rng.random() < 0.55:
            units = 1 if rng.random() < 0.6 else rng.randint(2, max(2, strikes))
            separate = "separate " if units > 1 and self.era == "2015" else ""
            unit_words = f"{self.owner} tactical unit" if units == 1 else f"{self.owner} tactical units"
            count_text = _article(separate or unit_words) if units == 1 else _number(units, 20 if self.era == "2015" else 9)
            clauses.append(f"{hit_verb} {count_text} {separate}{unit_words}")
            expected.append(ExpectedTarget("struck" if self.era == "2015" else "engaged", units, "tactical unit"))
        size = _choice(rng, (1, 2, 3, 4, 5), (0.30, 0.60, 0.80, 0.92, 1.0))
        if not clauses or rng.random() < 0.92:
            items, used = [], set()
            for _ in range(size):
                phrase = self._phrase()
                if phrase.type in used:
                    continue
                used.add(phrase.type)
                count = self._count()
                if count is None and phrase.plural == phrase.singular:
                    count = 2  # "ISIL aircraft" without a number reads as one: write a number
                items.append(self._item(phrase, count, owned=self.era == "2015" or rng.random() < 0.5))
                expected.append(ExpectedTarget("destroyed", count, phrase.type))
            clauses.append(("destroying " if self.era == "2018" else "destroyed ") + _list(items, self.era == "2015"))
        if rng.random() < 0.10:
            phrase = self._phrase()
            count = 1
            clauses.append(("damaging " if self.era == "2018" else "damaged ") + self._item(phrase, count, True))
            expected.append(ExpectedTarget("damaged", count, phrase.type))
        if self.era == "2018":
            if expected and expected[0].type == "tactical unit":
                clauses[0] = "engaging" + clauses[0][len("engaged"):]
            return _list(clauses, False), expected
        if self.era == "2017" and len(clauses) > 2:
            return "; ".join(clauses[:-1]) + "; and " + clauses[-1], expected
        return _list(clauses, False), expected


def _place(rng: random.Random, vocab: Vocabulary, country: str) -> str:
    if vocab.fictional_places[country] and rng.random() < UNKNOWN_PLACE:
        return rng.choice(vocab.fictional_places[country])
    names, cumulative = vocab.places[country]
    return _choice(rng, names, cumulative)


# --- release shapes ----------------------------------------------------------------------------

_CLOSING_2015 = (
    "Strike assessments are based on initial reports. All aircraft returned to base safely.\n\n"
    "The strikes were conducted as part of Operation Inherent Resolve, the operation to eliminate the "
    "ISIL terrorist group and the threat they pose to Iraq, Syria, the region, and the wider international "
    "community.\n"
)
_CLOSING_2017 = (
    "Part of Operation Inherent Resolve\n\n"
    "These strikes were conducted as part of Operation Inherent Resolve, the operation to defeat ISIS in "
    "Iraq and Syria.\n"
)


def _reports_for(rng, vocab, era, country, day, count_range) -> tuple[list[str], list[ExpectedReport]]:
    writer = _Writer(rng, vocab, era)
    lines, expected = [], []
    for _ in range(rng.randint(*count_range)):
        place = _place(rng, vocab, country)
        strikes = _strike_count(rng)
        clauses, targets = writer.targets(strikes)
        if era == "2015":
            strike_words = f"{_number(strikes)} strike{'s' if strikes > 1 else ''}"
            lines.append(f"*  Near {place}, {strike_words} {clauses}.")
            expected.append(ExpectedReport(country, place, day, strikes, None, tuple(targets)))
        else:
            strike_words = "a strike" if strikes == 1 else f"{_number(strikes, 9)} strikes"
            lines.append(f"-- Near {place}, {strike_words} {clauses}.")
            expected.append(ExpectedReport(country, place, day, strikes, None, tuple(targets)))
    return lines, expected


def _release_2015(rng, vocab, published: date, day: date) -> tuple[str, list[ExpectedReport]]:
    syria, syria_expected = _reports_for(rng, vocab, "2015", "Syria", day, (1, 5) if rng.random() < 0.9 else (0, 0))
    iraq, iraq_expected = _reports_for(rng, vocab, "2015", "Iraq", day, (2, 9))
    n_syria = sum(r.strikes for r in syria_expected)
    n_iraq = sum(r.strikes for r in iraq_expected)
    lead = f"SOUTHWEST ASIA — On {_day(day)}, coalition military forces continued to attack ISIL terrorists in Syria and Iraq."
    if syria:
        lead += (f" In Syria, coalition military forces conducted {_number(n_syria, 9)} strikes using fighter, attack, "
                 "and remotely piloted aircraft. Separately in Iraq,")
    else:
        lead += " In Iraq,"
    lead += (f" coalition military forces conducted {_number(n_iraq, 9)} strikes coordinated with and in support of "
             "the Government of Iraq using bomber, fighter, attack, and remotely piloted aircraft against ISIL targets.")
    parts = [
        BANNER, "",
        f"{_day(published)}: Military airstrikes continue against ISIL terrorists in Syria and Iraq", "",
        f"{_MONTH_FULL[published.month]} {published.day:02d}, {published.year}",
        f"Release # {published:%Y%m%d}-{rng.randint(1, 3):02d}",
        "FOR IMMEDIATE RELEASE", "",
        lead, "",
        "The following is a summary of the strikes conducted against ISIL since the last press release:", "",
    ]
    if syria:
        parts += ["Syria", *syria, ""]
    parts += ["Iraq", *iraq, ""]
    return "\n".join(parts), syria_expected + iraq_expected


def _release_2017(rng, vocab, published: date, day: date) -> tuple[str, list[ExpectedReport]]:
    syria, syria_expected = _reports_for(rng, vocab, "2017", "Syria", day, (2, 7))
    iraq, iraq_expected = _reports_for(rng, vocab, "2017", "Iraq", day, (1, 6) if rng.random() < 0.85 else (0, 0))
    n_syria = sum(r.strikes for r in syria_expected)
    n_iraq = sum(r.strikes for r in iraq_expected)
    e_syria = n_syria + rng.randint(0, n_syria)
    e_iraq = n_iraq + rng.randint(0, n_iraq)
    when = "yesterday" if (published - day).days == 1 else f"on {_day(day)}"
    parts = [
        BANNER, "",
        "From a Combined Joint Task Force Operation Inherent Resolve News Release", "",
        f"SOUTHWEST ASIA, {_MONTH_AP[published.month]} {published.day}, {published.year} — U.S. and coalition military "
        f"forces continued to attack the Islamic State of Iraq and Syria {when}, conducting {n_syria + n_iraq} strikes "
        f"consisting of {e_syria + e_iraq} engagements, Combined Joint Task Force Operation Inherent Resolve officials "
        "reported today.", "",
        "Officials reported details of the strikes, noting that assessments of results are based on initial reports.", "",
        "Strikes in Syria", "",
        f"In Syria, coalition military forces conducted {_number(n_syria, 9)} strikes consisting of "
        f"{_number(e_syria, 9)} engagements against ISIS targets:", "",
    ]
    for line in syria:
        parts += [line, ""]
    if iraq:
        parts += [
            "Strikes in Iraq", "",
            f"In Iraq, coalition military forces conducted {_number(n_iraq, 9)} strikes consisting of "
            f"{_number(e_iraq, 9)} engagements against ISIS targets:", "",
        ]
        for line in iraq:
            parts += [line, ""]
    return "\n".join(parts), syria_expected + iraq_expected


def _release_2018(rng, vocab, published: date, first: date, last: date) -> tuple[str, list[ExpectedReport]]:
    sections = []
    expected_all: list[ExpectedReport] = []
    for country, share in (("Syria", 0.85), ("Iraq", 0.55)):
        paragraphs, expected = [], []
        day = last
        while day >= first:
            if rng.random() < share:
                place = _place(rng, vocab, country)
                strikes = _strike_count(rng)
                engagements = strikes + rng.randint(0, strikes)
                clauses, targets = _Writer(rng, vocab, "2018").targets(strikes)
                strike_words = "a strike" if strikes == 1 else f"{_number(strikes, 9)} strikes"
                engagement_words = "one engagement" if engagements == 1 else f"{_number(engagements, 9)} engagements"
                paragraphs.append(
                    f"On {_day(day)} near {place}, coalition military forces conducted {strike_words} consisting of "
                    f"{engagement_words} against ISIS targets, {clauses}."
                )
                expected.append(ExpectedReport(country, place, day, strikes, engagements, tuple(targets)))
            else:
                paragraphs.append(f"There were no reported strikes conducted in {country} on {_day(day)}.")
            day -= timedelta(days=1)
        sections.append((country, paragraphs))
        expected_all += expected
    n = sum(r.strikes for r in expected_all)
    e = sum(r.engagements or 0 for r in expected_all)
    parts = [
        BANNER, "",
        "From a Combined Joint Task Force Operation Inherent Resolve News Release", "",
        f"SOUTHWEST ASIA, {_MONTH_AP[published.month]} {published.day}, {published.year} — U.S. and coalition military "
        f"forces continued to attack the Islamic State of Iraq and Syria between {_day(first)} and {_day(last)}, "
        f"conducting {n} strikes consisting of {e} engagements, Combined Joint Task Force Operation Inherent "
        "Resolve officials reported today.", "",
        "Officials reported details of the most recent strikes, noting that assessments of results are based on "
        "initial reports.", "",
    ]
    for country, paragraphs in sections:
        parts += [f"Strikes in {country}", ""]
        for paragraph in paragraphs:
            parts += [paragraph, ""]
    return "\n".join(parts), expected_all


# --- the stream ------------------------------------------------------------------------------------

_DAYS = (LAST_DAY - FIRST_DAY).days + 1


def slot(index: int, total: int) -> tuple[date, int]:
    """The (published day, lag in days) of release ``index`` of ``total``: spread evenly over
    the real date range, one more day of lag for each round beyond one release a day."""
    rounds = max(1, -(-total // _DAYS))
    position = index * (_DAYS * rounds) // total
    return FIRST_DAY + timedelta(days=position % _DAYS), 1 + position // _DAYS


def release(index: int, total: int, seed: int = 0, attempt: int = 0) -> SyntheticRelease:
    """Synthetic release ``index`` of a set of ``total``, the same for the same seed (another
    attempt: another draw for the same slot)."""
    rng = random.Random(seed * 1_000_003 + index + attempt * 7_919_000_017)
    vocab = vocabulary()
    published, lag = slot(index, total)
    if published < ERA_2017:
        era = "2015"
        text, expected = _release_2015(rng, vocab, published, published - timedelta(days=lag))
        closing = _CLOSING_2015
    elif published < ERA_2018:
        era = "2017"
        text, expected = _release_2017(rng, vocab, published, published - timedelta(days=lag))
        closing = _CLOSING_2017
    else:
        era = "2018"
        last = published - timedelta(days=lag)
        text, expected = _release_2018(rng, vocab, published, last - timedelta(days=6), last)
        closing = _CLOSING_2017
    roll = rng.random()
    if roll < CUT_INSIDE_LIST and expected and expected[-1].targets:
        cut = "inside_list"
        body = text.rstrip()
        # stop inside the last target phrase: drop its last three characters and the full stop
        text = body[:-4].rstrip() + "\n"
    elif roll < CUT_INSIDE_LIST + CUT_AFTER_LIST:
        cut = "after_list"
    else:
        cut = ""
        text = text + "\n" + closing
    source = f"{SOURCE_PREFIX}seed-{seed}/{index:06d}-{published.isoformat()}.txt"
    return SyntheticRelease(index, source, published, era, text, tuple(expected), cut)


def list_of(item: SyntheticRelease) -> str | None:
    """The list key (db.versions.list_key) the planner will give the release: its lines'
    country, place as the gazetteer names it, and strikes."""
    from db.versions import list_key
    from loaders.gazetteer import resolve_place

    return list_key((report.country, resolve_place(report.place, report.country).name, report.strikes)
                    for report in item.expected if report.strikes)


def generate(total: int, seed: int = 0, stop: int | None = None) -> Iterator[SyntheticRelease]:
    """The releases of a synthetic set of ``total`` up to ``stop`` (default: all), in order
    (take a run's batches from one generator): every one a release of its own. A long list
    (db.versions.SAME_LIST_LINES lines) drawn twice would make the later one a repost of the
    earlier (the planner's rule for real reposts), so the later slot is drawn again."""
    from db.versions import SAME_LIST_LINES, _list_lines

    seen: set[str] = set()
    for index in range(0, total if stop is None else min(stop, total)):
        for attempt in itertools.count():
            item = release(index, total, seed, attempt)
            key = list_of(item)
            if _list_lines(key) < SAME_LIST_LINES or key not in seen:
                break
        if key is not None and _list_lines(key) >= SAME_LIST_LINES:
            seen.add(key)
        yield item


def check(item: SyntheticRelease, parsed) -> Counter:
    """Compare the parser's reading of a synthetic release with what it was written to say.
    Returns counts: releases, reports / strikes / targets expected and read back exactly."""
    out: Counter = Counter(releases=1)
    if item.cut:
        out["cut"] += 1
        return out
    got = [
        (r.country, r.location_raw, r.date, r.strikes, r.engagements,
         Counter((t.action, t.count, t.type) for t in r.targets))
        for r in parsed.strikes
    ]
    out["reports_expected"] += len(item.expected)
    out["reports_parsed"] += len(got)
    out["strikes_expected"] += sum(r.strikes for r in item.expected)
    out["strikes_parsed"] += sum(r.strikes or 0 for r in parsed.strikes)
    for index, want in enumerate(item.expected):
        wanted_targets = Counter((t.action, t.count, t.type) for t in want.targets)
        out["targets_expected"] += sum(wanted_targets.values())
        if index >= len(got):
            continue
        country, place, day, strikes, engagements, targets = got[index]
        if (country, place, day, strikes, engagements) == (want.country, want.place, want.day, want.strikes, want.engagements):
            out["reports_exact"] += 1
        out["targets_exact"] += sum((wanted_targets & targets).values())
    if all(d.kind in ("unknown_place", "unclassified_target") for d in parsed.diagnostics):
        out["releases_without_unexpected_diagnostics"] += 1
    return out


def scale_size(scale: float, base: int | None = None) -> int:
    """The number of releases at a scale: 1x is the bundled real data."""
    return max(1, round((base or real_release_count()) * scale))


def main() -> None:  # python -m bench.synthetic [N] [SEED]: print a few releases
    import sys

    total = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    for item in generate(total, seed):
        print(f"===== {item.source} ({item.era}, cut={item.cut or 'no'})")
        print(item.text)


if __name__ == "__main__":
    main()
