"""A view's filters and aggregation, read from and written to the URL's query parameters,
so a copied URL reopens the same view. Plain functions over dicts: tests call them directly."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from db.queries import GRAINS, SPLITS, Filters, period_start

LIST_PARAMS = {
    "country": "countries", "province": "provinces", "place": "places",
    "category": "categories", "type": "types", "action": "actions",
}


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


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


def grain_from_params(params: Mapping[str, str], default: str = "week") -> str:
    grain = _one(params.get("grain"))
    return grain if grain in GRAINS else default


def split_from_params(params: Mapping[str, str], default: str = "country") -> str:
    split = _one(params.get("split"))
    return split if split in SPLITS else default


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


def bar_from_params(params: Mapping[str, str | list[str]], grain: str, periods: list[date]) -> date | None:
    """The period a URL names to list (bar=its first day), if the chart shows it."""
    day = _date(_one(params.get("bar")))
    if day is None:
        return None
    first = period_start(day, grain)
    return first if first in periods else None


def clicked_period(x: object, grain: str) -> date | None:
    """The first day of the period a click on a chart's bar or point fell in (its x)."""
    day = _date(str(x)[:10]) if x is not None else None
    return period_start(day, grain) if day else None
