"""A view's filters and aggregation, read from and written to the URL's query parameters,
so a copied URL reopens the same view. Plain functions over dicts: tests call them directly."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from db.queries import GRAINS, SPLITS, Filters

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
