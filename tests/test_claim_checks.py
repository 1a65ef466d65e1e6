"""Robustness checks are decided by their interval, under the same rules as the claims."""

from __future__ import annotations

from scalewall.claims import (
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    equivalence_check,
    range_check,
)


def test_range_check_reads_the_interval_not_the_point() -> None:
    # The point 4.5 lies inside 4-5 each time; only the interval may move the verdict.
    assert range_check("inside", 4.5, 4.2, 4.8, (4.0, 5.0)).verdict == SUPPORTED
    assert range_check("straddles", 4.5, 3.5, 4.8, (4.0, 5.0)).verdict == PARTLY
    assert range_check("disjoint", 4.5, 6.0, 7.0, (4.0, 5.0)).verdict == NOT_SUPPORTED
    c = range_check("kept", 4.5, 4.2, 4.8, (4.0, 5.0))
    assert (c.specification, c.value, c.lo, c.hi) == ("kept", 4.5, 4.2, 4.8)


def test_equivalence_check_is_tost_on_the_interval() -> None:
    # Margin 2: [-1, 1] is equivalent, [-5, 5] is wider than the whole margin, [3, 4] is beyond.
    assert equivalence_check("inside", 0.0, -1.0, 1.0, 2.0).verdict == SUPPORTED
    assert equivalence_check("too wide", 0.0, -5.0, 5.0, 2.0).verdict == UNTESTABLE
    assert equivalence_check("beyond", 0.0, 3.0, 4.0, 2.0).verdict == NOT_SUPPORTED
