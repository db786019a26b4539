"""The benchmark's synthetic releases (bench/synthetic.py): each is a release of its own, so a
benchmark counts every release it generates."""

from __future__ import annotations

from bench import synthetic
from db.versions import SAME_LIST_LINES, _list_lines


def test_a_long_list_drawn_twice_is_drawn_again(monkeypatch):
    """Two releases with the same long list under different dates are one release to the
    planner (a repost): at 10x, one of 7,400 synthetic releases went uncounted that way."""
    first_long = next(item.index for item in synthetic.generate(200, seed=3)
                      if _list_lines(synthetic.list_of(item)) >= SAME_LIST_LINES)
    drawn = synthetic.release

    def repeating(index, total, seed=0, attempt=0):
        # the slot after the first long list draws that list again on its first attempt
        return drawn(first_long if index == first_long + 1 and attempt == 0 else index, total, seed, attempt)

    monkeypatch.setattr(synthetic, "release", repeating)
    items = list(synthetic.generate(200, seed=3, stop=first_long + 2))
    assert synthetic.list_of(items[first_long + 1]) != synthetic.list_of(items[first_long])
    assert items[first_long + 1].index == first_long + 1


def test_generation_is_the_same_for_the_same_seed():
    assert [item.data for item in synthetic.generate(40, seed=5)] == [item.data for item in synthetic.generate(40, seed=5)]
