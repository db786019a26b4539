"""Time spent in each regular expression of the parser, per release: the profile cProfile cannot
give (it shows one line for all `re.Pattern.search` calls together).

    .venv/bin/python -m bench.patterns            # 4,000 synthetic releases after 4,000 warm-up
    .venv/bin/python -m bench.patterns --top 40

Every compiled pattern held by a module of `loaders/` (directly, in a tuple, or as either side of
a CaselessPattern) is swapped for a timing stand-in while the measured releases are parsed, then
put back. The stand-in adds its own cost to each call (a few tenths of a microsecond), so read
the shares, not the sum.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from contextlib import contextmanager

from bench import synthetic
from loaders import dates as dates_module
from loaders import grammar, numbers, parse_document, read_bytes, release_parser, segmenter
from loaders.grammar import CaselessPattern

_MODULES = (release_parser, grammar, segmenter, dates_module, numbers)
_SEED = 2024
_TOTAL = 38_900  # the 100x scale


class _TimedPattern:
    """Stands in for a compiled pattern: each method call is timed under the pattern's name."""

    def __init__(self, name: str, pattern: re.Pattern[str], totals: dict):
        self._name, self._pattern, self._totals = name, pattern, totals

    def __getattr__(self, attribute: str):
        method = getattr(self._pattern, attribute)
        if not callable(method):
            return method
        key = f"{self._name}.{attribute}"

        def timed(*args, **kwargs):
            start = time.perf_counter()
            result = method(*args, **kwargs)
            if attribute == "finditer":
                result = list(result)  # the scan happens while the iterator is read
            entry = self._totals[key]
            entry[0] += 1
            entry[1] += time.perf_counter() - start
            return iter(result) if attribute == "finditer" else result

        return timed


@contextmanager
def timed_patterns(totals: dict):
    """Swap every pattern of the loaders' modules for a timing stand-in, and back afterwards."""
    undo = []
    for module in _MODULES:
        prefix = module.__name__.split(".")[-1]
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern):
                undo.append((module, name, value))
                setattr(module, name, _TimedPattern(f"{prefix}.{name}", value, totals))
            elif isinstance(value, tuple) and value and all(isinstance(item, re.Pattern) for item in value):
                undo.append((module, name, value))
                setattr(module, name, tuple(
                    _TimedPattern(f"{prefix}.{name}[{index}]", item, totals) for index, item in enumerate(value)
                ))
            elif isinstance(value, CaselessPattern):
                for side in ("pattern", "twin"):
                    undo.append((value, side, getattr(value, side)))
                    setattr(value, side, _TimedPattern(f"{prefix}.{name}.{side}", getattr(value, side), totals))
    try:
        yield
    finally:
        for owner, name, value in reversed(undo):
            setattr(owner, name, value)


def pattern_times(warm: int, measured: int) -> tuple[float, list[tuple[str, int, float]]]:
    """Return (seconds per release, [(pattern.method, calls, seconds)] per release), slowest first."""
    items = synthetic.generate(_TOTAL, seed=_SEED, stop=warm + measured)
    documents = [read_bytes(item.text.encode("utf-8"), item.source) for item in items]
    for document in documents[:warm]:
        parse_document(document)
    totals: dict = defaultdict(lambda: [0, 0.0])
    with timed_patterns(totals):
        start = time.perf_counter()
        for document in documents[warm:]:
            parse_document(document)
        elapsed = time.perf_counter() - start
    rows = [(key, calls, seconds) for key, (calls, seconds) in totals.items()]
    rows.sort(key=lambda row: -row[2])
    return elapsed / measured, [(key, calls / measured, seconds / measured) for key, calls, seconds in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warm", type=int, default=4000)
    parser.add_argument("--releases", type=int, default=4000)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    per_release, rows = pattern_times(args.warm, args.releases)
    in_patterns = sum(seconds for _key, _calls, seconds in rows)
    print(f"{per_release * 1e6:,.0f} µs a release, {in_patterns * 1e6:,.0f} µs ({in_patterns / per_release:.0%}) "
          f"in {len(rows)} pattern methods (stand-in costs included)")
    print("   µs  share  calls  pattern.method")
    for key, calls, seconds in rows[: args.top]:
        print(f"{seconds * 1e6:5.1f}  {seconds / per_release:5.1%}  {calls:5.1f}  {key}")


if __name__ == "__main__":
    main()
