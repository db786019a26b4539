"""The briefing deck (dashboard.briefing): a title slide, a slide per chart as a 16:9 image, the
view in words and what the figures rest on, as PowerPoint and as a PDF of the same images. The
PDF's pages are drawn to PNG with pdftoppm into test-artifacts/briefing/ to be looked at.

Chart images come from Plotly's static export, which drives Chromium: without it these tests
skip with the reason (CI has it), and the page offers what to install instead of a deck."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sample_releases import DAY_ONE, DAY_TWO

from dashboard import charts
from dashboard.briefing import INSTALL_CHROMIUM, briefing_of, build, chromium_missing, slide_figure, text_slides
from dashboard.page_data.areas import load_areas
from dashboard.page_data.overview import load_overview
from dashboard.page_data.timeline import load_timeline_chart, load_whole_record
from dashboard.view_state import TimelineView
from db.ingest import ingest_files
from db.queries import Filters

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "briefing"
D20, D21 = date(2017, 7, 20), date(2017, 7, 21)
MISSING = chromium_missing()
needs_chromium = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


@pytest.fixture(scope="module")
def briefing(tmp_path_factory):
    """The Overview's briefing of DAY_ONE and DAY_TWO, made once: the tests only read it (a
    test that varies it makes a copy with dataclasses.replace)."""
    from db.engine import make_engine, session_factory
    from db.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('briefing') / 'deck.db'}")
    upgrade(engine)
    factory = session_factory(engine)
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    filters, period = Filters(start=D20, end=D21), (D20, D21)
    with factory() as session:
        overview = load_overview(session, filters, period, D20)
        places = load_areas(session, filters).located
    sub = charts.subtitle(period, filters.describe())
    figures = [
        ("Strikes per day, by country", charts.timeline(overview.trend, "strikes", "month", True,
                                                        "Strikes per month, by country", sub, "Source: test")),
        ("Top target types", charts.bar_ranking(overview.top_targets, "type", "targets", "Top target types", sub,
                                                "Source: test", color="category")),
        # a map: its outlines come from the app's own files, not from a CDN (unreachable offline)
        ("Strikes by place", charts.place_map(places, "Strikes by place", sub, "Source: test")),
    ]
    yield briefing_of("Overview", filters, period, "Source: CJTF-OIR strike releases; 2 releases", overview, figures)
    engine.dispose()


def test_a_chart_on_a_slide_has_no_text_under_16_px(briefing):
    for _title, figure in briefing.charts:
        slide = slide_figure(figure)
        assert (slide.layout.width, slide.layout.height) == (1600, 900)
        assert slide.layout.font.size >= 16
        assert slide.layout.xaxis.tickfont.size >= 16 and slide.layout.yaxis.tickfont.size >= 16
        assert all(note.font.size >= 16 for note in slide.layout.annotations)
        assert "font-size:13px" not in slide.layout.title.text  # the subtitle grown with the rest
        assert figure.layout.width is None  # the page's own figure is left as it was


def test_the_text_of_the_deck_is_the_dashboards(briefing):
    assert briefing.rests_on[0] == ("2 releases in the data were published in the view's dates; 2 report strikes in "
                                    "view, with strike days from 20 Jul 2017 to 21 Jul 2017.")
    assert "Target counts are lower bounds" in " ".join(briefing.rests_on)
    assert briefing.summary.startswith("From 20 to 21 July 2017 the releases in the data report 10 strikes")
    assert briefing.period_text == "20 Jul 2017 – 21 Jul 2017"


@needs_chromium
def test_the_pptx_deck_has_a_slide_per_chart_with_its_image(briefing):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = Presentation(io.BytesIO(build(briefing, "pptx")))
    slides = list(deck.slides)
    assert len(slides) == 3 + 3  # title, the three charts, in words, what it rests on
    assert deck.slide_width * 9 == deck.slide_height * 16

    def text(slide) -> str:
        return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)

    assert text(slides[0]).startswith("Coalition strikes against ISIS: Overview, 20–21 Jul 2017\n"
                                      "Period: 20 Jul 2017 – 21 Jul 2017")
    assert "Filters: all countries, places and targets" in text(slides[0])
    for slide, (title, _figure) in zip(slides[1:4], briefing.charts, strict=True):
        pictures = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].width == deck.slide_width
        assert pictures[0].image.size == (1600, 900)
        assert slide.notes_slide.notes_text_frame.text.splitlines()[0] == title
    assert text(slides[4]) == f"In words\n20 Jul 2017 – 21 Jul 2017\n{briefing.summary}"
    assert text(slides[5]).startswith("What these figures rest on\nSource: CJTF-OIR strike releases")


@pytest.fixture(scope="module")
def pptx_deck(briefing):
    """The briefing with a country chosen (the filters in force are not the default's), and its
    PowerPoint deck as python-pptx reads it: drawn once (three chart images through Chromium)
    for the tests that read it."""
    from pptx import Presentation

    in_iraq = replace(briefing, filters=Filters(countries=("Iraq",), start=D20, end=D21))
    return in_iraq, Presentation(io.BytesIO(build(in_iraq, "pptx")))


@needs_chromium
def test_every_pptx_slide_has_a_real_title(pptx_deck):
    # a title placeholder, not a text box: editable as the title, in PowerPoint's outline, read
    # first by a screen reader
    from pptx.enum.shapes import PP_PLACEHOLDER

    briefing, deck = pptx_deck
    expected = [briefing.title, *(title for title, _figure in briefing.charts), "In words",
                "What these figures rest on"]
    slides = list(deck.slides)
    assert len(slides) == len(expected)
    for slide, title in zip(slides, expected, strict=True):
        assert slide.shapes.title is not None, f"the slide for {title!r} has no title placeholder"
        assert slide.shapes.title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        assert slide.shapes.title.text_frame.text == title
    # the text slides' words are in the layout's body placeholder (the outline shows them too)
    for slide in (slides[0], slides[-2], slides[-1]):
        assert [shape.text_frame.text for shape in slide.placeholders if shape.placeholder_format.idx == 1] != [""]
        assert not [shape for shape in slide.shapes if not shape.is_placeholder], "a free text box"


@needs_chromium
def test_every_pptx_chart_has_alt_text_naming_its_title_and_period(pptx_deck):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    briefing, deck = pptx_deck
    for slide, (title, _figure) in zip(list(deck.slides)[1:-2], briefing.charts, strict=True):
        [picture] = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        alt = picture._element.nvPicPr.cNvPr.get("descr") or ""
        assert title in alt and briefing.period_text in alt, alt


@needs_chromium
def test_every_pptx_chart_slides_notes_hold_its_source_line_and_the_filters(pptx_deck):
    briefing, deck = pptx_deck
    for slide, (title, figure) in zip(list(deck.slides)[1:-2], briefing.charts, strict=True):
        _chart_title, _subtitle, source = charts.csv_about(figure)
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.splitlines()[0] == title
        assert source in notes.splitlines() and source.startswith("Source: ")
        assert "Filters: country: Iraq" in notes.splitlines()
        assert f"Period: {briefing.period_text}" in notes.splitlines()


@needs_chromium
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) missing: it checks the deck opens")
def test_the_pptx_deck_opens_in_libreoffice(pptx_deck, tmp_path):
    from pypdf import PdfReader

    briefing, deck = pptx_deck
    pptx = tmp_path / "deck.pptx"
    deck.save(pptx)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx)], check=True, timeout=180,
                   capture_output=True)
    pages = PdfReader(tmp_path / "deck.pdf").pages
    assert len(pages) == 6
    assert briefing.title.split(":")[0] in pages[0].extract_text()
    for page in pages:  # 16:9, as the deck's slides
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width / height - 16 / 9) < 0.01
    if shutil.which("pdftoppm"):  # the pages as LibreOffice draws them, to look at
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob("impress-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / "deck.pdf"), str(ARTIFACTS / "impress")],
                       check=True, timeout=120)


@needs_chromium
def test_no_chart_on_a_slide_runs_off_its_edges(briefing):
    """The top targets' labels ran off the slide's left edge ("omb factory" for "vehicle bomb
    factory") wherever the default plotly template kept the margins fixed (Streamlit's, in a
    process that imported Streamlit after the charts): the slide sets them to grow itself. No ink
    in the 3 pixels at either side of any chart's image."""
    from PIL import Image

    from dashboard.briefing import png_images

    images = png_images([slide_figure(figure) for _title, figure in briefing.charts])
    for (title, _figure), data in zip(briefing.charts, images, strict=True):
        image = Image.open(io.BytesIO(data)).convert("L")
        width, height = image.size
        inked = [x for x in (0, 1, 2, width - 3, width - 2, width - 1)
                 if min(image.getpixel((x, y)) for y in range(height)) < 200]
        assert not inked, f"{title}: ink at the image's edge, columns {inked}"


@needs_chromium
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm missing: apt-get install -y poppler-utils")
def test_the_pdf_deck_pages_are_drawn_to_look_at(briefing):
    from PIL import Image, ImageStat
    from pypdf import PdfReader

    data = build(briefing, "pdf")
    assert len(PdfReader(io.BytesIO(data)).pages) == 6
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "deck.pdf"
    pdf.write_bytes(data)
    for old in ARTIFACTS.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(ARTIFACTS / "page")], check=True, timeout=120)
    pages = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(pages) == 6
    for page in pages:
        image = Image.open(page).convert("L")
        width, height = image.size
        assert abs(width / height - 16 / 9) < 0.01
        assert ImageStat.Stat(image).stddev[0] > 10, f"{page.name} is blank"


def test_the_title_names_the_views_period_and_never_repeats_itself(briefing):
    # the Overview's heading is the subject itself, with the campaign's years
    year = replace(briefing, page="Coalition strikes against ISIS, 2014–2019", period=(date(2017, 1, 1), date(2017, 12, 31)))
    assert year.title == "Coalition strikes against ISIS: Overview, Jan–Dec 2017"
    assert replace(briefing, page="Areas").title == "Coalition strikes against ISIS: Areas, 20–21 Jul 2017"
    assert replace(briefing, period=(None, None)).title == "Coalition strikes against ISIS: Overview, the whole record"


@pytest.fixture
def two_days(tmp_path):
    """DAY_ONE and DAY_TWO, and a total the coalition published for Iraq; a session factory."""
    from db.engine import make_engine, session_factory
    from db.schema import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'two-days.db'}")
    upgrade(engine)
    factory = session_factory(engine)
    totals = ("as_of_date,period_start,scope,strikes,engagements,who_stated,url,quote\n"
              "2017-07-21,2014-08-08,Iraq,2494,,CJTF-OIR (monthly report),https://example.org/a,\n")
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode()),
                           ("totals.csv", totals.encode())])
    yield factory
    engine.dispose()


def test_a_share_on_a_slide_that_is_not_0_or_100_never_reads_so(two_days):
    filters, period = Filters(start=D20, end=D21), (D20, D21)
    with two_days() as session:
        overview = load_overview(session, filters, period, D20)
    # 12 of 2,494 strikes not itemised: 0.48%, which rounds to 0
    few = replace(overview, current=replace(overview.current, strikes=2494, unitemised=12))
    rests_on = " ".join(briefing_of("Overview", filters, period, "Source: test", few, []).rests_on)
    assert "12 of the 2,494 strikes (under 1%)" in rests_on and "(0%)" not in rests_on
    # the published total the deck quotes: its share worded as the pages word it
    from dashboard.record import held_statement
    from db.queries import PublishedComparison

    nearly = PublishedComparison("all", D20, D21, 2494, 2490, "a test", None)
    assert "(over 99%)" in held_statement(nearly) and "(100%)" not in held_statement(nearly)


def test_no_slide_says_what_only_a_browser_does(two_days):
    # hover, click and select mean nothing on a projected slide: the running total's published
    # points say their source in its source line
    filters, period = Filters(countries=("Iraq",), places=("Mosul",), start=D21, end=D21), (D21, D21)
    view = TimelineView(grain="day")
    with two_days() as session:
        overview = load_overview(session, filters, period, D20)
        bars = load_timeline_chart(session, filters, view)
        record = load_whole_record(session, "Iraq", period)
    sub = charts.subtitle(period, filters.describe())
    figures = [
        ("Strikes per day", charts.timeline(bars.series, "strikes", "day", True, "Strikes per day", sub, "Source: test",
                                            covered_days=bars.days, spans=bars.spans)),
        (record.title, charts.running_total(record.held, record.cumulative, record.title, record.subtitle,
                                            "Source: test", record.latest_held)),
    ]
    deck = briefing_of("Timeline", filters, period, "Source: test", overview, figures)
    slides = [slide_figure(figure) for _title, figure in deck.charts] + text_slides(deck)
    texts = [deck.title, deck.summary, *deck.rests_on]
    for slide in slides:
        texts += [slide.layout.title.text or "", *(note.text or "" for note in slide.layout.annotations),
                  slide.layout.xaxis.title.text or "", slide.layout.yaxis.title.text or ""]
    words = " ".join(texts)
    assert not re.search(r"hover|click|select|\btap\b|mouse", words, re.IGNORECASE), words
    running = slides[1]
    [source] = [note.text.replace("<br>", " ") for note in running.layout.annotations
                if note.text.startswith("Source: test")]
    assert "CJTF-OIR (monthly report)" in source


def test_without_chromium_the_reason_is_given(monkeypatch):
    import dashboard.briefing

    monkeypatch.setattr(dashboard.briefing.shutil, "which", lambda name: None)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert chromium_missing() == INSTALL_CHROMIUM and "apt-get install -y chromium" in INSTALL_CHROMIUM


@needs_chromium
def test_decks_made_at_once_all_arrive_each_with_its_own_charts(briefing):
    """Five readers asking for a deck at the same moment (the app draws each in its own thread):
    every deck arrives whole, and each holds its own charts, not another deck's."""
    import threading

    import plotly.graph_objects as go
    from PIL import Image
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    from pypdf import PdfReader

    colours = [(255, 0, 0), (0, 128, 0), (0, 0, 255), (255, 165, 0), (128, 0, 128)]
    formats = ["pptx", "pdf", "pptx", "pdf", "pptx"]
    decks: dict[int, bytes] = {}
    errors: dict[int, BaseException] = {}
    start, finished = threading.Barrier(len(colours), timeout=60), threading.Condition()
    # each deck's charts on a background of its own colour: an image from another deck shows
    briefings = [replace(briefing, charts=[(title, go.Figure(figure).update_layout(paper_bgcolor=f"rgb{colour}"))
                                           for title, figure in briefing.charts]) for colour in colours]

    def make(index: int) -> None:
        try:  # everything a thread does is inside: a thread that dies unrecorded would hold the others back
            start.wait()
            decks[index] = build(briefings[index], formats[index])
        except BaseException as error:  # noqa: BLE001 - every failure is the test's verdict
            errors[index] = error
        with finished:
            finished.notify()

    for index in range(len(colours)):
        threading.Thread(target=make, args=(index,), daemon=True).start()
    with finished:  # the wait's limit only keeps a deck that never comes from hanging the run
        finished.wait_for(lambda: len(decks) + len(errors) == len(colours), timeout=300)
    assert len(decks) + len(errors) == len(colours), f"{len(colours) - len(decks) - len(errors)} decks never arrived"
    assert not errors, {index: repr(error) for index, error in errors.items()}
    for index, fmt in enumerate(formats):
        if fmt == "pdf":
            assert len(PdfReader(io.BytesIO(decks[index])).pages) == 6
            continue
        slides = list(Presentation(io.BytesIO(decks[index])).slides)
        pictures = [shape for slide in slides for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(slides) == 6 and len(pictures) == 3
        for picture in pictures:
            corner = Image.open(io.BytesIO(picture.image.blob)).convert("RGB").getpixel((2, 2))
            assert corner == colours[index], f"deck {index} holds a chart drawn for another deck"


@needs_chromium
def test_a_chromium_not_ready_at_its_start_is_replaced_once(briefing, monkeypatch):
    """A Chromium just started was asked for an image before its page had loaded kaleido's
    scripts ("kaleido_scopes is not defined", on a busy machine): the deck is drawn by another,
    started at once, instead of failing."""
    import kaleido

    from dashboard.briefing import ChartRenderer

    drawn = kaleido.Kaleido.calc_fig
    asked: list = []

    async def not_ready_at_first(self, *args, **kwargs):
        asked.append(self)
        if len(asked) == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return await drawn(self, *args, **kwargs)

    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", not_ready_at_first)
    renderer = ChartRenderer(idle_timeout=None)
    try:
        [image] = renderer.png_images([slide_figure(figure) for _title, figure in briefing.charts[:1]])
        assert image.startswith(b"\x89PNG")
        assert len(asked) == 2 and asked[0] is not asked[1]  # the second image from another Chromium
    finally:
        renderer.close()


@needs_chromium
def test_a_failed_deck_says_why_and_the_next_is_drawn_by_a_fresh_chromium(briefing, monkeypatch):
    from dashboard.briefing import ChartRenderer, DeckFailed

    renderer = ChartRenderer(idle_timeout=None)  # shut when idle: asked for below, not by a timer
    figures = [slide_figure(figure) for _title, figure in briefing.charts[:1]]
    try:
        [first] = renderer.png_images(figures)
        assert first.startswith(b"\x89PNG")
        # Chromium dies between two decks: the next deck starts another
        dead = renderer.chromium
        dead.kill()
        dead.wait()
        assert renderer.png_images(figures)[0].startswith(b"\x89PNG")
        assert renderer.chromium.pid != dead.pid
        # Chromium fails while drawing: the deck says why and to try again, and that Chromium is shut
        failing = renderer.chromium

        async def crash(*args, **kwargs):
            raise RuntimeError("Target crashed")

        monkeypatch.setattr(renderer._kaleido, "calc_fig", crash)
        with pytest.raises(DeckFailed, match=r"Drawing the charts failed \(RuntimeError: Target crashed\): try again"):
            renderer.png_images(figures)
        assert renderer.chromium is None and failing.poll() is not None
        assert renderer.png_images(figures)[0].startswith(b"\x89PNG")  # the retry
        # idle: Chromium is shut only when no deck came since the timer was set, and a deck starts another
        idle, decks = renderer.chromium, renderer._decks
        renderer._shut_if_idle(decks - 1)
        assert renderer.chromium is idle
        renderer._shut_if_idle(decks)
        assert renderer.chromium is None and idle.poll() is not None
        assert renderer.png_images(figures)[0].startswith(b"\x89PNG")
    finally:
        last = renderer.chromium
        renderer.close()
    # at the process's exit: Chromium shut, and no deck starts another
    assert last.poll() is not None and renderer.chromium is None
    with pytest.raises(DeckFailed, match="shutting down"):
        renderer.png_images(figures)
