"""Pause Python's cyclic garbage collector around allocation-heavy batch work.

Parsing a release and storing a batch of rows allocate tens of thousands of short-lived,
acyclic objects (sentences, records, row dicts). Reference counting frees them; the cyclic
collector only adds work, and in a process with a large heap (an app that imported pandas,
Plotly and Streamlit, or an import holding many parsed releases) its full passes walk every
object again. Measured on the synthetic benchmark: parsing about 10-20 % faster, storing a
batch of releases about 40 % faster (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off; it is switched back on afterwards if it was
    on before (nested or concurrent pauses leave it as the outermost one found it). Any cycles
    made meanwhile are collected by the next ordinary pass."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
