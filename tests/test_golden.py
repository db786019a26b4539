"""Golden releases: every real release with a hand-read JSON in tests/golden/ must parse to
exactly those facts. Known failures are strict xfails: fixing one turns the test red until
its mark is removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RELEASES, needs_corpus
from golden_compare import differences

from loaders import parse_document, read_path

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN_FILES = sorted(GOLDEN_DIR.glob("*.json"))

KNOWN_FAILURES = {
    "2014-09-16_dodnews-blogrepost.json": (
        "two places in one lead sentence; the per-place counts are inferred by the reader from "
        "a later sentence ('the airstrike southwest of Baghdad')"
    ),
    "2019-01-15_cjtfoir-strike-summary-fragment-via-southfront.json": (
        "aggregated lists with conjoined modifiers ('mortar, rocket and artillery systems') "
        "are split into separate targets"
    ),
}


def _cases(with_known_failures: bool = True):
    for path in GOLDEN_FILES:
        marks = [needs_corpus]
        if with_known_failures and path.name in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(reason=KNOWN_FAILURES[path.name], strict=True))
        yield pytest.param(path, id=path.stem, marks=marks)


def test_enough_golden_releases_across_eras():
    assert len(GOLDEN_FILES) >= 25
    years = {path.name[:4] for path in GOLDEN_FILES}
    assert {"2014", "2015", "2016", "2017", "2018", "2019"} <= years


@pytest.mark.parametrize("golden_path", list(_cases()))
def test_release_matches_golden(golden_path: Path):
    golden = json.loads(golden_path.read_text(encoding="utf-8"))
    (parsed,) = parse_document(read_path(RELEASES / golden["file"]))
    problems = differences(parsed, golden)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("golden_path", list(_cases(with_known_failures=False)))
def test_incomplete_copies_are_flagged(golden_path: Path):
    """A copy the reader marked as cut inside its list carries an incomplete-list diagnostic."""
    golden = json.loads(golden_path.read_text(encoding="utf-8"))
    (parsed,) = parse_document(read_path(RELEASES / golden["file"]))
    kinds = {diagnostic.kind for diagnostic in parsed.diagnostics}
    if not golden["list_complete"]:
        assert kinds & {"incomplete_list", "totals_mismatch"}, kinds


def test_seed_sentence():
    """The sentence the product was specified with."""
    from loaders import parse_release

    text = (
        "Strikes in Iraq\n\n-- Near Al Qaim, four strikes engaged three ISIS tactical units and destroyed "
        "two VBIED factories, an ISIS-held building, two fighting positions and an ISIS spotter location."
    )
    (report,) = parse_release(text).strikes
    assert (report.country, report.location, report.strikes) == ("Iraq", "Al Qa'im", 4)
    assert [(t.action, t.count, t.type) for t in report.targets] == [
        ("engaged", 3, "tactical unit"),
        ("destroyed", 2, "vehicle bomb factory"),
        ("destroyed", 1, "building"),
        ("destroyed", 2, "fighting position"),
        ("destroyed", 1, "spotter location"),
    ]
    assert report.lat and report.lon


@needs_corpus
def test_html_page_parses_like_its_text_copy():
    """The same release as a web page with all its site chrome gives the same facts."""
    (from_html,) = parse_document(read_path(RELEASES / "2015-11-02_centcom-release.html"))
    golden = json.loads((GOLDEN_DIR / "2015-11-02_centcom-release.json").read_text(encoding="utf-8"))
    assert from_html.format == "html"
    assert not differences(from_html, golden)
    assert "Skip to main content" not in from_html.raw_text
