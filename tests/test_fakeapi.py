"""The fake Bot API server, driven by the real python-telegram-bot over HTTP on 127.0.0.1.

Most tests share one server (in a thread) and `reset()` it, because stopping uvicorn takes
~0.15 s; the ways of serving have tests of their own. Time that matters (flood windows, message
dates) comes from injected clocks, so nothing waits for seconds to pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random

import httpx
import pytest
from telegram import (Bot, BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup,
                      LinkPreviewOptions, MenuButtonCommands, ReplyKeyboardMarkup)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler

from bot.telegram.fakeapi import FakeTelegram, FloodLimits, Latency

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.timezone.utc)
USER = 42
GROUP = -1001234


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


def build_app(fake: FakeTelegram) -> Application:
    return (ApplicationBuilder().token(fake.token).base_url(fake.base_url)
            .base_file_url(fake.base_file_url).build())


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB's RetryAfter.retry_after as a timedelta, no warning


@pytest.fixture(scope="module")
def server():
    with FakeTelegram().serve_in_thread() as server:
        yield server


@pytest.fixture
def fake(server):
    server.reset(clock=lambda: NOW.timestamp())
    return server


@pytest.fixture
async def app(fake):
    fake.user_says(USER, "hello")  # a user has started the bot: their chat exists
    fake.add_group(GROUP, admins=[7, 8], members=[9], owner=5, title="Defenders", forum=True)
    async with build_app(fake) as app:
        yield app


@contextlib.asynccontextmanager
async def polling(app: Application):
    """Run an initialized Application the way run_polling would, for the length of the block."""
    await app.start()
    await app.updater.start_polling(timeout=5)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()


async def test_get_me_and_unknown_token(fake, app):
    me = await app.bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456789, "HrdTestBot", True)
    with pytest.raises(InvalidToken):
        async with Bot("123456789:not-the-token", base_url=fake.base_url):
            pass


async def test_send_edit_and_delete(fake, app):
    sent = await app.bot.send_message(USER, "<b>Deadline</b> tomorrow", parse_mode="HTML",
                                      reply_markup=keyboard("yes", "no"),
                                      link_preview_options=LinkPreviewOptions(is_disabled=True))
    assert sent.reply_markup == keyboard("yes", "no") and sent.date == NOW
    [record] = fake.sent(USER)
    assert (record.text, record.parse_mode, record.buttons) == ("<b>Deadline</b> tomorrow", "HTML",
                                                                 [("Yes", "yes"), ("No", "no")])
    assert record.link_preview == {"is_disabled": True} and record.timestamp == NOW.timestamp()
    edited = await app.bot.edit_message_text("Deadline moved", USER, sent.message_id)
    assert edited.text == "Deadline moved" and edited.reply_markup is None  # no keyboard: keyboard gone
    with pytest.raises(BadRequest, match="not modified"):
        await app.bot.edit_message_text("Deadline moved", USER, sent.message_id)
    await app.bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("ok"))
    assert await app.bot.delete_message(USER, sent.message_id)
    [record] = fake.sent(USER)
    assert (record.text, record.buttons) == ("Deadline moved", [("Ok", "ok")])
    assert record.edited and record.deleted
    with pytest.raises(BadRequest, match="not found"):
        await app.bot.delete_message(USER, sent.message_id)


async def test_send_document_keeps_bytes_and_serves_them(fake, app):
    data = bytes(range(256)) + b"\r\n--boundary--\r\n"
    message = await app.bot.send_document(USER, data, filename='Call "2027".ics', caption="Календарь")
    [record] = fake.sent(USER)
    assert (record.document.filename, record.caption) == ('Call "2027".ics', "Календарь")
    assert record.document.data == data
    assert message.document.file_size == len(data) and message.document.mime_type == "text/calendar"
    file = await app.bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == data  # through base_file_url
    again = await app.bot.send_document(USER, message.document.file_id)  # resent by file_id
    assert again.document.file_id == message.document.file_id


async def test_commands_are_kept_per_scope(fake, app):
    await app.bot.set_my_commands([BotCommand("start", "Subscribe"), BotCommand("stop", "Unsubscribe")])
    await app.bot.set_my_commands([BotCommand("digest", "This week")], scope=BotCommandScopeChat(USER))
    assert [c.command for c in await app.bot.get_my_commands()] == ["start", "stop"]
    assert fake.commands({"type": "chat", "chat_id": USER}) == [("digest", "This week")]
    await app.bot.delete_my_commands()
    assert await app.bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await app.bot.set_my_commands([BotCommand("Start", "capital letters are refused")])
    assert await app.bot.set_chat_menu_button(USER, MenuButtonCommands())


async def test_refusals_a_bot_can_trip_over(fake, app):
    for text, error in [("", "text is empty"), ("  \n", "text is empty"), ("x" * 4097, "too long")]:
        with pytest.raises(BadRequest, match=f"(?i){error}"):
            await app.bot.send_message(USER, text)
    await app.bot.send_message(USER, "x" * 4096)
    await app.bot.send_message(USER, "<i>" + "x" * 4096 + "</i>", parse_mode="HTML")  # tags do not count
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await app.bot.send_message(999, "hi")
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await app.bot.send_message(USER, "hi", reply_markup=keyboard("x" * 65))
    fake.add_user(77)  # known from a group, never started the bot
    with pytest.raises(Forbidden, match="initiate"):
        await app.bot.send_message(77, "hi")
    assert len(fake.sent(USER)) == 2 and [code for _, code, _ in fake.errors] == [400] * 5 + [403]


async def test_polling_delivers_commands_and_button_presses(fake, app):
    async def start(update, context):
        await update.message.reply_text("Remind you?", reply_markup=keyboard("yes", "no"))

    async def pressed(update, context):
        await update.callback_query.answer("Saved")
        await update.callback_query.edit_message_text(f"You chose {update.callback_query.data}")

    app.add_handlers([CommandHandler("start", start), CallbackQueryHandler(pressed)])
    async with polling(app):
        fake.user_says(USER, "/start")
        [prompt] = await fake.wait_for_sent(1, chat_id=USER)
        fake.user_presses(USER, prompt.message_id, "yes")
        await fake.wait_until(lambda: fake.sent(USER)[0].edited)
        fake.user_says(GROUP, "/start@SomeOtherBot", user_id=9, thread_id=3)  # not for us: ignored
        fake.user_says(GROUP, "/start@HrdTestBot", user_id=9, thread_id=3)
        [in_group] = await fake.wait_for_sent(1, chat_id=GROUP)
    assert fake.sent(USER)[0].text == "You chose yes" and fake.answers[0].text == "Saved"
    assert (in_group.text, in_group.thread_id) == ("Remind you?", 3)  # reply_text stays in the topic
    assert fake.pending_updates == 0  # PTB confirmed everything it fetched when it stopped


async def test_get_updates_offset_limit_and_allowed_updates(fake, app):
    assert fake.user_says(USER, "one") == 2  # message ids count up per chat
    fake.user_says(USER, "two")
    updates = await app.bot.get_updates(limit=2)
    assert [u.message.text for u in updates] == ["hello", "one"] and fake.pending_updates == 3
    [last] = await app.bot.get_updates(offset=-1)  # forgets all but the last update
    assert last.message.text == "two" and fake.pending_updates == 1
    prompt = await app.bot.send_message(USER, "Pick", reply_markup=keyboard("a"))
    fake.user_says(USER, "typed instead")
    fake.user_presses(USER, prompt.message_id, "a")
    only_presses = await app.bot.get_updates(offset=last.update_id + 1, allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in only_presses] == ["a"]
    assert only_presses[0].callback_query.message.text == "Pick"
    with pytest.raises(ValueError):
        fake.user_presses(USER, prompt.message_id, "no such button")


async def test_long_poll_answers_as_soon_as_an_update_arrives(fake, app):
    [hello] = await app.bot.get_updates(timeout=30)  # one pending: no waiting
    poll = asyncio.create_task(app.bot.get_updates(offset=hello.update_id + 1, timeout=30))
    await fake.wait_until(lambda: fake.pending_updates == 0)  # "hello" is confirmed: the poll waits
    fake.user_says(USER, "now")
    [update] = await asyncio.wait_for(poll, 1)
    assert update.message.text == "now"
    assert await app.bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_a_second_poller_ends_the_first_with_conflict(fake, app):
    await app.bot.get_updates(offset=-1)
    waiting = asyncio.create_task(app.bot.get_updates(offset=10**6, timeout=30))
    await fake.wait_until(lambda: sum(c.method == "getUpdates" for c in fake.calls) == 2)
    async with Bot(fake.token, base_url=fake.base_url) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await asyncio.wait_for(waiting, 1)
    fake.fail_next("get_updates", error="conflict")
    with pytest.raises(Conflict):
        await app.bot.get_updates()


async def test_injected_failures(fake, app):
    fake.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(USER, "hi")
    assert caught.value.retry_after == dt.timedelta(seconds=7)
    fake.fail_next("sendMessage", chat_id=GROUP, error="forbidden")
    await app.bot.send_message(USER, "other chats are not affected")
    with pytest.raises(Forbidden, match="blocked by the user"):
        await app.bot.send_message(GROUP, "hi")
    fake.fail_next("sendMessage", error="server", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await app.bot.send_message(USER, "hi")
    assert [s.text for s in fake.sent()] == ["other chats are not affected"]


async def test_network_failure_breaks_the_connection_quietly(fake, app, caplog):
    fake.fail_next("sendMessage", error="network")
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(NetworkError, match="httpx"):
            await app.bot.send_message(USER, "hi")
        await app.bot.send_message(USER, "the next call works")
    assert [s.text for s in fake.sent()] == ["the next call works"]
    assert not [r for r in caplog.records if r.name.startswith("uvicorn") and r.levelno >= logging.WARNING]


async def test_blocked_user_and_kicked_bot(fake, app):
    fake.block(USER)
    fake.block(GROUP)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(USER, "hi")
    with pytest.raises(Forbidden, match="kicked from the supergroup"):
        await app.bot.send_document(GROUP, b"x", filename="a.txt")
    fake.unblock(USER)
    await app.bot.send_message(USER, "back")


async def test_groups_admins_and_members(fake, app):
    admins = await app.bot.get_chat_administrators(GROUP)
    assert [(a.user.id, a.status) for a in admins] == [(5, "creator"), (7, "administrator"),
                                                       (8, "administrator")]
    assert (await app.bot.get_chat_member(GROUP, 9)).status == "member"
    assert (await app.bot.get_chat_member(GROUP, USER)).status == "left"
    assert (await app.bot.get_chat_member(GROUP, app.bot.id)).status == "member"
    chat = await app.bot.get_chat(GROUP)
    assert (chat.title, chat.type, chat.is_forum) == ("Defenders", "supergroup", True)
    with pytest.raises(BadRequest):
        await app.bot.get_chat_administrators(USER)


async def test_flood_limits_refuse_too_fast_sends(fake, app):
    fake.monotonic = tick = Clock()
    fake.flood = FloodLimits()
    await app.bot.send_message(USER, "1")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(USER, "2")  # a private chat: one message a second
    tick.now += 1.0
    await app.bot.send_message(USER, "2")
    for n in range(20):
        tick.now += 0.5
        await app.bot.send_message(GROUP, str(n))
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(GROUP, "21st in a minute")
    assert caught.value.retry_after == dt.timedelta(seconds=51)  # when the first of the 20 leaves the window
    assert [c.at for c in fake.calls if c.chat_id == USER][-1] == 1001.0


async def test_flood_limit_overall(fake, app):
    fake.monotonic = tick = Clock()
    fake.flood = FloodLimits()
    for user in range(1, 32):
        fake.user_says(user, "/start")
    for user in range(1, 31):
        await app.bot.send_message(user, "same second")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(31, "31st in a second")
    tick.now += 1.0
    await app.bot.send_message(31, "next second")
    assert [code for _, code, _ in fake.errors] == [429]


@pytest.mark.parametrize("strict, flooded_first, later, refused", [
    # Telegram's flood wait after the overall limit is for the whole bot: every send waits it out
    (True, "overall", [(1.1, 32), (1.5, 33), (1.7, 32)], [32, 33]),  # the 429 said 1 s, at 0.6 s
    (False, "overall", [(1.1, 32), (1.5, 33)], []),       # the plain sliding window has room again
    (True, "chat", [(0.5, 32), (0.9, 33)], []),           # one chat's own limit holds no one else
])
async def test_strict_flood_limits_hold_the_whole_bot(fake, app, strict, flooded_first, later, refused):
    fake.monotonic = tick = Clock()
    fake.flood = FloodLimits(strict=strict)
    for user in range(1, 34):
        fake.user_says(user, "/start")
    if flooded_first == "overall":
        for user in range(1, 31):
            tick.now = 1000.0 + (user - 1) * 0.02
            await app.bot.send_message(user, "within 0.6 s")
        tick.now, target = 1000.6, 31
    else:
        await app.bot.send_message(1, "first")
        target = 1
    with pytest.raises(RetryAfter):
        await app.bot.send_message(target, "one too many")
    errors = len(fake.errors)
    for delay, user in later:
        tick.now = 1000.0 + delay
        with contextlib.suppress(RetryAfter):
            await app.bot.send_message(user, "during the wait")
    assert [c.chat_id for c, code, _ in fake.errors[errors:] if code == 429] == refused


@pytest.mark.parametrize("failure, status", [("stored_502", 502), ("stored_hang", None)])
async def test_a_fake_that_stores_then_fails(fake, failure, status):
    fake.user_says(5, "/start")
    fake.fail_next("sendMessage", chat_id=5, error=failure, hang=30)
    async with httpx.AsyncClient(base_url=f"{fake.base_url}{fake.token}", timeout=0.3) as client:
        try:
            answer = (await client.post("/sendMessage", json={"chat_id": 5, "text": "stored anyway"})).status_code
        except httpx.ReadTimeout:
            answer = None  # no answer before the client gave up
        assert answer == status
        assert [s.text for s in fake.sent(5)] == ["stored anyway"]
        assert (await client.post("/sendMessage", json={"chat_id": 5, "text": "next"})).status_code == 200


async def test_latency_delays_each_way_of_a_request():
    clock, slept = Clock(), []

    async def sleep(seconds):
        slept.append(seconds)
        clock.now += seconds

    fake = FakeTelegram(monotonic=clock, latency=Latency(0.1, 0.05, seed=3), sleep=sleep)
    async with fake.serve():
        fake.user_says(5, "/start")
        async with httpx.AsyncClient(base_url=f"{fake.base_url}{fake.token}") as client:
            for _ in range(20):
                await client.post("/sendMessage", json={"chat_id": 5, "text": "x"})
    assert len(slept) == 40 and all(0.025 <= s <= 0.075 for s in slept)  # 50 ± 25 ms each way
    assert max(slept) - min(slept) > 0.03  # it does jitter
    arrivals = [c.at for c in fake.calls]
    assert arrivals[0] == pytest.approx(1000.0 + slept[0])  # counted when it arrives, after the way in
    again = random_legs(3, 40)
    assert slept == pytest.approx(again)  # seeded: a run can be repeated


def random_legs(seed, n):
    rng = random.Random(seed)
    return [0.05 + rng.uniform(-0.025, 0.025) for _ in range(n)]


async def test_wait_for_sent_wakes_on_change_and_times_out(fake, app):
    waiting = asyncio.create_task(fake.wait_for_sent(1, chat_id=USER, timeout=2))
    await app.bot.send_message(USER, "hi")
    assert [s.text for s in await waiting] == ["hi"]
    with pytest.raises(TimeoutError, match="sent 1"):
        await fake.wait_for_sent(2, timeout=0.05)


async def test_raw_http_shapes(fake):
    async with httpx.AsyncClient(base_url=f"{fake.base_url}{fake.token}") as client:
        assert (await client.get("/getMe")).json()["result"]["username"] == "HrdTestBot"
        answer = await client.post("/sendMessage", json={"chat_id": 5, "text": "hi"})
        assert (answer.status_code, answer.json()) == (400, {"ok": False, "error_code": 400,
                                                              "description": "Bad Request: chat not found"})
        fake.fail_next("getMe", retry_after=3)
        assert (await client.get("/getme")).json()["parameters"] == {"retry_after": 3}  # names ignore case
        missing = await client.post("/noSuchMethod")
        assert (missing.status_code, missing.json()["description"]) == (404, "Not Found: method not found")
    async with httpx.AsyncClient() as client:
        wrong = await client.get(f"{fake.base_url}123:wrong/getMe")
        assert (wrong.status_code, wrong.json()["description"]) == (401, "Unauthorized")


async def test_nothing_secret_is_logged(fake, app, caplog):
    with caplog.at_level(logging.DEBUG, logger="bot.telegram.fakeapi"):
        await app.bot.send_message(USER, "secret reminder text")
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("bot.telegram", "uvicorn"))]
    assert ours == ["fake Bot API: sendMessage"]


async def test_serve_in_this_event_loop():
    fake = FakeTelegram(clock=lambda: NOW.timestamp())
    async with fake.serve():
        url = fake.base_url
        fake.user_says(USER, "/start")
        async with build_app(fake) as app:
            waiting = asyncio.create_task(fake.wait_for_sent(1))
            await app.bot.send_message(USER, "same loop")
            assert [s.text for s in await waiting] == ["same loop"]
    with pytest.raises(RuntimeError):
        fake.base_url
    with pytest.raises(httpx.ConnectError):  # the port is closed
        httpx.get(f"{url}{fake.token}/getMe")


def test_serve_in_thread_for_callers_without_a_loop():
    fake = FakeTelegram()
    with fake.serve_in_thread():
        assert httpx.get(f"{fake.base_url}{fake.token}/getMe").json()["ok"] is True
        fake.user_says(USER, "/start")

        async def send_and_wait():  # the bot and the waiter live in this loop, the server in its thread
            async with Bot(fake.token, base_url=fake.base_url) as bot:
                waiting = asyncio.create_task(fake.wait_for_sent(1, timeout=2))
                await bot.send_message(USER, "across threads")
                return await waiting

        assert [s.text for s in asyncio.run(send_and_wait())] == ["across threads"]
    with pytest.raises(RuntimeError):
        fake.base_url


async def test_reply_keyboards_are_recorded_but_not_echoed(fake, app):
    languages = ReplyKeyboardMarkup([["en", "fr"]])
    message = await app.bot.send_message(USER, "Which language?", reply_markup=languages)
    assert message.reply_markup is None
    assert fake.sent(USER)[0].reply_markup["keyboard"] == [[{"text": "en"}, {"text": "fr"}]]
    with pytest.raises(BadRequest, match="(?i)replied not found"):
        await app.bot.send_message(USER, "re", reply_to_message_id=999)
    reply = await app.bot.send_message(USER, "re", reply_to_message_id=message.message_id)
    assert reply.reply_to_message.message_id == fake.sent(USER)[-1].reply_to == message.message_id
