"""Handlers through python-telegram-bot with a recording request: no network, no server. Each
update goes through `application.process_update`; what the bot asked of the Bot API is recorded
and answered from a table."""

import asyncio
import contextlib
import datetime as dt
import gc
import json

import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder
from telegram.request import BaseRequest

from bot import store
from bot.settings import Settings
from bot.telegram import app, handlers, service
from bot.telegram.delivery import Pacer

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
BOT = {"id": 777, "is_bot": True, "first_name": "HRD Calendar", "username": "HrdBot"}
RECORDS = [
    {"id": "2026-12-15-deadline-000000000a", "kind": "deadline", "subtype": "nomination", "title": "Courage Award <2027>",
     "start": "2026-12-15", "end": None, "organizer": "Defenders & Co", "location": "Geneva", "url": "https://example.org/a",
     "status": "confirmed", "sequence": 0, "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-01T10:00:00+00:00"},
    {"id": "2026-12-16-hearing-000000000b", "kind": "hearing", "subtype": "appeal", "title": "Appeal of the Lamu defenders",
     "start": "2026-12-16T10:00+03:00", "end": None, "timezone": "Africa/Nairobi", "location": "Malindi",
     "status": "confirmed", "sequence": 0, "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-01T10:00:00+00:00"},
    {"id": "2027-01-15-deadline-000000000c", "kind": "deadline", "subtype": "fellowship",
     "title": "Programme de résidence pour défenseures", "start": "2027-01-15", "end": None, "location": "Paris",
     "status": "confirmed", "sequence": 0, "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-01T10:00:00+00:00"},
    {"id": "2027-01-20-hearing-000000000d", "kind": "hearing", "subtype": "trial", "title": "Trial of journalists in Türkiye",
     "start": "2027-01-20", "end": None, "location": "İstanbul",
     "status": "confirmed", "sequence": 0, "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-01T10:00:00+00:00"},
]


class Recording(BaseRequest):
    """Records each Bot API call and answers it: a message echo for sends, a table for the rest."""

    def __init__(self, member_status="member"):
        self.calls: list[tuple[str, dict]] = []
        self.member_status = member_status
        self.next_id = 100

    @property
    def read_timeout(self):
        return 1.0

    async def initialize(self):
        pass

    async def shutdown(self):
        pass

    async def do_request(self, url, method, request_data=None, **timeouts):
        name = url.rsplit("/", 1)[1]
        params = {k: _decode(v) for k, v in (request_data.json_parameters if request_data else {}).items()}
        self.calls.append((name, params))
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name, params):
        if name == "getMe":
            return BOT
        if name == "getChatMember":
            return {"status": self.member_status, "is_anonymous": False,
                    "user": {"id": params["user_id"], "is_bot": False, "first_name": "U"}}
        if name in ("sendMessage", "editMessageText", "sendDocument"):
            self.next_id += 1
            return {"message_id": params.get("message_id", self.next_id), "date": 0, "from": BOT,
                    "chat": {"id": params["chat_id"], "type": "private"}, "text": params.get("text", "")}
        return True

    def sent(self, name="sendMessage"):
        return [params for method, params in self.calls if method == name]


def _decode(value):
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


def _message(text, chat_id=501, chat_type="private", user_id=501, update_id=1):
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}] if text.startswith("/") else []
    chat = {"id": chat_id, "type": chat_type} | ({"title": "Group"} if chat_type != "private" else {"first_name": "A"})
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": chat, "text": text, "entities": entities,
        "from": {"id": user_id, "is_bot": False, "first_name": "A"}}}


def _press(data, chat_id=501, message_id=55):
    return {"update_id": 9, "callback_query": {
        "id": "q1", "chat_instance": "c", "data": data, "from": {"id": chat_id, "is_bot": False, "first_name": "A"},
        "message": {"message_id": message_id, "date": 0, "chat": {"id": chat_id, "type": "private", "first_name": "A"},
                    "from": BOT, "text": "…"}}}


@pytest.fixture
async def harness(tmp_path):
    root = tmp_path / "calendars"
    store.Store(root).save({r["id"]: r for r in RECORDS}, {r["id"] for r in RECORDS})
    settings = Settings(store=root, database_url=f"sqlite:///{tmp_path / 'state.sqlite3'}")
    service = app.make_service(settings, lambda: NOW)
    request = Recording()
    application = ApplicationBuilder().token("1:offline").request(request).get_updates_request(Recording()).build()
    application.bot_data["service"] = service
    handlers.install(application)
    app.attach_outbox(service, application)
    service.outbox.pacer = Pacer(1000, 0.0, 1000)
    sender = asyncio.create_task(service.outbox.run())
    async with application:
        yield application, request, service
    service.outbox.close()
    await sender


async def _process(application, data):
    await application.process_update(Update.de_json(data, application.bot))
    await application.bot_data["service"].outbox.drain()  # handlers queue their replies


@pytest.mark.parametrize("text, expected", [
    ("/help", "/upcoming [N] [kind or type] [words]"),
    ("/upcoming", "Courage Award &lt;2027&gt;"),          # titles are escaped for HTML
    ("/upcoming 1", "(1–1 of 4)"),
    ("/hearings", "Appeal of the Lamu defenders"),
    ("/upcoming appeal", "Appeal of the Lamu defenders"),
    ("/search geneva", "Courage Award"),
    ("/search", "Tell me what to look for"),
    ("/timezone", "This chat's time zone is UTC"),
    ("/timezone Africa/Nairobi", "Time zone set to Africa/Nairobi."),
    ("/follow journalists", "Following: journalists."),
    ("/follow nomination job", "Following: nomination, job. I remind you of items that mention any of these"),
    ('/follow "human rights", land', "Following: human rights, land."),
    ("/follow ✊🏿", "I can follow words with letters or digits; ✊🏿 has none. Follow words with"),
    ("/follow " + " ".join(f"word{n}" for n in range(60)), "A chat follows at most 50 words; /unfollow some first."),
    ('/follow "' + "long " * 20 + '"', "A followed word or phrase has at most 64 characters."),
    ("/unfollow nothing-like-this", "Not following that. Now following: everything."),
    ('/follow ""', "Follow words with e.g."),
    ("/unfollow", "Unfollow with e.g. <code>/unfollow journalists</code>, or <code>/unfollow all</code>."),
    ('/follow "human rights', "Following: human rights."),
    ('/search "', "Tell me what to look for"),
    ("/search defenseures", "Programme de résidence pour défenseures"),
    ("/search TURKIYE", "Trial of journalists in Türkiye"),
    ("/search istanbul journalists", "Trial of journalists in Türkiye"),
    ("/search journalists paris", "nothing ahead"),
    ("/deadlines nomination geneva", "Next nominations for “geneva”"),
    ("/deadlines nomination lamu", "nothing ahead"),
    ("/deadlines paris", "Programme de résidence"),
    ("/hearings trial", "Trial of journalists in Türkiye"),
    ("/feeds", "/feeds/"),
    ("/forget", "Delete this chat's settings"),
    ("/frobnicate", "I don't know that command. /help lists what I can do."),
    ("/reminders", "Reminders before deadlines: 14d, 3d, 1d, morning"),
    ("/reminders deadlines 21d 7d 1d morning", "Reminders set: 21d, 7d, 1d, morning."),
    ("/reminders events none", "Reminders set: none."),
    ("/reminders events soon", "Not changed: 'soon' is not a lead time (use e.g. 14d"),
    ("/reminders deadlines 500d 1d", "Not changed: '500d' is more than 366 days ahead"),
    ("/reminders deadlines " + " ".join(f"{n}d" for n in range(1, 10)), "Not changed: at most 8 entries."),
])
async def test_commands_answer(harness, text, expected):
    application, request, _ = harness
    await _process(application, _message(text))
    [reply] = request.sent()
    assert expected in reply["text"] and reply["chat_id"] == 501 and reply["parse_mode"] == "HTML"


async def test_start_welcomes_and_offers_the_settings_keyboard(harness):
    application, request, service = harness
    await _process(application, _message("/start"))
    [reply] = request.sent()
    buttons = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["set:tz", "set:kinds", "set:dl", "set:ev", "set:digest", "set:quiet"]
    assert service.state.chat(501).type == "private"


async def test_a_group_member_cannot_change_settings(harness):
    application, request, service = harness
    await _process(application, _message("/timezone Europe/Paris", chat_id=-100, chat_type="supergroup", user_id=9))
    assert request.sent()[-1]["text"] == "Only the group's admins can change its settings."
    assert service.state.chat(-100).timezone == "UTC"
    request.member_status = "creator"
    await _process(application, _message("/timezone Europe/Paris", chat_id=-100, chat_type="supergroup", user_id=9, update_id=2))
    assert service.state.chat(-100).timezone == "Europe/Paris"


async def test_channels_use_commands_in_posts(harness):
    application, request, service = harness
    post = {"update_id": 3, "channel_post": {"message_id": 3, "date": 0, "text": "/timezone Europe/Kyiv",
            "chat": {"id": -1009, "type": "channel", "title": "Defenders news"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 9}]}}
    await _process(application, post)
    assert request.sent()[-1]["text"] == "Time zone set to Europe/Kyiv." and request.sent()[-1]["chat_id"] == -1009
    assert service.state.chat(-1009).type == "channel"


async def test_settings_button_toggles_a_lead_time_and_redraws(harness):
    application, request, service = harness
    await _process(application, _message("/start"))
    await _process(application, _press("dl:14d"))
    assert service.state.chat(501).deadline_leads == ["3d", "1d", "morning"]
    [edit] = request.sent("editMessageText")
    assert "Reminders before deadlines: 3d, 1d, morning" in edit["text"]
    assert request.sent("answerCallbackQuery")


async def test_pressing_more_shows_the_next_page(harness):
    application, request, _ = harness
    await _process(application, _message("/upcoming 1"))
    data = request.sent()[-1]["reply_markup"]["inline_keyboard"][0][-1]["callback_data"]
    assert data == "pg:1:1::"
    await _process(application, _press(data))
    assert "(2–2 of 4)" in request.sent("editMessageText")[-1]["text"]


async def test_add_to_calendar_sends_a_one_event_file(harness):
    application, request, _ = harness
    await _process(application, _message("/start"))
    await _process(application, _press("ics:2026-12-16-hearing-000000000b"))
    assert any(method == "sendDocument" for method, _ in request.calls)


@pytest.mark.parametrize("data, answer", [
    ("snz:2026-12-15-deadline-000000000a", "I'll remind you again in a day."),
    ("mute:2026-12-15-deadline-000000000a", "You won't hear about this one again."),
    ("mute:2020-01-01-deadline-0000000000", "That item is no longer in the calendar."),
    ("fgt:no", "Nothing deleted."),
])
async def test_item_buttons(harness, data, answer):
    application, request, _ = harness
    await _process(application, _message("/start"))
    await _process(application, _press(data))
    assert request.sent("answerCallbackQuery")[-1]["text"] == answer


async def test_status_is_for_operators_only(harness):
    application, request, service = harness
    await _process(application, _message("/start", update_id=3))
    await _process(application, _message("/status"))
    assert request.sent()[-1]["text"] == "This command is for the bot's operators."
    service.settings = service.settings.model_copy(update={"telegram": service.settings.telegram.model_copy(update={"admin_ids": [501]})})
    await _process(application, _message("/status", update_id=2))
    text = request.sent()[-1]["text"]
    assert "Active chats: 1" in text and "Items in the store: 4" in text and "501" not in text


@pytest.mark.parametrize("raises", [False, True])
def test_bulk_reads_pause_the_collector_and_always_give_it_back(raises):
    was_on = gc.isenabled()
    try:
        for start_on in (True, False):
            (gc.enable if start_on else gc.disable)()
            with contextlib.suppress(RuntimeError), service.no_collector_passes():
                assert not gc.isenabled()
                if raises:
                    raise RuntimeError("a database error mid-read")
            assert gc.isenabled() is start_on
    finally:
        (gc.enable if was_on else gc.disable)()


async def test_the_chats_are_read_with_the_collector_paused(harness, monkeypatch):
    _, _, svc = harness
    seen = []
    real = svc.state.active_chat_rows
    monkeypatch.setattr(svc.state, "active_chat_rows", lambda: seen.append(gc.isenabled()) or real())
    svc.touch()
    svc.chats()
    assert seen == [False] and gc.isenabled()


async def test_a_chat_that_starts_while_all_chats_are_read_is_planned_next_time(harness, monkeypatch):
    """A /start during the start-up plan's read of all chats: that read may miss the new chat,
    so it must not be kept as the cache (it would hide the chat's reminders for ten minutes)."""
    _, _, svc = harness
    real = svc.state.active_chat_rows

    def read_while_a_chat_starts():
        rows = real()  # read before the chat existed
        svc.state.ensure_chat(777, "private", NOW)
        svc.touch(777)  # what the handler does
        return rows
    monkeypatch.setattr(svc.state, "active_chat_rows", read_while_a_chat_starts)
    svc.touch()
    assert 777 not in [c.id for _, c in svc.chats()]  # this read could not know
    monkeypatch.setattr(svc.state, "active_chat_rows", real)
    assert 777 in [c.id for _, c in svc.chats()]

