"""Every message the bot sends on its own goes through one paced queue, the `Outbox`.

Pacing stays under Telegram's published limits: ≤ 30 messages/s overall, ≤ 1/s to one private
chat, ≤ 20/min to one group or channel. A RetryAfter holds back that chat only. Forbidden
(blocked, kicked) deactivates the chat. Errors that prove the message never reached Telegram
(connection refused, connect timeout, a 5xx answer) are retried with backoff.

Exactly one message per ledger key: the key is claimed in the ledger (a unique insert, so a
second process or a repeated job cannot also win) before the send, marked sending just before
the request is handed to the Bot API, and marked sent after it.
- A crash before the claim, or between the claim and the hand-over: nothing was sent; at
  start-up such claims are given back and the next plan sends it (late, marked so).
- A failure proven before delivery: the claim is released after the last attempt, and the next
  plan sends it late.
- A crash, or a lost connection, after the request left and before the answer was recorded: the
  claim stays and is never re-sent. That one message may be lost; none can be doubled.
"""

from __future__ import annotations

import asyncio
import collections
import heapq
import itertools
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

import httpx
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

log = logging.getLogger(__name__)

NEVER_ARRIVED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass
class Outgoing:
    """One message to send: `send(bot)` makes the API call. `key` is its ledger key (None for
    an answer to a command, which the user is waiting for and which needs no ledger)."""

    chat_id: int
    send: Callable[[Bot], Awaitable[object]]
    key: str | None = None
    item_id: str | None = None
    group: bool = False
    attempts: int = 0
    claimed: bool = False
    result: asyncio.Future | None = None


class Spacing:
    """The overall pace as the Outbox plans it: evenly spaced 2 % under the limit, and never more
    than limit - 1 in any second. Telegram counts arrivals, and requests reach it with some
    jitter: the message to spare each second absorbs it (and `Gate` checks again on the wire)."""

    def __init__(self, per_second: float = 30):
        self.gap = 1.0 / (per_second * 0.98)
        self.recent: collections.deque = collections.deque(maxlen=max(1, int(per_second) - 1))
        self.last = float("-inf")

    def ready(self) -> float:
        full = len(self.recent) == self.recent.maxlen
        return max(self.last + self.gap, self.recent[0] + 1.0 if full else float("-inf"))

    def took(self, at: float) -> None:
        # Measured from when the message really left: slots never bunch up, so a request that
        # reaches Telegram a little late still finds 30 intervals taking more than a second.
        self.last = max(self.last + self.gap, at)
        self.recent.append(at)


class Gate:
    """The last check before a message goes on the wire, as httpx hooks. The Outbox chooses slots
    by the same spacing, but a request can still be held up between its slot and the socket write
    (the event loop runs a database write, a planning thread holds the interpreter) and then
    leave together with the next one: 31 arrivals in one second, a 429. So here the window
    counts when requests were really written (httpcore's trace events), and a request passed but
    not yet written counts as leaving now."""

    COUNTED = ("send", "copy", "forward")  # Bot API methods that put a message in a chat
    STUCK = 10.0  # seconds after which a passed request that never reported its write stops counting

    def __init__(self, per_second: float = 30, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.gap = 1.0 / (per_second * 0.98)
        self.limit = max(1, int(per_second) - 1)
        self.monotonic, self.sleep = monotonic, sleep
        self.written: collections.deque = collections.deque(maxlen=self.limit)
        self.pending: dict[int, float] = {}  # ticket -> when it passed
        self.last = float("-inf")
        self.tickets = itertools.count()
        self.lock: asyncio.Lock | None = None
        self.waits = 0

    def ready(self, now: float) -> float:
        """The earliest moment one more message may pass."""
        for ticket, at in list(self.pending.items()):
            if at < now - self.STUCK:
                del self.pending[ticket]
        room = self.limit - len(self.pending)  # requests on their way count as leaving now
        earliest = self.last + self.gap
        if room <= 0:
            return max(earliest, now + self.gap)
        if len(self.written) >= room:
            earliest = max(earliest, self.written[-room] + 1.0)
        return earliest

    def passed(self, at: float) -> int:
        self.last = max(self.last + self.gap, at)
        ticket = next(self.tickets)
        self.pending[ticket] = at
        return ticket

    def wrote(self, ticket: int, at: float) -> None:
        if self.pending.pop(ticket, None) is not None:
            self.written.append(at)

    async def passage(self) -> int:
        """Wait until one more message may leave (FIFO among callers); its ticket."""
        self.lock = self.lock or asyncio.Lock()
        async with self.lock:
            while (delay := self.ready(self.monotonic()) - self.monotonic()) > 0:
                self.waits += 1
                await self.sleep(delay)
            return self.passed(self.monotonic())

    async def before(self, request: httpx.Request) -> None:
        """httpx request hook."""
        if request.url.path.rsplit("/", 1)[-1].startswith(self.COUNTED):
            ticket = await self.passage()
            request.extensions["hrd_gate"] = ticket
            request.extensions["trace"] = self._tracer(ticket)

    async def after(self, response: httpx.Response) -> None:
        """httpx response hook: a request whose write was not traced counts from its answer."""
        ticket = response.request.extensions.get("hrd_gate")
        if ticket is not None:
            self.wrote(ticket, self.monotonic())

    def _tracer(self, ticket: int):
        async def trace(event: str, info: dict) -> None:
            if event.endswith(("send_request_body.complete", ".failed")):
                self.wrote(ticket, self.monotonic())
        return trace

    @property
    def hooks(self) -> dict:
        return {"request": [self.before], "response": [self.after]}


class Pacer:
    """When the next message to a chat may leave; time is a monotonic float passed in."""

    def __init__(self, overall_per_second: float = 30, private_interval: float = 1.0, group_per_minute: int = 20):
        self.overall = Spacing(overall_per_second)
        self.private_interval, self.group_per_minute = private_interval, group_per_minute
        self.last: dict[int, float] = {}
        self.window: dict[int, collections.deque] = collections.defaultdict(collections.deque)
        self.held: dict[int, float] = {}

    def ready_at(self, chat_id: int, group: bool) -> float:
        """The earliest moment a message to this chat respects every limit."""
        return max(self.overall_ready(), self.chat_ready(chat_id, group))

    def overall_ready(self) -> float:
        return self.overall.ready()

    def chat_ready(self, chat_id: int, group: bool) -> float:
        """The earliest moment this chat's own limits (and Telegram's RetryAfter) allow."""
        times = [self.held.get(chat_id, float("-inf"))]
        if group:
            window = self.window[chat_id]
            if len(window) >= self.group_per_minute:
                times.append(window[-self.group_per_minute] + 60.0)
        else:
            times.append(self.last.get(chat_id, float("-inf")) + self.private_interval)
        return max(times)

    def took(self, chat_id: int, group: bool, at: float) -> None:
        self.overall.took(at)
        if group:
            window = self.window[chat_id]
            window.append(at)
            while len(window) > self.group_per_minute:
                window.popleft()
        else:
            self.last[chat_id] = at

    def hold(self, chat_id: int, until: float) -> None:
        """Telegram asked us to wait (RetryAfter): only this chat waits."""
        self.held[chat_id] = max(until, self.held.get(chat_id, float("-inf")))


def never_arrived(error: NetworkError) -> bool:
    """True when the error proves Telegram did not get the message, so a retry cannot double it:
    no connection was made, or Telegram answered with a server error."""
    cause = error.__cause__
    if cause is None:
        return True  # an HTTP answer (5xx, 502) with no transport error under it
    return isinstance(cause, NEVER_ARRIVED)


class Outbox:
    """The paced queue. `ledger` is the State (claim/mark_sent/release/mark_failed/deactivate);
    `now` gives wall-clock UTC for the ledger, `monotonic` and `sleep` drive pacing: by default
    the event loop's timer, which a new message cuts short; a test passes a virtual clock whose
    `sleep` moves it, and reads the pace off that clock instead of waiting."""

    def __init__(self, bot: Bot, ledger, pacer: Pacer, *, now: Callable[[], dt.datetime],
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] | None = None, max_attempts: int = 5,
                 backoff: float = 1.0, in_flight: int = 16, on_inactive: Callable[[int], None] | None = None):
        self.bot, self.ledger, self.pacer, self.now, self.monotonic = bot, ledger, pacer, now, monotonic
        self.sleep = sleep
        self.max_attempts, self.backoff, self.in_flight = max_attempts, backoff, in_flight
        self.on_inactive = on_inactive
        self.pending: dict[int, collections.deque[Outgoing]] = collections.defaultdict(collections.deque)
        self.busy: set[int] = set()
        self.keys: set[tuple[int, str]] = set()
        self.heap: list[tuple[float, int, int]] = []
        self.ready: dict[int, float] = {}  # each waiting chat's entry on the heap
        self.order = itertools.count()
        self.tasks: set[asyncio.Task] = set()
        self.wake = asyncio.Event()
        self.idle = asyncio.Event()
        self.idle.set()
        self.closed = False
        self.sent_count = 0

    def put(self, message: Outgoing) -> None:
        """Queue a message; one whose key is already queued or in flight is dropped (each look
        for owed messages finds again what a long broadcast has not sent yet)."""
        if message.key:
            if (message.chat_id, message.key) in self.keys:
                return
            self.keys.add((message.chat_id, message.key))
        self.pending[message.chat_id].append(message)
        self._schedule(message.chat_id)
        self.idle.clear()
        self.wake.set()

    async def call(self, chat_id: int, send: Callable[[Bot], Awaitable[object]], group: bool = False):
        """Send through the queue and wait for the answer (a reply to a command): the user's own
        chat is paced like any other, and errors reach the caller."""
        message = Outgoing(chat_id, send, group=group, result=asyncio.get_running_loop().create_future())
        self.put(message)
        return await message.result

    def queued(self) -> int:
        return sum(len(q) for q in self.pending.values()) + len(self.busy)

    async def drain(self) -> None:
        """Wait until everything queued has been sent or given up."""
        await self.idle.wait()

    def close(self) -> None:
        self.closed = True
        self.wake.set()

    async def run(self) -> None:
        """Send until closed: always the message whose chat is ready first."""
        while not self.closed:
            chosen = self._next()
            if chosen is None:
                self._maybe_idle()
                await self._wait(None)
                continue
            chat_id, ready = chosen
            delay = ready - self.monotonic()
            if delay > 0 or len(self.busy) >= self.in_flight:
                await self._wait(max(delay, 0.001))
                continue
            self._dispatch(chat_id)

    def _dispatch(self, chat_id: int) -> None:
        heapq.heappop(self.heap)
        self.ready.pop(chat_id, None)
        queue = self.pending[chat_id]
        message = queue.popleft()
        if not queue:
            del self.pending[chat_id]
        slot = self.monotonic()  # the pace counts from here, whatever the ledger write costs
        # Claim before taking the slot: the request then leaves right after its slot, and a slow
        # ledger write cannot bunch several requests together on their way to Telegram.
        if not self._claim(message):
            self._schedule(chat_id)
            return
        self.busy.add(chat_id)
        self.pacer.took(chat_id, message.group, slot)
        task = asyncio.create_task(self._deliver(message))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _claim(self, message: Outgoing) -> bool:
        """Own the message's ledger key (True), or learn that another job or process owns it."""
        if not message.key or message.claimed:
            return True
        if self.ledger.claim(message.chat_id, message.key, message.item_id, self.now()):
            message.claimed = True
            return True
        self.keys.discard((message.chat_id, message.key))
        self._maybe_idle()
        return False

    def _schedule(self, chat_id: int) -> None:
        """Put the chat on the heap at the moment its own limits allow its next message. One
        entry per chat: with 10,000 chats waiting, choosing must not look at each of them."""
        queue = self.pending.get(chat_id)
        if not queue or chat_id in self.busy or chat_id in self.ready:
            return
        ready = self.pacer.chat_ready(chat_id, queue[0].group)
        self.ready[chat_id] = ready
        heapq.heappush(self.heap, (ready, next(self.order), chat_id))

    def _next(self) -> tuple[int, float] | None:
        while self.heap:
            ready, _, chat_id = self.heap[0]
            if self.ready.get(chat_id) == ready and self.pending.get(chat_id) and chat_id not in self.busy:
                return chat_id, max(ready, self.pacer.overall_ready())
            heapq.heappop(self.heap)  # an entry left behind by a dropped or re-timed chat
            if self.ready.get(chat_id) == ready:
                del self.ready[chat_id]
        return None

    def _maybe_idle(self) -> None:
        if not self.busy and not self.pending:
            self.idle.set()

    async def _wait(self, timeout: float | None) -> None:
        self.wake.clear()
        if timeout is not None and self.sleep is not None:
            await self.sleep(timeout)
            return
        try:
            await asyncio.wait_for(self.wake.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    async def _deliver(self, message: Outgoing) -> None:
        try:
            await self._attempt(message)
        except Exception as exc:  # one bad message must not stop the queue
            log.exception("sending to chat %s failed unexpectedly", message.chat_id)
            self._settle(message, "failed")
            self._answer(message, error=exc)
        finally:
            self.busy.discard(message.chat_id)
            if message.key and message not in self.pending.get(message.chat_id, ()):
                self.keys.discard((message.chat_id, message.key))  # done with, not waiting to retry
            self._schedule(message.chat_id)
            self.wake.set()

    async def _attempt(self, message: Outgoing) -> None:
        if message.key and not self.ledger.mark_sending(message.chat_id, message.key):
            # A restarting instance gave the claim back (it was not yet sending): whoever plans
            # the message next claims it again, so sending it from here could double it.
            message.claimed = False  # nothing of it is ours to release or mark
            self._settle(message, "release", TelegramError("claim given back"))
            return
        try:
            result = await message.send(self.bot)
        except RetryAfter as exc:
            self._again(message, _seconds(exc.retry_after), count=False)
        except Forbidden as exc:
            log.info("chat %s blocked or removed the bot; deactivated", message.chat_id)
            self.ledger.deactivate(message.chat_id)
            if self.on_inactive:
                self.on_inactive(message.chat_id)
            self._drop_chat(message, exc)
        except ChatMigrated as exc:
            log.info("chat %s became supergroup %s", message.chat_id, exc.new_chat_id)
            self._settle(message, "failed", exc)
        except BadRequest as exc:
            log.warning("Telegram refused a message to chat %s: %s", message.chat_id, exc.message)
            self._settle(message, "failed", exc)
        except NetworkError as exc:
            self._network_error(message, exc)
        else:
            self.sent_count += 1
            if message.key:
                self.ledger.mark_sent(message.chat_id, message.key, getattr(result, "message_id", None), self.now())
            self._answer(message, result=result)

    @staticmethod
    def _answer(message: Outgoing, result=None, error: BaseException | None = None) -> None:
        if message.result is None or message.result.done():
            return
        if error is not None:
            message.result.set_exception(error)
        else:
            message.result.set_result(result)

    def _network_error(self, message: Outgoing, exc: NetworkError) -> None:
        if not never_arrived(exc):
            log.warning("lost the connection while sending to chat %s; not resending (it may have arrived)",
                        message.chat_id)
            self._settle(message, "unknown", exc)
        elif message.attempts + 1 < self.max_attempts:
            self._again(message, self.backoff * 2 ** message.attempts, count=True)
        else:
            log.warning("giving up on chat %s after %d attempts: %s", message.chat_id, self.max_attempts,
                        type(exc).__name__)
            self._settle(message, "release", exc)

    def _again(self, message: Outgoing, wait: float, count: bool) -> None:
        """Try again after `wait`. Telegram said the message did not go through, so the claim
        is given back meanwhile: a crash while waiting must leave it owed, not "maybe sent"."""
        message.attempts += 1 if count else 0
        if message.key and message.claimed:
            self.ledger.release(message.chat_id, message.key)
            message.claimed = False
        self.pacer.hold(message.chat_id, self.monotonic() + wait)
        self.pending[message.chat_id].appendleft(message)

    def _settle(self, message: Outgoing, how: str, error: BaseException | None = None) -> None:
        """Record a message that will not be sent now: released claims are planned again later;
        failed and unknown ones never are. A waiting caller gets the error."""
        self._answer(message, error=error or TelegramError("not sent"))
        if not (message.key and message.claimed):
            return
        if how == "release":
            self.ledger.release(message.chat_id, message.key)
        else:
            self.ledger.mark_failed(message.chat_id, message.key)

    def _drop_chat(self, message: Outgoing, error: BaseException) -> None:
        self._settle(message, "release", error)
        for other in self.pending.pop(message.chat_id, collections.deque()):
            self._settle(other, "release", error)
            self.keys.discard((other.chat_id, other.key or ""))


def _seconds(value) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
