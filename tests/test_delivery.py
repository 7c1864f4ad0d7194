"""The paced outbox: Telegram's limits, flood waits for the whole bot, Forbidden, retries, a
margin for jittery round trips, stopping in time, and the ledger order that makes every keyed
message go out at least once and at most twice (the second copy saying it may be a repeat)."""

import asyncio
import datetime as dt
import logging

import httpx
import pytest
import sqlalchemy as sa
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.state import Ledger, State, migrate, open_engine
from bot.telegram import delivery, messages
from bot.telegram.delivery import Gate, Outbox, Outgoing, Pacer, RoundTrips, never_arrived
from bot.telegram.fakeapi import FakeTelegram
from databases import BACKENDS, database

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("sends, chat, group, expected", [
    ([], 1, False, float("-inf")),
    ([(1, False, 10.0)], 1, False, 11.0),                 # one per second to a private chat
    ([(1, False, 10.0)], 2, False, 10.0 + 1 / 29.4),      # another chat: only the overall gap
    ([(5, True, 10.0 + i) for i in range(20)], 5, True, 70.0),  # the 21st group message waits for the window
    ([(5, True, 10.0 + i) for i in range(19)], 5, True, 28.0 + 1 / 29.4),
])
def test_pacer_limits(sends, chat, group, expected):
    pacer = Pacer(30, 1.0, 20)
    for chat_id, is_group, at in sends:
        pacer.took(chat_id, is_group, at)
    assert pacer.ready_at(chat, group) == pytest.approx(expected)


@pytest.mark.parametrize("late", [0.0, 0.001, 0.005])
def test_pacer_keeps_its_pace_when_the_loop_wakes_late(late):
    pacer, at, starts = Pacer(30, 1.0, 20), 100.0, []
    for n in range(300):  # 300 chats, each send starting `late` after its slot
        at = max(at, pacer.ready_at(n, False)) + late
        pacer.took(n, False, at)
        starts.append(at)
    assert 28.8 < 299 / (starts[-1] - starts[0]) <= 29.4  # a late wake-up is not lost at every message
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 0.75 / 29.4 - 1e-9  # never bunched
    assert all(sum(1 for t in starts if s <= t < s + 1.0) <= 29 for s in starts)  # a message to spare each second


def test_pacer_holds_only_the_chat_telegram_named():
    pacer = Pacer()
    pacer.hold(1, 100.0)
    assert pacer.ready_at(1, False) == 100.0 and pacer.ready_at(2, False) == float("-inf")


def test_a_chat_s_next_message_waits_for_the_answer_to_its_last_one():
    """A request can take longer to arrive than the next one: counted from the answer, two
    messages to one chat never arrive closer than its interval, however the way jitters."""
    pacer = Pacer(30, 1.0, 20)
    pacer.took(1, False, 100.0)
    pacer.answered(1, False, 100.15)  # 150 ms on the way: it arrived at most then
    pacer.took(5, True, 100.0)
    pacer.answered(5, True, 100.2)
    assert pacer.chat_ready(1, False) == pytest.approx(101.15)
    assert pacer.chat_ready(5, True) == float("-inf")  # 1 of its 20 a minute
    assert [pacer.kept(1, False, 101.0), pacer.kept(1, False, 101.15)] == [False, True]


@pytest.mark.parametrize("spread, rate", [
    ((0.0, 0.0), 29.0),        # no latency: 29 in any second, a message to spare
    ((0.002, 0.004), 29.0),    # a loopback's jitter is absorbed by the message to spare
    ((0.05, 0.15), 28.3),      # 100 ± 50 ms round trips: 50 ms of margin for the way there
    ((0.05, 2.0), 23.8),       # a stall: the margin stops at a quarter second
])
def test_the_pace_leaves_room_for_uneven_arrivals(spread, rate):
    trips = RoundTrips()
    for seconds in spread:
        trips.add(seconds)
    pacer, at, starts = Pacer(30, 1.0, 20, trips=trips), 100.0, []
    for n in range(300):
        at = max(at, pacer.ready_at(n, False))
        pacer.took(n, False, at)
        starts.append(at)
    assert 299 / (starts[-1] - starts[0]) == pytest.approx(rate, abs=0.1)
    late = trips.margin() + delivery.Spacing.WOBBLE  # the way there may be this much longer for one than another
    assert all(sum(1 for t in starts if s <= t < s + 1.0 + late) <= 30 for s in starts)


@pytest.mark.parametrize("history, chat, kept", [
    ([], 1, True),                                   # a first message: the 429 is the bot's
    ([(1, False, 98.5, 98.55)], 1, True),            # answered more than a second before
    ([(1, False, 99.5, 99.55)], 1, False),           # half a second: Telegram's per-chat second
    ([(1, False, 99.5, 99.55)], 2, True),            # another chat's history does not count
    ([(5, True, 50.0 + i, 50.1 + i) for i in range(19)], 5, True),   # 19 in the group's minute
    ([(5, True, 50.0 + i, 50.1 + i) for i in range(20)], 5, False),  # 20: the group's own limit
])
def test_whose_limit_a_429_is(history, chat, kept):
    pacer = Pacer(30, 0.2, 100)  # our pace looser than Telegram's: the rule is Telegram's own limits
    for chat_id, group, left, answered in history:
        pacer.took(chat_id, group, left)
        pacer.answered(chat_id, group, answered)
    assert pacer.kept(chat, chat in (5,), 100.0) is kept


class Clock:
    """Monotonic time that moves only when someone sleeps."""

    def __init__(self, at: float = 100.0):
        self.at = at

    def __call__(self) -> float:
        return self.at

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # what is ready to run now runs at the present moment
        self.at += seconds
        await asyncio.sleep(0)


async def test_the_gate_spaces_messages_where_they_leave_even_when_they_reach_it_together():
    clock, arrived = Clock(), []
    gate = Gate(30, clock, clock.sleep)

    def server(request: httpx.Request) -> httpx.Response:
        arrived.append((request.url.path.rsplit("/", 1)[-1], clock()))
        return httpx.Response(200, json={"ok": True, "result": True})

    async with httpx.AsyncClient(transport=httpx.MockTransport(server), event_hooks=gate.hooks) as client:
        calls = [client.post(f"http://api/bot1:x/{method}") for method in ["sendMessage"] * 60 + ["getUpdates"]
                 + ["sendDocument", "copyMessage", "forwardMessage"]]
        await asyncio.gather(*calls)
    sends = [at for method, at in arrived if method != "getUpdates"]
    assert len(sends) == 63 and gate.waits >= 60
    assert min(b - a for a, b in zip(sends, sends[1:])) >= 1 / 29.4 - 1e-9
    assert all(sum(1 for t in sends if s <= t < s + 1.0) <= 29 for s in sends)
    assert 28.0 < 62 / (sends[-1] - sends[0]) <= 29.4
    updates = next(at for method, at in arrived if method == "getUpdates")
    assert updates < sends[-1]  # polling is not a message: it never waits behind them


def test_a_request_held_up_before_its_write_holds_back_the_window_from_when_it_left():
    gate, at, writes = Gate(30), 100.0, []
    for n in range(60):
        at = max(at, gate.ready(at))
        ticket = gate.passed(at)
        written = at + (0.12 if n == 5 else 0.0)  # the sixth one waits 120 ms for the event loop
        gate.wrote(ticket, written)
        writes.append(written)
    writes.sort()
    assert all(sum(1 for t in writes if s <= t < s + 1.0) <= 29 for s in writes)


def test_requests_on_their_way_count_as_leaving_now():
    gate = Gate(30)
    for n in range(29):
        gate.passed(100.0 + n / 29.4)  # passed, none reported written yet
    assert gate.ready(101.0) > 101.0  # the 30th waits: 29 may be in the air in this second
    assert gate.ready(100.0 + 29 / 29.4 + Gate.STUCK + 1) <= 100.0 + 29 / 29.4 + Gate.STUCK + 1  # unless stuck


async def test_the_gate_learns_real_write_times_from_httpcore():
    from bot.telegram.fakeapi import FakeTelegram

    fake, gate = FakeTelegram(), Gate(1000)

    async def no_fallback(response):  # only httpcore's trace may report the writes here
        pass

    gate.after = no_fallback
    async with fake.serve():
        async with httpx.AsyncClient(event_hooks=gate.hooks) as client:
            sends = [client.post(f"{fake.base_url}{fake.token}/sendMessage", json={"chat_id": 7, "text": "x"})
                     for _ in range(5)]
            await asyncio.gather(*sends, client.post(f"{fake.base_url}{fake.token}/getMe"))
    assert gate.pending == {} and len(gate.written) == 5


def _cause(error, cause):
    error.__cause__ = cause
    return error


@pytest.mark.parametrize("error, safe", [
    (_cause(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")), True),
    (_cause(TimedOut(), httpx.ConnectTimeout("slow")), True),
    (NetworkError("Bad Gateway"), False),  # an answer, from a gateway that may have passed it on
    (_cause(TimedOut(), httpx.ReadTimeout("no answer")), False),  # sent, no answer: it may have arrived
    (_cause(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("hung up")), False),
])
def test_which_network_errors_are_safe_to_retry(error, safe):
    assert never_arrived(error) is safe


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def state(url):
    migrate(url)
    state = State(open_engine(url))
    for chat_id, kind in ((1, "private"), (2, "private"), (3, "group")):
        state.ensure_chat(chat_id, kind, NOW)
    yield state
    state.engine.dispose()


class Stored:
    """An outcome: Telegram stored the message, then the answer was this error (a 502 from a
    gateway, a timeout)."""

    def __init__(self, error):
        self.error = error


class Unwritten:
    """An outcome: the request never left (no connection), with this error."""

    def __init__(self, error):
        self.error = error


class Script:
    """Stands in for the Bot and its transport: each call reports its write the way the Gate's
    httpx hooks do, then pops the next outcome for its chat (ok, an exception, Stored or
    Unwritten), and records what arrived and when by `clock` (the outbox's own, when virtual)."""

    def __init__(self, outcomes=None, clock=None, answers: asyncio.Event | None = None):
        self.outcomes = outcomes or {}
        self.clock = clock or (lambda: asyncio.get_running_loop().time())
        self.delivered: list[tuple[int, str, float]] = []
        self.answers, self.waiting = answers, 0  # when given, answers come only once it is set

    def send(self, chat_id, text):
        async def call(bot):
            queue = self.outcomes.get(chat_id, [])
            outcome = queue.pop(0) if queue else None
            delivery.watched()
            if isinstance(outcome, Unwritten):
                raise outcome.error
            try:
                delivery.leaving()
            except delivery.GivenBack as exc:  # python-telegram-bot wraps what httpx raises
                raise NetworkError("Unknown error in HTTP implementation") from exc
            if self.answers is not None:
                self.waiting += 1
                await self.answers.wait()
            if isinstance(outcome, Exception):
                raise outcome
            self.delivered.append((chat_id, text, self.clock()))
            if isinstance(outcome, Stored):
                raise outcome.error
            return type("Message", (), {"message_id": len(self.delivered)})()
        return call

    def message(self, chat_id, text, key=None, **kw):
        """A keyed message has its marked second copy, as jobs queue it."""
        again = self.send(chat_id, f"{text} (sent again)") if key else None
        return Outgoing(chat_id, self.send(chat_id, text), key=key, again=again, **kw)


async def _run(outbox, messages):
    task = asyncio.create_task(outbox.run())
    for message in messages:
        outbox.put(message)
    await asyncio.wait_for(outbox.drain(), 5)
    outbox.close()
    await task


def _outbox(state, pacer=None, clock=None, **kw):
    """An outbox on the event loop's timer, or on `clock` (a Clock: virtual time)."""
    timing = {"monotonic": clock, "sleep": clock.sleep} if clock else {}
    return Outbox(None, state, pacer or Pacer(1000, 0.02, 20), now=lambda: NOW, backoff=0.01, **timing, **kw)


async def test_each_key_is_sent_once_even_when_queued_twice(state):
    script = Script()
    outbox = _outbox(state)
    message = lambda: Outgoing(1, script.send(1, "reminder"), key="remind:x:1d", item_id="x")  # noqa: E731
    await _run(outbox, [message(), message()])
    assert [d[1] for d in script.delivered] == ["reminder"]
    assert state.claimed_keys() == {(1, "remind:x:1d")} and state.stale_claims(NOW + dt.timedelta(days=1)) == []


async def test_a_key_already_queued_is_not_queued_again(state):
    outbox = _outbox(state)
    script = Script()
    for _ in range(3):
        outbox.put(Outgoing(1, script.send(1, "once"), key="remind:x:1d", item_id="x"))
    assert outbox.queued() == 1
    await _run(outbox, [])
    assert [t for _, t, _ in script.delivered] == ["once"] and outbox.keys == set()


async def test_private_chat_pacing_holds_in_real_sends(state):
    clock = Clock()
    script = Script(clock=clock)
    await _run(_outbox(state, Pacer(1000, 1.0, 20), clock), [Outgoing(1, script.send(1, f"m{i}")) for i in range(4)]
               + [Outgoing(2, script.send(2, "other chat"))])
    times = [t for chat, _, t in script.delivered if chat == 1]
    assert [d[1] for d in script.delivered if d[0] == 1] == ["m0", "m1", "m2", "m3"]  # in order
    # one a second (a slot is taken a loop pass before the request leaves: 1 ms of virtual time)
    assert all(0.99 <= b - a <= 1.01 for a, b in zip(times, times[1:])), times
    assert next(t for chat, _, t in script.delivered if chat == 2) < times[1]  # another chat does not wait


@pytest.mark.parametrize("interval, first, flooded, others_wait", [
    (1.0, [], 1, True),                # a 429 on a chat that kept its limit: the whole bot waits
    (0.2, ["early"], 1, False),        # one on a chat sent to faster than Telegram's second: that chat
])
async def test_a_flood_wait_holds_everyone_unless_it_is_one_chat_s_own(state, interval, first, flooded, others_wait):
    clock = Clock()
    script = Script({flooded: [None] * len(first) + [RetryAfter(dt.timedelta(seconds=30))]}, clock)
    outbox = _outbox(state, Pacer(1000, interval, 20), clock)
    messages = [script.message(flooded, text) for text in first] + [script.message(flooded, "held", key="k1")]
    await _run(outbox, messages + [script.message(2, "free", key="k2"), script.message(3, "free too", key="k3")])
    times = {text: at for _, text, at in script.delivered}
    assert times["held"] >= 100.0 + interval * len(first) + 30.0  # Telegram's 30 s, on the outbox's clock
    assert (min(times["free"], times["free too"]) >= 130.0) is others_wait
    assert state.claimed_keys() == {(flooded, "k1"), (2, "k2"), (3, "k3")}


async def test_one_flood_wait_is_one_log_line(state, caplog):
    answers = asyncio.Event()
    script = Script({chat: [RetryAfter(dt.timedelta(seconds=0.05))] for chat in (1, 2, 3)}, answers=answers)
    outbox = _outbox(state)
    task = asyncio.create_task(outbox.run())
    for chat in (1, 2, 3):
        outbox.put(script.message(chat, "x", key="k"))
    while script.waiting < 3:  # all three in the air when the 429s come
        await asyncio.sleep(0.001)
    answers.set()
    await asyncio.wait_for(outbox.drain(), 5)
    outbox.close()
    await task
    assert len(script.delivered) == 3 and caplog.text.count("Telegram asked the bot to wait") == 1


async def test_a_message_waiting_out_a_retry_after_holds_no_claim(state):
    script = Script({1: [RetryAfter(dt.timedelta(seconds=30))]})
    outbox = _outbox(state)
    task = asyncio.create_task(outbox.run())
    outbox.put(Outgoing(1, script.send(1, "held"), key="k1"))
    while script.outcomes[1] or outbox.busy:  # until the first attempt got its 429 back
        await asyncio.sleep(0.005)
    assert outbox.queued() == 1 and state.claimed_keys() == set()  # a crash now leaves it owed
    outbox.close()
    await task


async def test_forbidden_deactivates_the_chat_and_drops_its_queue(state):
    script = Script({2: [Forbidden("Forbidden: bot was blocked by the user")]})
    await _run(_outbox(state), [Outgoing(2, script.send(2, "a"), key="a"), Outgoing(2, script.send(2, "b"), key="b"),
                                Outgoing(1, script.send(1, "c"), key="c")])
    assert [t for _, t, _ in script.delivered] == ["c"]
    assert [c.id for c in state.active_chats()] == [1, 3]
    assert state.claimed_keys() == {(1, "c")}  # released: if the chat comes back, the plan can try again


async def test_refused_connections_are_retried_with_backoff(state):
    refused = [Unwritten(_cause(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused"))) for _ in range(2)]
    script = Script({1: refused})
    await _run(_outbox(state), [Outgoing(1, script.send(1, "late but once"), key="k")])
    assert [t for _, t, _ in script.delivered] == ["late but once"]
    assert state.stale_claims(NOW + dt.timedelta(days=1)) == []


async def test_after_the_last_attempt_the_claim_is_released_for_a_later_run(state):
    refused = [Unwritten(_cause(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused"))) for _ in range(5)]
    await _run(_outbox(state, max_attempts=3), [Outgoing(1, Script({1: refused}).send(1, "x"), key="k")])
    assert state.claimed_keys() == set()


def _timeout():
    return _cause(TimedOut(), httpx.ReadTimeout("no answer"))


@pytest.mark.parametrize("key, outcomes, arrived, ledger", [
    # a reminder: at least once, at most twice, the second copy saying it may be a repeat
    ("k", [Stored(NetworkError("Bad Gateway"))], ["r", "r (sent again)"], "sent"),
    ("k", [Stored(_timeout())], ["r", "r (sent again)"], "sent"),
    ("k", [NetworkError("Bad Gateway")], ["r (sent again)"], "sent"),  # a 502 that did not store it
    ("k", [_cause(NetworkError("lost"), httpx.RemoteProtocolError("hung up"))], ["r (sent again)"], "sent"),
    ("k", [Stored(NetworkError("Bad Gateway")), Stored(_timeout())], ["r", "r (sent again)"], "failed"),  # no third
    ("k", [NetworkError("Bad Gateway"), NetworkError("Bad Gateway")], [], "failed"),
    ("k", [Unwritten(_cause(NetworkError("refused"), httpx.ConnectError("refused")))], ["r"], "sent"),
    ("k", [Stored(NetworkError("Bad Gateway")), Unwritten(_cause(NetworkError("x"), httpx.ConnectError("x")))],
     ["r", "r (sent again)"], "sent"),  # the one more copy is retried like any other
    # a reply to a command: never twice; the person can ask again
    (None, [Stored(NetworkError("Bad Gateway"))], ["r"], None),
    (None, [Stored(_timeout())], ["r"], None),
    (None, [NetworkError("Bad Gateway")], [], None),
    (None, [Unwritten(_cause(NetworkError("refused"), httpx.ConnectError("refused")))], ["r"], None),
])
async def test_what_an_unclear_answer_leads_to(state, key, outcomes, arrived, ledger):
    script = Script({1: list(outcomes)})
    await _run(_outbox(state), [script.message(1, "r", key=key)])
    assert [text for _, text, _ in script.delivered] == arrived
    assert (_ledger_state(state, 1, key) if key else None) == ledger


async def test_a_message_telegram_refuses_does_not_stop_the_queue(state):
    script = Script({1: [BadRequest("Bad Request: chat not found")]})
    await _run(_outbox(state), [Outgoing(1, script.send(1, "x"), key="k1"), Outgoing(2, script.send(2, "y"), key="k2")])
    assert [t for _, t, _ in script.delivered] == ["y"]


async def test_a_reply_to_a_chat_that_blocked_the_bot_is_one_line(state, caplog):
    caplog.set_level(logging.INFO)
    script = Script({2: [Forbidden("Forbidden: bot was blocked by the user")]})
    await _run(_outbox(state), [script.message(2, "hello"), script.message(2, "and this")])
    assert script.delivered == [] and [c.id for c in state.active_chats()] == [1, 3]
    [record] = [r for r in caplog.records if r.name == delivery.__name__]
    assert record.levelno == logging.INFO and record.exc_info is None and "blocked" in record.getMessage()


async def test_a_second_process_cannot_send_what_the_first_claimed(state, url):
    other = State(open_engine(url))
    assert other.claim(1, "remind:x:3d", "x", NOW)
    script = Script()
    await _run(_outbox(state), [Outgoing(1, script.send(1, "dup"), key="remind:x:3d")])
    assert script.delivered == []


def _ledger_state(state, chat_id, key):
    with state.engine.connect() as conn:
        return conn.execute(sa.select(Ledger.state).where(Ledger.chat_id == chat_id, Ledger.key == key)).scalar()


async def test_the_ledger_says_sending_from_the_moment_the_request_is_written(state):
    seen = []

    async def send(bot):
        delivery.watched()
        seen.append(_ledger_state(state, 1, "k"))  # on its way: waiting for the pace, a connection
        delivery.leaving()
        seen.append(_ledger_state(state, 1, "k"))
        return type("Message", (), {"message_id": 7})()
    await _run(_outbox(state), [Outgoing(1, send, key="k")])
    assert seen == ["claimed", "sending"] and _ledger_state(state, 1, "k") == "sent"


async def test_a_claim_given_back_before_the_hand_over_is_not_sent_from_here(state, url):
    """A second instance starting up gives back the claims never handed over; the first must then
    leave the message to whoever plans it next, or it could go out twice."""
    restarting, sent = State(open_engine(url)), []

    async def send(bot):
        await Script().send(1, "x")(bot)
        sent.append(bot)

    def given_back_first(chat_id, key, mark=state.mark_sending):
        restarting.release_unsent(NOW + dt.timedelta(days=1))  # the other instance's start-up, just now
        return mark(chat_id, key)
    state.mark_sending = given_back_first
    await _run(_outbox(state), [Outgoing(1, send, key="k")])
    assert sent == [] and state.claimed_keys() == set()  # owed again, for the next plan
    restarting.engine.dispose()


def _ledger_row(state, chat_id, key):
    with state.engine.connect() as conn:
        row = conn.execute(sa.select(Ledger.state, Ledger.copies)
                           .where(Ledger.chat_id == chat_id, Ledger.key == key)).first()
    return tuple(row) if row else None


@pytest.mark.parametrize("steps, takes, expected", [
    (["take", "sending", "sent"], [0], ("sent", 1)),
    (["take", "sending", "unclear", "take", "sending", "sent"], [0, 1], ("sent", 2)),
    (["take", "sending", "unclear", "take", "sending", "unclear"], [0, 1], ("failed", 2)),  # never a third
    (["take", "sending", "release"], [0], None),                             # a refused copy: owed afresh
    (["take", "sending", "unclear", "take", "sending", "release"], [0, 1], ("unclear", 1)),
    (["take", "sending", "reopen"], [0], ("unclear", 1)),                    # a crash while sending
    (["take", "sending", "unclear", "take", "sending", "reopen"], [0, 1], ("failed", 2)),
    (["take", "unsent"], [0], None),                                          # a crash before the write
    (["take", "sending", "unclear", "take", "unsent"], [0, 1], ("unclear", 1)),
    (["take", "take"], [0, None], ("claimed", 0)),                            # one owner
    (["take", "sending", "sent", "take"], [0, None], ("sent", 1)),
])
def test_the_ledger_owes_one_more_copy_after_an_unclear_one_and_never_a_third(state, steps, takes, expected):
    later, taken = NOW + dt.timedelta(minutes=1), []
    for step in steps:
        {"take": lambda: taken.append(state.take(1, "k", "x", NOW)),
         "sending": lambda: state.mark_sending(1, "k"),
         "sent": lambda: state.mark_sent(1, "k", 9, NOW),
         "unclear": lambda: state.mark_unclear(1, "k"),
         "release": lambda: state.release(1, "k"),
         "reopen": lambda: state.reopen_sending(later),
         "unsent": lambda: state.release_unsent(later)}[step]()
    assert taken == takes and _ledger_row(state, 1, "k") == expected
    assert state.claimed_for(["k"]) == (set() if expected in (None, ("unclear", 1)) else {(1, "k")})


def test_the_gate_holds_everything_during_a_flood_wait():
    gate = Gate(30)
    gate.hold(105.0)
    assert gate.ready(100.0) == 105.0 and gate.ready(106.0) < 106.0


async def test_a_message_waiting_for_its_pace_is_claimed_not_sending(state):
    """The ledger says sending only once the request is written: a crash while a message waits
    for the gate's pace leaves it owed, and it is sent after the restart."""
    clock, fake, seen = Clock(), FakeTelegram(), []
    gate = Gate(1, clock, clock.sleep)  # one a second: the second message waits

    async def sleep(seconds):
        seen.append(_ledger_state(state, 2, "k2"))
        await clock.sleep(seconds)
    gate.sleep = sleep
    async with fake.serve():
        for chat in (1, 2):
            fake.user_says(chat, "/start")
        request = HTTPXRequest(httpx_kwargs={"event_hooks": gate.hooks})
        async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
            outbox = Outbox(bot, state, Pacer(1000, 0.01, 20), now=lambda: NOW, gate=gate)
            await _run(outbox, [Outgoing(chat, lambda b, c=chat: b.send_message(c, "reminder"), key=f"k{chat}")
                                for chat in (1, 2)])
    assert "claimed" in seen and "sending" not in seen
    assert _ledger_row(state, 2, "k2") == ("sent", 1) and len(fake.sent()) == 2


@pytest.mark.parametrize("failure, key, texts, ledger", [
    ("stored_502", "remind:x:1d", ["Deadline tomorrow", "Deadline tomorrow\n\n" + messages.AGAIN], ("sent", 2)),
    ("stored_hang", "remind:x:1d", ["Deadline tomorrow", "Deadline tomorrow\n\n" + messages.AGAIN], ("sent", 2)),
    ("stored_502", None, ["Deadline tomorrow"], None),   # a reply: not twice
    ("stored_hang", None, ["Deadline tomorrow"], None),
    ("server", "remind:x:1d", ["Deadline tomorrow\n\n" + messages.AGAIN], ("sent", 2)),  # a 500 before storing
])
async def test_a_bot_api_that_stores_then_fails_gets_what_the_policy_says(state, failure, key, texts, ledger, caplog):
    fake = FakeTelegram()
    async with fake.serve():
        fake.user_says(1, "/start")
        fake.fail_next("sendMessage", chat_id=1, error=failure, hang=60)
        gate = Gate(1000)
        request = HTTPXRequest(read_timeout=0.3, httpx_kwargs={"event_hooks": gate.hooks})  # the hang outlasts it
        async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
            text = "Deadline tomorrow"
            message = Outgoing(1, lambda b: b.send_message(1, text), key=key, item_id="x" if key else None,
                               again=(lambda b: b.send_message(1, messages.again(text))) if key else None)
            await _run(Outbox(bot, state, Pacer(1000, 0.01, 20), now=lambda: NOW, backoff=0.01, gate=gate), [message])
    assert [s.text for s in fake.sent(1)] == texts
    assert (_ledger_row(state, 1, key) if key else None) == ledger
    assert "unclear" in caplog.text and text not in caplog.text


@pytest.mark.parametrize("budget, replies, reminders, sent, elapsed", [
    (8.0, 30, 5, 6, 8.0),     # a full queue to one chat (1/s): 6 s of sending, the rest for answers
    (8.0, 3, 2, 5, 4.0),      # all of it fits: it stops when done
    (1.0, 30, 5, 1, 1.0),     # less than the grace: nothing more leaves (the first left before the stop)
])
async def test_a_stop_with_a_full_queue_ends_within_its_budget(state, budget, replies, reminders, sent, elapsed, caplog):
    clock = Clock()
    script = Script(clock=clock)
    outbox = _outbox(state, Pacer(1000, 1.0, 20), clock)
    task = asyncio.create_task(outbox.run())
    for n in range(replies):
        outbox.put(script.message(1, f"reply {n}"))
    for n in range(reminders):
        outbox.put(script.message(1, f"reminder {n}", key=f"remind:{n}"))
    await asyncio.sleep(0)
    outbox.stop(budget)
    await task
    assert len(script.delivered) == sent and clock() - 100.0 <= elapsed + 0.01
    owed = sum(1 for _, text, _ in script.delivered if text.startswith("reminder"))
    assert len(state.claimed_keys()) == owed  # the unsent reminders hold no claim: the next start sends them
    if sent < replies + reminders:
        assert f"stopping with {replies + reminders - sent} messages unsent" in caplog.text


@pytest.mark.parametrize("written, ledger", [
    (True, ("sending", 1)),   # its request is out: the next start sends one more copy, marked
    (False, None),            # still waiting to be written: given back, the next start sends it
])
async def test_a_stop_cuts_off_what_never_got_an_answer(state, written, ledger):
    clock, never = Clock(), asyncio.Event()

    async def stuck(bot):
        delivery.watched()
        if written:
            delivery.leaving()
        await never.wait()
    outbox = _outbox(state, clock=clock)
    task = asyncio.create_task(outbox.run())
    outbox.put(Outgoing(1, stuck, key="k"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    outbox.stop(3.0)
    await task
    assert _ledger_row(state, 1, "k") == ledger and clock() - 100.0 <= 3.0 + 0.01
