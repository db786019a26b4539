"""Open data (db.open_data): each table exported on the hand-counted releases has exactly the
rows expected, in every format, on SQLite and PostgreSQL; the filters change the export as
they change the charts; the columns are pinned; the command line writes the same files.

From tests/sample_releases.py, counted by hand:
DAY_ONE (published 21 July 2017, strikes on the 20th; states 7 strikes, 9 engagements; Syria
5 and 6, Iraq 2 and 3): Raqqa 4 (engaged 3 tactical units, destroyed 2 fighting positions),
Abu Kamal 1 (destroyed an oil storage tank), Mosul 2 (destroyed a vehicle bomb factory and a
building); the engagements no line gives are a strike report per country without a place.
DAY_TWO (published 22 July, strikes on the 21st; states 3 strikes, 3 engagements, all Iraq):
Mosul 3 (engaged a tactical unit, destroyed 2 vehicles), and Iraq's 3 engagements unplaced.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from command_line import Ran, run_verb
from sample_releases import DAY_ONE, DAY_TWO

from dashboard.page_data.areas import load_areas
from db.data_dictionary import FORMATS, PLACE_PROPERTIES, TABLES, dictionary_markdown
from db.ingest import ingest_files
from db.open_data import export, file_name
from db.queries import Filters

ROOT = Path(__file__).resolve().parents[1]
D20, D21, D22 = date(2017, 7, 20), date(2017, 7, 21), date(2017, 7, 22)
EVERYTHING = Filters()

# The published shape of the export: renaming, dropping or retyping a column breaks readers'
# scripts, so it must be a deliberate change of this list (and of docs/DATA.md).
PINNED = {
    "strike_reports": [
        ("report_id", "integer"), ("release_id", "integer"), ("release_title", "text"), ("release_url", "text"),
        ("published", "date"), ("strike_date", "date"), ("last_date", "date"), ("date_stated", "boolean"),
        ("country", "text"), ("place_as_written", "text"), ("place", "text"), ("province", "text"),
        ("latitude", "number"), ("longitude", "number"), ("place_precision", "text"), ("location_precision", "text"),
        ("strikes", "integer"), ("engagements", "integer"), ("itemised", "boolean"), ("block", "text"),
        ("origin", "text"), ("sentence", "text"), ("span_start", "integer"), ("span_end", "integer"),
    ],
    "targets": [
        ("target_id", "integer"), ("report_id", "integer"), ("release_id", "integer"), ("strike_date", "date"),
        ("country", "text"), ("action", "text"), ("count", "integer"), ("counted", "integer"),
        ("count_implied", "boolean"), ("category", "text"), ("type", "text"), ("phrase", "text"),
    ],
    "releases": [
        ("release_id", "integer"), ("title", "text"), ("source", "text"), ("source_url", "text"),
        ("published", "date"), ("period_start", "date"), ("period_end", "date"), ("format", "text"),
        ("states_counts", "boolean"), ("stated_strikes", "integer"), ("stated_strikes_iraq", "integer"),
        ("stated_strikes_syria", "integer"), ("stated_engagements", "integer"),
        ("stated_engagements_iraq", "integer"), ("stated_engagements_syria", "integer"),
        ("parsed_strikes", "integer"), ("content_hash", "text"), ("import_id", "integer"), ("diagnostics", "integer"),
    ],
    "published_totals": [
        ("as_of", "date"), ("period_start", "date"), ("scope", "text"), ("strikes", "integer"),
        ("engagements", "integer"), ("who_stated", "text"), ("url", "text"), ("quote", "text"),
        ("release_id", "integer"),
    ],
}
PINNED_PLACES = [("place", "text"), ("country", "text"), ("province", "text"), ("precision", "text"),
                 ("strikes", "integer"), ("engagements", "integer"), ("reports", "integer"),
                 ("first_date", "date"), ("last_date", "date")]


@pytest.fixture
def two_days(factory):
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    return factory


def exported(factory, fmt: str, filters: Filters = EVERYTHING, table: str | None = None) -> tuple[bytes, dict]:
    out = io.BytesIO()
    with factory() as session:
        counts = export(session, fmt, filters, out, table=table)
    return out.getvalue(), counts


def csv_tables(data: bytes) -> dict[str, pd.DataFrame]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: pd.read_csv(archive.open(f"{name}.csv"), keep_default_na=False, na_values=[""])
                for name in TABLES}


def test_the_columns_are_pinned():
    assert {name: [(c.name, c.type) for c in columns] for name, columns in TABLES.items()} == PINNED
    assert [(c.name, c.type) for c in PLACE_PROPERTIES] == PINNED_PLACES
    assert all(c.meaning.strip() for columns in (*TABLES.values(), PLACE_PROPERTIES) for c in columns)


def test_docs_data_md_holds_the_dictionary():
    text = (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8")
    assert dictionary_markdown() in text, (
        "docs/DATA.md is out of date: paste the output of "
        "`.venv/bin/python -c 'from db.open_data import dictionary_markdown; print(dictionary_markdown())'`")


def test_strike_reports_csv_has_the_rows_counted_by_hand(two_days):
    data, counts = exported(two_days, "csv")
    tables = csv_tables(data)
    reports = tables["strike_reports"]
    assert list(reports.columns) == [name for name, _type in PINNED["strike_reports"]]
    rows = sorted(
        (row.strike_date, row.country, "" if pd.isna(row.place) else row.place,
         None if pd.isna(row.strikes) else int(row.strikes),
         None if pd.isna(row.engagements) else int(row.engagements), row.itemised)
        for row in reports.itertuples()
    )
    assert rows == [
        ("2017-07-20", "Iraq", "", 0, 3, False),
        ("2017-07-20", "Iraq", "Mosul", 2, None, True),
        ("2017-07-20", "Syria", "", 0, 6, False),
        ("2017-07-20", "Syria", "Abu Kamal", 1, None, True),
        ("2017-07-20", "Syria", "Raqqa", 4, None, True),
        ("2017-07-21", "Iraq", "", 0, 3, False),
        ("2017-07-21", "Iraq", "Mosul", 3, None, True),
    ]
    assert reports["strikes"].sum() == 10 and reports["engagements"].sum() == 12
    assert counts == {"strike_reports": 7, "targets": 7, "releases": 2, "published_totals": 0}
    raqqa = reports[reports["place"] == "Raqqa"].iloc[0]
    assert (raqqa["place_as_written"], raqqa["province"], raqqa["origin"], raqqa["block"]) == \
        ("Raqqa", "Ar-Raqqah", "release text", "main")
    assert reports["date_stated"].dtype == bool and reports["date_stated"].all()  # "true" and "false" in the file
    # the sentence, and where it stands in its release's text
    assert raqqa["sentence"] == "Near Raqqa, four strikes engaged three ISIS tactical units and destroyed two " \
                                "fighting positions."
    assert raqqa["sentence"] in DAY_ONE[int(raqqa["span_start"]):int(raqqa["span_end"])]
    assert 35 < raqqa["latitude"] < 37 and 38 < raqqa["longitude"] < 40


def test_targets_and_releases_csv(two_days):
    tables = csv_tables(exported(two_days, "csv")[0])
    targets = tables["targets"]
    assert len(targets) == 7 and targets["counted"].sum() == 11
    raqqa = targets[targets["phrase"].str.contains("tactical units|fighting positions", regex=True)]
    assert sorted(zip(raqqa["action"], raqqa["count"], raqqa["type"], strict=True)) == [
        ("destroyed", 2, "fighting position"), ("engaged", 3, "tactical unit")]
    assert set(targets["report_id"]) <= set(tables["strike_reports"]["report_id"])
    releases = tables["releases"].sort_values("published")
    assert list(releases["published"]) == ["2017-07-21", "2017-07-22"]
    assert list(releases["stated_strikes"]) == [7, 3]
    assert [None if pd.isna(v) else int(v) for v in releases["stated_strikes_syria"]] == [5, None]
    assert list(releases["stated_engagements"]) == [9, 3]
    assert list(releases["parsed_strikes"]) == [7, 3]
    assert list(releases["diagnostics"]) == [0, 0]
    assert list(releases["format"]) == ["txt", "txt"]
    assert tables["published_totals"].empty and list(tables["published_totals"].columns) == \
        [name for name, _type in PINNED["published_totals"]]


def test_the_filters_change_the_export_as_they_change_the_charts(two_days):
    syria = csv_tables(exported(two_days, "csv", Filters(countries=("Syria",)))[0])
    assert sorted(syria["strike_reports"]["place"].fillna("")) == ["", "Abu Kamal", "Raqqa"]
    assert len(syria["targets"]) == 3
    assert list(syria["releases"]["published"]) == ["2017-07-21"]  # DAY_TWO reports only Iraq
    vehicles = csv_tables(exported(two_days, "csv", Filters(types=("vehicle",)))[0])
    assert list(vehicles["strike_reports"]["strikes"]) == [3]  # the Mosul report of the 21st
    assert list(vehicles["targets"]["type"]) == ["vehicle"]  # only the targets the filter names
    day = csv_tables(exported(two_days, "csv", Filters(start=D21, end=D21))[0])
    assert set(day["strike_reports"]["strike_date"]) == {"2017-07-21"}
    assert list(day["releases"]["published"]) == ["2017-07-22"]


def test_text_a_spreadsheet_would_run_stays_text(factory):
    from openpyxl import load_workbook

    formula = "=HYPERLINK(\"http://example.invalid\",\"open\") strikes"
    ingest_files(factory, [("formula.txt", DAY_ONE.replace("Strikes continue against ISIS", formula, 1).encode())])
    releases = csv_tables(exported(factory, "csv")[0])["releases"]
    assert list(releases["title"]) == ["'" + formula]  # shown as text, the apostrophe hidden
    book = load_workbook(io.BytesIO(exported(factory, "xlsx")[0]))
    header = [cell.value for cell in book["releases"][1]]
    title = book["releases"].cell(row=2, column=header.index("title") + 1)
    assert (title.data_type, title.value) == ("s", formula)  # exactly as written, and never a formula


def test_one_table_alone_is_its_own_file(two_days):
    data, counts = exported(two_days, "csv", Filters(places=("Mosul",)), table="strike_reports")
    frame = pd.read_csv(io.BytesIO(data))
    assert counts == {"strike_reports": 2} and list(frame["strikes"]) == [2, 3]
    assert file_name("csv", Filters(places=("Mosul",)), "strike_reports") == "strike-reports-mosul.csv"
    assert file_name("xlsx", Filters(start=D20, end=D21, countries=("Syria",))) == \
        "strike-data-2017-07-20-to-2017-07-21-syria.xlsx"


def test_the_workbook_has_a_readme_and_a_sheet_per_table(two_days):
    from openpyxl import load_workbook

    data, _counts = exported(two_days, "xlsx")
    book = load_workbook(io.BytesIO(data), read_only=False)
    assert book.sheetnames == ["README", *TABLES]
    readme = [row[0] for row in book["README"].iter_rows(values_only=True)]
    assert any(str(line).startswith("Cite as: Strike Report Dashboard, open data export of") for line in readme)
    assert any(str(line).startswith("Data version: ") for line in readme)
    reports = book["strike_reports"]
    header = [cell.value for cell in reports[1]]
    assert header == [name for name, _type in PINNED["strike_reports"]]
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in reports.iter_rows(min_row=2)]
    assert sum(row["strikes"] or 0 for row in rows) == 10
    raqqa = next(row for row in reports.iter_rows(min_row=2) if row[header.index("place")].value == "Raqqa")
    sentence = raqqa[header.index("sentence")]
    # text as text: exactly as written, never a formula
    assert sentence.data_type == "s" and sentence.value.startswith("Near Raqqa")
    assert raqqa[header.index("strike_date")].value.date() == D20
    assert raqqa[header.index("itemised")].value is True


def test_a_table_longer_than_a_worksheet_goes_on_over_more_sheets(two_days, monkeypatch):
    from openpyxl import load_workbook

    import db.open_data

    monkeypatch.setattr(db.open_data, "XLSX_ROWS", 3)
    data, counts = exported(two_days, "xlsx", table="targets")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["README", "targets", "targets (2)", "targets (3)"] and counts == {"targets": 7}
    rows = [row for name in book.sheetnames[1:] for row in book[name].iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 7 and [cell.value for cell in book["targets (3)"][1]][0] == "target_id"


@pytest.mark.parametrize("filters", [EVERYTHING, Filters(countries=("Syria",)), Filters(types=("vehicle",)),
                                     Filters(start=D21, end=D21), Filters(places=("Mosul",), actions=("destroyed",))])
def test_the_rows_counted_before_an_export_are_the_rows_it_writes(two_days, filters):
    from db.open_data import table_rows

    with two_days() as session:
        counted = table_rows(session, filters)
    assert counted == exported(two_days, "csv", filters)[1]


def test_a_workbook_that_takes_long_is_told_before_it_is_made():
    from db.open_data import XLSX_ROWS, workbook_warning

    columns = {name: len(columns) for name, columns in TABLES.items()}
    assert columns == {"strike_reports": 24, "targets": 12, "releases": 19, "published_totals": 9}
    # the 1x export of the benchmark: 25,067 rows, seconds to make
    assert workbook_warning({"strike_reports": 8_000, "targets": 14_000, "releases": 3_000, "published_totals": 67}) \
        is None
    # 100x: 1,585,703 rows, the targets over two sheets
    told = workbook_warning({"strike_reports": 500_000, "targets": 1_080_000, "releases": 5_636, "published_totals": 67})
    assert told == ("This workbook holds 1,585,703 rows (25.1 million cells, targets over 2 sheets (a sheet holds "
                    f"{XLSX_ROWS:,} rows)) and takes about 4 minutes to make. CSV or Parquet hold the same rows and "
                    "take a tenth of the time; or narrow the filters.")
    assert workbook_warning({"strike_reports": 150_000}, faster="--format csv").startswith(
        "This workbook holds 150,000 rows (3.6 million cells) and takes about 40 seconds to make. --format csv hold")


def test_parquet_keeps_the_types(two_days):
    import pyarrow.parquet as pq

    data, _counts = exported(two_days, "parquet")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == sorted(["README.txt", *(f"{name}.parquet" for name in TABLES)])
        table = pq.read_table(io.BytesIO(archive.read("strike_reports.parquet")))
    types = {field.name: str(field.type) for field in table.schema}
    assert (types["strike_date"], types["strikes"], types["itemised"], types["latitude"]) == \
        ("date32[day]", "int64", "bool", "double")
    frame = table.to_pandas()
    assert frame["strikes"].sum() == 10 and frame["sentence"].str.startswith("Near Raqqa").any()


def test_geojson_places_match_the_areas_page(two_days):
    data, counts = exported(two_days, "geojson")
    collection = json.loads(data)
    assert collection["type"] == "FeatureCollection" and counts == {"places": 3}
    assert "all countries, places and targets" in collection["filters"] and collection["citation"]
    by_place = {}
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert 35 <= lon <= 49 and 29 <= lat <= 38  # Iraq and Syria, longitude first
        by_place[feature["properties"]["place"]] = feature["properties"]
    assert {name: props["strikes"] for name, props in by_place.items()} == {"Mosul": 5, "Raqqa": 4, "Abu Kamal": 1}
    assert (by_place["Mosul"]["first_date"], by_place["Mosul"]["last_date"], by_place["Mosul"]["reports"]) == \
        ("2017-07-20", "2017-07-21", 2)
    for filters in (Filters(), Filters(countries=("Syria",)), Filters(start=D21)):
        collection = json.loads(exported(two_days, "geojson", filters)[0])
        with two_days() as session:
            placed = load_areas(session, filters).mapped_strikes
        assert sum(f["properties"]["strikes"] for f in collection["features"]) == placed


def test_an_export_of_nothing_still_has_its_headers(factory):
    tables = csv_tables(exported(factory, "csv")[0])
    assert all(frame.empty for frame in tables.values())
    assert json.loads(exported(factory, "geojson")[0])["features"] == []
    for fmt in FORMATS:
        assert exported(factory, fmt)[0]


def test_an_unknown_format_or_table_is_refused(factory):
    with pytest.raises(ValueError, match="unknown format"):
        exported(factory, "docx")
    with pytest.raises(ValueError, match="unknown table"):
        exported(factory, "csv", table="secrets")


def test_the_command_line_writes_the_same_export(tmp_path):
    from db.engine import make_engine, session_factory
    from db.schema import upgrade

    database = f"sqlite:///{tmp_path / 'export.db'}"
    engine = make_engine(database)
    upgrade(engine)
    ingest_files(session_factory(engine), [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    engine.dispose()

    def manage(*args: str) -> Ran:
        return run_verb("export", *args, cwd=tmp_path, database=database)

    out = tmp_path / "syria.csv"
    done = manage("--format", "csv", "--table", "strike_reports", "--country", "Syria", str(out))
    assert done.returncode == 0, done.stderr
    assert "strike_reports 3" in done.stdout
    assert sorted(pd.read_csv(out)["strikes"]) == [0, 1, 4]
    assert not (tmp_path / "syria.csv.part").exists()
    workbook = tmp_path / "all.xlsx"
    assert manage("--format", "xlsx", "--from", "2017-07-21", str(workbook)).returncode == 0
    refused = manage("--format", "csv", "--from", "21/07/2017", str(tmp_path / "bad.zip"))
    assert refused.returncode == 2 and "not a date" in refused.stderr
    assert not (tmp_path / "bad.zip").exists()


def test_the_command_line_tells_of_a_long_workbook_before_it_starts(two_days, database_url, tmp_path, monkeypatch,
                                                                    capsys):
    import db.open_data
    from db.__main__ import main
    from db.engine import default_engine

    monkeypatch.setenv("DATABASE_URL", database_url)
    default_engine.cache_clear()  # the command's engine: this test's database
    try:
        assert main(["export", "--format", "xlsx", str(tmp_path / "quick.xlsx")]) == 0
        assert capsys.readouterr().err == ""  # two releases: made at once, nothing to say
        monkeypatch.setattr(db.open_data, "XLSX_CELLS_PER_SECOND", 1)  # as if each cell took a second
        assert main(["export", "--format", "xlsx", str(tmp_path / "slow.xlsx")]) == 0
        told = capsys.readouterr().err
        written = exported(two_days, "xlsx")[1]
        assert told.startswith(f"This workbook holds {sum(written.values())} rows (")
        assert "--format csv or parquet hold the same rows" in told
    finally:
        default_engine().dispose()
        default_engine.cache_clear()


def test_the_releases_table_tests_its_release_set_once_not_for_each_release(two_days):
    """At 40x (29,600 releases) the releases table took 185 s on PostgreSQL: its release set was
    an IN under an OR, which PostgreSQL tests row by row, scanning the whole subquery for each
    release once it outgrew work_mem. One IN over a UNION is planned as a join: no filter of the
    plan runs a subquery (on SQLite the set is a list built once)."""
    from sqlalchemy import text

    from db.open_data import release_statement

    with two_days() as session:
        dialect = session.get_bind().dialect
        sql = str(release_statement(EVERYTHING).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        if dialect.name == "postgresql":
            session.execute(text("SET LOCAL work_mem = '64kB'"))  # as when the set outgrows memory
            plan = [row[0] for row in session.execute(text(f"EXPLAIN {sql}"))]
            assert not [line for line in plan if "Filter:" in line and "SubPlan" in line], "\n".join(plan)
        else:
            plan = [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
            assert any("LIST SUBQUERY" in line for line in plan), plan
            assert not any("CORRELATED LIST SUBQUERY" in line for line in plan), plan
