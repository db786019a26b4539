"""The parser measured on the whole real corpus (the numbers docs/PARSER_QUALITY.md reports)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from command_line import run_verb
from conftest import CORPUS, PROJECT_ROOT, missing, needs_corpus


@pytest.fixture(scope="module")
def measures():
    from loaders.measure import measure_corpus

    return measure_corpus(CORPUS)


@needs_corpus
def test_every_strike_statement_yields_a_report(measures):
    assert measures.statements_expected > 3000
    assert measures.missed_statements == []


@needs_corpus
def test_totals_agree_or_are_flagged(measures):
    assert measures.totals_disagree_unflagged == []
    assert measures.totals_agree >= 30


@needs_corpus
def test_place_resolution(measures):
    # Albu Hayat (two villages of the name, neither stated by the releases) and a few hamlets
    # have no verified coordinates: listed, never guessed (docs/PARSER_QUALITY.md).
    assert measures.place_resolution >= 0.98
    assert "Albu Hayat" in measures.unresolved_places
    assert "Kisik" not in measures.unresolved_places


@needs_corpus
def test_archive_agreement(measures):
    assert measures.archive_agreement >= 0.99
    assert len(measures.archive_disagreements) == measures.archive_rows - measures.archive_agree
    # both archives, each on its own
    assert set(measures.archive_agreement_by_file) == {
        "centcom_release_lines_2014-2015.csv", "centcom_release_lines_2016.csv"}
    assert min(measures.archive_agreement_by_file.values()) >= 0.99


@needs_corpus
def test_stated_totals_equal_a_persons_reading(measures):
    """index.csv's `stated` column: the totals a person read from each release of Dec 2016 -
    2019 (none of them notes a published inconsistency in its overall figure)."""
    assert measures.stated_checked >= 90
    assert measures.stated_disagreements == []
    assert measures.no_counts_releases == 5  # the 2018-2019 narrative summaries


def test_stated_reading_of_the_index_wordings():
    from loaders.measure import stated_reading

    assert stated_reading("27 strikes / 55 engagements (Syria 14/17; Iraq 13/38)") == {
        "all": (27, 55), "Syria": (14, 17), "Iraq": (13, 38)}
    assert stated_reading("Syria 20 strikes; Iraq 5 strikes (no overall total)") == {
        "Syria": (20, None), "Iraq": (5, None)}
    assert stated_reading("Syria 23 strikes / 39 engagements; Iraq 8 strikes / 47 engagements (no overall total)") == {
        "Syria": (23, 39), "Iraq": (8, 47)}
    assert stated_reading("20 strikes (Syria 10; Iraq 10)") == {"all": (20, None), "Syria": (10, None), "Iraq": (10, None)}
    assert stated_reading("eight strikes / 61 engagements") == {"all": (8, 61)}
    assert stated_reading("no overall total (Syria 18 strikes; Iraq 8 strikes; no engagement counts)") == {
        "Syria": (18, None), "Iraq": (8, None)}
    assert stated_reading("none (no strike/engagement counts)") is None


@needs_corpus
def test_parse_json_keeps_the_agreed_shape():
    """`python3 manage.py parse ... --json` piped into the shared shape checker."""
    checker = PROJECT_ROOT.parent / "shared" / "tools" / "check_parse_json.py"
    parsed = run_verb("parse", str(CORPUS / "releases"), str(CORPUS / "archive" / "centcom_release_lines_2014-2015.csv"),
                      "--json", program="loaders", cwd=PROJECT_ROOT, database="sqlite://")
    assert parsed.returncode == 0, parsed.stderr
    output = parsed.stdout
    data = json.loads(output)
    from loaders.readers import iter_release_paths

    # every release file (texts and the web page) and the archive, one object each
    assert len(data) == len(iter_release_paths([CORPUS / "releases"])) + 1
    archive = next(item for item in data if item["source"].endswith("lines_2014-2015.csv"))
    assert archive["strikes"][0]["row"] == 1
    if not checker.is_file():
        missing(f"the shared shape checker is not at {checker} (clone without ../shared/tools)")
    result = subprocess.run([sys.executable, str(checker)], input=output, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert " 0 shape problems" in result.stdout
