"""Data quality: the data's own checks (every strike once, on its days, in its country) with
their findings and the lists counted once; what the parser flagged, by kind and over time; the
places and target phrases it could not resolve; releases whose stated totals differ from their
lines; and every diagnostic of one kind, each with a link to its release."""

import streamlit as st

from dashboard import charts
from dashboard.data import load
from dashboard.frame import page_context, release_table, show_chart
from dashboard.page_data.data_quality import load_audit, load_diagnostics, load_quality, load_repeated_lists, reconcile
from dashboard.quality import KINDS, REASONS, cost_of_places, cost_of_targets, kind_name, named_kinds, totals_breakdown
from dashboard.record import not_itemised_note
from loaders.records import DIAGNOSTIC_KINDS

view = page_context("Data quality")
filters, source = view.filters, view.source
# The per-release diagnostics (by kind, over time, totals, the lists of one kind) apply the dates
# alone: their subtitles and captions describe these, never a country, place or target filter.
release_filters = filters.dates_only()
NOT_FILTERED = "the country, place and target filters do not apply"
st.caption(
    "What the parser could not read or flagged, so each number can be judged. Diagnostics are counted for the "
    f"counted version of each release, by its publication date; {NOT_FILTERED} to them."
)

quality = load(load_quality, filters)
by_kind, unresolved, unclassified, totals = quality.by_kind, quality.unresolved, quality.unclassified, quality.totals
count_of = quality.count_of
figures = st.columns(4)
figures[0].metric("Diagnostics", f"{int(by_kind['diagnostics'].sum()) if not by_kind.empty else 0:,}",
                  help=f"Everything the parser flagged in the releases of the period; {NOT_FILTERED}.")
figures[1].metric("Place names not on the map", f"{len(unresolved):,}",
                  help="Distinct place names, as written, that the gazetteer did not locate (the filters apply).")
figures[2].metric("Target phrases without a type", f"{len(unclassified):,}", help="The filters apply.")
figures[3].metric("Releases whose totals differ", f"{len(totals):,}",
                  help="A total the release states (overall, for a country, a day or a late block) differs from "
                       f"what its lines add up to; {NOT_FILTERED}.")
st.markdown("\n".join(f"- {line}" for line in (
    cost_of_places(unresolved, quality.headline),
    cost_of_targets(unclassified, quality.target_counts.mentions),
    not_itemised_note(quality.headline) or "Every strike in view is itemised by place.",
    totals_breakdown(totals) or "Every release's stated totals match its lines.",
)))

# --- the data's own checks ---------------------------------------------------------------

st.subheader("Every strike once: the data's own checks")
# the audit of the whole data, read once per data version; a filter picks from it
reconciliation = reconcile(load(load_audit), filters, load(load_repeated_lists, filters))
st.caption(
    "The checks `python3 manage.py audit` runs on the whole data (docs/COUNTING.md): a finding is explained where "
    "its release records why (a diagnostic), and a violation otherwise. Listed: the findings about the dates and "
    f"countries in view ({filters.describe()})."
)
if reconciliation.violations:
    st.error(f"{reconciliation.violations:,} findings break a check without a reason: a figure may count a strike "
             "twice, or on a day or in a country its release does not name.", icon=":material/error:")
else:
    st.success(f"Every check holds in view; {reconciliation.explained:,} findings are explained by their release.",
               icon=":material/check_circle:")
st.dataframe(reconciliation.checks, hide_index=True, width="stretch", key="quality_checks",
             column_config={"check": st.column_config.TextColumn("check", width=120),
                            "rule": st.column_config.TextColumn("holds when", width="large"),
                            "findings": st.column_config.NumberColumn("findings", width=70),
                            "explained": st.column_config.NumberColumn("explained", width=75),
                            "violations": st.column_config.NumberColumn("violations", width=75)})
findings = reconciliation.findings
of_releases = findings[findings["release_id"].notna()]
if not of_releases.empty:
    release_table(of_releases.astype({"release_id": int}),
                  ["check", "figures", "reason", "published", "web_page", "source"], "quality_findings",
                  check=st.column_config.TextColumn("check", width=110),
                  figures=st.column_config.TextColumn("found", width="large"),
                  reason=st.column_config.TextColumn("reason (blank: a violation)", width="large"))
of_totals = findings[findings["release_id"].isna()]
if not of_totals.empty:
    st.dataframe(of_totals[["check", "source", "figures", "reason"]], hide_index=True, width="stretch",
                 key="quality_total_findings",
                 column_config={"source": st.column_config.TextColumn("published total"),
                                "figures": st.column_config.TextColumn("found", width="large")})
repeats = reconciliation.repeats
st.markdown("**Lists published under two dates, counted once**")
st.caption("A copy whose list of strikes (places, counts, countries) equals that of another date's release: one "
           "report of strikes, counted once, on the earlier publication's days. The copy is kept, not counted. By the "
           "counted release's publication date; the country, place and target filters do not apply.")
if repeats.empty:
    st.caption("No such copy in the releases of this period.")
else:
    release_table(repeats, ["published", "period_start", "lines", "strikes", "counted_published", "web_page", "source"],
                  "quality_repeats",
                  period_start=st.column_config.DateColumn("its days from", format="YYYY-MM-DD"),
                  lines=st.column_config.NumberColumn("lines", width=60),
                  strikes=st.column_config.NumberColumn("strikes not counted again", width=90),
                  counted_published=st.column_config.DateColumn("counted as published", format="YYYY-MM-DD"))

# --- by kind and over time ----------------------------------------------------------------

COLOURS = charts.colours_for(list(DIAGNOSTIC_KINDS))
left, right = st.columns([3, 2])
with left:
    title = view.chart_title("Diagnostics by kind", release_filters)
    named = named_kinds(by_kind)
    figure = charts.ranking_coloured(
        named, "name", "diagnostics", title, view.subtitle("by release date", release_filters),
        source, {kind_name(kind): colour for kind, colour in COLOURS.items()},
        "No diagnostics in the releases of this period.",
    )
    show_chart(figure, named, title, key="quality_by_kind")
with right:
    st.markdown("**What each kind means, and costs**")
    st.markdown("\n".join(
        f"- **{name}** ({count_of(kind):,} diagnostic{'' if count_of(kind) == 1 else 's'} in "
        f"{count_of(kind, 'releases'):,} release{'' if count_of(kind, 'releases') == 1 else 's'}): "
        f"{DIAGNOSTIC_KINDS.get(kind, '')}; {cost}."
        for kind, (name, cost) in KINDS.items()
    ))

over_time = quality.over_time
title = view.chart_title("Diagnostics per month, by kind", release_filters)
over_time = over_time.assign(name=[kind_name(kind) for kind in over_time["kind"]]) if not over_time.empty \
    else over_time.assign(name=[])
figure = charts.stacked_over_time(
    over_time, "month", "diagnostics", "name", title,
    view.subtitle("by month of publication", release_filters), source,
    "diagnostics per month", {kind_name(kind): colour for kind, colour in COLOURS.items()},
    "No diagnostics in the releases of this period.",
)
show_chart(figure, over_time, title, key="quality_over_time")

# --- places and targets -------------------------------------------------------------------

st.subheader("Places and target phrases not resolved")
left, right = st.columns(2)
with left:
    st.markdown("**Unresolved places**")
    st.caption("Place names, as written, that the gazetteer could not locate: their strikes count in the totals "
               f"but are missing from the map. The filters apply: {filters.describe()}.")
    st.dataframe(
        unresolved, hide_index=True, width="stretch", height=320, key="quality_unresolved",
        column_config={"location_raw": st.column_config.TextColumn("place as written", width=160),
                       "country": st.column_config.TextColumn("country", width=70),
                       "mentions": st.column_config.NumberColumn("strike reports", width=100),
                       "strikes": st.column_config.NumberColumn("strikes", width=70)},
    )
with right:
    st.markdown("**Unclassified target phrases**")
    st.caption("Target phrases the taxonomy does not know: counted as “unclassified” in the target charts. "
               f"The filters apply: {filters.describe()}.")
    st.dataframe(
        unclassified.dropna(axis="columns", how="all") if not unclassified.empty else unclassified,
        hide_index=True, width="stretch", height=320, key="quality_unclassified",
        column_config={"type": st.column_config.TextColumn("phrase", width="medium"),
                       "mentions": st.column_config.NumberColumn("mentions"),
                       "example": st.column_config.TextColumn("example as written", width="medium")},
    )

# --- totals and unparsed sentences --------------------------------------------------------

st.subheader("Releases whose totals differ from their lines")
st.caption(
    "Where a release states more strikes than its lines place, the rest is counted as “not itemised” (no place, "
    "the sentence that states it as its source): the counts follow what the release states. Where its lines add "
    "up to more, the lines are counted. The reason: the copy stops inside a list, or the release does not add up "
    f"as published. By publication date; {NOT_FILTERED}."
)
if totals.empty:
    st.success("Every release with stated totals matches the sum of its lines.", icon=":material/check_circle:")
else:
    shown = totals.assign(reason=totals["reason"].map(REASONS))
    st.markdown(f"**{totals_breakdown(totals)}** {int(shown['not_itemised'].sum()):,} strikes of theirs counted as not "
                "itemised (by publication date: the not-itemised figure above counts by strike day, under the filters).")
    release_table(
        shown, ["published", "stated", "itemised", "not_itemised", "counted", "reason", "detail", "web_page", "source"],
        "quality_totals",
        stated=st.column_config.NumberColumn("stated overall", width=90, help="Blank: the release states per country only"),
        itemised=st.column_config.NumberColumn("in its lines", width=85),
        not_itemised=st.column_config.NumberColumn("not itemised", width=85),
        counted=st.column_config.NumberColumn("counted", width=75),
        reason=st.column_config.TextColumn("reason", width=170),
        detail=st.column_config.TextColumn("where", width="large"),
    )

st.subheader("Strikes without a stated day")
undated = quality.undated
st.caption(
    "The release gives no day for these strike reports (an aggregate over several days, or a copy without its "
    "lead sentence). Where the release or its block names a span of days, they are counted over it (drawn across "
    "those days on the Timeline); else on the release's period start, or the day before publication: one day's "
    f"bar. The filters apply ({filters.describe()}); the releases with the most strikes come first."
)
if undated.empty:
    st.success("Every strike report in view has a day its release states.", icon=":material/check_circle:")
else:
    release_table(
        undated, ["published", "counted_on", "until", "reports", "strikes", "web_page", "source"], "quality_undated",
        counted_on=st.column_config.DateColumn("counted on", format="YYYY-MM-DD"),
        until=st.column_config.DateColumn("until", format="YYYY-MM-DD", help="The span's last day (blank: one day)"),
        reports=st.column_config.NumberColumn("strike reports", width=95),
        strikes=st.column_config.NumberColumn("strikes", format="%d", width=80),
    )

st.subheader("Sentences with numbers that gave no row")
st.caption(DIAGNOSTIC_KINDS["unparsed_sentence"].capitalize() + ": their strikes are not in any count. By "
           f"publication date; {NOT_FILTERED}.")
unparsed = quality.unparsed
if unparsed.empty:
    st.success("No such sentence in the releases of this period.", icon=":material/check_circle:")
else:
    release_table(unparsed, ["published", "text"], "quality_unparsed",
                  text=st.column_config.TextColumn("sentence", width="large"))

# --- one kind in full ---------------------------------------------------------------------

st.subheader("Diagnostics of one kind")
present = [kind for kind in by_kind["kind"]] if not by_kind.empty else []
choices = present + [kind for kind in DIAGNOSTIC_KINDS if kind not in present]
kind = st.selectbox(
    "Kind", choices, key="quality_kind",
    format_func=lambda k: f"{kind_name(k)} ({count_of(k):,})",
)
# what the kind means, under the choice: in the choice itself it was cut on a phone
st.caption(f"{kind_name(kind)}: {DIAGNOSTIC_KINDS.get(kind, '')}.")
listed = load(load_diagnostics, filters, kind)
if listed.empty:
    st.caption(f"No {kind} diagnostics in the releases of this period.")
else:
    st.caption(f"{len(listed):,} diagnostics{' (the latest 500)' if len(listed) >= 500 else ''}, newest release "
               f"first; {NOT_FILTERED}. Click a release to open it.")
    release_table(listed, ["published", "message", "text"], "quality_kind_list",
                  message=st.column_config.TextColumn("message", width="medium"),
                  text=st.column_config.TextColumn("text", width="large"))
    first = int(listed["release_id"].iloc[0])
    st.page_link("pages/releases.py", label=f"Open the newest release with this kind (id {first})",
                 icon=":material/article:", query_params={"release": str(first)})
