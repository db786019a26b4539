"""A release's raw text as safe HTML, with each parsed sentence marked. Plain functions, no
Streamlit: tests call them directly."""

from __future__ import annotations

import html

WRAPPER_STYLE = (
    "white-space: pre-wrap; overflow-wrap: anywhere; font-family: inherit; "
    "font-size: 0.95rem; line-height: 1.55; padding: 0.75rem 1rem; border: 1px solid #D9E2EC; "
    "border-radius: 0.5rem; background: #FFFFFF; max-height: 32rem; overflow-y: auto;"
)
MARK_STYLE = "background: #FFE8A3; color: inherit; padding: 0 1px; border-radius: 2px;"
# the sentence a reader came for (a row clicked in a drill-down table)
FOCUS_STYLE = ("background: #F7B538; color: inherit; padding: 1px 2px; border-radius: 2px; "
               "outline: 2px solid #D55E00; scroll-margin: 6rem;")
# The report numbers (as in the strike-report table) shown before each mark, outside the text itself.
NUMBER_STYLE = (
    "<style>.release-text mark[data-n]::before { content: attr(data-n); font-size: 0.7em; font-weight: 600; "
    "vertical-align: super; color: #52606D; margin-right: 3px; }</style>"
)


def _valid(spans: list[tuple[int, int, str]], length: int) -> list[tuple[int, int, int, str]]:
    """(start, end, number, title) for spans inside the text, numbered 1.. in the order given."""
    kept = []
    for number, span in enumerate(spans, start=1):
        try:
            start, end, title = span
            start, end = int(start), int(end)
        except (TypeError, ValueError):
            continue
        if 0 <= start < end <= length:
            kept.append((start, end, number, str(title or "")))
    return sorted(kept, key=lambda item: (item[0], -item[1], item[2]))


def highlighted_html(raw_text: str, spans: list[tuple[int, int, str]], focus: int | None = None) -> str:
    """The release text, HTML-escaped, line breaks kept, with each span (start, end, title)
    wrapped in <mark id="report-N" title="...">, N the span's 1-based position in `spans`; the
    mark holding span number `focus` stands out (data-focus).

    Spans outside the text or empty are ignored. Spans with the same or a contained range
    (several strike reports from one sentence) share one mark whose title lists them all, and
    get an empty anchor of their own id just before it; a span that starts inside an earlier
    one is marked from where the earlier one ends."""
    text = raw_text or ""
    marks: list[dict] = []  # start, end, number, titles, anchors
    cursor = 0
    for start, end, number, title in _valid(spans, len(text)):
        if marks and end <= cursor:  # inside an earlier mark: fold it into the one holding its start
            holder = next((m for m in reversed(marks) if m["start"] <= start < m["end"]), marks[-1])
            holder["titles"].append(title)
            holder["anchors"].append(number)
            continue
        if start < cursor:  # overlaps the previous mark: start where it ends
            start = cursor
        marks.append({"start": start, "end": end, "number": number, "titles": [title], "anchors": []})
        cursor = end

    parts = [NUMBER_STYLE, f'<div class="release-text" style="{WRAPPER_STYLE}">']
    position = 0
    for mark in marks:
        parts.append(html.escape(text[position:mark["start"]]))
        titles = " | ".join(dict.fromkeys(t for t in mark["titles"] if t))
        parts.extend(f'<span id="report-{number}"></span>' for number in mark["anchors"])
        numbers = ",".join(str(n) for n in (mark["number"], *mark["anchors"]))
        focused = focus in (mark["number"], *mark["anchors"])
        parts.append(
            f'<mark id="report-{mark["number"]}" title="{html.escape(titles, quote=True)}" data-n="{numbers}" '
            + ('data-focus="1" ' if focused else "")
            + f'style="{FOCUS_STYLE if focused else MARK_STYLE}">'
            f'{html.escape(text[mark["start"]:mark["end"]])}</mark>'
        )
        position = mark["end"]
    parts.append(html.escape(text[position:]))
    parts.append("</div>")
    return "".join(parts)


def report_summary(strikes: int | None, engagements: int | None, place: str | None, country: str | None,
                   day: object | None, block: str = "main") -> str:
    """One line for a strike report, e.g. "4 strikes near Raqqa, Syria, 2017-07-20"."""
    counts = []
    if strikes is not None:
        counts.append(f"{strikes} strike{'' if strikes == 1 else 's'}")
    if engagements is not None:
        counts.append(f"{engagements} engagement{'' if engagements == 1 else 's'}")
    where = ", ".join(part for part in (place, country) if part)
    summary = " and ".join(counts) or "counted with the line's first place"
    if where:
        summary += f" near {where}"
    if day:
        summary += f", {day}"
    if block != "main":
        summary += f" ({block} block)"
    return summary
