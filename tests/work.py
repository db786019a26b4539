"""Work counted, not timed. Unlike a clock, nothing else on the machine changes a count, so a
test of growth that reads one cannot flake.

A call is counted in a Python process of its own (WorkCounter), which wraps every regular
expression compiled after it starts, loaders' and html.parser's alike, before it imports the
code it runs. Three counts come back (Work): lines of Python run, which see loops written in
Python; regular-expression calls; and the characters those calls scanned, which see a rescan
inside C (a search from each position over the rest of the text). A call of a pattern that
escaped the wrapper fails the count, so no scan goes uncounted unnoticed. Not counted: a
string method's own scan (str.find, str.replace, "in"), and backtracking inside one call of a
pattern, which no count outside the regular-expression engine can see."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

TESTS = Path(__file__).resolve().parent


class Work(NamedTuple):
    lines: int  # lines of Python run (the counter's own wrappers left out)
    regex_calls: int  # calls of a regular expression
    regex_chars: int  # characters those calls scanned (see _Counted)

    def times(self, smaller: Work) -> float:
        """How many times smaller's work this is, in the measure that grew most."""
        return max(mine / max(theirs, 1) for mine, theirs in zip(self, smaller, strict=True))


class WorkCounter:
    """A Python process that runs functions named "module:function" on strings and answers the
    work each call did (a refusal, any exception, is work done too). One per test session."""

    def __init__(self) -> None:
        import os

        path = os.pathsep.join([str(TESTS.parent), str(TESTS)])
        self._process = subprocess.Popen([sys.executable, "-c", "import work; work._serve()"], cwd=TESTS.parent,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                                         env={**os.environ, "PYTHONPATH": path})

    def __call__(self, function: str, *args: str) -> Work:
        import json

        self._process.stdin.write(json.dumps({"function": function, "args": args}) + "\n")
        self._process.stdin.flush()
        answer = self._process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the work counter stopped (exit {self._process.wait()})")
        answer = json.loads(answer)
        if "failure" in answer:
            raise AssertionError(answer["failure"])
        return Work(**answer)

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait()


def growth(count: WorkCounter, function: str, make: Callable[[int], str], size: int, factor: int = 8) -> float:
    """How many times the work of function(make(size)) that of factor times the size is, in the
    measure that grew most: factor for linear work, factor squared for quadratic. A call on
    make(1) first, uncompared, does what a first call does once (imports, tables loaded)."""
    count(function, make(1))
    return count(function, make(factor * size)).times(count(function, make(size)))


def parse_from_cold(text: str, name: str) -> None:
    """Read and parse a file's text as an upload does, the parser's remembered sentences and
    phrases forgotten first: each count reads its input anew."""
    from contextlib import suppress

    from loaders import UnreadableFile, grammar, parse_document, read_bytes, taxonomy

    for remembered in (grammar.analyse, grammar._item_reading, grammar._object_list, taxonomy.classify):
        remembered.cache_clear()
    with suppress(UnreadableFile):
        parse_document(read_bytes(text.encode(), name, max_bytes=50_000_000))


# --- the counting process ---

_tally = [0, 0, 0]  # lines, regex calls, regex characters


class _Counted:
    """A compiled pattern that counts its calls and the characters each scanned: a search up to
    the end of its match (to the end of the text when it finds none), a match or fullmatch up to
    its end (one character when it fails where it stands), finditer, findall, sub, subn and
    split the whole text."""

    __slots__ = ("_pattern",)

    def __init__(self, pattern) -> None:
        self._pattern = pattern

    def __getattr__(self, name: str):
        return getattr(self._pattern, name)

    def __repr__(self) -> str:
        return repr(self._pattern)

    @staticmethod
    def _scanned(string, pos: int, end: int) -> None:
        _tally[1] += 1
        _tally[2] += max(min(end, len(string)) - max(pos, 0), 1)

    def search(self, string, pos=0, endpos=sys.maxsize):
        found = self._pattern.search(string, pos, endpos)
        self._scanned(string, pos, found.end() if found else endpos)
        return found

    def match(self, string, pos=0, endpos=sys.maxsize):
        found = self._pattern.match(string, pos, endpos)
        self._scanned(string, pos, found.end() if found else pos + 1)
        return found

    def fullmatch(self, string, pos=0, endpos=sys.maxsize):
        found = self._pattern.fullmatch(string, pos, endpos)
        self._scanned(string, pos, found.end() if found else pos + 1)
        return found

    def finditer(self, string, pos=0, endpos=sys.maxsize):
        self._scanned(string, pos, endpos)
        return self._pattern.finditer(string, pos, endpos)

    def findall(self, string, pos=0, endpos=sys.maxsize):
        self._scanned(string, pos, endpos)
        return self._pattern.findall(string, pos, endpos)

    def sub(self, repl, string, count=0):
        self._scanned(string, 0, len(string))
        return self._pattern.sub(repl, string, count)

    def subn(self, repl, string, count=0):
        self._scanned(string, 0, len(string))
        return self._pattern.subn(repl, string, count)

    def split(self, string, maxsplit=0):
        self._scanned(string, 0, len(string))
        return self._pattern.split(string, maxsplit)


_UNCOUNTED_CODE = frozenset(member.__code__ for member in vars(_Counted).values() if hasattr(member, "__code__"))
_UNCOUNTED_CODE |= {_Counted._scanned.__code__}


def _count_regular_expressions() -> None:
    """Every pattern compiled from now on (re.compile, re.search(str, ...), ...) is counted."""
    import re

    compile_pattern, counted = re._compile, {}

    def _compile(pattern, flags):
        if isinstance(pattern, _Counted):
            pattern = pattern._pattern
        compiled = compile_pattern(pattern, flags)
        if id(compiled) not in counted:
            counted[id(compiled)] = (compiled, _Counted(compiled))  # the pattern kept, so its id stays its own
        return counted[id(compiled)][1]

    re._compile = _compile


def _serve() -> None:
    channel, sys.stdout = sys.stdout, sys.stderr  # only answers go out on the channel
    _count_regular_expressions()  # before anything below compiles a pattern
    import importlib
    import json
    import re

    escaped: set[str] = set()

    def lines(frame, event, arg):
        if frame.f_code in _UNCOUNTED_CODE:
            return None
        if event == "line":
            _tally[0] += 1
        return lines

    def audit(frame, event, arg):
        if event == "c_call" and isinstance(getattr(arg, "__self__", None), re.Pattern) \
                and frame.f_code not in _UNCOUNTED_CODE:
            escaped.add(f"{arg.__self__.pattern!r:.80} called from {frame.f_code.co_filename}:{frame.f_lineno}")

    for request in sys.stdin:
        request = json.loads(request)
        module, name = request["function"].split(":")
        function = getattr(importlib.import_module(module), name)
        _tally[:] = [0, 0, 0]
        escaped.clear()
        sys.setprofile(audit)
        sys.settrace(lines)
        try:
            function(*request["args"])
        except Exception:  # noqa: BLE001, S110 - a refusal is work done too
            pass
        finally:
            sys.settrace(None)
            sys.setprofile(None)
        if escaped:
            answer = {"failure": "regular expressions ran uncounted (compiled before the counter started or not through re): "
                                 + "; ".join(sorted(escaped))}
        else:
            answer = dict(zip(Work._fields, _tally, strict=True))
        channel.write(json.dumps(answer) + "\n")
        channel.flush()
