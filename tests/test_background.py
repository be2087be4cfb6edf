"""background.py: a task's result or exception comes back through its Future, and a Handoff
ends for its consumer when the producer closes it, also when the producer fails."""

from __future__ import annotations

import pytest

from cnru.engine.background import Handoff, background


def test_a_task_gives_back_its_value_or_its_exception():
    with background("test") as worker:
        done = worker.submit(sum, [1, 2, 3])
        failed = worker.submit(int, "seven")
        assert done.result() == 6
        with pytest.raises(ValueError, match="seven"):
            failed.result()


def test_a_handoff_carries_values_in_order_until_closed():
    handoff: Handoff[int] = Handoff()
    with background("test") as worker:
        consumed = worker.submit(list, handoff)
        for value in (3, 1, 2):
            handoff.put(value)
        handoff.close()
        assert consumed.result(timeout=5) == [3, 1, 2]


def test_a_producer_that_fails_still_stops_its_consumer():
    handoff: Handoff[int] = Handoff()

    def produce():
        try:
            handoff.put(1)
            raise OSError("disk full")
        finally:
            handoff.close()

    with background("test") as worker:
        consumed = worker.submit(list, handoff)
        with pytest.raises(OSError, match="disk full"):
            produce()
        assert consumed.result(timeout=5) == [1]
