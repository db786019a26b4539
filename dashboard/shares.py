"""A share in words, for the pages and the briefing deck: "37%", and never "0%" or "100%" for a
share that is neither ("under 1%", "over 99%"). Plain functions, no Streamlit."""

from __future__ import annotations


def share_text(share: float, decimals: int = 0) -> str:
    """The share (0.37) as a percent ("37%") to `decimals` places; one that rounds to 0 but is
    not 0 reads "under 1%" ("under 0.1%" to one place), one that rounds to 100 but is not
    whole reads "over 99%" below it and "over 100%" above it."""
    shown = f"{share:.{decimals}%}"
    rounded = float(shown[:-1])
    step = 10.0 ** -decimals  # the smallest step of percent shown
    if share > 0 and rounded == 0:
        return f"under {step:.{decimals}f}%"
    if share != 1 and rounded == 100:
        return f"over {100 - step if share < 1 else 100:.{decimals}f}%"
    return shown

