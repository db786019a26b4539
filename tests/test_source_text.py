"""The release text as HTML: escaped, with parsed sentences marked at the right places."""

from __future__ import annotations

import re
from datetime import date

from dashboard.source_text import NUMBER_STYLE, highlighted_html, report_summary


def _marked(html_text: str) -> list[tuple[str, str, str]]:
    """(id, title, content) of every <mark> in the HTML."""
    return re.findall(r'<mark id="([^"]+)" title="([^"]*)"[^>]*>(.*?)</mark>', html_text, flags=re.S)


def _plain(html_text: str) -> str:
    """The text a reader sees: the HTML without its style block and tags, entities decoded."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", html_text.replace(NUMBER_STYLE, "")))


def test_text_is_escaped():
    raw = 'Strikes <script>alert("x")</script> & more'
    out = highlighted_html(raw, [])
    assert "<script>" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert "&amp; more" in out
    assert _plain(out) == raw


def test_text_inside_marks_and_titles_is_escaped():
    raw = "Near Mosul, 2 strikes destroyed <b>a</b> & a tunnel.\nNext line"
    out = highlighted_html(raw, [(0, raw.index("\n"), 'title with "quotes" & <tags>')])
    (mark_id, title, content), = _marked(out)
    assert mark_id == "report-1"
    assert title == "title with &quot;quotes&quot; &amp; &lt;tags&gt;"
    assert content == "Near Mosul, 2 strikes destroyed &lt;b&gt;a&lt;/b&gt; &amp; a tunnel."
    assert "<b>" not in out


def test_marks_at_the_right_places_and_line_breaks_kept():
    raw = "Header line.\nNear Raqqa, four strikes engaged a unit.\nNear Mosul, one strike.\nEnd."
    first = (raw.index("Near Raqqa"), raw.index(" unit.") + len(" unit."), "4 strikes near Raqqa, Syria, 2017-07-20")
    second = (raw.index("Near Mosul"), raw.index("one strike.") + len("one strike."), "1 strike near Mosul, Iraq")
    out = highlighted_html(raw, [first, second])
    marks = _marked(out)
    assert [m[0] for m in marks] == ["report-1", "report-2"]
    assert marks[0][2] == "Near Raqqa, four strikes engaged a unit."
    assert marks[0][1] == "4 strikes near Raqqa, Syria, 2017-07-20"
    assert marks[1][2] == "Near Mosul, one strike."
    assert "white-space: pre-wrap" in out
    # the text outside the marks is all there, in order, newlines kept
    assert _plain(out) == raw


def test_out_of_range_and_empty_spans_are_ignored():
    raw = "Short text."
    out = highlighted_html(raw, [(5, 500, "too long"), (-3, 2, "negative"), (4, 4, "empty"), (8, 2, "backwards"),
                                 (0, 5, "fine")])
    marks = _marked(out)
    assert [(m[0], m[2]) for m in marks] == [("report-5", "Short")]
    assert _plain(out) == raw


def test_overlapping_and_shared_spans():
    raw = "Near A and B, three strikes. Near C, one strike."
    sentence = (0, raw.index(".") + 1)
    out = highlighted_html(raw, [(*sentence, "3 strikes near A"), (*sentence, "near B"), (5, 40, "overlaps")])
    marks = _marked(out)
    assert marks[0][0] == "report-1"
    assert marks[0][1] == "3 strikes near A | near B"
    assert marks[0][2] == "Near A and B, three strikes."
    assert '<span id="report-2"></span>' in out
    assert 'data-n="1,2"' in out
    # the overlapping span is marked from where the first one ends; no text is repeated or lost
    assert marks[1][0] == "report-3"
    assert _plain(out) == raw


def test_empty_text():
    assert "release-text" in highlighted_html("", [(0, 3, "x")])
    assert _marked(highlighted_html("", [(0, 3, "x")])) == []


def test_report_summary():
    assert report_summary(4, None, "Raqqa", "Syria", date(2017, 7, 20)) == "4 strikes near Raqqa, Syria, 2017-07-20"
    assert report_summary(1, 2, "Mosul", "Iraq", None) == "1 strike and 2 engagements near Mosul, Iraq"
    assert report_summary(None, None, "Tabqah", "Syria", None, "late").startswith("counted with the line's first place")
