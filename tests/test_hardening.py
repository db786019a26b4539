"""Threats found by trying to break the app, each named after what it was (docs/SECURITY.md).
Growth is checked as a ratio of two sizes of the same input, never as an absolute time."""

from __future__ import annotations

import time

import pytest

from loaders import UnreadableFile, parse_document, read_bytes

HEAD = "Strikes in Iraq\n\n-- Near Mosul, a strike destroyed "
PATHOLOGICAL = {
    "a target list of one vehicle and thousands of 'and'": lambda n: HEAD + "a vehicle" + " and" * n + ".",
    "one word repeated in a target list": lambda n: HEAD + "vehicle " * n + ".",
    "unclosed brackets": lambda n: HEAD + "a vehicle " + "(" * n + " and two bunkers.",
    "a release line repeated": lambda n: "Strikes in Iraq\n\n" + "-- Near Mosul, a strike destroyed a vehicle.\n" * n,
    "markup of nested elements": lambda n: "<html><body>" + "<div><p>Near Mosul, a strike.</p>" * (n // 40)
                                           + "</div>" * (n // 40) + "</body></html>",
}


def _parse(text: str, name: str = "release.txt"):
    try:
        return parse_document(read_bytes(text.encode(), name, max_bytes=50_000_000))
    except UnreadableFile:
        return []


def _cold() -> None:
    """Forget the parser's remembered sentences and phrases: each timing reads its input anew."""
    from loaders import grammar, taxonomy

    for remembered in (grammar.analyse, grammar._item_reading, grammar._object_list, taxonomy.classify):
        remembered.cache_clear()


def _seconds(text: str, name: str) -> float:
    """The best of three parses, each from cold (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(3):
        _cold()
        start = time.perf_counter()
        _parse(text, name)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", list(PATHOLOGICAL))
def test_parse_time_grows_linearly_with_a_pathological_input(shape):
    make = PATHOLOGICAL[shape]
    name = "page.html" if "markup" in shape else "release.txt"
    _parse(make(200), name)  # warm: patterns compiled, taxonomy and gazetteer loaded
    small, large = 20_000, 40_000
    ratio = _seconds(make(large), name) / max(_seconds(make(small), name), 1e-3)
    assert ratio <= 2.5, f"{shape}: twice the input took {ratio:.1f} times as long"


def test_a_megabyte_of_pathological_text_parses_like_a_megabyte_of_releases():
    """Seconds, not minutes: within a small multiple of a megabyte of ordinary release text (or
    of an ordinary web page, for markup)."""
    line = "-- Near Mosul, a strike destroyed a vehicle.\n"
    ordinary = {"release.txt": "Strikes in Iraq\n\n" + line * 24_000,  # about 1 MB each
                "page.html": "<html><body>" + f"<p>{line}</p>" * 20_000 + "</body></html>"}
    baseline = {}
    for name, text in ordinary.items():
        _parse(text[:5_000], name)
        baseline[name] = _seconds(text, name)
    for shape, make in PATHOLOGICAL.items():
        size = 1_000
        while len(make(size)) < 1_000_000:
            size *= 2
        name = "page.html" if "markup" in shape else "release.txt"
        assert _seconds(make(size), name) <= 5 * baseline[name] + 0.5, shape


def test_what_one_sentence_produces_is_bounded():
    """8,000 "and"s made 8,000 diagnostics each holding the whole sentence (132 MB stored)."""
    [release] = _parse(PATHOLOGICAL["a target list of one vehicle and thousands of 'and'"](8_000))
    assert len(release.diagnostics) <= 12
    assert sum(len(d.text or "") for d in release.diagnostics) <= 12 * 1_000
    [release] = _parse(HEAD + ", ".join(f"{n} widget{n}s" for n in range(1, 200)) + ".")
    unclassified = [d for d in release.diagnostics if d.kind == "unclassified_target"]
    assert len(unclassified) == 11  # ten, and one that says more were left out
    assert unclassified[-1].message == "more of the same in this sentence, not listed"
    [report] = release.strikes
    assert len(report.targets) == 199  # every target is still read; only the flags are bounded


def test_a_long_phrase_fits_the_columns_that_hold_it():
    [release] = _parse(HEAD + "a " + "very " * 400 + "strange vehicle.")
    [target] = release.strikes[0].targets
    assert len(target.text) <= 500 and len(target.type) <= 200


def test_deeply_nested_markup_is_refused_with_a_reason():
    page = "<html><body>" + "<div>" * 8_000 + "Near Mosul, a strike destroyed a vehicle." + "</div>" * 8_000 + "</body></html>"
    with pytest.raises(UnreadableFile, match="HTML nested 8002 elements deep"):
        read_bytes(page.encode(), "page.html")
