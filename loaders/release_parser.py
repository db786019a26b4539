"""Release parser: raw release text -> ParsedRelease (strike reports, targets, totals,
diagnostics). Walks the sentences in order, carrying the country, day and block context
that headings and lead sentences set."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from loaders.count_of_record import account_for_stated_totals
from loaders.dates import (
    DAY_PATTERN,
    MONTH_PATTERN,
    RELATIVE_DAY_PATTERN,
    assumed_strike_day,
    days_named,
    names_a_month,
    parse_day,
    relative_day,
)
from loaders.gazetteer import near_the_border, resolve_place
from loaders.grammar import CaselessPattern, Prefiltered, Statement, TargetPhrase, analyse, keyword_text
from loaders.numbers import MAX_PLAUSIBLE_COUNT
from loaders.published_figures import published_figures
from loaders.records import (
    COUNTRIES,
    SCOPES,
    Diagnostic,
    ParsedRelease,
    PublishedFigure,
    StatedTotal,
    StrikeReport,
    Target,
    Totals,
)
from loaders.segmenter import Sentence, segment
from loaders.taxonomy import UNCLASSIFIED, classify

_ORG_NAMES = (
    (re.compile(r"Islamic State of Iraq and (?:the )?Syria", re.IGNORECASE), "ISIS"),
    (re.compile(r"Islamic State of Iraq and the Levant", re.IGNORECASE), "ISIL"),
    (re.compile(r"Islamic State in Iraq and Syria", re.IGNORECASE), "ISIS"),
)
_RELEASE_DATE_RES = (
    re.compile(rf"^[A-Z][A-Z .,]+?,\s*(?:Fla\.,\s*)?(?P<day>{DAY_PATTERN})\s*[—–-]", re.MULTILINE),
    re.compile(rf"(?:(?:Press Release|News|NEWS)\s*\|\s*|^)(?P<day>{DAY_PATTERN})\s*$", re.MULTILINE),
    re.compile(rf"\b(?:released|issued|dated)\s+(?:on\s+)?(?P<day>{DAY_PATTERN})", re.IGNORECASE),
)
_COUNTRY_HEADING_RE = re.compile(r"^(?:Strikes\s+in\s+|In\s+)?(?P<country>Syria|Iraq)\s*:?$", re.IGNORECASE)
_DAY_HEADING_RE = re.compile(rf"^(?P<day>{DAY_PATTERN})\s+Strikes$", re.IGNORECASE)
_LATE_HEADING_RE = re.compile(
    r"^(?:Previous|Other\s+Recent|Additional|Late|Earlier)\s+Strikes$|Strikes$|^Previously\s+Unreported$", re.IGNORECASE
)
_CLOSING_RE = re.compile(
    r"assessments\s+(?:of\s+results\s+)?are\s+based|aircraft\s+(?:returned|exited|departed)|"
    r"Part\s+of\s+Operation|(?:The|These)\s+strikes\s+were\s+conducted\s+as\s+part|"
    r"list\s+above\s+contains|Coalition\s+nations\s+which|For\s+a\s+complete|"
    r"The\s+destruction\s+of|define\s+a\s+strike",
    re.IGNORECASE,
)
_WINDOW_WORDS_RE = re.compile(rf"\b(?:{DAY_PATTERN}|{RELATIVE_DAY_PATTERN})\b", re.IGNORECASE)
_WINDOW_WORDS = CaselessPattern(_WINDOW_WORDS_RE)
_LEAD_WORDS = Prefiltered(
    re.compile(r"\b(?:continued?\s+to\s+attack|strikes|airstrikes?|conduct\w*)\b", re.IGNORECASE),
    ("strike", "conduct", "continue"),
)
_REPORTED = Prefiltered(
    re.compile(rf"\b(?:reported|announced|said|released)\s+(?:on\s+)?(?:{RELATIVE_DAY_PATTERN})\b", re.IGNORECASE),
    ("reported", "announced", "said", "released"),
)
# "SOUTHWEST ASIA, Feb. 14, 2017 —" dates the release, not the strikes; a dateline carries its
# year ("Dec. 16 – 22" is a window of days).
_DATELINE_RE = re.compile(rf"^.{{0,300}}?\b{MONTH_PATTERN}\s+\d{{1,2}},?\s+\d{{4}}\s*(?:[—–]|-\s)\s*")
_DATELINE_DASHES = ("—", "–", "-")
_TITLE_LINE_RE = re.compile(r"^\s*(?P<title>[^\n]{12,160})\n")
_NOT_A_TITLE_RE = re.compile(r"\d{4}$|^From a|^Press Release")
_OPENING_COUNTRY_RE = re.compile(r"^(?:Separately,?\s+)?In\s+(Syria|Iraq)\b")
_LEAD_COUNTRY_RE = re.compile(r"\b(?:in|against\s+ISI[LS]\s+in)\s+(Syria|Iraq)\b")
_LEAD_BOTH_COUNTRIES_RE = re.compile(r"Syria\s+and\s+Iraq|Iraq\s+and\s+Syria")
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
_ENDS_IN_WORD_RE = re.compile(r"\w$")
_RESULT_VERB_RE = re.compile(r"\b(?:destroyed|engaged|struck|damaged|suppressed)\b")
_RESULT_VERBS = ("destroyed", "engaged", "struck", "damaged", "suppressed")
_GROUP_NAME_RE = re.compile(r"\b(?:ISIS|ISIL|Daesh)\b")
_TASK_FORCE_RE = re.compile(r"\bCJTF-OIR\b|\bCombined\s+Joint\s+Task\s+Force\b|\bOperation\s+Inherent\s+Resolve\b")
_COALITION_RE = re.compile(r"\b[Cc]oalition\b")
_STRIKE_WORD_RE = re.compile(r"\b(?:air)?strikes?\b|\bstruck\b", re.IGNORECASE)


def canonical_text(text: str) -> str:
    """The text as its content hash sees it: CRLF line ends as LF, each line without its trailing
    space, the whole stripped (the same release copied twice hashes the same)."""
    return "\n".join(map(str.rstrip, text.replace("\r\n", "\n").split("\n"))).strip()


def content_hash(text: str) -> str:
    """Return the SHA-256 of the canonical text."""
    return hashlib.sha256(canonical_text(text).encode("utf-8")).hexdigest()


# "Release # 20190106-02": the release's own number holds its date (the page around it may be
# dated a day later, "Press Release | Jan. 7, 2019")
_RELEASE_NUMBER_RE = re.compile(r"\bRelease\s*(?:#|No\.?)\s*(?P<year>20\d\d)(?P<month>\d\d)(?P<day>\d\d)-\d+")


def find_release_date(raw: str) -> date | None:
    """Return the release date written in the release number, dateline or header, else None."""
    head = raw[:1500]
    number = _RELEASE_NUMBER_RE.search(head)
    if number:
        try:
            return date(int(number["year"]), int(number["month"]), int(number["day"]))
        except ValueError:
            pass  # not a date: read the dateline instead
    for pattern in _RELEASE_DATE_RES:
        match = pattern.search(head)
        if match:
            first, _ = parse_day(match["day"], None)
            if first:
                return first
    return None


def _title(raw: str, hint: str | None) -> str | None:
    if hint:
        return hint.strip()
    match = _TITLE_LINE_RE.match(raw)
    if match and not _NOT_A_TITLE_RE.search(match["title"]):
        return match["title"].strip()
    return None


def _normalise(text: str) -> str:
    if "islamic state" not in keyword_text(text):
        return text  # every name in _ORG_NAMES starts "Islamic State"
    for pattern, replacement in _ORG_NAMES:
        text = pattern.sub(replacement, text)
    return text


class _Walker:
    """Carries the context of a walk through one release's sentences."""

    def __init__(self, raw: str, published: date | None, sentences: list[Sentence]):
        self.raw = raw
        self.text_end = len(raw.rstrip())  # where the copy's last words end
        self.published = published
        self.sentences = sentences
        self.country: str | None = None
        self.day: date | None = None  # strike day set by the lead, a heading or a block
        self.block = "main"
        self.stated: dict[str, Totals] = {key: Totals() for key in SCOPES}
        self.late_stated: list[tuple[Totals, Sentence]] = []
        self.reports: list[StrikeReport] = []
        self.diagnostics: list[Diagnostic] = []
        self.window: list[date] = []
        self.seen_statement = False
        self.seen_heading_day = False
        self.seen_country_heading = False
        self.lead_days: dict[str, date | None] = {}  # default strike day by country ("all")
        self.stated_totals: list[StatedTotal] = []  # every total the release states, in text order
        self.open_day: int | None = None  # the day paragraph whose list follows ("On May 1, ...:")
        self.open_late: int | None = None  # the late block whose list follows
        # what a late block's header names for its lines: the days (first, last) and the place
        self.block_days: tuple[date, date] | None = None
        self.block_place: str | None = None
        # a day's total without a place ("On May 1, ... five strikes ... in Syria."): a line of its
        # own unless places of that day follow, which it then totals
        self.pending_day: tuple[int, date, str | None] | None = None
        self.figures: list[PublishedFigure] = []  # cumulative and monthly figures, never counted
        self.flagged: dict[tuple, int] = {}  # diagnostics per (kind, sentence span)

    def resolve_day(self, statement: Statement) -> tuple[date | None, date | None] | None:
        """Return the (first, last) day a statement names, or None if it names none."""
        if statement.day_text:
            first, last = parse_day(statement.day_text, self.published)
            if statement.until_text and first is not None:
                until = parse_day(statement.until_text, self.published)[1] or relative_day(
                    statement.until_text, self.published)
                last = until if until is not None and until >= first else last
            return first, last
        if statement.relative_day:
            day = relative_day(statement.relative_day, self.published)
            return day, day
        return None

    def late_days(self, statement: Statement, text: str) -> tuple[date | None, date | None] | None:
        """The days a late block or line names, from the first to the last ("on May 26, June 11
        and Aug. 25-26", "from April 11 into yesterday"); None where it names none. "Announced
        today" dates the announcement, never the strikes."""
        named = days_named(text, self.published)
        if named is None:
            return self.resolve_day(statement) if statement.relative_day not in (None, "today") else None
        first, last = named
        if statement.until_text:
            until = parse_day(statement.until_text, self.published)[1] or relative_day(statement.until_text,
                                                                                         self.published)
            last = max(last, until) if until is not None else last
        return first, last

    def lead(self, sentence: Sentence) -> None:
        """The first sentences set the period the release covers and its default day."""
        if not _LEAD_WORDS.search(sentence.text, keyword_text(sentence.text)):
            return
        text = sentence.text
        # A dateline names a month (its pattern is case-sensitive) and a dash.
        if names_a_month(text) and any(map(text.__contains__, _DATELINE_DASHES)):
            text = _DATELINE_RE.sub("", text)
        # "officials reported today" dates the report, not the strikes.
        if _REPORTED.may_match(keyword_text(text)):
            text = _REPORTED.pattern.sub(" ", text)
        pattern, subject = _WINDOW_WORDS.on(text, text.lower())
        words = [text[match.start() : match.end()] for match in pattern.finditer(subject)]
        days: list[date] = []
        for word in words:
            first, last = parse_day(word, self.published)
            if first is None:
                first = last = relative_day(word, self.published)
            if first is not None:
                days.extend([first, last or first])
        if not days:
            return
        days = [day for day in days if self.published is None or day <= self.published]
        if not days:
            return
        self.window.extend(days)
        if not self.seen_statement:
            country = _LEAD_COUNTRY_RE.search(text)
            key = country[1] if country and not _LEAD_BOTH_COUNTRIES_RE.search(text) else "all"
            self.lead_days.setdefault(key, days[0] if len(set(days)) == 1 else None)

    def default_day(self, country: str | None) -> date | None:
        """The strike day a statement without its own date takes."""
        if self.day is not None or self.block != "main" or self.seen_heading_day:
            return self.day
        if country in self.lead_days:
            return self.lead_days[country]
        if self.lead_days.get("all") is not None:
            return self.lead_days["all"]
        # "On March 30, ... in Syria ... Separately in Iraq, ...": one day named for the release
        distinct = {day for day in self.lead_days.values() if day is not None}
        return distinct.pop() if len(distinct) == 1 else None

    def add_stated(self, statement: Statement, sentence: Sentence) -> None:
        totals = Totals(statement.strikes, statement.engagements)
        if self.block != "main" or statement.late:
            self.late_stated.append((totals, sentence))
            named = self.late_days(statement, sentence.text)
            country = None if statement.both_countries else statement.country
            self.open_late = self._record_total("late", country, named, statement, sentence)
            self.open_day = None
            return
        country = statement.country or (self.country if self.seen_country_heading else None)
        key = country if country and not statement.both_countries else "all"
        if self.stated[key].strikes is None:
            self.stated[key] = totals
            window = self.lead_window(key)
            self._record_total("release" if key == "all" else "country", None if key == "all" else key,
                               window, statement, sentence)

    def lead_window(self, key: str) -> tuple[date | None, date | None] | None:
        """The days the lead names for a country ("all": the release), if one day or a window."""
        day = self.lead_days.get(key)
        if day is not None:
            return day, day
        if key != "all" and self.lead_days.get("all") is not None:
            return self.lead_days["all"], self.lead_days["all"]
        return (min(self.window), max(self.window)) if self.window else None

    def _record_total(self, level: str, country: str | None, days: tuple[date | None, date | None] | None,
                      statement: Statement, sentence: Sentence) -> int:
        """Keep a stated total with the days it covers; returns its index."""
        first, last = days if days else (None, None)
        self.stated_totals.append(StatedTotal(
            level, country, first, last, statement.strikes, statement.engagements, sentence.text,
            (sentence.start, sentence.end),
        ))
        return len(self.stated_totals) - 1


    def strike(self, statement: Statement, sentence: Sentence) -> None:
        phrases = statement.targets
        # the last target is cut when its words end the copy ("... a weapons ca"), not when a
        # stray word follows it ("... a vehicle, a")
        if phrases and _cut_off(self.text_end, sentence) and sentence.text.endswith(phrases[-1].text):
            dropped, phrases = phrases[-1], phrases[:-1]  # the copy stops inside this target's words
            self.diagnostics.append(
                Diagnostic("incomplete_list", f"the copy stops inside a target: {dropped.text!r}",
                           sentence.text, (sentence.start, sentence.end))
            )
        named = self.late_days(statement, sentence.text) if statement.late else self.resolve_day(statement)
        country = statement.country or self.country
        # "Additionally, officials reported, eight strikes were conducted near Raqqa from April 11
        # into yesterday ...": one late line inside a country's main list
        block = "late" if statement.late and self.block == "main" else self.block
        if named is None and statement.places:  # "On May 1, ... five strikes. Near X, ..., Near Y, ..."
            if self.pending_day is not None:
                named = (self.pending_day[1], self.pending_day[1])
            elif self.open_day is not None:
                named = (self.stated_totals[self.open_day].first, self.stated_totals[self.open_day].last)
        if named is None and block != "main":
            named = self.block_days  # "-- On Aug. 30, ..." under "... near Raqqa on Aug. 30-31 ...:"
        # a line's days: one, a span ("Aug. 21-23"), or those the release leaves open (its default)
        strike_day, last_day = (named[0], named[1] if named[1] != named[0] else None) if named else \
            (self.default_day(country), None)
        if statement.places and self.pending_day is not None:
            self._total_pending_day(strike_day, country)
        if self.open_day is not None and self.stated_totals[self.open_day].first != strike_day:
            self.open_day = None  # a line of another day: the day's list has ended
        stated_by = self.open_day if self.open_day is not None else self.open_late if block != "main" else None
        if block == "late" and self.block == "main":  # a late block of its own line
            stated_by = self._record_total("late", country, named, statement, sentence)
        places = statement.places or ([self.block_place] if block != "main" and self.block_place else [None])
        for index, place_raw in enumerate(places):
            place = resolve_place(place_raw, country) if place_raw else None
            report_country = country or (place.country if place and place.country else None)
            if (
                block != "main" and not statement.country and place
                and place.precision != "unresolved" and place.country
            ):
                report_country = place.country  # late blocks mix countries under a stale heading
            report_country = self.country_of_place(report_country, place, sentence)
            if place_raw and place and place.precision == "unresolved":
                self.flag(Diagnostic("unknown_place", f"place not in the gazetteer: {_bounded(place_raw, 120)!r}",
                                     sentence.text, (sentence.start, sentence.end)))
            report = StrikeReport(
                country=report_country,
                location_raw=_bounded(place_raw, MAX_PLACE_LENGTH) if place_raw else None,
                location=place.name if place and place.precision != "unresolved" else None,
                location_country=place.country if place and place.precision != "unresolved" else None,
                province=place.province if place else None,
                lat=place.lat if place else None,
                lon=place.lon if place else None,
                location_precision=place.precision if place else "region",
                date=strike_day,
                last_date=last_day,
                # A line naming several places states its counts once: the first place carries them.
                strikes=statement.strikes if index == 0 else None,
                engagements=statement.engagements if index == 0 else None,
                sentence=sentence.text,
                span=(sentence.start, sentence.end),
                block=block,
                targets=[self._target(phrase, sentence) for phrase in phrases] if index == 0 else [],
                stated_by=stated_by,
            )
            self.reports.append(report)
        if not statement.places and not phrases and strike_day is not None and block == "main":
            self.pending_day = (len(self.reports) - 1, strike_day, country)

    def country_of_place(self, listed: str | None, place, sentence: Sentence) -> str | None:
        """The country a line counts in: its place's where the gazetteer puts the place in the other
        country than the heading it is listed under (a stale heading: Raqqa at the end of an Iraq
        list), except for a place on the border, whose strikes may lie on either side: that one is
        kept under its heading, as published. Both are noted."""
        if (listed is None or place is None or place.precision not in ("place", "relative")
                or not place.country or place.country == listed):
            return listed
        span = (sentence.start, sentence.end)
        if near_the_border(place):
            self.flag(Diagnostic("filed_as_published", f"{place.name} ({place.country}, on the border) listed under "
                                 f"{listed}: counted in {listed}, as published", sentence.text, span))
            return listed
        self.flag(Diagnostic("country_from_place", f"{place.name} listed under {listed}: counted in {place.country}, "
                             "where it lies", sentence.text, span))
        return place.country

    def _total_pending_day(self, strike_day: date | None, country: str | None) -> None:
        """A place line of the pending day's day: the day's placeless line becomes the total its
        places make up (one count, not two)."""
        index, day, day_country = self.pending_day
        self.pending_day = None
        if strike_day != day or (country and day_country and country != day_country) or index != len(self.reports) - 1:
            return
        line = self.reports.pop()
        self.stated_totals.append(StatedTotal("day", line.country, day, day, line.strikes, line.engagements,
                                              line.sentence, line.span))
        self.open_day = len(self.stated_totals) - 1

    def _target(self, phrase: TargetPhrase, sentence: Sentence) -> Target:
        text = _bounded(phrase.text, MAX_PHRASE_LENGTH)
        if phrase.action == "inconclusive":
            return Target("inconclusive", None, text, None, None)
        count = phrase.count
        if count is not None and count > MAX_PLAUSIBLE_COUNT:
            self.flag(Diagnostic("implausible_count", f"{count:,} targets in {text!r} is beyond any count a "
                                 f"release states (at most {MAX_PLAUSIBLE_COUNT:,}): their number is left unknown",
                                 sentence.text, (sentence.start, sentence.end)))
            count = None
        target_class = classify(phrase.same_as or phrase.text)
        if target_class.category == UNCLASSIFIED:
            self.flag(Diagnostic("unclassified_target", f"target phrase not in the taxonomy: {text!r}",
                                 sentence.text, (sentence.start, sentence.end)))
        return Target(phrase.action, count, text, target_class.type, target_class.category)

    def flag(self, diagnostic: Diagnostic) -> None:
        """Keep a diagnostic of a sentence, at most MAX_PER_SENTENCE of one kind; beyond them one
        more says how many were left out. What one sentence can produce stays bounded, whatever
        its length (a list of 8,000 "and"s is one sentence)."""
        key = (diagnostic.kind, diagnostic.span)
        count = self.flagged.get(key, 0) + 1
        self.flagged[key] = count
        if count <= MAX_PER_SENTENCE:
            diagnostic.text = _bounded(diagnostic.text, MAX_DIAGNOSTIC_TEXT)
            self.diagnostics.append(diagnostic)
        elif count == MAX_PER_SENTENCE + 1:
            self.diagnostics.append(Diagnostic(diagnostic.kind, "more of the same in this sentence, not listed",
                                               "", diagnostic.span))

    def heading(self, sentence: Sentence) -> bool:
        text = sentence.text.strip().rstrip(":")
        country = _COUNTRY_HEADING_RE.match(text)
        if country:
            self.country = country["country"].capitalize()
            self.seen_country_heading = True
            self.block = "main"  # a country section of the main list follows
            self.open_day = self.open_late = self.pending_day = None
            self.block_days = self.block_place = None
            return True
        day_heading = _DAY_HEADING_RE.match(text)
        if day_heading:
            first, last = parse_day(day_heading["day"], self.published)
            self.day = first if first == last else None
            self.seen_heading_day = True
            self.open_day = self.pending_day = None
            return True
        if _LATE_HEADING_RE.match(text) and sentence.heading:
            self.block = "late"
            self.open_day = self.open_late = None
            self.block_days = self.block_place = None
            return True
        return False

    def finish(self) -> None:
        """A release that states a total for one country only states its overall total too."""
        if self.stated["all"].strikes is None:
            named = [key for key in COUNTRIES if self.stated[key].strikes]
            if len(named) == 1:
                only = self.stated[named[0]]
                self.stated["all"] = Totals(only.strikes, only.engagements)

    def walk(self) -> None:
        for sentence in self.sentences:
            text = _normalise(sentence.text)
            if sentence.heading and self.heading(sentence):
                continue
            statement = analyse(text)
            opening = (
                _OPENING_COUNTRY_RE.match(text) if statement.kind == "strike" and not sentence.bulleted else None
            )
            if opening:
                self.country = opening[1]  # prose: "In Iraq, three airstrikes ... One airstrike ..."
            if not self.seen_statement and statement.kind in ("other", "totals", "header"):
                self.lead(sentence)
            kind = statement.kind
            if kind in ("strike", "totals", "header") and self._implausible(statement, sentence):
                continue
            if kind == "totals" and statement.day_paragraph and self.seen_country_heading:
                kind = "strike"  # a day's paragraph under a country heading, cut before its place
            if kind == "strike":
                if not statement.places and not (statement.day_text or statement.relative_day):
                    self.add_stated(statement, sentence)  # "In Syria, 575 strikes engaged ..."
                self.seen_statement = True
                self.strike(statement, sentence)
            elif kind in ("totals", "header"):
                self._context(statement, sentence)
            elif kind == "no_strikes":
                self._no_strikes(statement)
            elif kind == "continuation" and self.reports:
                last = self.reports[-1]
                last.targets.extend(self._target(phrase, sentence) for phrase in statement.targets)
                last.sentence = f"{last.sentence} {sentence.text}"
                last.span = (last.span[0], sentence.end)
            elif kind == "cumulative":
                figures = published_figures(text, (sentence.start, sentence.end), self.published)
                self.figures.extend(figures)
                if not figures:
                    self.diagnostics.append(
                        Diagnostic("cumulative_figure", "cumulative or month-to-date figure, not counted",
                                   sentence.text, (sentence.start, sentence.end))
                    )
            elif _mentions_strike_numbers(text):
                self.diagnostics.append(
                    Diagnostic("unparsed_sentence", "a sentence about strikes that yielded no row",
                               sentence.text, (sentence.start, sentence.end))
                )

    def _implausible(self, statement: Statement, sentence: Sentence) -> bool:
        """Whether a sentence states more strikes or engagements than any release states for one
        place or period: kept as a diagnostic, and nothing of it is counted."""
        largest = max(statement.strikes or 0, statement.engagements or 0)
        if largest <= MAX_PLAUSIBLE_COUNT:
            return False
        self.flag(Diagnostic("implausible_count", f"{largest:,} is beyond any count a release states "
                             f"(at most {MAX_PLAUSIBLE_COUNT:,}): not counted", sentence.text,
                             (sentence.start, sentence.end)))
        return True

    def _no_strikes(self, statement: Statement) -> None:
        """"No strikes in Iraq Dec. 4-7" over the whole period states a zero for that country."""
        if not statement.country:
            return
        self.country = statement.country
        named = self.resolve_day(statement)
        lead_window = (min(self.window), max(self.window)) if self.window else None
        whole_period = named is None or (named[0] != named[1] and named == lead_window)
        if whole_period and self.block == "main" and self.stated[statement.country].strikes is None:
            self.stated[statement.country] = Totals(0, None)

    def _context(self, statement: Statement, sentence: Sentence) -> None:
        if statement.late:
            self.block = "late"
            named = self.block_days = self.late_days(statement, sentence.text)
            self.day = named[0] if named and named[0] == named[1] else None
            self.block_place = statement.places[0] if statement.places else None
        elif statement.kind == "header":
            named = self.resolve_day(statement)
            if named:
                self.day = named[0] if named[0] == named[1] else None
        if statement.country and not statement.both_countries and statement.kind == "header":
            self.country = statement.country
        self.open_day = self.pending_day = None
        if statement.kind == "header" and (statement.day_text or statement.relative_day) and self.block == "main":
            # "On Nov. 21 in Iraq, ... six strikes ...:" heads one day's list, not the release
            named = self.resolve_day(statement)
            if named and named[0] == named[1]:
                country = statement.country if not statement.both_countries else None
                self.open_day = self._record_total("day", country or self.country, named, statement, sentence)
            return
        self.add_stated(statement, sentence)


def _fill_countries_from_neighbours(raw: str, reports: list[StrikeReport]) -> None:
    """Without country headings, groups of bullets are separated by a blank line: a place the
    gazetteer does not know takes the country of its own group."""
    for index, report in enumerate(reports):
        if report.country is not None:
            continue
        previous = reports[index - 1] if index > 0 else None
        following = reports[index + 1] if index + 1 < len(reports) else None
        if previous and previous.country and not _BLANK_LINE_RE.search(raw[previous.span[1] : report.span[0]]):
            report.country = previous.country
        elif following and following.country and not _BLANK_LINE_RE.search(raw[report.span[1] : following.span[0]]):
            report.country = following.country


_RANGE_RE = re.compile(rf"\b{MONTH_PATTERN}\s+\d{{1,2}}\s*[-–]\s*(?:{MONTH_PATTERN}\s+)?\d{{1,2}}(?:,?\s+\d{{4}})?")


def _first_window(raw: str, published: date | None) -> list[date]:
    """The first and last day of the first window of days the text names, if any."""
    match = _RANGE_RE.search(raw)
    if not match:
        return []
    first, last = parse_day(match.group(0), published)
    return [day for day in (first, last) if day is not None and (published is None or day <= published)]


# What one sentence of any length can put in the records (the database's columns hold these)
MAX_PER_SENTENCE = 10  # diagnostics of one kind
MAX_DIAGNOSTIC_TEXT = 1000  # characters of the sentence a diagnostic quotes (its span locates the rest)
MAX_PHRASE_LENGTH = 500  # characters of a target phrase as written
MAX_PLACE_LENGTH = 300  # characters of a place as written


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_campaign_narrative(raw: str) -> bool:
    """True if a text without counts still reads as a release of the campaign: it names the
    group and the task force ("CJTF-OIR, partner forces bring ISIS to justice"), or the
    coalition and its strikes ("Coalition precision strikes also targeted ...")."""
    if not _GROUP_NAME_RE.search(raw):
        return False
    return bool(_TASK_FORCE_RE.search(raw) or (_COALITION_RE.search(raw) and _STRIKE_WORD_RE.search(raw)))


def _cut_off(text_end: int, sentence: Sentence) -> bool:
    """True if the copy ends inside this sentence (no end punctuation, nothing after it);
    text_end is the length of the raw text without its trailing space."""
    return sentence.end >= text_end and bool(_ENDS_IN_WORD_RE.search(sentence.text))


def _mentions_strike_numbers(text: str) -> bool:
    # both patterns are case-sensitive: a verb they name must be in the text as written
    return bool(
        any(map(text.__contains__, _RESULT_VERBS))
        and _RESULT_VERB_RE.search(text)
        and _GROUP_NAME_RE.search(text)
    )


def _list_complete(raw: str, reports: list[StrikeReport]) -> bool:
    """True if the copy goes on past its last strike statement into the closing text."""
    if not reports:
        return bool(_CLOSING_RE.search(raw))
    last_end = max(report.span[1] for report in reports)
    tail = raw[last_end:]
    return bool(_CLOSING_RE.search(tail))


def parse_release(
    raw: str,
    source: str = "pasted text",
    format: str = "paste",
    published_hint: date | None = None,
    title: str | None = None,
    period_hint: tuple[date, date] | None = None,
) -> ParsedRelease:
    """Return the parsed release: its totals, strike reports with targets, and diagnostics.
    period_hint: the days the release covers where its text names none (from its index)."""
    dated = find_release_date(raw)
    published = dated or published_hint
    walker = _Walker(raw, published, segment(raw))
    walker.walk()
    walker.finish()
    # a release that names no day at all covers the period its index gives
    covered = bool(period_hint) and not walker.window and not any(report.date for report in walker.reports)
    if covered:
        _cover(walker, period_hint)
    _fill_countries_from_neighbours(raw, walker.reports)
    diagnostics = walker.diagnostics
    if published is None:
        diagnostics.insert(0, Diagnostic("no_date", "no release date in the text or its metadata"))
    states_counts = bool(walker.reports) or any(totals.strikes is not None for totals in walker.stated.values())
    if not walker.reports and not states_counts and _is_campaign_narrative(raw):
        diagnostics.append(Diagnostic("no_counts", "a summary of the campaign that states no strike counts"))
    elif not walker.reports:
        diagnostics.append(Diagnostic("no_statements", "no strike statement found in the text"))
        states_counts = True  # not a release we know: nothing says it is a summary without counts
    release = ParsedRelease(
        source=source,
        format=format,
        raw_text=raw,
        content_hash=content_hash(raw),
        title=_title(raw, title),
        published=published,
        period_start=None,
        period_end=None,
        stated_totals=walker.stated,
        strikes=walker.reports,
        diagnostics=diagnostics,
        states_counts=states_counts,
        dateline=dated is not None,
    )
    # the release's own period: its main list and lead (the days of late blocks are earlier
    # releases' days)
    days = [report.date for report in walker.reports if report.date and report.block == "main"] + walker.window
    if not days:
        days = [report.date for report in walker.reports if report.date]
    if not days and not states_counts:
        days = _first_window(raw, published)  # a narrative: "... Syria, Jan. 20 - 27, 2019."
    if days:
        release.period_start, release.period_end = min(days), max(days)
    elif published:
        release.period_start = release.period_end = assumed_strike_day(published)
    for diagnostic in diagnostics:  # the sentence a diagnostic quotes: its span locates the rest
        diagnostic.text = _bounded(diagnostic.text, MAX_DIAGNOSTIC_TEXT)
    complete = _check_totals(release, walker)
    release.stated = walker.stated_totals
    account_for_stated_totals(release, complete)
    if covered:  # every day of it, the remainders' too, is the index's, not the text's
        for report in release.strikes:
            report.date_in_text = False
    release.published_figures = _dated_figures(walker.figures, release)
    return release


def _cover(walker: _Walker, period: tuple[date, date]) -> None:
    """A release that names no day at all (a fragment that keeps only its totals) covers the
    period its index gives: its totals and lines lie over those days, never on a day we chose."""
    first, last = period
    walker.window.extend(period)
    for total in walker.stated_totals:
        if total.first is None:
            total.first, total.last = first, last
    for report in walker.reports:
        if report.date is None:
            report.date, report.last_date = first, (last if last != first else None)


def _dated_figures(figures: list[PublishedFigure], release: ParsedRelease) -> list[PublishedFigure]:
    """The published figures with a "to date" figure counted to the release's last day; one
    without any day known is kept as a diagnostic instead."""
    dated = []
    for figure in figures:
        if figure.as_of is None:
            figure.as_of = release.period_end or release.published
        if figure.as_of is None:
            release.diagnostics.append(Diagnostic("cumulative_figure", "cumulative figure of no known day, not kept",
                                                  figure.sentence, figure.span))
            continue
        dated.append(figure)
    return dated


def _check_totals(release: ParsedRelease, walker: _Walker) -> bool:
    """Compare stated and parsed totals; a copy cut inside its list is reported as such.
    Returns whether the copy goes on past its list (complete)."""
    parsed = release.parsed_totals("main")
    complete = _list_complete(release.raw_text, release.strikes)
    mismatches = []
    # Daily releases state engagements per country but not per place: nothing to add up.
    has_engagements = any(r.engagements is not None for r in release.strikes if r.block == "main")
    for key, stated in release.stated_totals.items():
        for measure in ("strikes", "engagements"):
            expected = getattr(stated, measure)
            if measure == "engagements" and not has_engagements:
                continue
            got = getattr(parsed[key], measure) or 0
            if expected is not None and expected != got:
                mismatches.append(f"{key} {measure}: stated {expected}, parsed {got}")
    if mismatches and not complete:
        release.diagnostics.append(
            Diagnostic("incomplete_list", "the copy stops inside the strike list; "
                       + "; ".join(mismatches))
        )
    elif mismatches:
        release.diagnostics.append(Diagnostic("totals_mismatch", "; ".join(mismatches)))
    elif not complete and release.strikes:
        release.diagnostics.append(
            Diagnostic("incomplete_list", "the copy stops before the closing text; totals agree")
        )
    return complete
