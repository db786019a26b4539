"""Work counted, not timed: how many lines of Python a call runs. Unlike a clock, nothing else
on the machine changes the count, so a test of growth that reads it cannot flake. It sees
loops in Python (a rescan written in Python, a tree walked once per element); a scan inside
one C call counts once, which is why what would rescan in C is checked by its own invariant."""

from __future__ import annotations

import sys
from collections.abc import Callable


def python_lines(function: Callable[..., object], *args: object) -> int:
    """The number of Python lines run by function(*args), exceptions included."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        function(*args)
    except Exception:  # noqa: BLE001, S110 - a refusal is work done too
        pass
    finally:
        sys.settrace(previous)
    return count


def growth(function: Callable[[str], object], make: Callable[[int], str], size: int, factor: int = 8) -> float:
    """How many times the work of function(make(size)) that of factor times the size is:
    factor for linear work, factor squared for quadratic."""
    return python_lines(function, make(factor * size)) / max(python_lines(function, make(size)), 1)
