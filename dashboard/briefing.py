"""The view as a briefing deck: a title slide (what, period, filters, date made, source), a slide
per chart of the page as a 16:9 image with its title, subtitle and source line, the view in
words, and what the figures rest on (releases, their dates, the caveats). As PowerPoint
(python-pptx) a briefer can edit (every title a real title, every chart with alt text and its
source and filters in the notes) and as a PDF made from the same images.

Chart images are Plotly's own static export (kaleido), which drives the machine's Chromium: one
per process (ChartRenderer), which decks asked for at once take turns at; a deck that cannot be
drawn raises DeckFailed with the reason. A machine without Chromium gets the reason
(chromium_missing) instead of a deck."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import io
import os
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import plotly.graph_objects as go

from dashboard import charts
from dashboard.page_data.overview import OverviewData
from dashboard.record import not_itemised_note, record_note
from dashboard.summary import written_summary
from db.queries import Filters

WIDTH, HEIGHT = charts.SLIDE_SIZE  # 16:9
SUBJECT = "Coalition strikes against ISIS"  # what every deck is about: the first words of its title
INK, MUTED = "#1F2933", "#52606D"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_CHROMIUM = ("Briefing decks draw the charts with Chromium, which this machine lacks: install it "
                    "(on Debian or Ubuntu: apt-get install -y chromium) and reload the page.")


def chromium_missing() -> str | None:
    """Why no deck can be drawn here, or None (kaleido finds Chromium on the PATH, or at
    BROWSER_PATH)."""
    if os.environ.get("BROWSER_PATH") and os.path.exists(os.environ["BROWSER_PATH"]):
        return None
    return None if any(shutil.which(name) for name in CHROMIUM_NAMES) else INSTALL_CHROMIUM


@dataclass(frozen=True)
class Briefing:
    """What a deck says besides its charts."""

    page: str  # the page it was made from
    period: tuple[date | None, date | None]
    filters: Filters
    source: str  # the source line
    summary: str  # the view in words
    rests_on: list[str]  # the releases and the caveats
    charts: list[tuple[str, go.Figure]] = field(default_factory=list)  # (title, figure) in page order
    made: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def period_text(self) -> str:
        first, last = self.period
        return f"{first:%d %b %Y} – {last:%d %b %Y}" if first and last else "the whole record"

    @property
    def title(self) -> str:
        """"Coalition strikes against ISIS: Timeline, Jan–Dec 2017": the subject once, the page
        and the view's period (the Overview's heading is the subject itself, with the
        campaign's years: the deck calls it Overview and names the view's own period)."""
        first, last = self.period
        page = "Overview" if self.page.startswith(SUBJECT) else self.page
        return f"{SUBJECT}: {page}, {charts.short_period(first, last) if first and last else 'the whole record'}"


def briefing_of(page: str, filters: Filters, period: tuple[date | None, date | None], source: str,
                overview: OverviewData, figures: Sequence[tuple[str, go.Figure]]) -> Briefing:
    """The deck's text from the Overview's loader for the same filters (so its figures are the
    dashboard's own) and the page's charts."""
    coverage, current = overview.coverage, overview.current
    rests_on = [
        f"{coverage.releases:,} releases in the data were published in the view's dates; "
        f"{current.releases:,} report strikes in view"
        + (f", with strike days from {coverage.first_day:%d %b %Y} to {coverage.last_day:%d %b %Y}."
           if coverage.first_day else "."),
        f"{coverage.days_with_counts:,} of the {coverage.days_in_period:,} days in the period have a release giving "
        f"counts; {coverage.days_not_covered:,} have none in the data: a gap in the record, not a lull in strikes.",
        record_note(overview.reference, overview.latest, filters) or "No total the coalition published covers this period.",
        not_itemised_note(current) or "Every strike in view is itemised by place.",
        "Target counts are lower bounds: a target named without a number counts as one.",
        "Engagements were counted by the releases from January 2017 on; before then, not reported, not zero.",
    ]
    # the notes are the pages' own sentences: their shares worded as the deck words every share
    return Briefing(page, period, filters, source, written_summary(overview.summary), rests_on, list(figures))


# --- images ---------------------------------------------------------------------------------


def slide_figure(figure: go.Figure) -> go.Figure:
    """A chart restyled for a projected slide: every text at least 16 px at 1600 x 900."""
    slide = go.Figure(figure)
    title = slide.layout.title.text or ""
    title = title.replace("font-size:13px", "font-size:20px").replace("<b>", "<b><span style='font-size:30px'>", 1)
    slide.update_layout(
        # hung 36 px below the top edge: a slide's title needs room above it
        title={"text": title.replace("</b>", "</span></b>", 1), "y": 1 - 36 / HEIGHT},
        font={"size": 18}, height=HEIGHT, width=WIDTH,
        margin={"l": 90, "r": 40, "t": 120 + 30 * title.count("<br>"), "b": 110},
        legend={"font": {"size": 18}},
    )
    slide.update_traces(textfont={"size": 17}, selector={"mode": "text"})  # a map's place and country names
    # margins that grow to hold the tick labels, whatever template is the default: Streamlit's
    # (the default where Streamlit was imported after the charts) keeps them fixed, and long bar
    # labels ran off the slide's left edge
    slide.update_xaxes(tickfont={"size": 18}, title_font={"size": 18}, automargin=True)
    slide.update_yaxes(tickfont={"size": 18}, title_font={"size": 18}, automargin=True)
    notes = []
    for note in slide.layout.annotations:
        size = max(note.font.size or 13, 16) + 3
        notes.append(note.update(font={"size": size}, yshift=-80 if note.yshift == -58 else note.yshift))
    slide.layout.annotations = notes
    # a source line of two lines (the running total's names the published totals' source) needs room
    below = max((note.text.count("<br>") for note in notes
                 if note.yref == "paper" and note.y == 0 and (note.yshift or 0) < 0 and note.text), default=0)
    if below:
        slide.update_layout(margin={"b": 110 + 30 * below})
    return slide


def text_figure(title: str, lines: Sequence[str], subtitle: str = "") -> go.Figure:
    """A text slide as a figure, for the PDF (whose pages are all images)."""
    figure = go.Figure()
    figure.update_layout(width=WIDTH, height=HEIGHT, paper_bgcolor="white", plot_bgcolor="white",
                         xaxis={"visible": False}, yaxis={"visible": False}, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                         font={"family": charts.FONT, "color": INK})
    notes = [{"text": f"<b>{title}</b>", "x": 0.05, "y": 0.92, "font": {"size": 44}}]
    if subtitle:
        notes.append({"text": subtitle, "x": 0.05, "y": 0.83, "font": {"size": 24, "color": MUTED}})
    # the text as large as fits: fewer, shorter lines are drawn larger
    words = sum(len(line) for line in lines)
    size = 30 if words < 500 else 26 if words < 900 else 22
    width = int(2400 / size)  # characters a line holds across 90% of the slide
    y = 0.73
    for line in lines:
        wrapped = _wrap(line, width)
        notes.append({"text": "<br>".join(wrapped), "x": 0.05, "y": y, "font": {"size": size}})
        y -= (len(wrapped) * size * 1.3 + size * 0.8) / HEIGHT
    # assigned: update_layout revalidates each annotation path by path (see charts.frame)
    figure.layout.annotations = [{**note, "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "top",
                                  "showarrow": False, "align": "left"} for note in notes]
    return figure


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


# the map outlines the app serves itself: the export would fetch them from a CDN, unreachable offline
TOPOJSON = Path(__file__).resolve().parents[1] / "static" / "topojson"


class DeckFailed(RuntimeError):
    """A deck could not be drawn; the message says why, and that asking again may work."""


class ChartRenderer:
    """One Chromium (kaleido) for the whole process, started by the first deck and kept for
    the next; decks take turns at it, every wait has a limit, a failure shuts it (the next
    deck starts a fresh one), and it is shut when no deck has come for idle_timeout seconds
    (Chromium holds about half a gigabyte) and when the process exits.

    Not kaleido's own sync server: that is one per process and not safe across threads. Decks
    made at once started and stopped it under each other, took each other's images, or waited
    for ever for an answer that never came (a spinner without end, a server that would not stop)."""

    def __init__(self, image_timeout: float = 45.0, turn_timeout: float = 150.0, start_timeout: float = 60.0,
                 idle_timeout: float | None = 120.0):
        self.image_timeout = image_timeout  # one image; kaleido's own limit is the same
        self.turn_timeout = turn_timeout  # waiting for the decks ahead (the page gives up after 180 s)
        self.start_timeout = start_timeout
        self.idle_timeout = idle_timeout
        self._turn = threading.Lock()  # one deck at a time: one Chromium's memory, whole decks
        self._kaleido = None  # the open kaleido.Kaleido, or None
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop it lives on, in its own thread
        self._closed = False
        self._exit_hook = False
        self._decks = 0  # decks asked for: an idle timer shuts Chromium only if none came since it was set
        self._idle_timer: threading.Timer | None = None

    def png_images(self, figures: Sequence[go.Figure]) -> list[bytes]:
        """Each figure as a 1600 x 900 PNG (DeckFailed if any cannot be drawn)."""
        if not self._turn.acquire(timeout=self.turn_timeout):
            raise DeckFailed("Too many decks are being drawn at once: try again in a minute.")
        try:
            if self._closed:
                raise DeckFailed("The dashboard is shutting down: try again once it is back.")
            try:
                started = self._start()
                try:
                    return [self._image(figure) for figure in figures]
                except Exception:
                    if not started:
                        raise
                    # a Chromium just started can be asked before its page has loaded kaleido's
                    # scripts ("kaleido_scopes is not defined" on a busy machine): once more, on another
                    self._shut()
                    self._start()
                    return [self._image(figure) for figure in figures]
            except Exception as error:
                self._shut()  # a Chromium that failed once is not trusted with the next deck
                if isinstance(error, DeckFailed):
                    raise
                raise DeckFailed(f"Drawing the charts failed ({type(error).__name__}: {error}): try again.") from error
        finally:
            self._decks += 1
            self._idle_later()
            self._turn.release()

    def close(self) -> None:
        """Shut Chromium and its thread, for good (at the process's exit)."""
        self._closed = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        # a deck being drawn finishes first, within its limits; then nothing starts again
        if self._turn.acquire(timeout=self.image_timeout):
            try:
                self._shut()
            finally:
                self._turn.release()
        else:
            self._shut()

    @property
    def chromium(self) -> subprocess.Popen | None:
        """The Chromium the next deck will be drawn by, or None (none open)."""
        return self._kaleido.subprocess if self._kaleido is not None else None

    def _call(self, coroutine, timeout: float):
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise DeckFailed(f"Chromium did not answer within {timeout:.0f} s: try again.") from None

    def _start(self) -> bool:
        """Start Chromium unless it runs; whether it was started now."""
        if self._kaleido is not None and self._kaleido.subprocess.poll() is None:
            return False
        self._shut()  # a Chromium that died between decks
        import kaleido

        self._loop = loop = asyncio.new_event_loop()
        threading.Thread(target=_run_until_stopped, args=(loop,), name="chart-renderer", daemon=True).start()

        async def open_kaleido():
            # mathjax=False: no script fetched from a CDN (the server may be offline); plotly.js
            # is the installed plotly's own
            renderer = kaleido.Kaleido(n=1, timeout=self.image_timeout, mathjax=False)
            try:
                await renderer.open()
            except BaseException:  # a Chromium half started (or too slow to) is not left behind
                await renderer.close()
                raise
            return renderer

        self._kaleido = self._call(open_kaleido(), self.start_timeout)
        if not self._exit_hook:
            atexit.register(self.close)
            self._exit_hook = True
        return True

    def _image(self, figure: go.Figure) -> bytes:
        opts = {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": 1}
        return self._call(self._kaleido.calc_fig(figure.to_dict(), opts=opts, topojson=TOPOJSON.as_uri() + "/"),
                          self.image_timeout)

    def _idle_later(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self.idle_timeout is None or self._kaleido is None:
            return
        self._idle_timer = threading.Timer(self.idle_timeout, self._shut_if_idle, args=(self._decks,))
        self._idle_timer.daemon = True
        self._idle_timer.start()

    def _shut_if_idle(self, decks: int) -> None:
        """Shut Chromium if no deck was asked for since the count was `decks`."""
        if self._decks == decks and self._turn.acquire(blocking=False):
            try:
                if self._decks == decks:
                    self._shut()
            finally:
                self._turn.release()

    def _shut(self) -> None:
        renderer, loop, self._kaleido, self._loop = self._kaleido, self._loop, None, None
        if loop is None:
            return
        if renderer is not None:
            future = asyncio.run_coroutine_threadsafe(renderer.close(), loop)
            try:
                future.result(timeout=15)  # choreographer asks Chromium to close, then kills it
            except Exception:  # noqa: BLE001 - shutting down: a Chromium left behind is killed below
                future.cancel()
                process = getattr(renderer, "subprocess", None)
                if process is not None and process.poll() is None:
                    process.kill()
        loop.call_soon_threadsafe(loop.stop)


def _run_until_stopped(loop: asyncio.AbstractEventLoop) -> None:
    loop.run_forever()
    loop.close()


RENDERER = ChartRenderer()  # the process's one Chromium for chart images


def png_images(figures: Sequence[go.Figure]) -> list[bytes]:
    """Each figure as a 1600 x 900 PNG, drawn by the process's one Chromium (DeckFailed with
    the reason if it cannot be)."""
    return RENDERER.png_images(figures)


# --- the files ------------------------------------------------------------------------------


def _title_lines(briefing: Briefing) -> list[str]:
    return [f"Period: {briefing.period_text}", f"Filters: {briefing.filters.describe()}",
            f"Made {briefing.made:%d %b %Y %H:%M} UTC from the Strike Report Dashboard",
            briefing.source]


def deck_pptx(briefing: Briefing, images: Sequence[bytes]) -> bytes:
    """The deck as PowerPoint a briefer can edit: every slide's title in its layout's title
    placeholder (editable as the title, in the outline, read first by a screen reader), the text
    slides' words in the body placeholder, charts as images with alt text (the chart's title and
    period) and notes (its title, period, filters and source line)."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Emu, Pt

    deck = Presentation()
    wide, high = Emu(12_192_000), Emu(6_858_000)  # 13.33 x 7.5 in, 16:9
    _widen_layouts(deck, wide / deck.slide_width)
    deck.slide_width, deck.slide_height = wide, high
    title_slide, title_and_content, title_only = (deck.slide_layouts[i] for i in (0, 1, 5))
    left, top, width, height = Emu(600_000), Emu(500_000), Emu(11_000_000), Emu(5_900_000)

    def text_slide(layout, title: str, lines: Sequence[str], subtitle: str = "") -> None:
        # where the one text box of earlier decks was: the title at its top, the words below it
        slide = deck.slides.add_slide(layout)
        heading, body = slide.shapes.title, slide.placeholders[1]
        title_height = Emu(len(_wrap(title, 44)) * 548_640 + 91_440)  # lines of 36 pt, and the insets
        heading.left, heading.top, heading.width, heading.height = left, top, width, title_height
        body.left, body.top, body.width, body.height = left, top + title_height, width, height - title_height
        heading.text_frame.vertical_anchor = body.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        heading.text_frame.text = title
        paragraph = heading.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.runs[0].font.size = Pt(36)
        paragraph.runs[0].font.bold = True
        frame = body.text_frame
        for index, (text, colour) in enumerate(([(subtitle, MUTED)] if subtitle else [])
                                               + [(line, INK) for line in lines]):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.LEFT
            paragraph.space_before = Pt(12)
            _no_bullet(paragraph)
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(20)
            run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))

    text_slide(title_slide, briefing.title, _title_lines(briefing))
    for (title, figure), image in zip(briefing.charts, images, strict=True):
        slide = deck.slides.add_slide(title_only)
        # the image draws the title, so its placeholder lies just above the slide, as PowerPoint's
        # accessibility guide hides a title: in the outline and read out, editable, never shown
        heading = slide.shapes.title
        heading.left, heading.top, heading.width, heading.height = left, Emu(-960_000), width, Emu(800_000)
        heading.text_frame.text = title
        heading.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
        picture = slide.shapes.add_picture(io.BytesIO(image), 0, 0, width=deck.slide_width, height=deck.slide_height)
        described = picture._element.nvPicPr.cNvPr
        described.set("name", f"Chart: {title}")
        described.set("descr", f"Chart: {title}. Period: {briefing.period_text}.")
        slide.name = title
        about = charts.csv_about(figure)
        source = about[2] if len(about) == 3 else briefing.source
        slide.notes_slide.notes_text_frame.text = "\n".join(
            [title, f"Period: {briefing.period_text}", f"Filters: {briefing.filters.describe()}", source])
    text_slide(title_and_content, "In words", [briefing.summary], briefing.period_text)
    text_slide(title_and_content, "What these figures rest on", briefing.rests_on, briefing.source)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _widen_layouts(deck, factor: float) -> None:
    """Stretch the default template's master and layouts (drawn for 4:3) across the wider slide,
    so a slide a briefer adds has its placeholders where a 16:9 slide wants them."""
    for shapes in (deck.slide_master.shapes, *(layout.shapes for layout in deck.slide_layouts)):
        for shape in shapes:
            if shape._element.x is not None:  # its own position, not the master's (already stretched)
                shape._element.x, shape._element.cx = round(shape._element.x * factor), round(shape._element.cx * factor)


def _no_bullet(paragraph) -> None:
    """A body placeholder's paragraph as plain text: the layout would bullet and indent it."""
    from pptx.oxml.ns import qn
    from pptx.oxml.xmlchemy import OxmlElement

    properties = paragraph._p.get_or_add_pPr()
    properties.set("marL", "0")
    properties.set("indent", "0")
    if properties.find(qn("a:buNone")) is None:
        properties.insert_element_before(OxmlElement("a:buNone"), "a:tabLst", "a:defRPr", "a:extLst")


def deck_pdf(briefing: Briefing, images: Sequence[bytes], text_images: Sequence[bytes]) -> bytes:
    """The same deck as a PDF, a page per slide, made from the same images (text_images: the
    three text slides drawn by text_figure, in order: title, summary, caveats)."""
    from PIL import Image

    title, summary, caveats = text_images
    pages = [Image.open(io.BytesIO(data)).convert("RGB") for data in (title, *images, summary, caveats)]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=150.0,
                  title=briefing.title, author="Strike Report Dashboard")
    return out.getvalue()


def text_slides(briefing: Briefing) -> list[go.Figure]:
    return [text_figure(briefing.title, _title_lines(briefing)),
            text_figure("In words", [briefing.summary], briefing.period_text),
            text_figure("What these figures rest on", briefing.rests_on, briefing.source)]


def deck_for(engine, fmt: str, page: str, filters: Filters, period: tuple[date | None, date | None],
             first_day: date | None, source: str, figures: Sequence[tuple[str, go.Figure]]) -> bytes:
    """The deck of a page's view, made when a reader asks for it (the page's download button):
    the text from the Overview's loader for the same filters, the charts the page drew."""
    from sqlalchemy.orm import Session

    from dashboard.page_data.overview import load_overview

    with Session(engine) as session:
        overview = load_overview(session, filters, period, first_day)
    return build(briefing_of(page, filters, period, source, overview, figures), fmt)


def build(briefing: Briefing, fmt: str) -> bytes:
    """The deck in "pptx" or "pdf"."""
    figures = [slide_figure(figure) for _title, figure in briefing.charts]
    if fmt == "pptx":
        return deck_pptx(briefing, png_images(figures))
    if fmt == "pdf":
        texts = text_slides(briefing)
        drawn = png_images([*figures, *texts])
        return deck_pdf(briefing, drawn[:len(figures)], drawn[len(figures):])
    raise ValueError(f"unknown deck format {fmt!r}")
