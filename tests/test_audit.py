"""The audit (db/audit.py, `python3 manage.py audit`): clean on the whole corpus, with the
figures an audit of the sources read by hand; and each check shown failing on data that break
it (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from command_line import run_verb
from conftest import CORPUS, needs_corpus, plan_of
from sample_releases import DAY_ONE, DAY_TWO
from sqlalchemy import func, select, text, update

from db import models
from db.audit import audit
from db.engine import write_transaction
from db.ingest import ingest_files


@pytest.fixture(scope="module")
def corpus_database(tmp_path_factory):
    """The whole corpus (every release, both line archives, the published totals) in a SQLite
    file, stored by the README's own command: `python3 manage.py ingest ../shared/corpus/releases
    ../shared/corpus/archive/centcom_release_lines_*.csv ../shared/corpus/published_totals.csv`."""
    from db.engine import make_engine, session_factory

    folder = tmp_path_factory.mktemp("corpus")
    url = f"sqlite:///{folder / 'corpus.db'}"
    archives = sorted((CORPUS / "archive").glob("centcom_release_lines_*.csv"))
    ran = run_verb("ingest", "--quiet", str(CORPUS / "releases"), *map(str, archives), str(CORPUS / "published_totals.csv"),
                   cwd=folder, database=url)
    assert ran.returncode == 0, ran.stdout + ran.stderr  # 1 for a file that failed
    engine = make_engine(url)
    yield session_factory(engine)
    engine.dispose()


def _days_off_as_stored_and_as_the_rule_reads_them(factory) -> tuple[set[int], set[int]]:
    from db.summaries import day_off

    with factory() as session:
        stored = set(session.scalars(select(models.StrikeReport.id).where(models.StrikeReport.day_off.is_(True))))
        live = set(session.scalars(select(models.StrikeReport.id).join(models.Release).where(day_off())))
    return stored, live


def _countries_off_as_stored_and_as_the_rule_reads_them(factory) -> tuple[set[int], set[int]]:
    from db.summaries import country_off

    with factory() as session:
        stored = set(session.scalars(select(models.StrikeReport.id).where(models.StrikeReport.country_off.is_(True))))
        live = set(session.scalars(select(models.StrikeReport.id).where(country_off())))
    return stored, live


def _import_with_one_report_filed_in_another_country(factory) -> None:
    """DAY_ONE with one of its reports at a town of Syria counted in Iraq."""
    from dataclasses import replace

    from db.ingest import ingest_parsed, start_import
    from loaders import parse_document, read_bytes

    parsed = parse_document(read_bytes(DAY_ONE.encode(), "day1.txt"))[0]
    reports = list(parsed.strikes)
    [index, *_] = [index for index, report in enumerate(reports)
                   if report.location_country == "Syria" and report.location_precision == "place"]
    reports[index] = replace(reports[index], country="Iraq")
    ingest_parsed(factory, "day1.txt", [replace(parsed, strikes=type(parsed.strikes)(reports))],
                  start_import(factory, "test", "cli"))


def _import_with_one_report_moved_past_publication(factory) -> None:
    from dataclasses import replace
    from datetime import timedelta

    from db.ingest import ingest_parsed, start_import
    from loaders import parse_document, read_bytes

    parsed = parse_document(read_bytes(DAY_ONE.encode(), "day1.txt"))[0]
    first, *rest = parsed.strikes
    moved = replace(first, date=parsed.published + timedelta(days=3), date_in_text=True)
    ingest_parsed(factory, "day1.txt", [replace(parsed, strikes=type(parsed.strikes)([moved, *rest]))],
                  start_import(factory, "test", "cli"))


def test_a_report_stored_off_its_days_is_flagged_as_it_is_written(factory):
    """The "days named" check reads the flag stored with each report (db.summaries.day_off):
    an import sets it for a report dated after its release was published, and only for it."""
    _import_with_one_report_moved_past_publication(factory)
    stored, live = _days_off_as_stored_and_as_the_rule_reads_them(factory)
    assert stored == live and len(live) == 1
    assert "days named" in _failing(factory)


def test_a_report_in_another_country_than_its_place_is_flagged_as_it_is_written(factory):
    """The "countries" check reads the flag stored with each report (db.summaries.country_off):
    an import sets it for a report of a Syrian town counted in Iraq, and only for it."""
    _import_with_one_report_filed_in_another_country(factory)
    stored, live = _countries_off_as_stored_and_as_the_rule_reads_them(factory)
    assert stored == live and len(live) == 1
    assert "countries" in _failing(factory)


def _noting_updated_reports(factory) -> None:
    """A trigger that notes in table touched each strike report an UPDATE rewrites (the
    drivers' row counts cannot be trusted for it: SQLite's reads 0 for an UPDATE ... FROM)."""
    with write_transaction(factory) as session:
        session.execute(text("CREATE TABLE touched (id integer)"))
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("CREATE FUNCTION note_touched() RETURNS trigger LANGUAGE plpgsql AS "
                                 "$$ BEGIN INSERT INTO touched VALUES (NEW.id); RETURN NEW; END $$"))
            session.execute(text("CREATE TRIGGER note_touched AFTER UPDATE ON strike_report "
                                 "FOR EACH ROW EXECUTE FUNCTION note_touched()"))
        else:
            session.execute(text("CREATE TRIGGER note_touched AFTER UPDATE ON strike_report "
                                 "BEGIN INSERT INTO touched VALUES (NEW.id); END"))


def test_an_import_updates_only_the_reports_it_flags(factory):
    """Its reports are written unflagged, so the flag's update rewrites the one report off its
    days, not every report of the import: on PostgreSQL each row an UPDATE touches is written
    again, with an entry in each of its indexes."""
    _noting_updated_reports(factory)
    _import_with_one_report_moved_past_publication(factory)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(models.StrikeReport)) > 1
        flagged = set(session.scalars(select(models.StrikeReport.id).where(models.StrikeReport.day_off.is_(True))))
        assert session.scalars(text("SELECT id FROM touched")).all() == list(flagged) and len(flagged) == 1


def _plan_of_check(factory, check, naming: str) -> str:
    """The plan of the statement naming `naming` that an audit check sends."""
    def run():
        with factory() as session:
            return list(check(session, lambda *args, **kwargs: args))

    return plan_of(factory.kw["bind"], run, naming=naming)


def test_the_days_check_reads_the_flagged_reports_through_their_partial_index(factory):
    """The condition must read as ix_strike_report_day_off's own, or each database reads every
    strike report for the few flagged (written "IS true", SQLite scanned them all)."""
    from db.audit import _days_named

    ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    plan = _plan_of_check(factory, _days_named, naming="day_off")
    assert "ix_strike_report_day_off" in plan, plan


def test_the_countries_check_reads_the_flagged_reports_through_their_partial_index(factory):
    """The check read every strike report for its country against its place's (about 200 ms at
    100x on either database); the reports flagged are found from ix_strike_report_country_off."""
    from db.audit import _countries

    _import_with_one_report_filed_in_another_country(factory)
    plan = _plan_of_check(factory, _countries, naming="place_country")
    assert "ix_strike_report_country_off" in plan, plan


def test_the_repeated_lists_check_groups_the_counted_lists_from_an_index(factory):
    """The check grouped the counted releases by their list by reading every release row, each
    holding its text (230 ms at 100x on SQLite); ix_release_list_key_current holds both."""
    from db.audit import _repeated_lists

    ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    engine = factory.kw["bind"]
    plan = _plan_of_check(factory, _repeated_lists, naming="HAVING count(*)")
    read = "COVERING INDEX" if engine.dialect.name == "sqlite" else "Index Only Scan using"
    assert f"{read} ix_release_list_key_current" in plan, plan


def test_the_totals_check_reads_no_release_or_report_row(factory):
    """The totals check read every counted release row (each holding its text) for what it
    states, and every strike report row for its strikes (390 ms at 100x on SQLite): both come
    from indexes, ix_release_stated_totals and ix_strike_report_release."""
    from db.audit import _release_totals

    ingest_files(factory, [("day1.txt", DAY_ONE.encode())])
    engine = factory.kw["bind"]
    plan = _plan_of_check(factory, _release_totals, naming="stated_strikes +")
    read = "COVERING INDEX" if engine.dialect.name == "sqlite" else "Index Only Scan using"
    for index in ("ix_release_stated_totals", "ix_strike_report_release"):
        assert f"{read} {index}" in plan, plan


def _counted(factory, file_name: str) -> int:
    with factory() as session:
        return int(session.scalar(
            select(func.sum(models.StrikeReport.strikes)).join(models.Release)
            .where(models.Release.is_current.is_(True), models.Release.source.endswith(file_name))) or 0)


@needs_corpus
def test_the_corpus_passes_every_check(corpus_database, tmp_path):
    """Every strike of the corpus counted once, on its days, in its country; and `python3
    manage.py audit` says so, as the README has a reader check it (exit 1 on a violation)."""
    with corpus_database() as session:
        report = audit(session)
    assert [check.name for check in report.checks if not check.holds] == [], \
        "\n".join(f"{f.check}: {f.subject}: {f.figures}" for f in report.violations)
    assert report.explained  # the lines above their totals, the border towns filed as published: listed
    ran = run_verb("audit", cwd=tmp_path, database=str(corpus_database.kw["bind"].url))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"0 violations, {len(report.explained)} explained" in ran.stdout


@needs_corpus
@pytest.mark.parametrize(("file_name", "strikes"), [
    # read by hand: the day's overall plus the late block's own count
    ("2017-08-25_dodnews-1289632.txt", 13 + 59),
    ("2017-08-27_dodnews-1291234.txt", 24 + 58),
    ("2017-09-02_dodnews-1298709.txt", 25 + 15),
    ("2017-08-28_dodnews-1291435.txt", 35 + 39),
    ("2017-08-29_dodnews-1293195.txt", 19 + 43),
    ("2017-08-22_dodnews-1285071.txt", 30 + 50),
])
def test_late_blocks_count_once_on_top_of_their_day(corpus_database, file_name, strikes):
    assert _counted(corpus_database, file_name) == strikes


@needs_corpus
def test_no_strike_of_raqqa_province_counts_in_iraq(corpus_database):
    with corpus_database() as session:
        in_iraq = session.scalar(
            select(func.coalesce(func.sum(models.StrikeReport.strikes), 0)).join(models.Release)
            .join(models.Place, models.Place.id == models.StrikeReport.place_id)
            .where(models.Release.is_current.is_(True), models.Place.province == "Ar-Raqqah",
                   models.StrikeReport.country == "Iraq"))
    assert in_iraq == 0


@needs_corpus
def test_the_2019_summary_lies_over_its_two_weeks(corpus_database):
    with corpus_database() as session:
        rows = session.execute(
            select(models.StrikeReport.country, models.StrikeReport.strike_date, models.StrikeReport.last_date,
                   models.StrikeReport.strikes).join(models.Release)
            .where(models.Release.is_current.is_(True),
                   models.Release.source.endswith("2019-01-15_cjtfoir-strike-summary-fragment-via-southfront.txt"))
            .order_by(models.StrikeReport.position)).all()
    # "In Syria, 575 strikes ...", "In Iraq, 13 strikes ...", covering Dec. 30, 2018 - Jan. 13, 2019 (its index)
    assert [tuple(row) for row in rows] == [("Syria", date(2018, 12, 30), date(2019, 1, 13), 575),
                                             ("Iraq", date(2018, 12, 30), date(2019, 1, 13), 13)]


# --- each check fails on data that break it ----------------------------------------------------


def _failing(factory) -> set[str]:
    with factory() as session:
        return {check.name for check in audit(session).checks if not check.holds}


def test_the_totals_check_reads_only_the_releases_whose_counts_differ(factory, monkeypatch):
    """A release's stated totals are read and checked only where its counts differ from the totals
    stored beside it, its late blocks included: the audit's work follows what it finds, not the
    size of the data (reading every release's totals took most of the Data quality page's first
    run at 100x)."""
    from test_reconciliation import LATE_IN_OTHER_WORDS

    import db.audit
    from loaders.records import overall_stated_strikes

    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode()),
                           ("late.txt", LATE_IN_OTHER_WORDS.encode())])
    read: list[dict] = []
    monkeypatch.setattr(db.audit, "overall_stated_strikes", lambda totals: read.append(totals) or overall_stated_strikes(totals))
    assert _failing(factory) == set() and read == []  # every release adds up, the late block's 30 too
    with factory() as session:  # the late block's 30, read from the text
        assert session.scalar(select(models.Release.stated_late_strikes).where(models.Release.source == "late.txt")) == 30
    release, report = models.Release, models.StrikeReport
    with write_transaction(factory) as session:
        late = session.scalar(select(release.id).where(release.source == "late.txt"))
        line = session.scalars(select(report.id).where(report.release_id == late, report.block != "main",
                                                       report.strikes > 0)).first()
        session.execute(update(report).where(report.id == line).values(strikes=report.strikes + 1))
    with factory() as session:
        [finding] = audit(session).checks[0].findings
    assert (finding.subject, finding.figures) == ("late.txt", "counts 40 strikes, states 9 + 30 in late blocks")
    assert len(read) == 1


def test_the_checks_hold_on_clean_data_and_fail_on_each_fault(factory, database_url, monkeypatch, capsys):
    from db.__main__ import main
    from db.engine import default_engine

    monkeypatch.setenv("DATABASE_URL", database_url)
    default_engine.cache_clear()  # the command's engine: this test's database
    ingest_files(factory, [("day1.txt", DAY_ONE.encode()), ("day2.txt", DAY_TWO.encode())])
    assert _failing(factory) == set()
    assert main(["audit"]) == 0 and "0 violations" in capsys.readouterr().out
    release, report = models.Release, models.StrikeReport
    with write_transaction(factory) as session:
        day_one = session.scalar(select(release.id).where(release.published == date(2017, 7, 21)))
        day_two = session.scalar(select(release.id).where(release.published == date(2017, 7, 22)))
        # a line counted twice: the release now counts more than it states, with no reason
        session.execute(update(report).where(report.release_id == day_two).values(strikes=report.strikes * 2))
        # a strike after its release was published
        session.execute(update(report).where(report.release_id == day_one, report.country == "Iraq")
                        .values(strike_date=date(2017, 7, 25)))
        # Raqqa's strikes counted in Iraq
        session.execute(update(report).where(report.release_id == day_one, report.location_raw == "Raqqa")
                        .values(country="Iraq"))
        # the same list counted again under another date
        session.execute(update(release).where(release.id == day_two).values(list_key="4:same"))
        session.execute(update(release).where(release.id == day_one).values(list_key="4:same"))
        # a counted release without its period
        session.execute(update(release).where(release.id == day_one).values(period_start=None))
        # the data above what the coalition published for a day
        session.add(models.PublishedTotal(as_of_date=date(2017, 7, 21), period_start=date(2017, 7, 21), scope="Iraq",
                                          strikes=1, who_stated="a test"))
    from db import summaries

    with write_transaction(factory) as session:
        summaries.rebuild(session)
    stored, live = _days_off_as_stored_and_as_the_rule_reads_them(factory)
    assert stored == live and live  # the rebuild flags a report moved off its days
    stored, live = _countries_off_as_stored_and_as_the_rule_reads_them(factory)
    assert stored == live and live  # and the report counted in another country than its place's
    assert _failing(factory) == {"release totals", "days named", "countries", "repeated lists", "periods",
                                 "published totals"}
    # the command CI runs fails, and names each violation
    assert main(["audit"]) == 1
    printed = capsys.readouterr().out
    assert "countries: 1 violations" in printed and "raqqa" in printed.lower()
    default_engine().dispose()
    default_engine.cache_clear()
