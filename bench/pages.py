"""The query set of each page: the db.queries calls a first render of pages/*.py makes with
the given filters, in page order, values that depend on earlier results (the top places of
the trend, the first target type, the two areas compared, the first diagnostic kind) taken
from those results as the page does.

Every page run also reads the data version (app.py, uncached) and draws the filter bar
(dashboard/frame.py: filter_options; source_text: coverage of everything). Inside one run
Streamlit's st.cache_data serves a repeated call (same query, filters and arguments) from
memory, so a repeated call is counted once here. Across runs the cache would serve every
query of an unchanged view: the timings here are the uncached cost, what a first visit, a
new filter or a new import costs.

``check_pages`` reads pages/*.py and reports queries a page calls that the set here does not
run (a page changed since this file was written), so the benchmark cannot silently drift.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import queries
from db.queries import Filters
from db.starter import never_imported

ROOT = Path(__file__).resolve().parents[1]
UNKNOWN = {"unknown", "unresolved"}

DEFAULT = Filters()
TOWERING_WEEK = date(2017, 6, 5)
NARROW = Filters(start=date(2017, 6, 1), end=date(2017, 6, 30), countries=("Syria",))
FILTER_SETS = {"default": DEFAULT, "narrow": NARROW}
NARROW_DESCRIPTION = "country Syria, strike dates 2017-06-01 to 2017-06-30"


@dataclass(frozen=True)
class Call:
    label: str
    seconds: float
    spec: tuple  # (query name, filters, keyword arguments): to run it again


@dataclass
class Runner:
    """Runs db.queries functions by name as dashboard.data.run does (a new session per query,
    on one engine), timing each distinct call."""

    engine: Engine
    calls: list[Call] = field(default_factory=list)
    _seen: dict = field(default_factory=dict)

    def __call__(self, name: str, filters: Filters | None = None, label: str | None = None, **kwargs):
        key = (name, filters, tuple(sorted(kwargs.items())))
        if key in self._seen:  # st.cache_data inside one page run
            return self._seen[key]
        start = time.perf_counter()
        if name == "never_imported":  # dashboard.frame.page_frame, on every page run
            result = never_imported(sessionmaker(bind=self.engine))
        else:
            function = getattr(queries, name)
            with Session(self.engine, expire_on_commit=False) as session:
                result = function(session, filters, **kwargs) if filters is not None else function(session, **kwargs)
        self.calls.append(Call(label or _label(name, kwargs), time.perf_counter() - start, (name, filters, kwargs)))
        self._seen[key] = result
        return result


def _label(name: str, kwargs: dict) -> str:
    shown = []
    for key, value in kwargs.items():
        if key == "places":
            value = f"{len(value)} places"
        elif key == "search" and not value:
            continue
        shown.append(f"{key}={value}")
    return f"{name}({', '.join(shown)})" if shown else name


def _frame(q: Runner) -> None:
    """What the shared page frame and the filter bar query on every page run."""
    q("never_imported")
    q("data_version")
    q("filter_options")


def overview(q: Runner, f: Filters) -> None:
    _frame(q)
    q("coverage", DEFAULT, label="coverage(everything, source line)")
    q("last_import_day")  # the source line's date
    q("headline", f)
    previous = f.previous_period()
    if previous:
        q("headline", previous, label="headline(previous period)")
    q("strikes_over_time", f, grain="month", split="country")
    q("targets_by_type", f)
    q("coverage", f)
    scope = f.countries[0] if len(f.countries) == 1 else "all"
    q("published_coverage", start=f.start, end=f.end, scope=scope)


def timeline(q: Runner, f: Filters) -> None:
    _frame(q)
    q("strikes_over_time", f, grain="week", split="country")  # view_state defaults
    # run by the page only for a bar that towers over the rest (charts.undated_tall_bars), at
    # most three times; timed here for one week whether or not one does
    q("undated_totals", f.in_period(f.start or TOWERING_WEEK, "week"), label="undated_totals(one week)")
    q("coverage_days", f)
    q("coverage", DEFAULT, label="coverage(everything, source line)")
    q("last_import_day")  # the source line's date
    scope = f.countries[0] if len(f.countries) == 1 else "all"
    q("running_held", scope=scope)
    q("published_totals")
    q("published_coverage", start=None, end=None, scope=scope, label="published_coverage(the whole record)")
    q("published_coverage", start=f.start, end=f.end, scope=scope)
    q("headline", f)  # the drill-down totals: the page's filters until a bar is clicked
    q("strike_reports", f, limit=300)


def areas(q: Runner, f: Filters) -> None:
    _frame(q)
    q("coverage", DEFAULT, label="coverage(everything, source line)")
    q("last_import_day")  # the source line's date
    q("headline", f)  # the share the places itemise, and the map's caption
    q("places_summary", f)
    q("ranking", f, by="province", limit=1000)  # the tabs show its first 20
    place_ranking = q("ranking", f, by="place", limit=1000)
    place_options = [name for name in place_ranking["name"] if name not in UNKNOWN]
    q("place_trend", f, places=tuple(place_options[:3]), grain="month")
    province_ranking = q("ranking", f, by="province", limit=1000)
    options = [("province", name) for name in province_ranking["name"] if name not in UNKNOWN]
    options += [("place", name) for name in place_options]
    for letter, (kind, name) in zip("AB", options[:2], strict=False):
        narrowed = replace(f, provinces=(name,)) if kind == "province" else replace(f, places=(name,))
        q("headline", narrowed, label=f"headline(area {letter}: {kind})")


def targets(q: Runner, f: Filters) -> None:
    _frame(q)
    q("coverage", DEFAULT, label="coverage(everything, source line)")
    q("last_import_day")  # the source line's date
    q("headline", f)  # the share of the strikes the targets rest on
    q("target_counts", f)
    by_type = q("targets_by_type", f)
    q("targets_by_action", f)
    if not by_type.empty:
        q("target_type_trend", f, target_type=str(by_type["type"].iloc[0]), grain="month",
          label="target_type_trend(first type, grain=month)")
    q("unclassified_targets", f)


def releases(q: Runner, f: Filters) -> None:
    _frame(q)
    q("releases_list", f, search="")


def releases_open(q: Runner, f: Filters) -> None:
    _frame(q)
    listed = q("releases_list", f, search="")
    if not listed.empty:
        release_id = int(listed["id"].iloc[0])
        q("release_detail", release_id=release_id, label="release_detail(newest)")
        q("release_totals", release_id=release_id, label="release_totals(newest)")


def data_quality(q: Runner, f: Filters) -> None:
    from loaders.records import DIAGNOSTIC_KINDS

    _frame(q)
    by_kind = q("diagnostics_by_kind", f)
    q("headline", f)  # what the flags cost in the period's strikes
    q("target_counts", f)
    q("unresolved_places", f)
    q("unclassified_targets", f)
    q("totals_check", f)
    q("undated_reports", f)
    q("coverage", DEFAULT, label="coverage(everything, source line)")
    q("last_import_day")  # the source line's date
    q("diagnostics_over_time", f)
    q("diagnostics_list", f, kind="unparsed_sentence")
    present = list(by_kind["kind"]) if not by_kind.empty else []
    choices = present + [kind for kind in DIAGNOSTIC_KINDS if kind not in present]
    q("diagnostics_list", f, kind=choices[0], label="diagnostics_list(first kind)")


def upload(q: Runner, f: Filters) -> None:
    q("never_imported")
    q("data_version")
    q("imports_log", limit=100)


# page name -> (file, function, the db.queries names it runs)
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
# Calls a page makes only after a click (drill-downs): not part of a first render.
_AFTER_A_CLICK = {"pages/areas.py": {"strike_reports"}}
_FRAME_CALLS = {"page_frame": {"never_imported", "data_version"}, "filter_bar": {"filter_options"}, "period_of": {"filter_options"}, "source_text": {"coverage", "last_import_day"}}


def run_page(engine: Engine, page: str, filters: Filters) -> list[Call]:
    runner = Runner(engine)
    PAGES[page][1](runner, filters)
    return runner.calls


def _names_run(page: str) -> set[str]:
    """The query names a page's set runs (by running it against a recording stub)."""
    import pandas as pd

    class Stub:
        def __init__(self):
            self.names: set[str] = set()

        def __call__(self, name, filters=None, label=None, **kwargs):
            self.names.add(name)
            return pd.DataFrame({"name": ["x", "y"], "type": ["t"] * 2, "kind": ["k"] * 2, "id": [1, 2]})

    stub = Stub()
    PAGES[page][1](stub, NARROW)  # type: ignore[arg-type]
    return stub.names


def page_calls(path: Path) -> set[str]:
    """The db.queries names a page script calls: data.query("name", ...), direct calls of
    functions imported from db.queries, and the frame helpers' queries."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "db.queries" for alias in node.names}
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "query" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
        elif isinstance(func, ast.Name) and func.id in imported and callable(getattr(queries, func.id, None)):
            names.add(func.id)
        elif isinstance(func, ast.Name) and func.id in _FRAME_CALLS:
            names |= _FRAME_CALLS[func.id]
    return names


def check_pages() -> list[str]:
    """Differences between pages/*.py and the sets here (empty when they agree)."""
    notes = []
    by_file: dict[str, set[str]] = {}
    for page, (file, _function) in PAGES.items():
        by_file.setdefault(file, set()).update(_names_run(page))
    for file, ran in sorted(by_file.items()):
        path = ROOT / file
        if not path.is_file():
            notes.append(f"{file}: missing")
            continue
        called = page_calls(path) - _AFTER_A_CLICK.get(file, set())
        missing = called - ran
        extra = ran - called - {"data_version", "never_imported"}  # also run by app.py
        if missing:
            notes.append(f"{file} calls {', '.join(sorted(missing))}, not in the benchmarked set")
        if extra:
            notes.append(f"{file} no longer calls {', '.join(sorted(extra))}, still benchmarked")
    for path in sorted((ROOT / "pages").glob("*.py")):
        if str(path.relative_to(ROOT)) not in by_file:
            notes.append(f"{path.relative_to(ROOT)}: a page without a benchmarked query set")
    return notes


# --- whole page runs: Streamlit, queries and figures -------------------------------------------------

# The URL query parameters of each filter set (dashboard/view_state.py reads them).
FILTER_PARAMS = {"default": {}, "narrow": {"start": "2017-06-01", "end": "2017-06-30", "country": "Syria"}}
APP_PAGES = ["pages/overview.py", "pages/timeline.py", "pages/areas.py", "pages/targets.py", "pages/releases.py",
             "pages/data_quality.py"]


def app_page_runs(url: str, repeats: int = 3) -> dict:
    """Each page run through the entry point with Streamlit's AppTest against the database at
    url: cold = the first run with every Streamlit cache and the engine cleared (what the first
    visitor after a start or an import waits for); warm = a rerun of the same view (median of
    repeats: a widget touched, the page drawn again, queries served from st.cache_data). Both
    include the page script, every query, the Plotly figures and Streamlit's own work.
    Returns {filter set: {page: {"cold_s", "warm_s", "errors"}}, "first_page_after_start_s": s}."""
    import os

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from db.engine import default_engine

    saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "STRIKES_STARTER_DATA")}
    os.environ["DATABASE_URL"] = url
    os.environ["STRIKES_STARTER_DATA"] = "none"
    app = str(ROOT / "app.py")

    def fresh(page: str, params: dict) -> AppTest:
        st.cache_data.clear()
        st.cache_resource.clear()
        default_engine.cache_clear()
        at = AppTest.from_file(app, default_timeout=600)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(page)
        return at

    import logging

    # outside a server Streamlit warns on every cache clear that it has no runtime: known here
    for name in [name for name in logging.root.manager.loggerDict if name.startswith("streamlit")]:
        logging.getLogger(name).setLevel(logging.ERROR)
    out: dict = {}
    try:
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
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        st.cache_data.clear()
        st.cache_resource.clear()
        default_engine.cache_clear()
    return out
