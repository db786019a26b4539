"""What the data hold of the whole record, in words: the data's strikes against the totals the
coalition published, and the part of them no line itemises. Plain functions, no Streamlit."""

from __future__ import annotations

import re
from datetime import date

from dashboard.shares import share_text
from db.queries import Coverage, CrossingSpan, Filters, Headline
from db.queries.published_totals import PublishedComparison
from loaders.web_addresses import is_clean_web_address


def scope_of(filters: Filters) -> str:
    """The scope of published totals a view compares with: its one country, else both (all)."""
    return filters.countries[0] if len(filters.countries) == 1 else "all"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _where(scope: str) -> str:
    return "" if scope == "all" else f" in {scope}"


# what a count above a published figure says, wherever it is shown
EXCESS_WORDS = ("More than the coalition published: some strikes in the data are counted twice or too many "
                "(the audit on Data quality lists each total the data exceed).")


def published_rows(items: list[PublishedComparison], with_scope: bool) -> list[dict]:
    """The rows of a table of published totals beside the data's count: a share where the data
    hold part of a figure, and where they count more, the excess instead of a share."""
    return [{"from": item.period_start, "to": item.as_of, **({"scope": item.scope} if with_scope else {}),
             "published": item.published, "in the data": item.held,
             "share": None if item.excess else item.share, "above published": item.excess or None,
             "stated by": item.who_stated, "source": link_or_none(item.url)} for item in items]


def held_statement(comparison: PublishedComparison, why: str = "") -> str:
    """"The data hold 17,008 of the 32,397 strikes the coalition reported from 8 Aug 2014 to
    31 Dec 2018 (52%).": one published figure against the data's strikes for the same days,
    with why it is the one quoted."""
    if comparison.period_start == comparison.as_of:
        days = f"on {_day(comparison.as_of)}"
    else:
        days = f"from {_day(comparison.period_start)} to {_day(comparison.as_of)}"
    if comparison.excess:
        return (f"The data count {comparison.held:,} strikes{_where(comparison.scope)} {days}, {comparison.excess:,} more "
                f"than the {comparison.published:,} the coalition reported{': ' + why if why else ''}. {EXCESS_WORDS}")
    return (f"The data hold {comparison.held:,} of the {comparison.published:,} strikes the coalition reported"
            f"{_where(comparison.scope)} {days} ({share_text(comparison.share)}){': ' + why if why else ''}.")


def reference_reason(comparison: PublishedComparison) -> str:
    """Why a view is held against this published figure (see db.queries.covering_total)."""
    if comparison.since:
        return (f"the shortest published period that covers this view, the coalition's total to "
                f"{_day(comparison.as_of)} less its total to {_day(comparison.since)}")
    return "the shortest period the coalition published a total for that covers this view"


def record_note(reference: PublishedComparison | None, latest: PublishedComparison | None,
                filters: Filters) -> str | None:
    """The Overview's line under its figures: what the data hold of the published figure that
    covers the view (db.queries.covering_total), with what it leaves out; where none covers
    it, of the coalition's latest total by the view's end, saying so; None where neither exists."""
    if reference is not None:
        note = held_statement(reference, reference_reason(reference))
        share = reference.share
    elif latest is not None:
        note = held_statement(latest, "the coalition's latest total by then; no total it published covers the whole "
                                      "of this view")
        share = latest.share
    else:
        return None
    if share < 0.95:
        note += " The rest are in releases the data do not have (see Data quality and the Timeline's running total)."
    return note + narrowed_note(filters)


def narrowed_note(filters: Filters) -> str:
    """What a comparison with a published total leaves out of a view narrowed to places or
    targets ("" where it leaves out nothing): the coalition published totals by country only."""
    narrowed = [label for label, values in (("places", filters.provinces or filters.places),
                                            ("targets", filters.categories or filters.types or filters.actions)) if values]
    if not narrowed:
        return ""
    return f" Counted for all {' and '.join(narrowed)}: the coalition published no totals by place or target."


def releases_note(headline: Headline, coverage: Coverage) -> str:
    """The two counts of releases a view names, and why they differ: those published in its
    dates (covering its days) and those reporting strikes under its filters (the "Releases"
    figure)."""
    published = f"{coverage.releases:,} release{'' if coverage.releases == 1 else 's'} in the data were published in these dates"
    reporting = f"{headline.releases:,} report strikes in view (the Releases figure above)"
    if headline.releases == coverage.releases:
        return f"{published}; {reporting}."
    return (f"{published}; {reporting}: a release counts there where it reports a strike under the filters in force, "
            "whenever it was published, and a summary without counts never does.")


def not_itemised_note(headline: Headline) -> str | None:
    """How much of a view's strikes their releases state without placing them, or None."""
    if not headline.unitemised:
        return None
    share = headline.unitemised / headline.strikes if headline.strikes else 0
    return (f"{headline.unitemised:,} of the {headline.strikes:,} strikes ({share_text(share)}) are stated by their release "
            "but not itemised by place (a copy cut inside its list, or totals its lines do not reach): they count "
            "in every total, but on no map or place.")


def crossing_note(crossing: list[CrossingSpan]) -> str | None:
    """What the view's dates leave out because they cut a span of days a release states its
    strikes over, or None."""
    if not crossing:
        return None
    parts = [f"{span.strikes:,} over {_day(span.first)} to {_day(span.last)}" for span in crossing[:3]]
    more = f" and {len(crossing) - 3} more spans" if len(crossing) > 3 else ""
    total = sum(span.strikes for span in crossing)
    return (f"Not counted in this period: {total:,} strikes that releases state over spans of days it cuts "
            f"({'; '.join(parts)}{more}). A span counts only in a period that holds it whole; widen the dates to "
            "include it.")


def itemised_share_note(headline: Headline, what: str) -> str:
    """For a page that shows only what the lines place ("the places", "the targets"): the share
    of the period's strikes that is."""
    if not headline.strikes:
        return ""
    itemised = headline.strikes - headline.unitemised
    return (f"{what.capitalize()} rest on the {itemised:,} strikes the releases itemise by place: "
            f"{share_text(itemised / headline.strikes)} of the {headline.strikes:,} strikes in view.")


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")
# Markdown makes a link of a bare address in the text it shows, escaped or not: an invisible
# word joiner after "http:", "www" and "@" keeps an address a text.
_ADDRESS = re.compile(r"(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(text: str) -> str:
    """Text from a release or a file, escaped so markdown shows it as written (never as a link,
    an image or emphasis)."""
    return _MARKDOWN.sub(r"\\\1", _ADDRESS.sub(WORD_JOINER, text))


def link_or_none(url: str | None) -> str | None:
    """A source's address for a table's link column: only a clean web address, never a
    javascript: or data: one (the table would make any address a link)."""
    return url if is_clean_web_address(url) else None


def source_markdown(who_stated: str | None, url: str | None) -> str:
    """Who stated a published total, as markdown: a link to its address where that is a clean
    web address, else plain text (a source without a link is a source all the same)."""
    who_stated = who_stated if isinstance(who_stated, str) else ""
    if is_clean_web_address(url):
        return f"[{plain(who_stated or url)}](<{url}>)"
    return plain(who_stated or (url if isinstance(url, str) else "") or "not recorded")
