"""Targets: what the strikes hit. Target types and their categories, what was done to them
(engaged, destroyed, damaged ...), one type over time, and the target phrases the taxonomy
does not know, shown rather than hidden."""

import streamlit as st

from dashboard import charts
from dashboard.data import load
from dashboard.downloads import csv_bytes
from dashboard.frame import page_context, show_chart, write_params
from dashboard.page_data.targets import load_targets, load_type_trend
from dashboard.record import itemised_share_note
from dashboard.view_state import TargetsView

view = page_context("Targets")
filters, source = view.filters, view.source
asked = TargetsView.from_params(view.params)
st.caption(view.subtitle())
hit = load(load_targets, filters)
st.caption(itemised_share_note(hit.headline, "the targets"))

# --- (e) counts are lower bounds ----------------------------------------------------------
counts = hit.counts
st.info(
    "**Target counts are lower bounds.** A plural without a number (“destroyed fighting positions”) counts as one "
    f"target. In the current view {counts.without_number:,} of {counts.mentions:,} target mentions carry no number "
    f"and count one each; the {counts.targets:,} targets counted are at least that many, perhaps more.",
    icon=":material/info:",
)
LOWER_BOUND = "targets; a plural without a number counts one"

# --- (a) categories and types -------------------------------------------------------------
st.subheader("Types and categories")
by_type = hit.by_type
top = by_type.head(25)
title = view.chart_title(f"Targets hit, by type (top {len(top)} of {len(by_type)} types)")
figure = charts.grouped_ranking(top, "type", "targets", "category", title,
                                view.subtitle(LOWER_BOUND), source, "targets")
show_chart(figure, top[["category", "type", "targets", "mentions"]], title, key="targets_types")

title = view.chart_title("Targets hit, by category and type")
figure = charts.fit_source(
    charts.treemap(by_type, title, view.subtitle(LOWER_BOUND + "; area ∝ targets"), source), 14)
show_chart(figure, by_type[["category", "type", "targets", "mentions"]], title, key="targets_treemap")
st.caption("Click a category in the treemap to open it; click its header to go back.")

# --- (b) actions by category --------------------------------------------------------------
st.subheader("What was done to them")
actions = hit.by_action
title = view.chart_title("Targets per category, by action")
figure = charts.actions_by_category(actions, title, view.subtitle(LOWER_BOUND), source)
show_chart(figure, actions, title, key="targets_actions")
st.caption("The action is the verb of the release: “engaged” and “struck” say a target was hit, “destroyed” and "
           "“damaged” what came of it, as the release worded it.")

# --- (c) one type over time ---------------------------------------------------------------
st.subheader("A target type over time")
type_options = by_type["type"].tolist()
if not type_options:
    st.caption("No target types match these filters.")
else:
    TYPE_KEY = "targets_type"
    if TYPE_KEY in st.session_state and st.session_state[TYPE_KEY] not in type_options:
        del st.session_state[TYPE_KEY]
    focus = asked.focus
    chosen = st.selectbox("Target type", type_options, index=type_options.index(focus) if focus in type_options else 0,
                          key=TYPE_KEY, help="Ordered by targets hit in the current view.")
    write_params(TargetsView(focus=chosen).to_params())
    trend = load(load_type_trend, filters, chosen)
    title = view.chart_title(f"Targets of type “{chosen}” per month, by action")
    extra = "breaks: months with no strike report at all in the data"
    figure = charts.trend_lines(trend, "period", "targets", "action", "month", title,
                                view.subtitle(extra), source, "targets per month", "targets")
    show_chart(figure, trend, title, key="targets_trend")

# --- (d) unclassified phrases -------------------------------------------------------------
st.subheader("Target phrases not classified")
unclassified = hit.unclassified
st.markdown(
    "These target phrases were read from the releases but match no type in the taxonomy. They are **counted**, under "
    "the category “unclassified” (the treemap shows them), not dropped; each phrase stands as its own type. They are "
    "wordings the taxonomy does not know or fragments of sentences the parser split in an unusual place, and each "
    "was recorded as a diagnostic of its release (see Data quality)."
)
if unclassified.empty:
    st.caption("No unclassified target phrases under the current filters.")
else:
    shown = unclassified.drop(columns=["example"]) if unclassified["example"].isna().all() else unclassified
    st.dataframe(
        shown, hide_index=True, width="stretch", key="targets_unclassified",
        column_config={"type": st.column_config.TextColumn("phrase", width="large"),
                       "mentions": st.column_config.NumberColumn("mentions", format="%d"),
                       "example": st.column_config.TextColumn("as written", width="large")},
    )
    st.download_button("Download the unclassified phrases (CSV)", csv_bytes(unclassified),
                       file_name="unclassified-target-phrases.csv", mime="text/csv", key="targets_unclassified_csv")
