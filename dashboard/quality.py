"""The Data quality page's words: each kind of diagnostic named for a reader (the parser's own
codes stay in the data and the CSVs), and what the flagged things cost in the figures. Plain
functions, no Streamlit."""

from __future__ import annotations

import pandas as pd

from dashboard.shares import share_text
from db.queries import AS_PUBLISHED, COPY_CUT, LINES_OVER, NO_PLACE, Headline

# kind -> (name, what it means for the figures): one for every kind of loaders.records.DIAGNOSTIC_KINDS
# (tests/test_series.py ties the two)
KINDS: dict[str, tuple[str, str]] = {
    "unknown_place": ("Place names not on the map",
                      "the strikes count in every total, but on no map and under no place"),
    "unclassified_target": ("Target phrases without a type", "counted as “unclassified” in the target charts"),
    "unparsed_sentence": ("Sentences with numbers that gave no count", "their strikes are in no figure"),
    "not_itemised": ("Stated strikes no line places",
                     "counted from the total the release states, on no map and under no place"),
    "over_itemised": ("Lines adding up to more than stated", "the lines are counted, the stated figure is not"),
    "incomplete_list": ("Copies cut short", "what the copy lacks is counted from its stated totals where it has them"),
    "totals_mismatch": ("Totals that differ from the lines in a whole copy", "the release does not add up as published"),
    "no_counts": ("Summaries without counts", "they cover their days, but add no strike"),
    "cumulative_figure": ("Cumulative figures not read", "kept for a reader, never counted"),
    "no_date": ("Releases without a date", "counted on no day of their own"),
    "no_statements": ("Texts without a strike statement", "refused, or stored without strikes"),
    "archive_disagreement": ("Archive lines the archive reads otherwise", "our reading is counted; theirs is listed"),
    "implausible_count": ("Counts beyond any a release states", "not counted: a misreading or a forged text"),
    "country_from_place": ("Lines under the other country's heading",
                           "counted in the country of their place, where the map puts them"),
    "filed_as_published": ("Border places under the other country's heading",
                           "counted in the country the release names, as published"),
    "country_over_overall": ("Country figures above the overall",
                             "the figure the lines do not support yields to the other"),
}
REASONS = {COPY_CUT: "copy stops inside a list", AS_PUBLISHED: "does not add up as published",
           LINES_OVER: "lines add up to more", NO_PLACE: "a count stated with no place"}


def kind_name(kind: str) -> str:
    return KINDS.get(kind, (kind, ""))[0]


def named_kinds(by_kind: pd.DataFrame) -> pd.DataFrame:
    """diagnostics_by_kind with a column "name" for people, before the parser's code."""
    frame = by_kind.copy()
    frame.insert(0, "name", [kind_name(kind) for kind in frame["kind"]] if not frame.empty else [])
    return frame


def cost_of_places(unresolved: pd.DataFrame, headline: Headline) -> str:
    """"73 place mentions unresolved: 86 strikes, 0.5% of the period's, off the map"."""
    if unresolved.empty:
        return "Every place mention in view is on the map."
    mentions, strikes = int(unresolved["mentions"].sum()), int(unresolved["strikes"].sum())
    share = strikes / headline.strikes if headline.strikes else 0
    return (f"{mentions:,} place mention{'s' * (mentions != 1)} unresolved ({len(unresolved):,} names): {strikes:,} "
            f"strikes, {share_text(share, 1)} of the period's {headline.strikes:,}, off the map.")


def cost_of_targets(unclassified: pd.DataFrame, target_mentions: int) -> str:
    if unclassified.empty:
        return "Every target phrase in view has a type."
    mentions = int(unclassified["mentions"].sum())
    share = mentions / target_mentions if target_mentions else 0
    return (f"{mentions:,} target mention{'s' * (mentions != 1)} without a type ({len(unclassified):,} phrases): "
            f"{share_text(share, 1)} of the period's {target_mentions:,}, counted as “unclassified”.")


def totals_breakdown(totals: pd.DataFrame) -> str:
    """How the releases whose totals differ divide by reason, so the figure above them agrees
    with the counts by kind (a cut copy is flagged "copy cut short", not "totals differ")."""
    if totals.empty:
        return ""
    counts = totals["reason"].value_counts()
    parts = [f"{int(counts[reason]):,} {REASONS[reason]}" for reason in (COPY_CUT, AS_PUBLISHED, LINES_OVER, NO_PLACE)
             if reason in counts]
    # a release with several reasons is counted once, under the first: the counts by kind of
    # diagnostic below count each flag
    return f"{len(totals):,} releases, each under its first reason: " + ", ".join(parts) + "."
