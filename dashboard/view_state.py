"""A view, read from and written to the URL's query parameters, so a copied URL reopens it:
the filters every page shares, and each page's own options (one dataclass per page, which
names its parameters once). Plain functions over dicts: tests call them directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dashboard.series import SHOW_MODES
from db.queries import GRAINS, SPLITS, Filters, period_start

# The shared filters in the URL besides the dates: (parameter, Filters field, widget label).
FILTER_FIELDS = (
    ("country", "countries", "Country"),
    ("province", "provinces", "Province"),
    ("place", "places", "Place"),
    ("category", "categories", "Target category"),
    ("type", "types", "Target type"),
    ("action", "actions", "Action"),
)
LIST_PARAMS = {param: field for param, field, _label in FILTER_FIELDS}
FILTER_PARAMS = ("start", "end", *LIST_PARAMS)

Params = Mapping[str, str | list[str]]


# the dates a view can name: the date field offers no other, and a date far outside them
# (9999-12-31) overflows the day arithmetic of periods
EARLIEST_DATE, LATEST_DATE = date(2014, 1, 1), date(2030, 12, 31)
# the largest id a URL can name: PostgreSQL's integer; a larger one cannot be a row
LARGEST_ID = 2**31 - 1
# the most places the Areas trend draws side by side
MOST_TREND_PLACES = 8


def _date(value: str | None) -> date | None:
    """A URL's date, clamped to the dates a view can name; None when it is not a date."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return min(max(day, EARLIEST_DATE), LATEST_DATE) if day else None


def _list(value: str | list[str] | None) -> tuple[str, ...]:
    if not value:
        return ()
    items = value if isinstance(value, list) else value.split(",")
    return tuple(sorted({item.strip() for item in items if item.strip()}))


def filters_from_params(params: Mapping[str, str | list[str]]) -> Filters:
    """Return the Filters a URL's query parameters describe (unknown values ignored; dates given
    the wrong way round taken as the period they bound)."""
    start, end = _date(_one(params.get("start"))), _date(_one(params.get("end")))
    if start and end and end < start:
        start, end = end, start
    return Filters(
        start=start,
        end=end,
        **{field: _list(params.get(param)) for param, field in LIST_PARAMS.items()},
    )


def _one(value):
    return value[0] if isinstance(value, list) and value else value


def _choice(params: Params, name: str, choices: tuple[str, ...], default: str) -> str:
    value = _one(params.get(name))
    return value if value in choices else default


def _int(params: Params, name: str) -> int | None:
    value = _one(params.get(name))
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number <= LARGEST_ID else None


WHOLE_CAMPAIGN = "the whole campaign"


def period_presets(first: date, last: date) -> dict[str, tuple[date, date]]:
    """The periods offered besides typed dates: the whole campaign (the data's first to last
    day), each year and each quarter the data reach, newest first within each kind."""
    presets = {WHOLE_CAMPAIGN: (first, last)}
    for year in range(last.year, first.year - 1, -1):
        presets[str(year)] = (date(year, 1, 1), date(year, 12, 31))
    for year in range(last.year, first.year - 1, -1):
        for quarter in range(4, 0, -1):
            start = date(year, 3 * quarter - 2, 1)
            end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
            if start <= last and end > first:
                presets[f"{year} Q{quarter}"] = (start, end - timedelta(days=1))
    return presets


def filter_chips(filters: Filters) -> list[tuple[str, str, str | None]]:
    """The filters in force as (label, URL parameter, value): the dates as one chip, each
    country, province, place and target value as its own; removing one removes that value."""
    chips: list[tuple[str, str, str | None]] = []
    if filters.start or filters.end:
        span = f"{filters.start or '…'} – {filters.end or '…'}"
        chips.append((span, "dates", None))
    for param, field in LIST_PARAMS.items():
        for value in getattr(filters, field):
            chips.append((value, param, value))
    return chips


def params_without(params: Mapping[str, str | list[str]], param: str, value: str | None) -> dict[str, str]:
    """The URL parameters with one chip's filter removed (see filter_chips)."""
    kept = {key: _one(item) for key, item in params.items()}
    if param == "dates":
        kept.pop("start", None)
        kept.pop("end", None)
        return kept
    left = [item for item in _list(kept.get(param)) if item != value]
    if left:
        kept[param] = ",".join(left)
    else:
        kept.pop(param, None)
    return kept


_PERIOD_FORMATS = {"day": "%d %b %Y", "week": "week of %d %b %Y", "month": "%b %Y"}


def period_label(first_day: date, grain: str) -> str:
    """A day, week or month for people: "14 Jan 2019", "week of 14 Jan 2019", "Jan 2019"."""
    return first_day.strftime(_PERIOD_FORMATS[grain])


def clicked_period(x: object, grain: str) -> date | None:
    """The first day of the period a click on a chart's bar or point fell in (its x)."""
    day = _date(str(x)[:10]) if x is not None else None
    return period_start(day, grain) if day else None


# --- each page's own options ----------------------------------------------------------------

MEASURES = ("strikes", "engagements")


@dataclass(frozen=True)
class TimelineView:
    """Timeline: grain, split, measure, stacked (1/0), show, bar (the first day of the period
    whose strike reports are listed), milestones and strip (the days releases cover, under the
    bars; 0: not drawn, for a slide)."""

    grain: str = "week"
    split: str = "country"
    measure: str = "strikes"
    stacked: bool = True
    show: str = "bars"
    bar: date | None = None
    milestones: bool = True
    strip: bool = True

    @property
    def overlapping(self) -> bool:
        """A report counts once in each category it hit: category bars overlap, never stacked."""
        return self.split == "category"

    @classmethod
    def from_params(cls, params: Params) -> TimelineView:
        grain = _choice(params, "grain", GRAINS, cls.grain)
        bar = _date(_one(params.get("bar")))
        return cls(
            grain=grain,
            split=_choice(params, "split", SPLITS, cls.split),
            measure=_choice(params, "measure", MEASURES, cls.measure),
            stacked=_one(params.get("stacked")) != "0",
            show=_choice(params, "show", SHOW_MODES, cls.show),
            bar=period_start(bar, grain) if bar else None,
            milestones=_one(params.get("milestones")) != "0",
            strip=_one(params.get("strip")) != "0",
        )

    def shown_bar(self, periods: list[date]) -> date | None:
        """The bar to list, if the chart shows its period."""
        return self.bar if self.bar in periods else None

    def to_params(self) -> dict[str, str | None]:
        params: dict[str, str | None] = {"grain": self.grain, "split": self.split, "measure": self.measure,
                                         "show": self.show, "bar": self.bar.isoformat() if self.bar else None,
                                         "milestones": None if self.milestones else "0",
                                         "strip": None if self.strip else "0"}
        if not self.overlapping:  # the stacked switch is off the page for categories
            params["stacked"] = "1" if self.stacked else "0"
        return params


AREA_KINDS = ("province", "place")


@dataclass(frozen=True)
class Area:
    """A province or a place, written "place:Mosul" in the URL and in the page's choices."""

    kind: str
    name: str

    @classmethod
    def parse(cls, text: str | None) -> Area | None:
        kind, _, name = (text or "").partition(":")
        return cls(kind, name) if kind in AREA_KINDS and name else None

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind})"

    def narrow(self, filters: Filters) -> Filters | None:
        """The filters narrowed to this area; None where they leave it out (a place filter
        without this place, a province filter without this province): it has nothing in view.
        Narrowed, never replaced: Mosul under the place filter Raqqa is not Mosul everywhere."""
        chosen = filters.provinces if self.kind == "province" else filters.places
        if chosen and self.name not in chosen:
            return None
        return replace(filters, provinces=(self.name,)) if self.kind == "province" else replace(filters, places=(self.name,))


@dataclass(frozen=True)
class AreasView:
    """Areas: drill (the area whose strike reports are listed), trend (the places drawn; None
    when the URL names none, so the page picks the largest), cmp_a and cmp_b."""

    drill: Area | None = None
    trend: tuple[str, ...] | None = None
    compare_a: str | None = None
    compare_b: str | None = None

    @classmethod
    def from_params(cls, params: Params) -> AreasView:
        trend = _one(params.get("trend"))
        return cls(
            drill=Area.parse(_one(params.get("drill"))),
            trend=tuple(name for name in trend.split(",") if name)[:MOST_TREND_PLACES] if trend is not None else None,
            compare_a=_one(params.get("cmp_a")),
            compare_b=_one(params.get("cmp_b")),
        )

    def to_params(self) -> dict[str, str | None]:
        return {"drill": str(self.drill) if self.drill else None,
                "trend": ",".join(self.trend) if self.trend is not None else None,
                "cmp_a": self.compare_a, "cmp_b": self.compare_b}


@dataclass(frozen=True)
class TargetsView:
    """Targets: focus, the target type drawn over time."""

    focus: str | None = None

    @classmethod
    def from_params(cls, params: Params) -> TargetsView:
        return cls(focus=_one(params.get("focus")) or None)

    def to_params(self) -> dict[str, str | None]:
        return {"focus": self.focus}


@dataclass(frozen=True)
class ReleasesView:
    """Releases: q (the search), release (the one open), report (its sentence outlined)."""

    search: str = ""
    release: int | None = None
    report: int | None = None

    @classmethod
    def from_params(cls, params: Params) -> ReleasesView:
        return cls(search=(_one(params.get("q")) or "").strip(), release=_int(params, "release"),
                   report=_int(params, "report"))

    def to_params(self) -> dict[str, str | None]:
        return {"q": self.search or None, "release": str(self.release) if self.release else None,
                "report": str(self.report) if self.report else None}
