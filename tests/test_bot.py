"""The bot end to end: real python-telegram-bot polling our fake Bot API over HTTP on 127.0.0.1,
real SQLite state, the store on disk. The clock is a value the test sets; reminders and digests
fire because the test calls `jobs.tick(service, now)` for the moment it chose, never by waiting."""

import asyncio
import contextlib
import datetime as dt
import socket

import pytest
from starlette.testclient import TestClient

from bot import store
from bot.settings import Server, Settings, Telegram
from bot.state import State, open_engine
from bot.telegram import app, jobs
from bot.telegram.delivery import Gate, Pacer
from bot.telegram.fakeapi import FakeTelegram
from databases import BACKENDS, database

UTC = dt.timezone.utc
START = dt.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ALICE, BOB, CAROL, GROUP = 501, 502, 503, -100900


def _record(rid, kind="deadline", start="2026-12-15", **extra):
    record = {"id": rid, "kind": kind, "subtype": {"deadline": "nomination", "event": "side-event"}.get(kind, "appeal"),
              "title": f"Item {rid[-4:]}", "start": start, "end": None, "timezone": None,
              "organizer": "Defenders Network", "location": "Geneva", "url": "https://example.org/call",
              "evidence": "text", "status": "confirmed", "sequence": 0, "changes": [],
              "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-01T10:00:00+00:00"}
    record.update(extra)
    return record


RECORDS = [
    _record("2026-12-15-deadline-000000000a", title="Courage Award nominations"),
    _record("2026-12-16-hearing-000000000b", "hearing", "2026-12-16T10:00+03:00", timezone="Africa/Nairobi",
            title="Appeal of the Lamu land defenders", location="Malindi"),
    _record("2026-11-27-deadline-000000000c", start="2026-11-27", title="Sign-on letter on SLAPPs", subtype="sign-on"),
    _record("2026-12-03-event-000000000d", "event", "2026-12-03T13:00+01:00", timezone="Europe/Zurich",
            title="Side event on reprisals"),
] + [_record(f"2027-01-{d:02d}-deadline-00000001{d:02d}", start=f"2027-01-{d:02d}", title=f"Fellowship call {d}")
     for d in range(10, 16)]


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class Bot:
    """A running bot and what the test needs to drive it."""

    def __init__(self, fake, service, runner, clock):
        self.fake, self.service, self.runner, self.clock = fake, service, runner, clock

    async def say(self, chat_id, text, n=1, **kw):
        before = len(self.fake.sent(chat_id))
        self.fake.user_says(chat_id, text, **kw)
        return (await self.fake.wait_for_sent(before + n, chat_id))[before:]

    async def press(self, chat_id, message, data, **kw):
        self.fake.user_presses(chat_id, message.message_id, data, **kw)
        await self.fake.wait_until(lambda: not self.fake.pending_updates)
        await asyncio.sleep(0)  # let the handler run past its answer
        await self.service.outbox.drain()

    async def tick(self, at):
        self.clock.now = at
        queued = await jobs.tick(self.service, at)
        await self.service.outbox.drain()
        return queued


def _store(root, records):
    store.Store(root).save({r["id"]: r for r in records}, {r["id"] for r in records})


@contextlib.asynccontextmanager
async def running(tmp_path, fake=None, records=RECORDS, clock=None, url=None):
    root = tmp_path / "calendars"
    if not (root / "deadlines").exists():
        _store(root, records)
    fake = fake or FakeTelegram()
    clock = clock or Clock(START)
    async with fake.serve():
        settings = Settings(store=root, database_url=str(url or f"sqlite:///{tmp_path / 'state.sqlite3'}"),
                            telegram=Telegram(api_base_url=fake.base_url, poll_timeout=1))
        service = app.make_service(settings, clock)
        application = app.build(service, fake.token, base_url=fake.base_url, poll_timeout=1, gate=Gate(1000))
        app.attach_outbox(service, application)
        service.outbox.pacer = Pacer(1000, 0.01, 1000)  # Telegram's real pacing is tested in test_delivery
        runner = app.Runner(service, application)
        task = asyncio.create_task(runner.run())
        await fake.wait_until(lambda: any(c.method == "getUpdates" for c in fake.calls))
        try:
            yield Bot(fake, service, runner, clock)
        finally:
            runner.stop.set()
            await asyncio.wait_for(task, 10)
            service.state.engine.dispose()


async def test_start_registers_commands_and_offers_settings(tmp_path):
    async with running(tmp_path) as bot:
        [welcome] = await bot.say(ALICE, "/start")
        assert "I store only this chat's id and settings" in welcome.text
        assert ("Time zone", "set:tz") in welcome.buttons
        assert [c for c, _ in bot.fake.commands()][:3] == ["upcoming", "deadlines", "events"]
        assert bot.service.state.chat(ALICE).timezone == "UTC"


async def test_upcoming_pages_and_zones(tmp_path):
    async with running(tmp_path) as bot:
        [first] = await bot.say(ALICE, "/upcoming")
        assert first.text.startswith("<b>Next items you follow</b> (1–5 of 10)")
        assert first.text.index("Sign-on letter on SLAPPs") < first.text.index("Side event on reprisals")
        assert "Wed 16 Dec 2026, 07:00 UTC (10:00 EAT (Nairobi) there) · in 22 days" in first.text
        await bot.press(ALICE, first, first.buttons[-1][1])
        edited = bot.fake.sent(ALICE)[-1]
        assert edited.edited and "(6–10 of 10)" in edited.text and "Fellowship call 15" in edited.text
        await bot.say(ALICE, "/timezone nairobi")
        [local] = await bot.say(ALICE, "/hearings")
        assert "Wed 16 Dec 2026, 10:00 EAT · in 22 days" in local.text and "there" not in local.text


@pytest.mark.parametrize("command, expected, absent", [
    ("/deadlines", "Courage Award nominations", "Appeal of the Lamu"),
    ("/events", "Side event on reprisals", "Courage Award"),
    ("/upcoming 2 sign-on", "(1–1 of 1)", "Courage Award"),
    ("/search lamu", "Appeal of the Lamu land defenders", "Courage Award"),
    ("/search", "Tell me what to look for", "Courage"),
    ("/upcoming nothing-like-this", "nothing ahead", "Courage"),
    ("/timezone Mars/Olympus", "I don't know that time zone", "set to"),
])
async def test_commands(tmp_path, command, expected, absent):
    async with running(tmp_path) as bot:
        [answer] = await bot.say(ALICE, command)
        assert expected in answer.text and absent not in answer.text


async def test_settings_keyboard_changes_settings(tmp_path):
    async with running(tmp_path) as bot:
        [menu] = await bot.say(ALICE, "/settings")
        await bot.press(ALICE, menu, "set:kinds")
        shown = bot.fake.sent(ALICE)[-1]
        assert ("✅ Court dates", "kind:hearing") in shown.buttons
        await bot.press(ALICE, shown, "kind:hearing")
        assert bot.service.state.chat(ALICE).kinds == ["deadline", "event"]
        for data in ("set:main", "set:dl", "dl:14d", "set:main", "set:digest", "dg:daily", "set:main",
                     "set:quiet", "qh:22:00-07:00"):
            await bot.press(ALICE, bot.fake.sent(ALICE)[-1], data)
        row = bot.service.state.chat(ALICE)
        assert (row.deadline_leads, row.digest, row.quiet_start, row.quiet_end) == (["3d", "1d", "morning"], "daily", "22:00", "07:00")
        assert "Quiet hours: 22:00–07:00" in bot.fake.sent(ALICE)[-1].text


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    with database(request.param, tmp_path) as url:
        yield url


async def test_reminders_fire_when_the_clock_says_and_only_once(tmp_path, url):
    async with running(tmp_path, url=url) as bot:
        await bot.say(ALICE, "/start")
        before = len(bot.fake.sent(ALICE))
        await bot.tick(dt.datetime(2026, 11, 24, 9, 0, tzinfo=UTC))   # nothing due at this moment
        assert len(bot.fake.sent(ALICE)) == before
        await bot.tick(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))   # 1 day before the sign-on letter
        reminder = bot.fake.sent(ALICE)[-1]
        assert reminder.text.startswith("⏰ Deadline tomorrow") and "Sign-on letter on SLAPPs" in reminder.text
        assert [data for _, data in reminder.buttons] == [
            "snz:2026-11-27-deadline-000000000c", "mute:2026-11-27-deadline-000000000c", "ics:2026-11-27-deadline-000000000c"]
        assert await bot.tick(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC)) == 0  # same moment again: nothing new
        assert len(bot.fake.sent(ALICE)) == before + 1


async def test_reminder_buttons(tmp_path):
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        await bot.tick(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
        reminder = bot.fake.sent(ALICE)[-1]
        await bot.press(ALICE, reminder, "ics:2026-11-27-deadline-000000000c")
        document = bot.fake.sent(ALICE)[-1].document
        assert document.filename == "2026-11-27-deadline-000000000c.ics" and b"SUMMARY:Sign-on letter on SLAPPs" in document.data
        await bot.press(ALICE, reminder, "snz:2026-11-27-deadline-000000000c")
        assert bot.fake.answers[-1].text == "I'll remind you again in a day."
        await bot.press(ALICE, reminder, "mute:2026-11-27-deadline-000000000c")
        count = len(bot.fake.sent(ALICE))
        await bot.tick(dt.datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # "morning of" and the snooze: muted
        assert [s.text for s in bot.fake.sent(ALICE)[count:] if "SLAPPs" in (s.text or "")] == []


async def test_missed_reminders_are_sent_late_after_a_restart_and_never_twice(tmp_path, url):
    async with running(tmp_path, url=url) as bot:
        await bot.say(ALICE, "/start")
        await bot.tick(dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # 14 days before the Courage Award
    sent_before = [s.text for s in bot.fake.sent(ALICE)]
    fake = bot.fake
    # The bot was down from 1 to 13 December; the 3-day reminder was missed.
    async with running(tmp_path, fake=fake, clock=Clock(dt.datetime(2026, 12, 13, 12, 0, tzinfo=UTC)), url=url) as again:
        # No tick from the test: the start-up look itself finds what was missed.
        await fake.wait_until(lambda: len(fake.sent(ALICE)) > len(sent_before), timeout=10)
        new = [s.text for s in fake.sent(ALICE)][len(sent_before):]
        courage = [t for t in new if "Courage Award" in t]
        assert len(courage) == 1 and courage[0].startswith("⏰ Deadline in 2 days (late reminder: I was offline)")
        assert await again.tick(again.clock.now) == 0


async def test_a_crash_before_the_write_costs_a_late_message_and_one_while_sending_a_marked_repeat(tmp_path, url, caplog):
    caplog.set_level("INFO")
    async with running(tmp_path, url=url) as bot:
        await bot.say(ALICE, "/start")
        await bot.say(BOB, "/start")
        await bot.say(CAROL, "/start")
    fake, item, due = bot.fake, "2026-11-27-deadline-000000000c", dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    key = f"remind:{item}:1d"
    # The process died holding three claims: Alice's before its write, Bob's while sending it,
    # Carol's while sending the one more copy of an unclear first one.
    crashed = State(open_engine(url))
    for chat in (ALICE, BOB, CAROL):
        crashed.take(chat, key, item, due)
    for chat in (BOB, CAROL):
        crashed.mark_sending(chat, key)
    crashed.mark_unclear(CAROL, key)
    crashed.take(CAROL, key, item, due)
    crashed.mark_sending(CAROL, key)
    crashed.engine.dispose()
    before = {chat: len(fake.sent(chat)) for chat in (ALICE, BOB, CAROL)}
    async with running(tmp_path, fake=fake, clock=Clock(due + dt.timedelta(seconds=40)), url=url) as again:
        await fake.wait_until(lambda: len(fake.sent(ALICE)) > before[ALICE] and len(fake.sent(BOB)) > before[BOB],
                              timeout=10)
        await again.service.outbox.drain()
        assert await again.tick(again.clock.now) == 0
    slapps = {chat: [s.text for s in fake.sent(chat)[before[chat]:] if "SLAPPs" in (s.text or "")]
              for chat in (ALICE, BOB, CAROL)}
    assert len(slapps[ALICE]) == 1 and slapps[ALICE][0].startswith("⏰ Deadline tomorrow")
    assert "Sent again" not in slapps[ALICE][0]
    assert len(slapps[BOB]) == 1 and slapps[BOB][0].endswith("so this may be a repeat.</i>")  # it may have arrived
    assert slapps[CAROL] == []  # two copies may have arrived: never a third
    assert "1 messages claimed by the last run were never sent" in caplog.text
    assert "1 messages from the last run may or may not have arrived; sending each once more" in caplog.text
    assert "1 repeated messages from the last run may or may not have arrived; not sending a third" in caplog.text


async def test_change_notices(tmp_path):
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        await bot.say(BOB, "/start")
        await bot.say(BOB, "/follow fellowship")
        moved = dict(RECORDS[0], start="2026-12-31", sequence=1, updated="2026-11-25T08:00:00+00:00",
                     changes=[{"at": "2026-11-25T08:00:00+00:00", "what": "start moved from 2026-12-15 to 2026-12-31"}])
        new = _record("2027-02-01-deadline-0000000099", start="2027-02-01", title="New fellowship for lawyers",
                      first_seen="2026-11-25T08:00:00+00:00", updated="2026-11-25T08:00:00+00:00")
        _store(tmp_path / "calendars", [moved, new])
        bot.service.catalog.checked_at = float("-inf")  # look at the files now, not in a second
        await bot.tick(dt.datetime(2026, 11, 25, 8, 5, tzinfo=UTC))
        alice = [s.text for s in bot.fake.sent(ALICE) if s.text.startswith("📣")]
        bob = [s.text for s in bot.fake.sent(BOB) if s.text.startswith("📣")]
        assert alice == [alice[0]] and alice[0].startswith("📣 Deadline extended to 2026-12-31")
        assert len(bob) == 1 and bob[0].startswith("📣 New") and "New fellowship for lawyers" in bob[0]


async def test_digest_at_the_chats_hour(tmp_path):
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        bot.service.state.update_settings(ALICE, digest="daily", digest_hour=8, timezone="Europe/Paris")
        bot.service.touch(ALICE)  # what the settings buttons do after a change
        await bot.tick(dt.datetime(2026, 11, 25, 7, 20, tzinfo=UTC))  # 08:20 in Paris, past any stagger
        digest = [s.text for s in bot.fake.sent(ALICE) if s.text.startswith("<b>Digest") or s.text.startswith("Digest")]
        assert len(digest) == 1 and "Sign-on letter on SLAPPs" in digest[0]


async def test_jobs_are_one_per_due_time_and_rebuilt_idempotently(tmp_path):
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        await bot.say(BOB, "/start")
        queue = bot.runner.application.job_queue
        now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
        machine_before = dt.datetime.now(UTC)
        names = jobs.schedule(bot.service, queue, now)
        machine_after = dt.datetime.now(UTC)
        assert names == ["due:2026-11-26T09:00:00+00:00"]  # one job for both chats; 27 Nov is past the horizon
        assert jobs.schedule(bot.service, queue, now) == names
        scheduled = sorted(j.name for j in queue.jobs() if j.name.startswith("due:") and not j.removed)
        assert scheduled == names
        # The JobQueue runs on the machine's clock: the job fires 21 hours after it was set, the
        # distance from the bot's `now` to the due time, whatever date the machine shows.
        job = next(j for j in queue.jobs() if j.name == names[0])
        ahead = dt.timedelta(hours=21)
        assert machine_before + ahead <= job.next_t <= machine_after + ahead + dt.timedelta(seconds=1)
        assert job.data == dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def test_a_moved_clock_replaces_the_jobs(tmp_path):
    """`try`'s :time moves the bot's clock; jobs set at the old distance are set again."""
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        queue = bot.runner.application.job_queue
        bot.clock.now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
        jobs.schedule(bot.service, queue)
        bot.clock.now = dt.datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
        machine_before = dt.datetime.now(UTC)
        await jobs.reschedule(bot.service, queue, fresh=True)
        job = next(j for j in queue.jobs() if j.name == "due:2026-11-26T09:00:00+00:00" and not j.removed)
        assert machine_before + dt.timedelta(hours=1) <= job.next_t <= dt.datetime.now(UTC) + dt.timedelta(hours=1, seconds=1)


async def test_forget_deletes_everything(tmp_path):
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        await bot.say(ALICE, "/feeds")
        await bot.tick(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
        [question] = await bot.say(ALICE, "/forget")
        await bot.press(ALICE, question, "fgt:yes")
        assert bot.service.state.chat(ALICE) is None and bot.service.state.claimed_keys() == set()
        assert bot.fake.sent(ALICE)[-1].text.startswith("Deleted.")
        assert await bot.tick(dt.datetime(2026, 11, 27, 9, 0, tzinfo=UTC)) == 0


async def test_personal_feed_follows_the_chat_and_can_be_revoked(tmp_path):
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        await bot.say(ALICE, "/follow lamu")
        [feeds] = await bot.say(ALICE, "/feeds")
        url = next(line for line in feeds.text.splitlines() if "/feeds/" in line)
        client = TestClient(app.web_app(bot.service))
        calendar = client.get(url.split("8080", 1)[1])
        assert calendar.status_code == 200 and b"Appeal of the Lamu" in calendar.content
        assert b"Courage Award" not in calendar.content
        await bot.say(ALICE, "/feeds revoke")
        assert client.get(url.split("8080", 1)[1]).status_code == 404


async def test_blocked_chat_is_deactivated(tmp_path):
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        await bot.say(BOB, "/start")
        bot.fake.block(ALICE)
        await bot.tick(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
        assert [c.id for c in bot.service.state.active_chats()] == [BOB]
        assert "Sign-on letter" in bot.fake.sent(BOB)[-1].text


@pytest.mark.parametrize("error, times, texts", [
    ("network", 1, ["again"]),             # the connection broke after the write: it may have arrived
    ("server", 1, ["again"]),              # a 500: it may have been stored, so the copy says it may repeat
    ("stored_502", 1, ["plain", "again"]),  # stored, then a 502: two copies, the second says so
    ("server", 2, []),                     # two unclear answers: no third copy (and a warning in the log)
])
async def test_telegram_outage_and_unclear_answers(tmp_path, error, times, texts):
    async with running(tmp_path) as bot:
        await bot.say(ALICE, "/start")
        bot.service.outbox.backoff = 0.01
        bot.fake.fail_next("sendMessage", chat_id=ALICE, times=times, error=error)
        await bot.tick(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
        sent = [s.text for s in bot.fake.sent(ALICE) if "Sign-on letter" in (s.text or "")]
        assert ["again" if "may be a repeat" in t else "plain" for t in sent] == texts


async def test_groups_only_admins_change_settings_and_topics_get_their_reminders(tmp_path):
    fake = FakeTelegram()
    async with running(tmp_path, fake=fake) as bot:
        fake.add_group(GROUP, admins=[ALICE], members=[BOB], forum=True)
        [refused] = await bot.say(GROUP, "/timezone Europe/Paris", user_id=BOB)
        assert refused.text == "Only the group's admins can change its settings."
        await bot.say(GROUP, "/start", user_id=ALICE, thread_id=77)
        await bot.say(GROUP, "/timezone Europe/Paris", user_id=ALICE)
        assert bot.service.state.chat(GROUP).timezone == "Europe/Paris"
        assert bot.service.state.chat(GROUP).thread_id == 77
        await bot.tick(dt.datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # 09:00 in Paris
        reminder = bot.fake.sent(GROUP)[-1]
        assert "Sign-on letter" in reminder.text and reminder.thread_id == 77


async def test_a_second_instance_gets_a_clear_exit(tmp_path, caplog):
    async with running(tmp_path) as bot:
        bot.fake.fail_next("getUpdates", error="conflict")
        await asyncio.wait_for(bot.runner.stop.wait(), 10)
        assert bot.runner.code == 3
    assert "another instance is polling with this token" in caplog.text


async def test_no_token_or_text_in_the_logs(tmp_path, caplog):
    caplog.set_level("DEBUG")
    fake = FakeTelegram()
    app.quiet_logs(fake.token)
    async with running(tmp_path, fake=fake) as bot:
        await bot.say(ALICE, "/search secret-word-from-a-user")
        await bot.tick(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert bot.fake.token not in caplog.text and "secret-word-from-a-user" not in caplog.text


async def test_an_unreachable_bot_api_exits_for_a_restart(tmp_path, caplog):
    _store(tmp_path / "calendars", RECORDS)
    fake = FakeTelegram()
    async with fake.serve():
        fake.fail_next("getMe", error="server", times=5)
        settings = Settings(store=tmp_path / "calendars", database_url=f"sqlite:///{tmp_path / 'state.sqlite3'}")
        service = app.make_service(settings, Clock(START))
        application = app.build(service, fake.token, base_url=fake.base_url, poll_timeout=1, gate=Gate(1000))
        app.attach_outbox(service, application)
        assert await asyncio.wait_for(app.Runner(service, application).run(), 10) == 1
    assert "cannot reach the Bot API" in caplog.text


async def test_a_taken_feed_port_is_a_clear_error_before_polling(tmp_path, caplog):
    _store(tmp_path / "calendars", RECORDS)
    fake = FakeTelegram()
    with socket.create_server(("127.0.0.1", 0)) as taken:
        async with fake.serve():
            settings = Settings(store=tmp_path / "calendars", database_url=f"sqlite:///{tmp_path / 'state.sqlite3'}",
                                server=Server(host="127.0.0.1", port=taken.getsockname()[1]))
            service = app.make_service(settings, Clock(START))
            application = app.build(service, fake.token, base_url=fake.base_url, poll_timeout=1, gate=Gate(1000))
            app.attach_outbox(service, application)
            runner = app.Runner(service, application, app.web_app(service))
            assert await asyncio.wait_for(runner.run(), 10) == 1
    assert "the feed server cannot listen on 127.0.0.1:" in caplog.text and "server.port" in caplog.text
    assert "Traceback" not in caplog.text and not any(c.method == "getUpdates" for c in fake.calls)


def test_unparsable_updates_are_not_logged_with_their_content():
    import logging

    record = logging.LogRecord("telegram.Bot", logging.CRITICAL, __file__, 1,
                               "Error while parsing updates! Received data was %r", ([{"text": "my secret"}],), None)
    app.Redact("123:tok").filter(record)
    assert "my secret" not in record.getMessage() and "not logged" in record.getMessage()


async def test_a_reply_to_a_chat_that_blocked_the_bot_is_one_line(tmp_path, caplog):
    caplog.set_level("INFO")
    async with running(tmp_path) as bot:
        bot.fake.block(ALICE)
        bot.fake.user_says(ALICE, "/help")
        await bot.fake.wait_until(lambda: any(code == 403 for _, code, _ in bot.fake.errors))
        await bot.service.outbox.drain()
        assert ALICE not in [c.id for c in bot.service.state.active_chats()]
    lines = [r for r in caplog.records if "blocked" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelname == "INFO" and lines[0].exc_info is None
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_a_store_item_with_an_invalid_id_is_named_in_the_log_once(tmp_path, caplog):
    caplog.set_level("INFO")
    async with running(tmp_path) as bot:
        bot.service.catalog.rescan_every = 0  # look at the files at every tick
        bad = tmp_path / "calendars" / "deadlines" / "2026-12-01-deadline-zz.yaml"
        bad.write_text("id: 2026-12-01-deadline-zz\nkind: deadline\ntitle: Confidential shelter grant\n"
                       "start: 2026-12-01\n", encoding="utf-8")
        for _ in range(2):
            await bot.tick(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
        [line] = [r.getMessage() for r in caplog.records if "store cannot be read" in r.getMessage()]
        assert "2026-12-01-deadline-zz.yaml" in line and "Confidential" not in caplog.text
        bad.unlink()
        await bot.tick(dt.datetime(2026, 11, 26, 9, 1, tzinfo=UTC))
        assert "the store reads cleanly again" in caplog.text


async def test_a_stop_with_a_full_queue_leaves_the_rest_and_ends(tmp_path, caplog):
    """37 replies queued for one chat at Telegram's 1/s would take 36 s: the stop takes what fits
    in its budget (here a short one), not the whole queue. The hang guard is the only clock."""
    async with running(tmp_path) as bot:
        bot.service.outbox.pacer = Pacer(1000, 1.0, 1000)
        bot.runner.stop_within = 3.0
        for _ in range(37):
            bot.fake.user_says(ALICE, "/help")
        await bot.fake.wait_until(lambda: not bot.fake.pending_updates)
        await bot.fake.wait_until(lambda: len(bot.fake.sent(ALICE)) >= 1)
    assert 1 <= len(bot.fake.sent(ALICE)) < 37
    assert "replies dropped" in caplog.text
