"""Reading a web page: linear in its size on every shape that was quadratic (siblings by the
ten thousand, nesting just under the limit, markup that never ends), refused while read when
nested too deep, and the text a release page gives unchanged (docs/SECURITY.md)."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from work import growth

from loaders.readers import MAX_HTML_DEPTH, UnreadableFile, html_to_text, unfinished_markup_as_text

LINE = "Near Mosul, a strike destroyed an ISIS vehicle."
READ = "loaders.readers:html_to_text"  # what the work counter runs (tests/work.py)
SIBLINGS = {  # 20k <br> took 15 s and 40k 52 s; 20k <li> 49 s; 40k <td> 176 s
    "br": lambda n: f"<html><body><div>{LINE}" + "<br>" * n + "</div></body></html>",
    "p": lambda n: "<html><body>" + f"<p>{LINE}</p>" * n + "</body></html>",
    "li": lambda n: "<html><body><ul>" + f"<li>{LINE}</li>" * n + "</ul></body></html>",
    "td": lambda n: "<html><body><table><tr>" + f"<td>{LINE}</td>" * n + "</tr></table></body></html>",
    "nesting just under the limit": lambda n: "<html><body>" + (
        "<div>" * (MAX_HTML_DEPTH - 3) + LINE + "</div>" * (MAX_HTML_DEPTH - 3)) * max(n // 100, 1) + "</body></html>",
}


@pytest.mark.parametrize("shape", list(SIBLINGS))
def test_reading_a_page_is_linear_in_its_elements(shape, count_work):
    # 8 times the elements: 8 times the work if linear, 64 times if quadratic
    assert growth(count_work, READ, SIBLINGS[shape], 300) <= 8.5


@pytest.mark.parametrize("shape", list(SIBLINGS))
def test_reading_a_page_takes_a_few_steps_per_character(shape, count_work):
    """Nesting just under the limit cost about 17 s a megabyte: the text of every element was
    gathered anew for each element around it (about 470 lines of Python per character; 130
    for plain paragraphs). One pass takes a few."""
    page = SIBLINGS[shape](2_000)
    work = count_work(READ, page)
    assert work.lines <= 25 * len(page) and work.regex_chars <= 25 * len(page), work


UNFINISHED = ["<!--", "<a", "</", "<?", "<!", "<![CDATA[", "<![foo[", "<"]


@pytest.mark.parametrize("opening", UNFINISHED)
def test_markup_that_never_ends_is_read_as_text(opening, count_work):
    """html.parser rescans the rest of the page from every start of markup that never ends
    (40,000 "<!--" took 11 s, 16 times 5,000's): each becomes text first, so no start is left
    without its end after it, and the page reads as text."""
    page = f"<html><body><p>{LINE}</p>" + opening * 2_000
    assert not unfinished_starts(unfinished_markup_as_text(page))
    text, _ = html_to_text(page)
    assert text.startswith(LINE)
    assert growth(count_work, READ, lambda n: f"<html><body><p>{LINE}</p>" + opening * n, 300) <= 8.5


def unfinished_starts(markup: str) -> list[int]:
    """Where a start of markup has no end after it, as html.parser reads ends."""
    ends = {"<!--": "-->", "<![cdata": "]]>"}
    found = []
    for match in re.finditer(r"<(?:!--|!\[[A-Za-z]*|[!?/A-Za-z])", markup):
        end = ends.get(match.group().lower(), ">")
        if markup.find(end, match.end()) < 0 or match.group().lower().startswith("<![") and end == ">":
            found.append(match.start())
    return found


@given(st.text(alphabet="<>!-?/[]aCDAT x", max_size=60))
@example("<!-->")  # a comment whose "-->" begins inside its own "<!--": no end after it
@example("<!--->")
def test_no_start_of_markup_is_left_without_its_end(markup):
    assert not unfinished_starts(unfinished_markup_as_text(markup))
    with contextlib.suppress(UnreadableFile):  # a refusal is an answer; any other error fails
        html_to_text(markup)


DEEP = {
    "nested elements": lambda depth: "<html><body>" + "<div>" * depth + LINE + "</div>" * depth + "</body></html>",
    "cells never closed": lambda depth: "<html><body><table><tr>" + f"<td>{LINE}" * depth,
    "items never closed": lambda depth: "<html><body><ul>" + f"<li>{LINE}" * depth,
}


@pytest.mark.parametrize("shape", list(DEEP))
def test_a_page_nested_too_deep_is_refused_while_it_is_read(shape, count_work):
    """A page nested a million deep was refused only after a full parse (29.6 s, 770 MB for
    11 MB): the reader stops at the first element past the limit, so the work does not grow
    with what follows it."""
    with pytest.raises(UnreadableFile, match=f"HTML nested more than {MAX_HTML_DEPTH} elements deep"):
        html_to_text(DEEP[shape](100_000))
    # (the C-level pass that makes unfinished markup text reads the whole page, linear in its size)
    assert count_work(READ, DEEP[shape](8_000)).lines <= 1.05 * count_work(READ, DEEP[shape](1_000)).lines


def test_a_marked_section_the_parser_does_not_know_is_text():
    text, _ = html_to_text(f"<html><body><p>{LINE}</p><p><![foo[ bar ]]></p></body></html>")
    assert LINE in text


PAGE = """<!DOCTYPE html><html><head><title>Coalition strikes continue against ISIS</title>
<script>var markup = "<p>strikes</p>";</script></head>
<body><header><nav><a href="/">Home</a> <a href="/news">Strikes archive</a></nav></header>
<main><article><h1>Coalition strikes continue against ISIS</h1>
<p>SOUTHWEST ASIA, July 22, 2017 &mdash; U.S. and coalition military forces conducted 2 strikes
consisting of 3 engagements against ISIS targets.</p>
<p><strong>Strikes in Iraq</strong></p>
<ul><li>Near Mosul, a strike destroyed an ISIS vehicle.<li>Near Tal Afar, a strike engaged an ISIS tactical unit.</ul>
<p>Part of Operation Inherent Resolve<br>Release No. 170722</p>
</article></main>
<footer><p>Strikes news, daily</p></footer></body></html>"""


def test_a_release_page_reads_as_its_release():
    text, title = html_to_text(PAGE)
    assert title == "Coalition strikes continue against ISIS"
    assert text == (
        "Coalition strikes continue against ISIS\n\n"
        "SOUTHWEST ASIA, July 22, 2017 \u2014 U.S. and coalition military forces conducted 2 strikes\n"
        "consisting of 3 engagements against ISIS targets.\n\nStrikes in Iraq\n\n"
        "Near Mosul, a strike destroyed an ISIS vehicle.\nNear Tal Afar, a strike engaged an ISIS tactical unit.\n\n"
        "Part of Operation Inherent Resolve\nRelease No. 170722")


def test_a_page_that_takes_too_long_is_refused(monkeypatch):
    """As a PDF is: a time bound behind the size and depth limits."""
    import loaders.readers

    monkeypatch.setattr(loaders.readers, "MAX_HTML_SECONDS", -1)
    with pytest.raises(UnreadableFile, match="HTML not read within"):
        html_to_text(SIBLINGS["p"](2_000))
