"""Every message the bot sends goes through one paced queue, the `Outbox`; nobody waits for it.

Pacing stays under Telegram's published limits: ≤ 30 messages/s overall, ≤ 1/s to one private
chat, ≤ 20/min to one group or channel. A chat's next message leaves only after the answer to its
previous one plus its interval, so however the way there jitters, two never arrive closer than
that. Telegram counts arrivals, and requests written evenly can arrive bunched: the overall pace
leaves a margin of half the spread of recent round trips (the way there is half a round trip).

A 429 (RetryAfter) on a chat that kept Telegram's own per-chat limit is the overall limit: every
send waits out its retry_after. One on a chat that went faster than that holds that chat only.
Forbidden (blocked, kicked) deactivates the chat. An error that proves the request was never
written (no connection, a pool or connect timeout) is retried with backoff.

At least once, at most twice, for messages with a ledger key (reminders, digests, notices): the
key is claimed in the ledger (a unique insert, so a second process or a repeated job cannot also
win) when the message takes its pacing slot, marked sending at the moment its request is written
(the transport reports it: `watched`/`leaving`), and marked sent when Telegram answers.
- Nothing was written (a crash before the write, a failure proven before it): the claim is given
  back and the next plan sends the message, late if it is.
- Written, and the answer cannot prove either way (a 5xx, a timeout or lost connection after the
  write, a crash while sending): the message may have arrived. It is sent once more, marked as a
  possible repeat; if that copy's answer is unclear too, there is no third.
Replies to commands have no ledger key: one whose answer is unclear is not sent again (the person
is there and can ask again); it is logged.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import heapq
import itertools
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

import httpx
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

log = logging.getLogger(__name__)

NEVER_ARRIVED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
GRACE = 2.0  # seconds a stopping outbox keeps for the answers to requests already out
TELEGRAM_PRIVATE = 1.0  # Telegram's own per-chat limits, whatever pace the settings choose:
TELEGRAM_GROUP = 20     # a 429 for a chat that kept them is the bot's overall limit


@dataclass
class Outgoing:
    """One message to send: `send(bot)` makes the API call, `again(bot)` the same marked as a
    possible repeat (sent when the first copy's fate is unclear). `key` is its ledger key (None for
    a reply to a command, which needs no ledger)."""

    chat_id: int
    send: Callable[[Bot], Awaitable[object]]
    key: str | None = None
    item_id: str | None = None
    group: bool = False
    again: Callable[[Bot], Awaitable[object]] | None = None
    attempts: int = 0
    claimed: bool = False
    copy: int = 0  # copies written before this one (1: this is the one more copy)
    kept: bool = True  # the chat's own limit was kept when this left (a 429 is then the bot's)
    traced: bool = False  # the transport reports this request's write
    left: bool = False  # its request started to be written
    given_back: bool = False  # the claim was gone at the write: not sent from here


class GivenBack(Exception):
    """Raised into the transport when a claim was given back before its request was written."""


class _Watch:
    """What the transport reports about the request of the message this task sends."""

    def __init__(self, outbox: "Outbox", message: Outgoing):
        self.outbox, self.message = outbox, message

    def watched(self) -> None:
        self.message.traced = True

    def leaving(self) -> None:
        self.outbox._leaving(self.message)


_SENDING: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar("hrd_sending", default=None)


def watched() -> None:
    """The transport (an httpx request hook) will report when this task's request is written."""
    watch = _SENDING.get()
    if watch is not None:
        watch.watched()


def leaving() -> None:
    """The transport is about to write this task's request: from here it may arrive. Raises
    GivenBack when the message's ledger claim is gone (then nothing must be written)."""
    watch = _SENDING.get()
    if watch is not None:
        watch.leaving()


class RoundTrips:
    """How long recent sends took from their write to their answer. Their spread bounds how
    unevenly requests written evenly can arrive: half of it (the way there is half the trip).
    The spread runs from the 1st to the 99th percentile, so one stall of the event loop (an
    answer read late) does not slow the pace for the next few hundred messages."""

    CAP = 0.25  # seconds: however slow the answers, the pace never drops below ~24/s for it

    def __init__(self, keep: int = 256):
        self.recent: collections.deque = collections.deque(maxlen=keep)
        self.cached: float | None = 0.0

    def add(self, seconds: float) -> None:
        self.recent.append(seconds)
        self.cached = None

    def margin(self) -> float:
        if self.cached is None:
            ordered = sorted(self.recent)
            cut = len(ordered) // 100
            spread = ordered[-1 - cut] - ordered[cut] if len(ordered) > 1 else 0.0
            self.cached = min(self.CAP, spread / 2)
        return self.cached


def _windows(per_second: float, trips: RoundTrips | None) -> tuple[float, list[tuple[int, float]]]:
    """(gap, [(count, seconds)]) for the overall pace: evenly spaced 2 % under the limit, never
    more than limit - 1 in any second, and never more than `limit` in a window stretched by the
    arrival margin (requests written `1 + margin` apart can arrive one second apart)."""
    limit = max(1, int(per_second))
    stretched = 1.0 + (trips.margin() if trips else 0.0) + Spacing.WOBBLE
    gap = max(1.0 / (per_second * 0.98), stretched / limit)
    return gap, [(max(1, limit - 1), 1.0), (limit, stretched)]


def _earliest(times: collections.deque, rules: list[tuple[int, float]], earliest: float, pending: int = 0,
              now: float = 0.0, gap: float = 0.0) -> float:
    """The earliest moment one more may go, given `times` (oldest first) and `pending` requests
    that count as leaving `now`."""
    for count, seconds in rules:
        room = count - pending
        if room <= 0:
            return max(earliest, now + gap)
        if len(times) >= room:
            earliest = max(earliest, times[-room] + seconds)
    return earliest


def _next_slot(last: float, at: float, per_second: float, trips: RoundTrips | None) -> float:
    """The slot the next message counts its gap from, after one left at `at`. The event loop
    wakes a millisecond or two after a slot: a message that left at most a quarter gap after its
    slot keeps the grid (the next slot is a gap after this one's slot), so those milliseconds
    are not lost at every message (3 % of the pace); one later than that (after a pause, a
    stall) starts the grid again from when it left. The windows, counted on real times, hold
    whatever the grid does."""
    gap, _ = _windows(per_second, trips)
    slot = last + gap
    return slot if at <= slot + gap / 4 else at


class Spacing:
    """The overall pace as the Outbox plans it (see `_windows`); `Gate` checks it again on the wire."""

    WOBBLE = 0.01  # seconds a write may be late on its slot (the event loop was busy)

    def __init__(self, per_second: float = 30, trips: RoundTrips | None = None):
        self.per_second, self.trips = per_second, trips
        self.recent: collections.deque = collections.deque(maxlen=max(1, int(per_second)))
        self.last = float("-inf")
        self.held = float("-inf")

    def ready(self) -> float:
        gap, rules = _windows(self.per_second, self.trips)
        return max(self.held, _earliest(self.recent, rules, self.last + gap))

    def took(self, at: float) -> None:
        self.last = _next_slot(self.last, at, self.per_second, self.trips)
        self.recent.append(at)


class Gate:
    """The last check before a message goes on the wire, as httpx hooks. The Outbox chooses slots
    by the same spacing, but a request can still be held up between its slot and the socket write
    (the event loop runs a database write, a planning thread holds the interpreter) and then
    leave together with the next one: 31 arrivals in one second, a 429. So here the window
    counts when requests were really written (httpcore's trace events), and a request passed but
    not yet written counts as leaving now. The same trace tells the Outbox the moment a request
    starts to be written (`leaving`), and the answers give the round trips the margin is made of."""

    COUNTED = ("send", "copy", "forward")  # Bot API methods that put a message in a chat
    STUCK = 10.0  # seconds after which a passed request that never reported its write stops counting

    def __init__(self, per_second: float = 30, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, trips: RoundTrips | None = None):
        self.per_second = per_second
        self.trips = trips or RoundTrips()
        self.monotonic, self.sleep = monotonic, sleep
        self.written: collections.deque = collections.deque(maxlen=max(1, int(per_second)))
        self.pending: dict[int, float] = {}  # ticket -> when it passed
        self.started: dict[int, float] = {}  # ticket -> when its write began
        self.last = float("-inf")
        self.held = float("-inf")
        self.tickets = itertools.count()
        self.lock: asyncio.Lock | None = None
        self.waits = 0

    def ready(self, now: float) -> float:
        """The earliest moment one more message may pass."""
        for ticket, at in list(self.pending.items()):
            if at < now - self.STUCK:
                del self.pending[ticket]
        gap, rules = _windows(self.per_second, self.trips)
        # requests on their way count as leaving now
        return max(self.held, _earliest(self.written, rules, self.last + gap, len(self.pending), now, gap))

    def hold(self, until: float) -> None:
        """Telegram asked the whole bot to wait: nothing passes before `until`."""
        self.held = max(self.held, until)

    def passed(self, at: float) -> int:
        self.last = _next_slot(self.last, at, self.per_second, self.trips)
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
        watched()
        ticket = None
        if request.url.path.rsplit("/", 1)[-1].startswith(self.COUNTED):
            ticket = await self.passage()
            request.extensions["hrd_gate"] = ticket
        request.extensions["trace"] = self._tracer(ticket)

    async def after(self, response: httpx.Response) -> None:
        """httpx response hook: a request whose write was not traced counts from its answer."""
        ticket = response.request.extensions.get("hrd_gate")
        if ticket is not None:
            now = self.monotonic()
            self.wrote(ticket, now)
            began = self.started.pop(ticket, None)
            if began is not None:
                self.trips.add(now - began)

    def _tracer(self, ticket: int | None):
        async def trace(event: str, info: dict) -> None:
            if event.endswith("send_request_headers.started"):
                try:
                    leaving()
                except GivenBack:  # then not a byte is written: the pace owes it nothing
                    self.pending.pop(ticket, None)
                    raise
                if ticket is not None:
                    self.started[ticket] = self.monotonic()
            elif ticket is not None and event.endswith(("send_request_body.complete", ".failed")):
                self.wrote(ticket, self.monotonic())
                if event.endswith(".failed"):
                    self.started.pop(ticket, None)
        return trace

    @property
    def hooks(self) -> dict:
        return {"request": [self.before], "response": [self.after]}


class Pacer:
    """When the next message to a chat may leave; time is a monotonic float passed in. A chat's
    own limit counts from the answer to its previous message, not from when that one left."""

    def __init__(self, overall_per_second: float = 30, private_interval: float = 1.0, group_per_minute: int = 20,
                 trips: RoundTrips | None = None):
        self.overall = Spacing(overall_per_second, trips)
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

    def kept(self, chat_id: int, group: bool, at: float) -> bool:
        """Whether a message leaving at `at` keeps Telegram's own limit for the chat (1 s after
        the last answer, 20 a minute in a group): then a 429 for it is the bot's overall limit."""
        if group:
            return sum(1 for t in self.window.get(chat_id, ()) if t > at - 60.0) < TELEGRAM_GROUP
        return at - self.last.get(chat_id, float("-inf")) >= TELEGRAM_PRIVATE

    def took(self, chat_id: int, group: bool, at: float) -> None:
        self.overall.took(at)
        if group:
            window = self.window[chat_id]
            window.append(at)
            while len(window) > self.group_per_minute:
                window.popleft()
        else:
            self.last[chat_id] = at

    def answered(self, chat_id: int, group: bool, at: float) -> None:
        """The answer to the chat's message came at `at`: the message arrived before that, so
        its limit counts from here (it did not arrive later than its answer)."""
        if group:
            window = self.window[chat_id]
            if window:
                window[-1] = max(window[-1], at)
        else:
            self.last[chat_id] = max(self.last.get(chat_id, float("-inf")), at)

    def hold(self, chat_id: int, until: float) -> None:
        """Wait with this chat until `until` (Telegram's RetryAfter for it, or a backoff)."""
        self.held[chat_id] = max(until, self.held.get(chat_id, float("-inf")))

    def hold_all(self, until: float) -> None:
        """Telegram asked the whole bot to wait: no chat gets a message before `until`."""
        self.overall.held = max(self.overall.held, until)


def never_arrived(error: NetworkError) -> bool:
    """True when the error proves Telegram did not get the request, so a retry cannot double it:
    no connection was made. An answer (a 5xx, a 502 from a gateway) came from someone who read
    the request, and Telegram may have stored the message before answering so."""
    return isinstance(error.__cause__, NEVER_ARRIVED)


class Outbox:
    """The paced queue. `ledger` is the State (take/mark_sending/mark_sent/mark_unclear/release/
    mark_failed/deactivate); `now` gives wall-clock UTC for the ledger, `monotonic` and `sleep`
    drive pacing: by default the event loop's timer, which a new message cuts short; a test passes
    a virtual clock whose `sleep` moves it, and reads the pace off that clock instead of waiting.
    `gate`, when given, is told of a flood wait for the whole bot."""

    def __init__(self, bot: Bot, ledger, pacer: Pacer, *, now: Callable[[], dt.datetime],
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] | None = None, max_attempts: int = 5,
                 backoff: float = 1.0, in_flight: int = 16, on_inactive: Callable[[int], None] | None = None,
                 gate: Gate | None = None):
        self.bot, self.ledger, self.pacer, self.now, self.monotonic = bot, ledger, pacer, now, monotonic
        self.sleep, self.gate = sleep, gate
        self.max_attempts, self.backoff, self.in_flight = max_attempts, backoff, in_flight
        self.on_inactive = on_inactive
        self.pending: dict[int, collections.deque[Outgoing]] = collections.defaultdict(collections.deque)
        self.busy: set[int] = set()
        self.keys: set[tuple[int, str]] = set()
        self.heap: list[tuple[float, int, int]] = []
        self.ready: dict[int, float] = {}  # each waiting chat's entry on the heap
        self.order = itertools.count()
        self.tasks: dict[int, asyncio.Task] = {}  # chat -> its message on the way
        self.wake = asyncio.Event()
        self.idle = asyncio.Event()
        self.idle.set()
        self.closed = False
        self.stop_at: float | None = None
        self.flood_until = float("-inf")
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

    def queued(self) -> int:
        return sum(len(q) for q in self.pending.values()) + len(self.busy)

    async def drain(self) -> None:
        """Wait until everything queued has been sent or given up."""
        await self.idle.wait()

    def close(self) -> None:
        """Stop now: what is queued stays unsent, what is on its way is cancelled (see `stop`)."""
        self.closed = True
        self.wake.set()

    def stop(self, budget: float) -> None:
        """Stop within `budget` seconds: keep sending until GRACE seconds before its end, then
        wait for the answers to what is out, then cancel the rest. `run` returns when done."""
        self.stop_at = self.monotonic() + max(budget, 0.0)
        self.wake.set()

    async def run(self) -> None:
        """Send until closed or stopped: always the message whose chat is ready first."""
        while not self._finished():
            now = self.monotonic()
            chosen = None if self._winding_down(now) else self._next()
            if chosen is None:
                self._maybe_idle()
                await self._wait(self._bounded(None, now))
                continue
            chat_id, ready = chosen
            delay = ready - now
            if delay > 0 or len(self.busy) >= self.in_flight:
                await self._wait(self._bounded(max(delay, 0.001), now))
                continue
            self._dispatch(chat_id)
        await self._wind_up()

    def _finished(self) -> bool:
        if self.closed:
            return True
        if self.stop_at is None:
            return False
        return not self.busy and (not self.pending or self.monotonic() >= self.stop_at - GRACE) \
            or self.monotonic() >= self.stop_at

    def _winding_down(self, now: float) -> bool:
        return self.stop_at is not None and now >= self.stop_at - GRACE

    def _bounded(self, timeout: float | None, now: float) -> float | None:
        """A wait that ends in time for the next step of a stop."""
        if self.stop_at is None:
            return timeout
        step = self.stop_at - GRACE if now < self.stop_at - GRACE else self.stop_at
        return max(min(timeout if timeout is not None else float("inf"), step - now), 0.001)

    async def _wind_up(self) -> None:
        """Cancel what is still on its way (its claim is given back unless its request was
        written) and leave what is queued for the next start: keyed messages hold no claim
        while queued, so the next plan sends them; replies to commands are dropped."""
        for task in list(self.tasks.values()):
            task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        left = [m for queue in self.pending.values() for m in queue]
        if left:
            owed = sum(1 for m in left if m.key)
            log.warning("stopping with %d messages unsent: %d the next start plans again, %d replies dropped",
                        len(left), owed, len(left) - owed)
        self.pending.clear()
        self.keys.clear()
        self.idle.set()

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
        message.kept = self.pacer.kept(chat_id, message.group, slot)
        self.pacer.took(chat_id, message.group, slot)
        self.tasks[chat_id] = asyncio.create_task(self._deliver(message))

    def _claim(self, message: Outgoing) -> bool:
        """Own the message's ledger key (True), or learn that another job or process owns it.
        Taking the one more copy an unclear message owes makes this that copy."""
        if not message.key or message.claimed:
            return True
        copies = self.ledger.take(message.chat_id, message.key, message.item_id, self.now())
        if copies is not None:
            message.claimed, message.copy = True, copies
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
            # A virtual clock moves only by sleeping: let what is ready now (an answer) run at
            # the present moment first, and sleep only if nothing woke the queue.
            await asyncio.sleep(0)
            if not self.wake.is_set():
                await self.sleep(timeout)
            return
        try:
            await asyncio.wait_for(self.wake.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    async def _deliver(self, message: Outgoing) -> None:
        _SENDING.set(_Watch(self, message))  # this task's own context: the transport reports to it
        try:
            await self._attempt(message)
        except asyncio.CancelledError:
            self._settle(message, "kept" if message.left else "release")
            raise
        except Exception:  # one bad message must not stop the queue
            log.exception("sending to chat %s failed unexpectedly", message.chat_id)
            self._settle(message, "failed")
        finally:
            self.tasks.pop(message.chat_id, None)
            self.busy.discard(message.chat_id)
            if message.key and message not in self.pending.get(message.chat_id, ()):
                self.keys.discard((message.chat_id, message.key))  # done with, not waiting to retry
            self._schedule(message.chat_id)
            self.wake.set()

    def _leaving(self, message: Outgoing) -> None:
        """The transport starts writing the message's request: mark it sending (one more copy),
        or stop it if a restarting instance gave the claim back (it was not yet sending: whoever
        plans the message next claims it again, so sending it from here could double it)."""
        if not message.left and not self._written(message):
            message.claimed, message.given_back = False, True
            raise GivenBack("the ledger claim was given back before the write")

    def _written(self, message: Outgoing) -> bool:
        """Record that the message's request was written; False if its claim is gone."""
        message.left = True
        return not (message.key and message.claimed) or self.ledger.mark_sending(message.chat_id, message.key)

    async def _attempt(self, message: Outgoing) -> None:
        message.traced = message.left = message.given_back = False
        send = message.again if message.copy and message.again else message.send
        try:
            result = await send(self.bot)
        except RetryAfter as exc:
            self._flood(message, _seconds(exc.retry_after))
        except Forbidden:
            log.info("chat %s blocked or removed the bot; deactivated", message.chat_id)
            self.ledger.deactivate(message.chat_id)
            if self.on_inactive:
                self.on_inactive(message.chat_id)
            self._drop_chat(message)
        except ChatMigrated as exc:
            log.info("chat %s became supergroup %s", message.chat_id, exc.new_chat_id)
            self._settle(message, "failed")
        except BadRequest as exc:
            if "not modified" not in exc.message:  # pressing the page one is on changes nothing
                log.warning("Telegram refused a message to chat %s: %s", message.chat_id, exc.message)
            self._settle(message, "failed")
        except NetworkError as exc:
            self._network_error(message, exc)
        else:
            self.sent_count += 1
            if message.key:
                self.ledger.mark_sent(message.chat_id, message.key, getattr(result, "message_id", None), self.now())
        finally:
            self.pacer.answered(message.chat_id, message.group, self.monotonic())

    def _flood(self, message: Outgoing, seconds: float) -> None:
        """A 429. On a chat whose own limit was kept it is the bot's: every send waits."""
        until = self.monotonic() + seconds
        if message.kept:
            if until > self.flood_until + 1.0:  # one line per flood wait, not one per message in it
                log.warning("Telegram asked the bot to wait %.0f s (flood limit); every chat waits", seconds)
            self.flood_until = max(self.flood_until, until)
            self.pacer.hold_all(until)
            if self.gate is not None:
                self.gate.hold(until)
        self._again(message, seconds, count=False)

    def _network_error(self, message: Outgoing, exc: NetworkError) -> None:
        if message.given_back:
            self._settle(message, "none")
            return
        written = message.left if message.traced else not never_arrived(exc)
        if written and not message.left:
            self._written(message)  # no transport reported the write: it happened all the same
        if written:
            self._unclear(message, exc)
        elif message.attempts + 1 < self.max_attempts:
            self._again(message, self.backoff * 2 ** message.attempts, count=True)
        else:
            log.warning("giving up on chat %s after %d attempts: %s", message.chat_id, self.max_attempts,
                        type(exc).__name__)
            self._settle(message, "release")

    def _unclear(self, message: Outgoing, exc: NetworkError) -> None:
        """The request was written and the answer does not say whether it arrived."""
        kind = type(exc.__cause__ or exc).__name__
        if not message.key:
            log.warning("the answer to a reply to chat %s was unclear (%s); replies are not sent twice",
                        message.chat_id, kind)
            return
        owed = message.claimed and self.ledger.mark_unclear(message.chat_id, message.key)
        message.claimed = False
        if not owed:
            log.warning("the answer to the second copy of a message to chat %s was unclear too (%s); no third",
                        message.chat_id, kind)
            return
        log.warning("the answer to a message to chat %s was unclear (%s); sending it once more, marked as a "
                    "possible repeat", message.chat_id, kind)
        self._again(message, self.backoff * 2 ** message.attempts, count=True)

    def _again(self, message: Outgoing, wait: float, count: bool) -> None:
        """Try again after `wait`. Telegram said the message did not go through, so the claim
        is given back meanwhile: a crash while waiting must leave it owed, not "maybe sent"."""
        message.attempts += 1 if count else 0
        if message.key and message.claimed:
            self.ledger.release(message.chat_id, message.key)
            message.claimed = False
        self.pacer.hold(message.chat_id, self.monotonic() + wait)
        self.pending[message.chat_id].appendleft(message)

    def _settle(self, message: Outgoing, how: str) -> None:
        """Record a message that will not be sent now: released claims are planned again later
        (one whose first copy was unclear owes its one more copy); failed ones never are; kept
        ones (written, never answered: a stop cut them off) are left sending, for the next start."""
        if not (message.key and message.claimed) or how in ("kept", "none"):
            return
        if how == "release":
            self.ledger.release(message.chat_id, message.key)
        else:
            self.ledger.mark_failed(message.chat_id, message.key)

    def _drop_chat(self, message: Outgoing) -> None:
        self._settle(message, "release")
        for other in self.pending.pop(message.chat_id, collections.deque()):
            self._settle(other, "release")
            self.keys.discard((other.chat_id, other.key or ""))


def _seconds(value) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
