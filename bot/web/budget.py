"""Rendering off the event loop, within bounds. A feed, page or list that is not cached is
worked out in one thread, so the loop keeps answering cached feeds and /healthz meanwhile;
requests for the same thing share one render; and when too many different renders wait (a
client walking through `?q=` values to defeat the cache), the next one is refused with 503 and
Retry-After instead of joining a queue that only grows."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")
WAITING = 8  # different renders queued at most; each takes up to a second on a large store
RETRY_AFTER = 5


class Busy(Exception):
    """Too many different renders are waiting; the client should come back in a few seconds."""


class Budget:
    """One render thread, renders shared by key, at most `waiting` different ones queued."""

    def __init__(self, waiting: int | None = None):
        self.waiting = WAITING if waiting is None else waiting
        self.pending: dict[object, asyncio.Future] = {}
        self.executor: ThreadPoolExecutor | None = None  # made on first use: nothing at import or construction

    async def run(self, key: object, work: Callable[[], T]) -> T:
        """`work()` in the render thread, or the result of the same `key` already under way."""
        shared = self.pending.get(key)
        if shared is not None:
            return await asyncio.shield(shared)
        if len(self.pending) >= self.waiting:
            raise Busy(f"{len(self.pending)} renders are waiting")
        if self.executor is None:
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")
        future = asyncio.get_running_loop().run_in_executor(self.executor, work)
        self.pending[key] = future
        future.add_done_callback(lambda done: self._settled(key, done))
        # Shielded: a client that hangs up must not cancel a render others may be waiting for.
        return await asyncio.shield(future)

    def _settled(self, key: object, future: asyncio.Future) -> None:
        self.pending.pop(key, None)
        if not future.cancelled():
            future.exception()  # retrieved here, so a failure nobody awaited is not logged as lost

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
