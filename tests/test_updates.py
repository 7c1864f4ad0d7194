"""Updates are handled concurrently and never wait for the wire: a handler queues its reply, and
one chat's slow call holds up no other chat, while each chat's updates keep their order."""

import asyncio
import datetime as dt
import json

import pytest
from telegram import Update
from telegram.ext import ApplicationBuilder
from telegram.request import BaseRequest

from bot.settings import Settings
from bot.telegram import app, handlers

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)
BOT = {"id": 777, "is_bot": True, "first_name": "HRD Calendar", "username": "HrdBot"}


class Offline(BaseRequest):
    """Answers getMe and records the other calls; nothing is ever sent anywhere."""

    def __init__(self):
        self.calls: list[str] = []

    @property
    def read_timeout(self):
        return 1.0

    async def initialize(self):
        pass

    async def shutdown(self):
        pass

    async def do_request(self, url, method, request_data=None, **timeouts):
        name = url.rsplit("/", 1)[-1]
        self.calls.append(name)
        return 200, json.dumps({"ok": True, "result": BOT if name == "getMe" else True}).encode()


def _update(update_id, chat_id, text):
    chat = {"id": chat_id, "type": "private", "first_name": "A"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": chat, "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        "from": {"id": chat_id, "is_bot": False, "first_name": "A"}}}


@pytest.mark.parametrize("text", ["/start", "/help", "/upcoming", "/settings", "/timezone Nairobi"])
async def test_a_handler_queues_its_reply_and_returns_without_the_wire(tmp_path, text):
    """No outbox runs here: a handler that waited for its paced reply would never return."""
    settings = Settings(store=tmp_path / "calendars", database_url=f"sqlite:///{tmp_path / 'state.sqlite3'}")
    service = app.make_service(settings, lambda: NOW)
    request = Offline()
    application = ApplicationBuilder().token("1:offline").request(request).get_updates_request(Offline()).build()
    application.bot_data["service"] = service
    handlers.install(application)
    app.attach_outbox(service, application)
    async with application:
        await asyncio.wait_for(application.process_update(Update.de_json(_update(1, 501, text), application.bot)), 10)
        assert service.outbox.queued() == 1 and "sendMessage" not in request.calls
    service.state.engine.dispose()


class Story:
    """Updates whose handling a test releases step by step, recording the order of events."""

    def __init__(self):
        self.events: list[str] = []
        self.release: dict[str, asyncio.Event] = {}

    def handling(self, name):
        self.release[name] = asyncio.Event()

        async def handle():
            self.events.append(f"{name} starts")
            await self.release[name].wait()
            self.events.append(f"{name} ends")
        return handle()


class _Chat:
    def __init__(self, chat_id):
        self.effective_chat = type("Chat", (), {"id": chat_id})()


async def _settle():
    for _ in range(10):
        await asyncio.sleep(0)


@pytest.mark.parametrize("arrivals, released, expected", [
    # a slow update for chat 1 holds up neither chat 2 nor chat 3
    ([(1, "a1"), (2, "b1"), (3, "c1")], ["b1", "c1", "a1"],
     ["a1 starts", "b1 starts", "c1 starts", "b1 ends", "c1 ends", "a1 ends"]),
    # chat 1's second update waits for its first: each chat in the order it spoke
    ([(1, "a1"), (1, "a2"), (2, "b1")], ["b1", "a1", "a2"],
     ["a1 starts", "b1 starts", "b1 ends", "a1 ends", "a2 starts", "a2 ends"]),
])
async def test_chats_are_handled_side_by_side_each_in_its_order(arrivals, released, expected):
    order, story = app.ChatOrder(), Story()
    tasks = [asyncio.create_task(order.process_update(_Chat(chat), story.handling(name))) for chat, name in arrivals]
    for name in released:
        await _settle()
        story.release[name].set()
    await asyncio.gather(*tasks)
    assert story.events == expected and order.chats == {}
