"""The count of record: the strikes a release states, with the part its lines do not itemise.

A release states totals at several levels: for its whole period ("conducted 28 strikes
consisting of 73 engagements yesterday"), per country ("In Syria, ... 20 strikes ..."), per day
("On May 1, ... five strikes ...:" heading a list of places) and per late block ("details today
of nine April 28-29 strikes"). Each line of the release ("Near Raqqa, two strikes ...") makes up
the narrowest total it falls under. Totals form a tree; from its leaves up:

- counted(total) = max(stated, what its lines and narrower totals account for);
- where the stated figure is larger, the difference becomes one strike report that is not
  itemised (no place, the total's sentence as its source): a copy cut inside its list, or
  engagements stated per country but never per place, still count in full;
- where the lines add up to more, the lines are counted (a stated figure never removes
  strikes a release itemises) and the release is flagged.

A late block is part of the overall total only where the numbers show it (the overall exceeds
what the countries account for by at least the late strikes and, where the countries state
totals, those do not already make up the overall); otherwise it counts on its own. So nothing
is counted twice: a day's paragraph and the places under it, a country's total and its list,
an overall total and its countries.
"""

from __future__ import annotations

from datetime import date

from loaders.records import Diagnostic, ParsedRelease, StatedTotal, StrikeReport

_SCOPE_WORDS = {None: "Iraq and Syria"}
_DEPTH = {"release": 0, "country": 1, "late": 1, "day": 2}


def _scope(total: StatedTotal) -> str:
    days = ""
    if total.first is not None:
        days = f", {total.first.isoformat()}" if total.first == total.last else \
            f", {total.first.isoformat()} to {total.last.isoformat()}"
    kind = {"late": "late block", "day": "day", "country": "", "release": "overall"}[total.level]
    scope = _SCOPE_WORDS.get(total.country, total.country)
    return f"{scope}{' ' + kind if kind else ''}{days}"


def _link_totals(release: ParsedRelease) -> tuple[int | None, dict[str, int]]:
    """Give each total its wider total and each line of the main list its total; returns the
    index of the release total and of each country's."""
    stated = release.stated
    release_index = next((i for i, total in enumerate(stated) if total.level == "release"), None)
    by_country = {total.country: i for i, total in enumerate(stated) if total.level == "country" and total.country}
    for total in stated:
        if total.parent is not None:
            continue
        if total.level == "country":
            total.parent = release_index
        elif total.level == "day":
            total.parent = by_country.get(total.country, release_index)
    for report in release.strikes:
        if report.stated_by is None and report.block == "main" and report.itemised:
            report.stated_by = by_country.get(report.country, release_index)
    return release_index, by_country


def _late_in_overall(release: ParsedRelease, release_index: int, by_country: dict[str, int],
                     counted: dict[int, tuple[int, int]]) -> bool:
    """Whether the overall total includes the late blocks (see the module docstring)."""
    stated = release.stated
    late_tops = [i for i, total in enumerate(stated) if total.level == "late" and total.parent is None]
    late_lines = sum(report.strikes or 0 for report in release.strikes
                     if report.block == "late" and report.stated_by is None and report.itemised)
    late = sum(counted[i][0] for i in late_tops) + late_lines
    overall = stated[release_index].strikes
    if not late or overall is None:
        return False
    country_totals = [stated[i].strikes for i in by_country.values()]
    if country_totals and None not in country_totals and sum(country_totals) == overall:
        return False
    accounted = sum(counted[i][0] for i, total in enumerate(stated) if total.parent == release_index) + sum(
        report.strikes or 0 for report in release.strikes if report.stated_by == release_index and report.itemised)
    return overall - accounted >= late


def account_for_stated_totals(release: ParsedRelease, complete: bool) -> None:
    """Add to the release a not-itemised strike report for each stated total its lines fall short
    of, and a diagnostic for each total they do not match (see the module docstring)."""
    stated = release.stated
    if not stated:
        return
    release_index, by_country = _link_totals(release)
    counted: dict[int, tuple[int, int]] = {}
    remainders: dict[int, StrikeReport] = {}  # the not-itemised part of each total

    def yield_to(index: int, measure: str, inner: int) -> int:
        """Where a total's countries add up to more than it states, the not-itemised part of a
        country (a figure no line supports) yields to the total and the other countries' figures
        and lines; returns what the children then account for."""
        stated_value = getattr(stated[index], measure)
        if stated_value is None or inner <= stated_value:
            return inner
        excess = inner - stated_value
        yielding = [i for i, other in enumerate(stated) if other.parent == index and other.level == "country"
                    and getattr(remainders.get(i), measure, None)]
        for child in sorted(yielding, key=lambda i: -getattr(remainders[i], measure)):
            report, child_total = remainders[child], stated[child]
            cut = min(getattr(report, measure), excess)
            setattr(report, measure, getattr(report, measure) - cut)
            excess, inner = excess - cut, inner - cut
            release.diagnostics.append(Diagnostic(
                "country_over_overall",
                f"{_scope(child_total)}: states {getattr(child_total, measure)} {measure}, but {_scope(stated[index])} "
                f"states {stated_value}, which the other figures and lines leave "
                f"{getattr(child_total, measure) - cut} of; {getattr(child_total, measure) - cut} counted",
                child_total.sentence, child_total.span,
            ))
            if not excess:
                break
        return inner

    def settle(index: int) -> None:
        total = stated[index]
        inner_strikes = inner_engagements = 0
        for report in release.strikes:
            if report.stated_by == index:
                inner_strikes += report.strikes or 0
                inner_engagements += report.engagements or 0
        for child in (i for i, other in enumerate(stated) if other.parent == index):
            inner_strikes += counted[child][0]
            inner_engagements += counted[child][1]
        inner_strikes = yield_to(index, "strikes", inner_strikes)
        inner_engagements = yield_to(index, "engagements", inner_engagements)
        missing_strikes = max((total.strikes or 0) - inner_strikes, 0)
        missing_engagements = max((total.engagements or 0) - inner_engagements, 0)
        if missing_strikes or missing_engagements:
            remainders[index] = _not_itemised(total, missing_strikes, missing_engagements)
            release.strikes.append(remainders[index])
            if missing_strikes:
                cut = not complete and _runs_to_end(stated, index)
                release.diagnostics.append(Diagnostic(
                    "not_itemised",
                    f"{_scope(total)}: states {total.strikes} strikes, its lines account for {inner_strikes}; "
                    f"{missing_strikes} counted as not itemised"
                    + (" (the copy stops inside this list)" if cut else " (as published)"),
                    total.sentence, total.span,
                ))
        if total.strikes is not None and inner_strikes > total.strikes:
            release.diagnostics.append(Diagnostic(
                "over_itemised",
                f"{_scope(total)}: states {total.strikes} strikes, its lines add up to {inner_strikes}; "
                "the lines are counted (as published)",
                total.sentence, total.span,
            ))
        counted[index] = (max(total.strikes or 0, inner_strikes), max(total.engagements or 0, inner_engagements))

    # narrowest first: a total is settled after every total inside it
    for index in sorted(range(len(stated)), key=lambda i: -_DEPTH[stated[i].level]):
        if index != release_index:
            settle(index)
    if release_index is not None:
        if _late_in_overall(release, release_index, by_country, counted):
            for total in stated:
                if total.level == "late" and total.parent is None:
                    total.parent = release_index
            for report in release.strikes:
                if report.block == "late" and report.stated_by is None and report.itemised:
                    report.stated_by = release_index
        settle(release_index)


def _runs_to_end(stated: list[StatedTotal], index: int) -> bool:
    """True if no total of the same or a wider level starts after this one: its list runs to
    the end of the copy."""
    total = stated[index]
    return not any(other.span[0] > total.span[0] and _DEPTH[other.level] <= _DEPTH[total.level] for other in stated)


def _not_itemised(total: StatedTotal, strikes: int, engagements: int) -> StrikeReport:
    # the days the total covers: one, or a span ("conducted Aug. 21-23"), or none stated
    last: date | None = total.last if total.first is not None and total.last != total.first else None
    return StrikeReport(
        country=total.country,
        location_raw=None,
        location=None,
        location_country=None,
        province=None,
        lat=None,
        lon=None,
        location_precision="region",
        date=total.first,
        last_date=last,
        strikes=strikes,
        engagements=engagements if total.engagements is not None else None,
        sentence=total.sentence,
        span=total.span,
        block="late" if total.level == "late" else "main",
        itemised=False,
    )
