"""Work in a second thread, with explicit results: the one way cnru overlaps work.

`background()` gives a worker thread (a `concurrent.futures.ThreadPoolExecutor` of one, used as
documented): `worker.submit(function, *args)` returns a Future whose `result()` is the
function's value or raises its exception. A task never waits for another task: whatever it
needs is passed to it as a value, so the order of the calls to `submit` decides only which
work is done first, never whether it can be done.

`Handoff` carries values from a thread that produces them to the one that consumes them, in
the order they are put, until the producer calls `close()` (in a `finally`, so that a producer
that fails stops the consumer too).
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")
_END = object()


@contextmanager
def background(name: str) -> Iterator[ThreadPoolExecutor]:
    """A worker thread named `name`; on leaving, tasks not yet started are cancelled and the
    running one is waited for."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=name) as worker:
        try:
            yield worker
        finally:
            worker.shutdown(cancel_futures=True)


class Handoff(Generic[T]):
    """Values from one thread to another, in order; iterating ends when the producer closes."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue = queue.SimpleQueue()

    def put(self, value: T) -> None:
        self.queue.put(value)

    def close(self) -> None:
        self.queue.put(_END)

    def __iter__(self) -> Iterator[T]:
        while (value := self.queue.get()) is not _END:
            yield value
