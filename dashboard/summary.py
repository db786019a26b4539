"""A view in a few sentences a briefer can paste: the strikes of the period, by country, against
the previous period of the same length, the places and the target type most named, and what the
data hold of the totals the coalition published. Every figure comes from the Overview's own
loader; a period the data barely cover says so first. Plain functions, no Streamlit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboard.comparison import Comparison
from dashboard.record import EXCESS_WORDS, narrowed_note
from dashboard.shares import share_text
from db.queries import Coverage, Filters, Headline, PublishedComparison
from loaders.campaign import ENGAGEMENTS_REPORTED_FROM
from loaders.records import COUNTRIES

BARELY = 0.5  # below this share of the published strikes, or of the days, the data barely cover a period
CLOSE_COVER = 2  # a published period at most this many times the view's length judges its coverage


@dataclass(frozen=True)
class SummaryFacts:
    """What the summary says, as the Overview loads it."""

    filters: Filters
    period: tuple[date | None, date | None]
    current: Headline
    previous: Headline | None
    comparison: Comparison
    by_country: dict[str, int]  # strikes per country in the period
    top_places: list[tuple[str, int]]  # (place, strikes), largest first
    top_target: tuple[str, int] | None  # (type, targets) of the type hit most
    coverage: Coverage
    reference: PublishedComparison | None  # the published figure that covers the view (covering_total)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def period_words(first: date, last: date) -> str:
    """"on 20 July 2017", "from 1 to 31 May 2017", "from 28 April to 3 May 2017", "from 30
    December 2016 to 2 January 2017"."""
    if first == last:
        return f"on {_day(first)}"
    if first.year != last.year:
        return f"from {_day(first)} to {_day(last)}"
    if first.month != last.month:
        return f"from {first.day} {first:%B} to {_day(last)}"
    return f"from {first.day} to {_day(last)}"


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def _where(filters: Filters) -> str:
    """The filters besides the dates, as the end of a clause ("in Syria", "near Mosul")."""
    parts = []
    if filters.countries and not (filters.provinces or filters.places):
        parts.append("in " + " and ".join(filters.countries))
    if filters.provinces:
        parts.append("in " + " and ".join(filters.provinces) + " province" + "s" * (len(filters.provinces) > 1))
    if filters.places:
        parts.append("near " + " and ".join(filters.places))
    if filters.has_target_filter:
        named = [*filters.categories, *filters.types, *filters.actions]
        parts.append("in the strike reports naming " + " or ".join(named))
    return (" " + ", ".join(parts)) if parts else ""


def _covering(total: PublishedComparison) -> str:
    """Why the view is held against this figure: it is the shortest published one covering it."""
    if total.since:
        return f" (the shortest published period that covers this one: its total to {_day(total.as_of)} less its " \
               f"total to {_day(total.since)})"
    return " (the shortest published period that covers this one)"


def _change(facts: SummaryFacts) -> str:
    comparison, previous = facts.comparison, facts.previous
    if comparison.previous is None or previous is None:
        return ""
    span = period_words(comparison.previous.start, comparison.previous.end).removeprefix("from ").removeprefix("on ")
    before_period = "on the previous day" if comparison.days == 1 else f"in the previous {comparison.days:,} days"
    now, before = facts.current.strikes, previous.strikes
    if comparison.data_from is not None:
        # part of the previous period lies before the data: no like-for-like change to give
        covered = (comparison.previous.end - comparison.data_from).days + 1
        return (f", against {_count(before, 'strike')} {before_period} ({span}), of which the data reach only the "
                f"last {covered:,} (they start on {_day(comparison.data_from)})")
    if before == 0:
        return f", against none {before_period} ({span})"
    if now == before:
        return f", as many as {before_period} ({span})"
    share = abs(now - before) / before
    return f", {share:.0%} {'more' if now > before else 'fewer'} than {before_period} ({span})"


def written_summary(facts: SummaryFacts) -> str:
    """The view in sentences, plain text."""
    first, last = facts.period
    if not (first and last):
        return "There are no data yet."
    when, where, current = period_words(first, last), _where(facts.filters), facts.current
    if not current.strikes and not facts.coverage.days_with_counts:
        return f"No release in the data gives strike counts {when}{where}."
    sentences = []
    total = facts.reference
    days = facts.coverage.days_in_period
    # a published period much longer than the view says how complete the data are around it,
    # not in it: it never alone calls the view barely covered
    judges = total is not None and first and last and \
        (total.as_of - total.period_start).days + 1 <= CLOSE_COVER * ((last - first).days + 1)
    if judges and total.share < BARELY:
        sentences.append(f"The data barely cover this period: they hold {share_text(total.share)} of the "
                         f"{_count(total.published, 'strike')} the coalition reported"
                         f"{'' if total.scope == 'all' else ' in ' + total.scope} "
                         f"{period_words(total.period_start, total.as_of)}{_covering(total)}, so every figure "
                         f"below undercounts.{narrowed_note(facts.filters)}")
    elif days and facts.coverage.days_with_counts < BARELY * days:
        sentences.append(f"The data barely cover this period: releases in the data give counts for "
                         f"{facts.coverage.days_with_counts:,} of its {days:,} days, so every figure below undercounts.")
    if not current.strikes:
        sentences.append(f"{when[0].upper()}{when[1:]} the data hold no strikes{where}.")
        return " ".join(sentences)
    sentences.append(f"{when[0].upper()}{when[1:]} the releases in the data report "
                     f"{_count(current.strikes, 'strike')}{_split(facts)}{_engagements(facts)}{where}{_change(facts)}.")
    places = [(name, strikes) for name, strikes in facts.top_places if strikes][:2]
    if len(places) == 2:
        sentences.append(f"The places with the most strikes were {places[0][0]} ({places[0][1]:,}) and "
                         f"{places[1][0]} ({places[1][1]:,}).")
    elif places:
        sentences.append(f"The place with the most strikes was {places[0][0]} ({places[0][1]:,}).")
    if facts.top_target and facts.top_target[1]:
        kind, targets = facts.top_target
        sentences.append(f"The target type hit most often was “{kind}” ({_count(targets, 'target')}, "
                         "a lower bound).")
    if total is not None and total.excess:
        sentences.append(f"The data count {_count(total.held, 'strike')}, {total.excess:,} more than the "
                         f"{total.published:,} the coalition reported{'' if total.scope == 'all' else ' in ' + total.scope} "
                         f"{period_words(total.period_start, total.as_of)}{_covering(total)}. {EXCESS_WORDS}"
                         f"{narrowed_note(facts.filters)}")
    elif total is not None and not (judges and total.share < BARELY):
        sentences.append(f"The data hold {share_text(total.share)} of the {_count(total.published, 'strike')} the coalition "
                         f"reported{'' if total.scope == 'all' else ' in ' + total.scope} "
                         f"{period_words(total.period_start, total.as_of)}{_covering(total)}."
                         f"{narrowed_note(facts.filters)}")
    return " ".join(sentences)


def _engagements(facts: SummaryFacts) -> str:
    engagements = facts.current.engagements
    if not engagements:  # none stated: not reported, not zero
        return ""
    first = facts.period[0]
    counted = " (counted from January 2017 on)" if first and first < ENGAGEMENTS_REPORTED_FROM else ""
    return f" and {_count(engagements, 'engagement')}{counted}"


def _split(facts: SummaryFacts) -> str:
    """"(Syria 358, Iraq 162)" where both countries have strikes; strikes of no country apart."""
    countries = sorted(((country, strikes) for country, strikes in facts.by_country.items()
                        if country in COUNTRIES and strikes), key=lambda item: -item[1])
    elsewhere = sum(strikes for country, strikes in facts.by_country.items() if country not in COUNTRIES)
    parts = [f"{country} {strikes:,}" for country, strikes in countries] if len(countries) > 1 else []
    if elsewhere and parts:
        parts.append(f"{elsewhere:,} without a country")
    return f" ({', '.join(parts)})" if parts else ""
