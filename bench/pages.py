"""What each page loads on a first render with the given filters, through the same loaders the
page calls (dashboard/page_data/), in page order; values that depend on earlier results (the
top places of the trend, the first target type, the two areas compared, the first diagnostic
kind) taken from those results as the page does.

Every page run also reads the data version and checks for an empty database (uncached), and
loads the frame (the filter bar's choices and the source line). The app caches each loader's
result per arguments and data version, so a loader called twice in one run is counted once
here; across runs the cache would serve every loader of an unchanged view: the timings here
are the uncached cost, what a first visit, a new filter or a new import costs. Inside each
loader every db.queries call is timed on its own (by wrapping the package's functions while
the loader runs).

``check_pages`` runs every page through Streamlit's AppTest and reports a loader a page calls
that the sets here do not, or the other way round, so the benchmark cannot silently drift.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dashboard.page_data.areas import load_area_figures, load_areas, load_place_trend
from dashboard.page_data.common import FrameData, load_frame, load_reports_behind
from dashboard.page_data.data_quality import (
    load_audit,
    load_diagnostics,
    load_quality,
    load_repeated_lists,
    reconcile,
)
from dashboard.page_data.overview import load_overview
from dashboard.page_data.releases import load_release, load_release_list
from dashboard.page_data.targets import load_targets, load_type_trend
from dashboard.page_data.timeline import load_timeline_chart, load_whole_record
from dashboard.page_data.upload import load_imports_log
from dashboard.record import scope_of
from dashboard.registry import ANALYSIS_PAGES
from dashboard.registry import PAGES as REGISTERED
from dashboard.view_state import TimelineView
from db import queries
from db.queries import Filters
from db.starter import never_imported
from loaders.records import DIAGNOSTIC_KINDS

ROOT = Path(__file__).resolve().parents[1]

DEFAULT = Filters()
NARROW = Filters(start=date(2017, 6, 1), end=date(2017, 6, 30), countries=("Syria",))
FILTER_SETS = {"default": DEFAULT, "narrow": NARROW}
NARROW_DESCRIPTION = "country Syria, strike dates 2017-06-01 to 2017-06-30"
# what every page run pays whatever its filters: labels of the calls page_frame makes, and the
# queries of load_frame (cached once for every filter)
UNCACHED_CHECKS = ("never_imported", "data_version")


def is_frame(label: str) -> bool:
    return label in UNCACHED_CHECKS or label.startswith(f"{load_frame.__name__} ")


@dataclass(frozen=True)
class Call:
    label: str
    seconds: float
    spec: tuple  # (function, args, keyword arguments): a db.queries call, to run it again


@dataclass
class Runner:
    """Runs a page's loaders as dashboard.data.load does (a new session per loader, on one
    engine), timing each db.queries call inside them."""

    engine: Engine
    calls: list[Call] = field(default_factory=list)
    loaders: list[str] = field(default_factory=list)  # the loaders run, in order
    _seen: dict = field(default_factory=dict)

    def check(self, name: str, function: Callable[[], object]) -> object:
        """One of the uncached checks every page run makes."""
        start = time.perf_counter()
        result = function()
        self._record(name, time.perf_counter() - start, (function, (), {}))
        return result

    def load(self, loader: Callable, *args, **kwargs):
        key = (loader.__name__, args, tuple(sorted(kwargs.items())))
        if key in self._seen:  # st.cache_data inside one page run
            return self._seen[key]
        self.loaders.append(loader.__name__)
        with Session(self.engine, expire_on_commit=False) as session, self._timing(loader.__name__):
            result = loader(session, *args, **kwargs)
        self._seen[key] = result
        return result

    def _record(self, label: str, seconds: float, spec: tuple) -> None:
        repeats = sum(1 for call in self.calls if call.label == label or call.label.startswith(label + " #"))
        self.calls.append(Call(label + (f" #{repeats + 1}" if repeats else ""), seconds, spec))

    @contextlib.contextmanager
    def _timing(self, loader: str) -> Iterator[None]:
        """Each db.queries function timed while the loader runs (loaders call them through the package)."""
        originals = {name: getattr(queries, name) for name in queries.__all__
                     if inspect.isfunction(getattr(queries, name))}

        def timed(name: str, function: Callable) -> Callable:
            @functools.wraps(function)
            def run(session, *args, **kwargs):
                start = time.perf_counter()
                try:
                    return function(session, *args, **kwargs)
                finally:
                    self._record(f"{loader} › {_label(name, args, kwargs)}", time.perf_counter() - start,
                                 (function, args, kwargs))
            return run

        for name, function in originals.items():
            setattr(queries, name, timed(name, function))
        try:
            yield
        finally:
            for name, function in originals.items():
                setattr(queries, name, function)


def _label(name: str, args: tuple, kwargs: dict) -> str:
    shown = []
    if args and isinstance(args[0], Filters):
        shown.append("everything" if args[0] == DEFAULT else "filters")
    for key, value in kwargs.items():
        if key == "places":
            value = f"{len(value)} places"
        elif key == "search" and not value:
            continue
        elif isinstance(value, Filters):
            value = "filters"
        shown.append(f"{key}={value}")
    return f"{name}({', '.join(shown)})"


def _frame(r: Runner) -> FrameData:
    """What every page run does first (dashboard.frame.page_context)."""
    r.check("never_imported", lambda: never_imported(sessionmaker(bind=r.engine)))
    r.check("data_version", lambda: _data_version(r.engine))
    return r.load(load_frame)


def _data_version(engine: Engine) -> str:
    with Session(engine) as session:
        return queries.data_version(session)


def overview(r: Runner, f: Filters) -> None:
    frame = _frame(r)
    r.load(load_overview, f, frame.period_of(f), frame.options["bounds"][0])


def timeline(r: Runner, f: Filters) -> None:
    frame = _frame(r)
    r.load(load_timeline_chart, f, TimelineView())  # an address without options: the defaults
    r.load(load_reports_behind, f)  # until a bar is clicked: the first reports of the filtered period
    r.load(load_whole_record, scope_of(f), frame.period_of(f))


def areas(r: Runner, f: Filters) -> None:
    _frame(r)
    shown = r.load(load_areas, f)
    r.load(load_place_trend, f, tuple(shown.ranked("place")[:3]))  # the three largest places
    for area in shown.areas_in_view()[:2]:  # the two areas compared first
        r.load(load_area_figures, f, area)


def targets(r: Runner, f: Filters) -> None:
    _frame(r)
    hit = r.load(load_targets, f)
    if not hit.by_type.empty:
        r.load(load_type_trend, f, str(hit.by_type["type"].iloc[0]))


def releases(r: Runner, f: Filters) -> None:
    _frame(r)
    r.load(load_release_list, f, "")


def releases_open(r: Runner, f: Filters) -> None:
    _frame(r)
    listed = r.load(load_release_list, f, "")
    if not listed.empty:
        r.load(load_release, int(listed["id"].iloc[0]))


def data_quality(r: Runner, f: Filters) -> None:
    _frame(r)
    quality = r.load(load_quality, f)
    reconcile(r.load(load_audit), f, r.load(load_repeated_lists, f))
    present = list(quality.by_kind["kind"]) if not quality.by_kind.empty else []
    choices = present + [kind for kind in DIAGNOSTIC_KINDS if kind not in present]
    r.load(load_diagnostics, f, choices[0])


def upload(r: Runner, f: Filters) -> None:
    r.check("never_imported", lambda: never_imported(sessionmaker(bind=r.engine)))
    r.check("data_version", lambda: _data_version(r.engine))
    r.load(load_imports_log)


# page name -> (page script, what its first render loads)
PAGES: dict[str, tuple[str, Callable[[Runner, Filters], None]]] = {
    "overview": ("pages/overview.py", overview),
    "timeline": ("pages/timeline.py", timeline),
    "areas": ("pages/areas.py", areas),
    "targets": ("pages/targets.py", targets),
    "releases": ("pages/releases.py", releases),
    "releases, one open": ("pages/releases.py", releases_open),
    "data_quality": ("pages/data_quality.py", data_quality),
    "upload (signed in)": ("pages/upload.py", upload),
}


def run_page(engine: Engine, page: str, filters: Filters) -> list[Call]:
    runner = Runner(engine)
    PAGES[page][1](runner, filters)
    return runner.calls


def loaders_run(engine: Engine, page: str, filters: Filters) -> list[str]:
    runner = Runner(engine)
    PAGES[page][1](runner, filters)
    return runner.loaders


def check_pages(url: str | None = None) -> list[str]:
    """Differences between the loaders each page calls on a first render (run through AppTest
    on the database at url, else on a new one holding the starter data) and the sets here:
    empty when they agree. The upload page is left out (its loader runs only once signed in)."""
    import tempfile

    from db.engine import make_engine

    notes: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        if url is None:
            url = _starter_database(Path(folder) / "pages.db")
        engine = make_engine(url)
        try:
            for page, (script, _run) in PAGES.items():
                if script == "pages/upload.py":
                    continue
                params = {}
                if page == "releases, one open":
                    listed = Runner(engine).load(load_release_list, DEFAULT, "")
                    if listed.empty:
                        continue
                    params["release"] = str(int(listed["id"].iloc[0]))
                called = _loaders_called(url, script, params)
                expected = loaders_run(engine, page, DEFAULT)
                if sorted(set(called)) != sorted(set(expected)):
                    notes.append(f"{script} ({page}) loads {', '.join(sorted(set(called)))}; "
                                 f"the benchmark runs {', '.join(sorted(set(expected)))}")
        finally:
            engine.dispose()
        scripts = {script for script, _run in PAGES.values()}
        notes += [f"{page.script}: a page without a benchmarked set" for page in REGISTERED if page.script not in scripts]
    return notes


def _starter_database(path: Path) -> str:
    from db.engine import make_engine, session_factory
    from db.schema import upgrade
    from db.starter import load_starter_data

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    load_starter_data(session_factory(engine))
    engine.dispose()
    return url


def _loaders_called(url: str, script: str, params: dict[str, str]) -> list[str]:
    """The loaders a page script calls through dashboard.data.load on its first render."""
    import dashboard.data

    called: list[str] = []
    original = dashboard.data.load

    def recording(loader, *args, **kwargs):
        called.append(loader.__name__)
        return original(loader, *args, **kwargs)

    dashboard.data.load = recording
    try:
        with app_on(url) as fresh:
            at = fresh(script, params)
            at.run()
            if at.exception:
                raise RuntimeError(f"{script}: {at.exception[0].value}")
    finally:
        dashboard.data.load = original
    return called


@contextlib.contextmanager
def app_on(url: str):
    """The app pointed at the database at url (no starter data), yielding fresh(page, params):
    an AppTest of the page with every Streamlit cache and the engine cleared."""
    import logging
    import os
    import sys

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from db.engine import default_engine

    def clear() -> None:
        st.cache_data.clear()
        st.cache_resource.clear()
        default_engine.cache_clear()

    def fresh(page: str, params: dict) -> AppTest:
        clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(page)
        return at

    # outside a server Streamlit warns on every cache clear that it has no runtime: known here
    for name in [name for name in logging.root.manager.loggerDict if name.startswith("streamlit")]:
        logging.getLogger(name).setLevel(logging.ERROR)
    saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "STRIKES_STARTER_DATA")}
    os.environ.update({"DATABASE_URL": url, "STRIKES_STARTER_DATA": "none"})
    # a script run puts its own module in sys.modules["__main__"]: worker processes started
    # later (spawn) would run app.py as their main module
    main_module = sys.modules["__main__"]
    try:
        yield fresh
    finally:
        sys.modules["__main__"] = main_module
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        clear()


# --- whole page runs: Streamlit, queries and figures -------------------------------------------------

# The URL query parameters of each filter set (dashboard/view_state.py reads them).
FILTER_PARAMS = {"default": {}, "narrow": {"start": "2017-06-01", "end": "2017-06-30", "country": "Syria"}}
APP_PAGES = [page.script for page in ANALYSIS_PAGES]


def app_page_runs(url: str, repeats: int = 3) -> dict:
    """Each page run through the entry point with Streamlit's AppTest against the database at
    url: cold = the first run with every Streamlit cache and the engine cleared (what the first
    visitor after a start or an import waits for); warm = a rerun of the same view (median of
    repeats: a widget touched, the page drawn again, queries served from st.cache_data). Both
    include the page script, every query, the Plotly figures and Streamlit's own work.
    Returns {filter set: {page: {"cold_s", "warm_s", "errors"}}, "first_page_after_start_s": s}."""
    out: dict = {}
    with app_on(url) as fresh:
        # The first page a process draws also pays its one-time imports (Plotly loads the
        # validators of each kind of chart on first use): measured apart, then every page is
        # drawn once, so that cold below is what the first visitor after an import waits for.
        for page in APP_PAGES:
            at = fresh(page, {})
            start = time.perf_counter()
            at.run()
            out.setdefault("first_page_after_start_s", time.perf_counter() - start)
        for filter_name, params in FILTER_PARAMS.items():
            for page in APP_PAGES:
                at = fresh(page, params)
                start = time.perf_counter()
                at.run()
                cold = time.perf_counter() - start
                warm = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    at.run()
                    warm.append(time.perf_counter() - start)
                out.setdefault(filter_name, {})[page.removeprefix("pages/").removesuffix(".py")] = {
                    "cold_s": cold, "warm_s": sorted(warm)[len(warm) // 2],
                    "errors": [str(getattr(e, "value", e))[:200] for e in at.exception],
                }
    return out
