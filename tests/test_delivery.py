"""The paced outbox: Telegram's limits, RetryAfter for one chat only, Forbidden, retries, and the
ledger order that makes every keyed message go out at most once."""

import asyncio
import datetime as dt

import httpx
import pytest
import sqlalchemy as sa
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.state import Ledger, State, migrate, open_engine
from bot.telegram.delivery import Gate, Outbox, Outgoing, Pacer, never_arrived
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


def test_pacer_spaces_sends_even_when_the_loop_wakes_late():
    pacer, at, starts = Pacer(30, 1.0, 20), 100.0, []
    for n in range(300):  # 300 chats, each send starting 1 ms after its slot
        at = max(at, pacer.ready_at(n, False)) + 0.001
        pacer.took(n, False, at)
        starts.append(at)
    assert 28.0 < 299 / (starts[-1] - starts[0]) <= 29.4
    assert min(b - a for a, b in zip(starts, starts[1:])) >= 1 / 29.4 - 1e-9  # no two closer than the gap
    assert all(sum(1 for t in starts if s <= t < s + 1.0) <= 29 for s in starts)  # a message to spare each second


def test_pacer_holds_only_the_chat_telegram_named():
    pacer = Pacer()
    pacer.hold(1, 100.0)
    assert pacer.ready_at(1, False) == 100.0 and pacer.ready_at(2, False) == float("-inf")


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
    (NetworkError("Bad Gateway"), True),  # Telegram answered 502: it did not take the message
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


class Script:
    """Stands in for the Bot: each call pops the next outcome for its chat (an exception or ok),
    and records when each message left by `clock` (the outbox's own, when it is virtual)."""

    def __init__(self, outcomes=None, clock=None):
        self.outcomes = outcomes or {}
        self.clock = clock or (lambda: asyncio.get_running_loop().time())
        self.delivered: list[tuple[int, str, float]] = []

    def send(self, chat_id, text):
        async def call(bot):
            queue = self.outcomes.get(chat_id, [])
            outcome = queue.pop(0) if queue else None
            if outcome is not None:
                raise outcome
            self.delivered.append((chat_id, text, self.clock()))
            return type("Message", (), {"message_id": len(self.delivered)})()
        return call


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


async def test_retry_after_holds_back_that_chat_only(state):
    clock = Clock()
    script = Script({1: [RetryAfter(dt.timedelta(seconds=30))]}, clock)
    await _run(_outbox(state, clock=clock),
               [Outgoing(1, script.send(1, "held"), key="k1"), Outgoing(2, script.send(2, "free"), key="k2")])
    order = [text for _, text, _ in script.delivered]
    assert order == ["free", "held"]
    assert script.delivered[0][2] < 100.1 and script.delivered[1][2] >= 130.0  # Telegram's 30 s, on the outbox's clock
    assert state.claimed_keys() == {(1, "k1"), (2, "k2")}


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
    refused = [_cause(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")) for _ in range(2)]
    script = Script({1: refused})
    await _run(_outbox(state), [Outgoing(1, script.send(1, "late but once"), key="k")])
    assert [t for _, t, _ in script.delivered] == ["late but once"]
    assert state.stale_claims(NOW + dt.timedelta(days=1)) == []


async def test_after_the_last_attempt_the_claim_is_released_for_a_later_run(state):
    refused = [_cause(NetworkError("httpx.ConnectError"), httpx.ConnectError("refused")) for _ in range(5)]
    await _run(_outbox(state, max_attempts=3), [Outgoing(1, Script({1: refused}).send(1, "x"), key="k")])
    assert state.claimed_keys() == set()


async def test_a_lost_answer_is_never_resent(state):
    script = Script({1: [_cause(TimedOut(), httpx.ReadTimeout("no answer"))]})
    await _run(_outbox(state), [Outgoing(1, script.send(1, "maybe arrived"), key="k")])
    assert script.delivered == [] and state.claimed_keys() == {(1, "k")}
    # and nothing plans it again: the key is in the ledger, marked failed, not a stale claim
    assert state.stale_claims(NOW + dt.timedelta(days=1)) == []


async def test_a_message_telegram_refuses_does_not_stop_the_queue(state):
    script = Script({1: [BadRequest("Bad Request: chat not found")]})
    await _run(_outbox(state), [Outgoing(1, script.send(1, "x"), key="k1"), Outgoing(2, script.send(2, "y"), key="k2")])
    assert [t for _, t, _ in script.delivered] == ["y"]


async def test_a_reply_waits_for_its_answer_and_gets_errors(state):
    script = Script({2: [Forbidden("Forbidden: bot was kicked")]})
    outbox = _outbox(state)
    task = asyncio.create_task(outbox.run())
    message = await outbox.call(1, script.send(1, "hello"))
    assert message.message_id == 1
    with pytest.raises(Forbidden):
        await outbox.call(2, script.send(2, "hello"))
    outbox.close()
    await task


async def test_a_second_process_cannot_send_what_the_first_claimed(state, url):
    other = State(open_engine(url))
    assert other.claim(1, "remind:x:3d", "x", NOW)
    script = Script()
    await _run(_outbox(state), [Outgoing(1, script.send(1, "dup"), key="remind:x:3d")])
    assert script.delivered == []


def _ledger_state(state, chat_id, key):
    with state.engine.connect() as conn:
        return conn.execute(sa.select(Ledger.state).where(Ledger.chat_id == chat_id, Ledger.key == key)).scalar()


async def test_the_ledger_says_sending_while_the_request_is_with_the_bot_api(state):
    seen = []

    async def send(bot):
        seen.append(_ledger_state(state, 1, "k"))
        return type("Message", (), {"message_id": 7})()
    await _run(_outbox(state), [Outgoing(1, send, key="k")])
    assert seen == ["sending"] and _ledger_state(state, 1, "k") == "sent"


async def test_a_claim_given_back_before_the_hand_over_is_not_sent_from_here(state, url):
    """A second instance starting up gives back the claims never handed over; the first must then
    leave the message to whoever plans it next, or it could go out twice."""
    restarting, sent = State(open_engine(url)), []

    async def send(bot):
        sent.append(bot)

    def given_back_first(chat_id, key, mark=state.mark_sending):
        restarting.release_unsent(NOW + dt.timedelta(days=1))  # the other instance's start-up, just now
        return mark(chat_id, key)
    state.mark_sending = given_back_first
    await _run(_outbox(state), [Outgoing(1, send, key="k")])
    assert sent == [] and state.claimed_keys() == set()  # owed again, for the next plan
    restarting.engine.dispose()
