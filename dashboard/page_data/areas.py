"""Areas: the places on the map and the rankings of provinces and places, the monthly trend of
chosen places, and two areas side by side."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.view_state import Area
from db import queries
from db.queries import Filters, Headline

# the ranking's name for reports whose place or province was not resolved
UNKNOWN = frozenset({"unknown", "unresolved"})


@dataclass(frozen=True)
class AreasData:
    headline: Headline
    places: pd.DataFrame  # one row per place: strikes, reports, coordinates where known
    provinces_ranked: pd.DataFrame  # name, strikes ...: every province, largest first
    places_ranked: pd.DataFrame  # the same for places

    @property
    def located(self) -> pd.DataFrame:
        return self.places.dropna(subset=["lat", "lon"])

    @property
    def without_coordinates(self) -> pd.DataFrame:
        """Regions the gazetteer knows without a point (a border area, a valley)."""
        return self.places[self.places["lat"].isna() | self.places["lon"].isna()]

    @property
    def mapped_strikes(self) -> int:
        return int(self.located["strikes"].sum()) if not self.located.empty else 0

    @property
    def unplaced_strikes(self) -> int:
        return int(self.without_coordinates["strikes"].sum()) if not self.without_coordinates.empty else 0

    @property
    def unnamed_strikes(self) -> int:
        """Strikes itemised at no place the gazetteer knows."""
        return self.headline.strikes - self.headline.unitemised - self.mapped_strikes - self.unplaced_strikes

    def ranked(self, kind: str) -> list[str]:
        """The provinces or places in view, largest first, without the unresolved."""
        frame = self.provinces_ranked if kind == "province" else self.places_ranked
        return [name for name in frame["name"] if name not in UNKNOWN]

    def areas_in_view(self) -> list[Area]:
        return [Area("province", name) for name in self.ranked("province")] + \
            [Area("place", name) for name in self.ranked("place")]

    def compare_options(self, everywhere: dict) -> list[str]:
        """The areas two may be compared among ("province:Nineveh", "place:Mosul"), each once:
        those in view first, by strikes; then every other area of the data (everywhere: the
        filter bar's options), so that a choice made before a filter changed stays what it was."""
        in_view = [str(area) for area in self.areas_in_view()]
        others = ({f"province:{name}" for name in everywhere["provinces"]}
                  | {f"place:{name}" for name in everywhere["places"]}) - set(in_view)
        return in_view + sorted(others, key=lambda option: (option.partition(":")[2], option))


def load_areas(db: Session, filters: Filters) -> AreasData:
    return AreasData(
        headline=queries.headline(db, filters),
        places=queries.places_summary(db, filters),
        provinces_ranked=queries.ranking(db, filters, by="province", limit=1000),
        places_ranked=queries.ranking(db, filters, by="place", limit=1000),
    )


def load_place_trend(db: Session, filters: Filters, places: tuple[str, ...]) -> pd.DataFrame:
    """Strikes per month of each place chosen."""
    return queries.place_trend(db, filters, places=places, grain="month")


def load_area_figures(db: Session, filters: Filters, area: Area) -> Headline:
    """The figures of one area under every filter in force, for the comparison of two: none
    for an area the filters leave out (as the headline of no strike report reads)."""
    narrowed = area.narrow(filters)
    return queries.headline(db, narrowed) if narrowed else Headline(0, None, 0, 0, 0)


def share_of_view(strikes: int, in_view: int) -> float:
    """An area's strikes as a fraction of the strikes in view (0 with none in view), at most 1:
    an area taken under the view's filters holds part of the view. More than the view, or fewer
    than none, is refused (ValueError), never shown as a share above 100%."""
    if strikes < 0 or strikes > in_view:
        raise ValueError(f"an area with {strikes:,} strikes holds more strikes than the view ({in_view:,}) "
                         "or fewer than none: its figures were not taken under the view's filters")
    return strikes / in_view if in_view else 0.0
