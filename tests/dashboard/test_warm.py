"""A worker's warmed heap is frozen out of the cycle collector's sight (dashboard/warm.py settle), and what
a previous build's warming froze is thawed and collected when a rebuild is warmed."""

from __future__ import annotations

import gc
import weakref

from dashboard import warm


class Node:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_settle_freezes_what_is_alive_and_frees_cycles_frozen_before():
    try:
        gc.collect()
        cycle = Node()
        gone = weakref.ref(cycle)
        gc.freeze()  # as an earlier settle() did, while the cycle was still in use
        del cycle  # then a rebuild replaced the cache that held it: garbage, but frozen
        gc.collect()
        assert gone() is not None  # a frozen cycle survives an ordinary collection
        warm.settle()
        assert gone() is None  # settle thawed it first, so it was collected
        assert gc.get_freeze_count() > 0  # and froze what is still alive
    finally:
        gc.unfreeze()
