"""A fake Telegram Bot API server, for tests and the offline demo (`python -m bot try`).

Telegram cannot be reached from here, so the real python-telegram-bot `Application` talks HTTP to
this server instead, through PTB's `base_url`:

    fake = FakeTelegram()
    async with fake.serve():
        app = (ApplicationBuilder().token(fake.token).base_url(fake.base_url)
               .base_file_url(fake.base_file_url).build())
        ...                                  # add handlers, start polling
        fake.user_says(42, "/start")         # a user writes to the bot
        [reply] = await fake.wait_for_sent(1, chat_id=42)

`FakeTelegram` holds the state (the bot user, users, chats, messages, the update queue, commands)
and answers `/bot<token>/<method>` the way the Bot API does: `{"ok": true, "result": ...}`, or
`{"ok": false, "error_code": N, "description": ..., "parameters": {"retry_after": S}}` with the
same HTTP status, which is what PTB turns into its exceptions. Only the methods our bot uses are
implemented, and their checks are the ones a bot can trip over (empty or too long text, unknown
chat, an edit that changes nothing, a blocked user, flood limits). Test controls (`user_says`,
`user_presses`, `block`, `fail_next`, ...) are plain methods; what the bot did is in `sent()`,
`calls`, `errors` and `answers`. `latency` delays each request on its way in and its answer on
its way out; `fail_next` can also store a message and then answer 502, or hang, as Telegram's
gateways sometimes do.

The server is a Starlette app (`fake.app`) run by uvicorn on 127.0.0.1 at a free port, either in
the caller's event loop (`async with fake.serve()`) or in a thread of its own for callers without
one (`with fake.serve_in_thread()`). Time comes from the injected `clock` (message dates) and
`monotonic` (call log, flood limits). Only method names are logged, at debug level: never the
token, never a message's text.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import inspect
import itertools
import json
import logging
import math
import random
import re
import socket
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Iterable, Iterator, NamedTuple
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
UPLOAD_LIMIT = 50 * 1024 * 1024
DEFAULT_USER_ID = 1000  # who speaks in a group when the test does not say
CONFLICT_POLL = ("Conflict: terminated by other getUpdates request; "
                 "make sure that only one bot instance is running")
CONFLICT_WEBHOOK = ("Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first")
# Telegram leaves these out unless asked for by name in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
ERRORS = frozenset({"retry_after", "server", "network", "conflict", "forbidden", "stored_502", "stored_hang"})
AFTER_STORING = frozenset({"stored_502", "stored_hang"})  # failures that come after the method did its work
COMMAND = r"[a-z0-9_]{1,32}"  # what Telegram accepts as a command name


class ApiError(Exception):
    """A Bot API error answer: HTTP status = error_code, and PTB reads the description."""

    def __init__(self, code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


class Call(NamedTuple):
    """One request the bot made: method name, target chat (None if it has none), `monotonic()`."""

    method: str
    chat_id: int | str | None
    at: float


@dataclass(frozen=True)
class SentDocument:
    """A file the bot uploaded, kept byte for byte."""

    file_id: str
    file_unique_id: str
    filename: str | None
    data: bytes
    mime_type: str | None


@dataclass(frozen=True)
class Sent:
    """A message from the bot as it stands now (edits applied, `deleted` if it was deleted)."""

    chat_id: int
    message_id: int
    text: str | None
    reply_markup: dict | None
    thread_id: int | None
    document: SentDocument | None
    timestamp: float  # the fake's clock() when it was sent
    caption: str | None = None
    parse_mode: str | None = None
    link_preview: dict | None = None
    reply_to: int | None = None
    edited: bool = False
    deleted: bool = False

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """(text, callback_data) of every inline button, row after row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(button.get("text"), button.get("callback_data")) for row in rows for button in row]


@dataclass(frozen=True)
class Answer:
    """The bot's answer to a button press (answerCallbackQuery)."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class FloodLimits:
    """(messages, seconds) sliding windows, after Telegram's published limits; exceeding one gets
    a 429. `strict`: a 429 for the overall limit is for the bot as a whole, as Telegram's flood
    wait is: every send until the wait it announced has passed gets a 429 too."""

    private: tuple[int, float] = (1, 1.0)
    group: tuple[int, float] = (20, 60.0)
    overall: tuple[int, float] = (30, 1.0)
    strict: bool = False


@dataclass(frozen=True)
class Latency:
    """How long requests take on the way: the way in (before the fake reads a request, and
    counts it against the flood limits) and the way out (before its answer is sent) each take
    half of `round_trip`, give or take half of `jitter`, uniformly and independently; so a round
    trip is `round_trip` ± `jitter`. Seeded, so a run can be repeated."""

    round_trip: float = 0.0
    jitter: float = 0.0
    seed: int = 0


@dataclass
class _Failure:
    method: str
    chat_id: int | str | None
    times: int
    error: str
    retry_after: int
    hang: float = 60.0


@dataclass
class _Group:
    owner: int | None
    admins: list[int]
    members: list[int]
    bot_status: str


@dataclass
class _Record:
    """A stored message with what the Bot API does not echo back (keyboards other than inline)."""

    message: dict
    timestamp: float
    markup: dict | None = None
    parse_mode: str | None = None
    link_preview: dict | None = None
    edited: bool = False
    deleted: bool = False


@dataclass
class _Upload:
    filename: str | None
    data: bytes
    mime_type: str | None


@dataclass
class _Outgoing:
    """The validated parts of a send that are not its content."""

    markup: dict | None
    thread_id: int | None
    reply_to: dict | None
    parse_mode: str | None


class _Hangup(Exception):
    """An injected "network" failure: raised by the failure queue, and again by `_HangupResponse`
    once the answer's headers are out, which makes uvicorn close the connection mid-answer."""


class _HangupResponse(Response):
    """What an injected network failure looks like to the client: the connection breaks."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # ASGI has no "drop the connection" message; a server closes it when the app fails after
        # starting its answer, so the client sees headers promising a body that never comes.
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")]})
        raise _Hangup()


class _HushHangups(logging.Filter):
    """Keep uvicorn from logging our deliberate hang-ups as application errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _Hangup))


class _QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers: the fake runs inside someone else's program (pytest,
    the demo), and Ctrl-C must stay theirs."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def install_signal_handlers(self) -> None:  # the name in older uvicorn releases
        pass


class _Wakeup:
    """Wakes coroutines waiting for the fake's state to change, in whatever event loop they run
    (with `serve_in_thread` the server and the test have different loops)."""

    def __init__(self) -> None:
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()

    def fire(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # that loop closed meanwhile
                loop.call_soon_threadsafe(event.set)

    async def until(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Wait until `ready()` holds (re-checked at each change) or `timeout` seconds pass."""
        loop, event = asyncio.get_running_loop(), asyncio.Event()
        with self._lock:
            self._waiters.add((loop, event))
        try:
            return await self._wait(loop, event, ready, loop.time() + timeout)
        finally:
            with self._lock:
                self._waiters.discard((loop, event))

    @staticmethod
    async def _wait(loop: asyncio.AbstractEventLoop, event: asyncio.Event, ready: Callable[[], bool],
                    deadline: float) -> bool:
        # Registered before the first check and cleared before each re-check, so no change is missed.
        while not ready():
            left = deadline - loop.time()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), left)
            event.clear()
        return True


class _Params:
    """A call's parameters. Form fields are strings (PTB JSON-encodes every non-string value);
    a JSON body is already typed. Getters convert and answer 400 when they cannot."""

    def __init__(self, values: dict[str, Any], files: dict[str, _Upload]):
        self.values, self.files = values, files

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value is None or isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def seconds(self, name: str) -> float:
        try:
            return max(float(self.values.get(name) or 0), 0.0)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "true", "True", "1")

    def obj(self, name: str) -> Any:
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None

    def chat_id(self) -> int | str | None:
        """An integer id, or a public "@username"; None when absent."""
        value = self.values.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            return int(value)
        return value or None


def _html5_unquote(value: str) -> str:
    # httpx writes names the HTML5 way: '"' and control characters %-escaped, '\' doubled.
    return re.sub(r"%([0-9A-Fa-f]{2})|\\(.)", lambda m: m[2] or chr(int(m[1], 16)), value)


def _multipart(body: bytes, content_type: str) -> Iterator[tuple[dict[str, str], str, bytes]]:
    """(Content-Disposition parameters, Content-Type, bytes) of each part of a form-data body."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if not boundary:
        raise ApiError(400, "Bad Request: multipart boundary is missing")
    for part in body.split(b"--" + boundary[1].encode())[1:-1]:  # the last piece is the closing "--"
        head, _, data = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        lines = (line.partition(":") for line in head.decode("utf-8", "replace").split("\r\n"))
        headers = {name.strip().lower(): value.strip() for name, _, value in lines}
        found = re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', headers.get("content-disposition", ""))
        yield {key: _html5_unquote(value) for key, value in found}, headers.get("content-type"), \
            data.removesuffix(b"\r\n")


def _form_data(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, _Upload]]:
    values: dict[str, Any] = {}
    files: dict[str, _Upload] = {}
    for disposition, mime_type, data in _multipart(body, content_type):
        name = disposition.get("name", "")
        if "filename" in disposition:
            files[name] = _Upload(disposition["filename"], data, mime_type)
        else:
            values[name] = data.decode("utf-8", "replace")
    return values, files


async def _read_params(request: Request) -> _Params:
    """Query string plus body: url-encoded (PTB without files), multipart (with files) or JSON."""
    values: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "").lower()
    body = await request.body()
    if not body:
        return _Params(values, {})
    if content_type.startswith("multipart/form-data"):
        fields, files = _form_data(body, request.headers["content-type"])
        return _Params(values | fields, files)
    if content_type.startswith("application/json"):
        return _Params(values | _json_object(body), {})
    return _Params(values | dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)), {})


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ApiError(400, "Bad Request: the body is not a JSON object")
    return data


def _error_response(error: ApiError) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return JSONResponse(body, status_code=error.code)


def _visible(text: str, parse_mode: str | None) -> str:
    """The text a user sees. Telegram's limits apply after markup is parsed; only HTML is undone
    here (Markdown is counted as written, which errs on the safe side)."""
    if (parse_mode or "").lower() == "html":
        return html.unescape(re.sub(r"<[^>]*>", "", text))
    return text


def _message_text(p: _Params) -> str:
    text = p.text("text") or ""
    visible = _visible(text, p.text("parse_mode"))
    if not visible.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(visible) > TEXT_LIMIT:  # Telegram counts characters (code points), as len() does
        raise ApiError(400, "Bad Request: message is too long")
    return text


def _caption(p: _Params) -> str | None:
    caption = p.text("caption")
    if caption and len(_visible(caption, p.text("parse_mode"))) > CAPTION_LIMIT:
        raise ApiError(400, "Bad Request: message caption is too long")
    return caption or None


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # entity offsets and lengths are in UTF-16 units


def _command_entities(text: str) -> dict[str, list]:
    """A text opening with "/cmd" or "/cmd@BotName" carries a bot_command entity, which is what
    PTB's CommandHandler looks for."""
    command = text.split(maxsplit=1)[0] if text.startswith("/") else ""
    if len(command) < 2:
        return {}
    return {"entities": [{"type": "bot_command", "offset": 0, "length": _utf16_length(command)}]}


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError(400, "Bad Request: can't parse inline keyboard button")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _check_markup(markup: Any) -> dict | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard", [])
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for button in itertools.chain.from_iterable(rows):
        _check_button(button)
    return markup


def _check_commands(commands: Any) -> list[dict]:
    def valid(c: Any) -> bool:
        return (isinstance(c, dict) and isinstance(c.get("command"), str) and re.fullmatch(COMMAND, c["command"])
                and isinstance(c.get("description"), str) and 1 <= len(c["description"].strip()) <= 256)

    if not isinstance(commands, list) or len(commands) > 100 or not all(valid(c) for c in commands):
        raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
    return [{"command": c["command"], "description": c["description"]} for c in commands]


def _window_wait(times: deque, limit: tuple[int, float], now: float) -> float:
    """Seconds until one more message fits in a sliding (count, period) window."""
    count, period = limit
    while times and times[0] <= now - period:
        times.popleft()
    return 0.0 if len(times) < count else times[len(times) - count] + period - now


def _admin_rights(forum: bool) -> dict[str, bool]:
    """An administrator who runs the group day to day (PTB needs every field to build the object)."""
    granted = dict.fromkeys(("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                             "can_restrict_members", "can_change_info", "can_invite_users",
                             "can_pin_messages"), True)
    withheld = dict.fromkeys(("can_be_edited", "is_anonymous", "can_promote_members", "can_post_stories",
                              "can_edit_stories", "can_delete_stories"), False)
    return granted | withheld | {"can_manage_topics": forum}


def _callback_data(markup: dict | None) -> list[str]:
    return [button.get("callback_data") for row in (markup or {}).get("inline_keyboard", []) for button in row]


def _kind(update: dict) -> str:
    return next(key for key in update if key != "update_id")


def _method_key(name: str) -> str:
    # Bot API method names are case-insensitive; tests may also write them in snake_case.
    return name.replace("_", "").lower()


class FakeTelegram:
    """The Bot API's state for one bot, its HTTP face (`app`), and the controls tests use."""

    def __init__(self, token: str = "123456789:AAFakeTokenForTestsOnly", *, username: str = "HrdTestBot",
                 first_name: str = "HRD Calendar", clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic, flood: FloodLimits | None = None,
                 latency: Latency | None = None, sleep: Callable[[float], Any] = asyncio.sleep):
        self.token, self.clock, self.monotonic, self.flood = token, clock, monotonic, flood
        self.latency, self._sleep = latency, sleep
        self._rng = random.Random(latency.seed if latency else 0)
        prefix = token.split(":", 1)[0]  # a real token starts with the bot's id
        self.bot_user = {"id": int(prefix) if prefix.isdigit() else 1, "is_bot": True, "first_name": first_name,
                         "username": username}
        self.log = logging.getLogger(__name__)
        self._lock = threading.RLock()  # tests may call in from another thread than the server's
        self._wake = _Wakeup()
        self._init_state()
        self._methods = self._method_table()
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                                     Route("/file/bot{token}/{path:path}", self._download)])
        self._port: int | None = None
        self._closing = False

    def _init_state(self) -> None:
        self._users: dict[int, dict] = {}
        self._chats: dict[int, dict] = {}
        self._groups: dict[int, _Group] = {}
        self._messages: dict[int, dict[int, _Record]] = {}
        self._sent: list[_Record] = []
        self._files: dict[str, SentDocument] = {}
        self._updates: list[dict] = []
        self._ids = itertools.count(1)  # update, query and file ids
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._webhook = ""
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self.menu_buttons: dict[int | None, Any] = {}
        self._queries: dict[str, bool] = {}
        self._answers: list[Answer] = []
        self._blocked: set[int] = set()
        self._failures: list[_Failure] = []
        self._calls: list[Call] = []
        self._errors: list[tuple[Call, int, str]] = []
        self._sends_overall: deque = deque()
        self._sends_by_chat: dict[int, deque] = {}
        self._flood_until = float("-inf")  # strict limits: the bot's flood wait ends then

    def _method_table(self) -> dict[str, tuple[str, Callable]]:
        handlers = {
            "getMe": self._get_me, "logOut": self._true, "close": self._true,
            "setWebhook": self._set_webhook, "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._webhook_info, "getUpdates": self._get_updates,
            "setMyCommands": self._set_commands, "getMyCommands": self._get_commands,
            "deleteMyCommands": self._delete_commands, "sendMessage": self._send_message,
            "editMessageText": self._edit_text, "editMessageReplyMarkup": self._edit_markup,
            "deleteMessage": self._delete_message, "answerCallbackQuery": self._answer_query,
            "sendDocument": self._send_document, "getFile": self._get_file, "sendChatAction": self._chat_action,
            "getChat": self._get_chat, "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_admins, "setChatMenuButton": self._set_menu_button,
        }
        return {_method_key(name): (name, handler) for name, handler in handlers.items()}

    # ---- running the server ----------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the fake Bot API is not serving; use `async with fake.serve()`")
        return self._port

    @property
    def base_url(self) -> str:
        """For PTB's `base_url`: PTB appends the token and "/<method>"."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @contextlib.asynccontextmanager
    async def serve(self) -> AsyncIterator[FakeTelegram]:
        """Serve HTTP on 127.0.0.1 at a free port, in this event loop, until the block ends."""
        if self._port is not None:
            raise RuntimeError("the fake Bot API is already serving")
        # Binding here tells us the port before uvicorn starts. IPPROTO_TCP must be explicit: asyncio
        # sets TCP_NODELAY only on sockets that say so, and without it each answer waits ~40 ms.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        server, hush = self._uvicorn(), _HushHangups()
        logging.getLogger("uvicorn.error").addFilter(hush)
        self._closing = False
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            await self._started(server, task)
            self._port = sock.getsockname()[1]
            yield self
        finally:
            await self._stop(server, task)
            sock.close()
            logging.getLogger("uvicorn.error").removeFilter(hush)

    def _uvicorn(self) -> uvicorn.Server:
        # No access log: it would write the token, which is part of every path.
        config = uvicorn.Config(self.app, log_config=None, access_log=False, lifespan="off", ws="none",
                                interface="asgi3", timeout_graceful_shutdown=2)
        return _QuietServer(config)

    @staticmethod
    async def _started(server: uvicorn.Server, task: asyncio.Task) -> None:
        # uvicorn offers a flag, not an event: look at it often, it takes a few milliseconds.
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the fake Bot API server did not start")
            await asyncio.sleep(0.002)

    async def _stop(self, server: uvicorn.Server, task: asyncio.Task) -> None:
        self._port, self._closing = None, True
        self._wake.fire()  # long polls answer at once, so uvicorn need not wait for them
        server.should_exit = True
        await task

    @contextlib.contextmanager
    def serve_in_thread(self) -> Iterator[FakeTelegram]:
        """`serve()` for callers without an event loop: the server gets a thread and loop of its own."""
        ready, stop, failure = threading.Event(), [], []
        thread = threading.Thread(target=self._thread_main, args=(ready, stop, failure),
                                  name="fake-bot-api", daemon=True)
        thread.start()
        if not ready.wait(timeout=30):
            raise RuntimeError("the fake Bot API server did not start")
        try:
            if failure:
                raise failure[0]
            yield self
        finally:
            if stop:
                stop[0][0].call_soon_threadsafe(stop[0][1].set)
            thread.join()

    def _thread_main(self, ready: threading.Event, stop: list, failure: list) -> None:
        async def main() -> None:
            try:
                async with self.serve():
                    stop.append((asyncio.get_running_loop(), asyncio.Event()))
                    ready.set()
                    await stop[0][1].wait()
            except BaseException as error:
                if ready.is_set():  # failed while stopping: the caller has moved on
                    self.log.warning("the fake Bot API server stopped with an error", exc_info=True)
                failure.append(error)  # failed to start: handed to the caller's thread
                ready.set()

        asyncio.run(main())

    # ---- test controls ---------------------------------------------------------------------

    def reset(self, *, clock: Callable[[], float] = time.time, monotonic: Callable[[], float] = time.monotonic,
              flood: FloodLimits | None = None) -> None:
        """Forget everything but the token and the bot (users, chats, messages, updates, logs,
        failures), as a new instance would, while serving on; for tests sharing one server."""
        with self._lock:
            self.clock, self.monotonic, self.flood = clock, monotonic, flood
            generation, ids = self._poll_generation, self._ids
            self._init_state()
            # Update ids keep growing, so a bot's old offset hides nothing; a poll still waiting
            # belongs to the past and ends with 409.
            self._poll_generation, self._ids = generation + 1, ids
        self._wake.fire()

    def add_user(self, user_id: int, *, first_name: str | None = None, username: str | None = None,
                 language_code: str | None = None) -> dict:
        """Make a user known (users are also made up on first use); returns the Bot API User."""
        with self._lock:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or f"User {user_id}"}
            user |= {k: v for k, v in (("username", username), ("language_code", language_code)) if v}
            self._users[user_id] = user
            return user

    def add_group(self, chat_id: int, admins: Iterable[int] = (), members: Iterable[int] = (),
                  forum: bool = False, *, title: str | None = None, owner: int | None = None,
                  username: str | None = None, chat_type: str = "supergroup",
                  bot_status: str = "member") -> dict:
        """A group (or supergroup, forum, channel) with its owner, admins and plain members."""
        with self._lock:
            chat = {"id": chat_id, "type": chat_type, "title": title or f"Group {chat_id}"}
            chat |= {"is_forum": True} if forum else {}
            chat |= {"username": username} if username else {}
            self._chats[chat_id] = chat
            self._groups[chat_id] = _Group(owner, list(admins), list(members), bot_status)
            for user_id in {*admins, *members, *([owner] if owner else [])} - self._users.keys():
                self.add_user(user_id)
            return chat

    def user_says(self, chat_id: int, text: str, *, user_id: int | None = None, chat_type: str = "private",
                  thread_id: int | None = None, title: str | None = None) -> int:
        """Queue a message update from a user; returns its message_id."""
        with self._lock:
            chat = self._chat_for_user(chat_id, chat_type, title)
            user = self._speaker(chat, user_id)
            record = self._store_message(chat, user, thread_id, text=text, **_command_entities(text))
            self._enqueue("message", record.message)
            return record.message["message_id"]

    def user_presses(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None) -> str:
        """Queue a callback_query for a button of a bot message; returns the query id."""
        with self._lock:
            record = self._messages.get(chat_id, {}).get(message_id)
            if record is None or record.deleted or record.message["from"]["id"] != self.bot_user["id"]:
                raise ValueError(f"chat {chat_id} has no message {message_id} from the bot")
            if data not in _callback_data(record.markup):
                raise ValueError(f"message {message_id} has no button with that callback_data")
            query_id = str(next(self._ids))
            self._queries[query_id] = False
            self._enqueue("callback_query", {
                "id": query_id, "from": self._speaker(self._chats[chat_id], user_id), "data": data,
                "message": copy.deepcopy(record.message), "chat_instance": f"instance{chat_id}"})
            return query_id

    def block(self, chat_id: int) -> None:
        """Every later send to this chat fails with 403, as when a user blocks the bot."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

    def fail_next(self, method: str, *, chat_id: int | str | None = None, times: int = 1,
                  error: str = "retry_after", retry_after: int = 1, hang: float = 60.0) -> None:
        """Make the next `times` calls of `method` (to `chat_id`, if given) fail: "retry_after"
        (429), "server" (500), "network" (connection breaks), "conflict" (409), "forbidden" (403)
        before the method does anything; "stored_502" (the message is stored, then the answer is a
        502 Bad Gateway) and "stored_hang" (stored, then no answer for `hang` seconds or until the
        fake stops, then the connection breaks) after it."""
        if error not in ERRORS:
            raise ValueError(f"error must be one of {sorted(ERRORS)}")
        with self._lock:
            self._failures.append(_Failure(_method_key(method), chat_id, times, error, retry_after, hang))

    def sent(self, chat_id: int | None = None) -> list[Sent]:
        """The bot's messages, oldest first, in their current state."""
        with self._lock:
            return [self._snapshot(r) for r in self._sent if chat_id in (None, r.message["chat"]["id"])]

    async def wait_until(self, ready: Callable[[], bool], timeout: float = 5) -> None:
        """Wait until `ready()` holds, re-checking whenever the fake's state changes."""
        if not await self._wake.until(ready, timeout):
            raise TimeoutError(f"the fake Bot API did not reach the expected state in {timeout} s")

    async def wait_for_sent(self, n: int, chat_id: int | None = None, timeout: float = 5) -> list[Sent]:
        """Wait until the bot has sent at least `n` messages (to `chat_id`); returns them all."""
        if not await self._wake.until(lambda: len(self.sent(chat_id)) >= n, timeout):
            raise TimeoutError(f"waited {timeout} s for {n} messages; the bot sent {len(self.sent(chat_id))}")
        return self.sent(chat_id)

    @property
    def calls(self) -> list[Call]:
        """Every request that reached a method, in order: (method, chat_id, monotonic time)."""
        with self._lock:
            return list(self._calls)

    @property
    def errors(self) -> list[tuple[Call, int, str]]:
        """Every error answer given: (call, error_code, description)."""
        with self._lock:
            return list(self._errors)

    @property
    def answers(self) -> list[Answer]:
        with self._lock:
            return list(self._answers)

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet (getUpdates offset)."""
        with self._lock:
            return len(self._updates)

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[tuple[str, str]]:
        """The bot's command list for a scope (default scope if None)."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True), language_code
        with self._lock:
            return [(c["command"], c["description"]) for c in self._commands.get(key, [])]

    def document(self, file_id: str) -> SentDocument | None:
        with self._lock:
            return self._files.get(file_id)

    # ---- state helpers ---------------------------------------------------------------------

    def _user(self, user_id: int) -> dict:
        return self._users.get(user_id) or self.add_user(user_id)

    def _chat_for_user(self, chat_id: int, chat_type: str, title: str | None) -> dict:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_type != "private":
            return self.add_group(chat_id, title=title, chat_type=chat_type)
        user = self._user(chat_id)
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        self._chats[chat_id] = chat | ({"username": user["username"]} if "username" in user else {})
        return self._chats[chat_id]

    def _speaker(self, chat: dict, user_id: int | None) -> dict:
        """Who speaks: in a private chat its user; in a group the given user (now a member), else
        the owner, first admin, first member, or a default user."""
        if chat["type"] == "private":
            if user_id not in (None, chat["id"]):
                raise ValueError("in a private chat only its user speaks")
            return self._user(chat["id"])
        group = self._groups[chat["id"]]
        known = [*([group.owner] if group.owner else []), *group.admins, *group.members]
        user_id = user_id or (known[0] if known else DEFAULT_USER_ID)
        if user_id not in known:
            group.members.append(user_id)
        return self._user(user_id)

    def _store_message(self, chat: dict, sender: dict, thread_id: int | None, **content: Any) -> _Record:
        messages, now = self._messages.setdefault(chat["id"], {}), self.clock()
        message = {"message_id": max(messages, default=0) + 1, "from": sender, "chat": chat, "date": int(now)}
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.get("is_forum"):  # then PTB's reply_text answers in the same topic
                message["is_topic_message"] = True
        record = _Record(message | {k: v for k, v in content.items() if v is not None}, now)
        messages[message["message_id"]] = record
        return record

    def _enqueue(self, kind: str, payload: dict) -> None:
        self._updates.append({"update_id": next(self._ids), kind: payload})
        self._wake.fire()

    def _snapshot(self, r: _Record) -> Sent:
        m = r.message
        document = self._files.get(m.get("document", {}).get("file_id", ""))
        return Sent(chat_id=m["chat"]["id"], message_id=m["message_id"], text=m.get("text"),
                    reply_markup=copy.deepcopy(r.markup), thread_id=m.get("message_thread_id"),
                    document=document, timestamp=r.timestamp, caption=m.get("caption"), parse_mode=r.parse_mode,
                    link_preview=r.link_preview, reply_to=m.get("reply_to_message", {}).get("message_id"),
                    edited=r.edited, deleted=r.deleted)

    # ---- HTTP ------------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        entry = self._methods.get(_method_key(request.path_params["method"]))
        if entry is None:
            return _error_response(ApiError(404, "Not Found: method not found"))
        try:
            params = await _read_params(request)
        except ApiError as error:
            return _error_response(error)
        await self._on_the_way()
        response = await self._call(*entry, params)
        await self._on_the_way()
        return response

    async def _on_the_way(self) -> None:
        """One way of a request's trip (see `Latency`)."""
        if self.latency and (self.latency.round_trip or self.latency.jitter):
            half = self.latency.jitter / 2
            await self._sleep(max(0.0, self.latency.round_trip / 2 + self._rng.uniform(-half, half)))

    async def _call(self, name: str, handler: Callable, p: _Params) -> Response:
        self.log.debug("fake Bot API: %s", name)
        call = Call(name, p.chat_id(), self.monotonic())
        try:
            after = self._log_call(call)
            result = await self._run(handler, p)
        except _Hangup:
            return _HangupResponse()
        except ApiError as error:
            with self._lock:
                self._errors.append((call, error.code, error.description))
            return _error_response(error)
        except Exception as bug:  # in the fake: answer the way Telegram's own failures look
            self._log_bug(name, bug)
            return _error_response(ApiError(500, "Internal Server Error"))
        if after is not None:
            return await self._fail_after(call, after)
        return JSONResponse({"ok": True, "result": result})

    async def _fail_after(self, call: Call, failure: _Failure) -> Response:
        """The method did its work (the message is stored); the answer says otherwise, or never comes."""
        if failure.error == "stored_hang":
            await self._wake.until(lambda: self._closing, failure.hang)
            return _HangupResponse()
        with self._lock:
            self._errors.append((call, 502, "Bad Gateway"))
        return _error_response(ApiError(502, "Bad Gateway"))

    def _log_bug(self, name: str, bug: Exception) -> None:
        # Where, not what: an exception's message or a traceback's values may hold a message's text.
        where = traceback.extract_tb(bug.__traceback__)[-1]
        self.log.error("fake Bot API: %s failed: %s at %s:%s", name, type(bug).__name__,
                       where.filename.rsplit("/", 1)[-1], where.lineno)

    def _log_call(self, call: Call) -> _Failure | None:
        """Log the call; raise the failure injected for it, or return it if it comes after the work."""
        with self._lock:
            self._calls.append(call)
        self._wake.fire()  # someone may be waiting for this call
        with self._lock:
            return self._injected_failure(call)

    async def _run(self, handler: Callable, p: _Params) -> Any:
        if inspect.iscoroutinefunction(handler):
            return await handler(p)
        with self._lock:
            return handler(p)

    def _injected_failure(self, call: Call) -> _Failure | None:
        failure = next((f for f in self._failures if f.method == _method_key(call.method)
                        and f.chat_id in (None, call.chat_id)), None)
        if failure is None:
            return None
        failure.times -= 1
        if failure.times <= 0:
            self._failures.remove(failure)
        if failure.error in AFTER_STORING:
            return failure
        raise _failure_error(failure)

    async def _download(self, request: Request) -> Response:
        file = self.document(request.path_params["path"].rsplit("/", 1)[-1])
        if request.path_params["token"] != self.token or file is None:
            return _error_response(ApiError(404, "Not Found"))
        return Response(file.data, media_type=file.mime_type or "application/octet-stream")

    # ---- chats, sends, flood limits --------------------------------------------------------

    def _chat(self, p: _Params) -> dict:
        chat_id = p.chat_id()
        if chat_id is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(chat_id, str):  # a public "@username"
            named = (key for key, chat in self._chats.items() if f"@{chat.get('username')}" == chat_id)
            chat_id = next(named, None)
        if chat_id not in self._chats and chat_id in self._users:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self._chats[chat_id]

    def _writable_chat(self, p: _Params) -> dict:
        chat = self._chat(p)
        if chat["id"] in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user" if chat["type"] == "private"
                           else f"Forbidden: bot was kicked from the {chat['type']} chat")
        return chat

    def _outgoing(self, chat: dict, p: _Params) -> _Outgoing:
        return _Outgoing(_check_markup(p.obj("reply_markup")), p.integer("message_thread_id"),
                         self._reply_target(chat, p), p.text("parse_mode"))

    def _reply_target(self, chat: dict, p: _Params) -> dict | None:
        reply = p.obj("reply_parameters")
        reply = reply if isinstance(reply, dict) else {}
        message_id = _Params(reply, {}).integer("message_id") or p.integer("reply_to_message_id")
        if message_id is None:
            return None
        record = self._messages.get(chat["id"], {}).get(message_id)
        if record is None or record.deleted:
            if reply.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return {k: v for k, v in record.message.items() if k != "reply_to_message"}

    def _count_send(self, chat: dict) -> None:
        """The optional flood limits: refuse a message that would exceed one, saying how long to wait."""
        # Refused messages are not counted, as a bot that waits as told must get through.
        if self.flood is None:
            return
        now = self.monotonic()
        if now < self._flood_until:  # strict: the bot as a whole is waiting
            seconds = max(1, math.ceil(self._flood_until - now))
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)
        rule = self.flood.private if chat["type"] == "private" else self.flood.group
        windows = [(self._sends_overall, self.flood.overall),
                   (self._sends_by_chat.setdefault(chat["id"], deque()), rule)]
        overall, own = (_window_wait(times, limit, now) for times, limit in windows)
        if max(overall, own) > 0:
            seconds = max(1, math.ceil(max(overall, own)))
            if overall > 0 and self.flood.strict:
                self._flood_until = now + seconds
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)
        for times, _ in windows:
            times.append(now)

    def _post(self, chat: dict, out: _Outgoing, link_preview: dict | None = None, **content: Any) -> dict:
        """Store a message from the bot and return it the way the Bot API shows it."""
        record = self._store_message(chat, self.bot_user, out.thread_id, reply_to_message=out.reply_to,
                                     link_preview_options=link_preview, **content)
        if out.markup and "inline_keyboard" in out.markup:  # other keyboards are not echoed back
            record.message["reply_markup"] = out.markup
        record.markup, record.parse_mode, record.link_preview = out.markup, out.parse_mode, link_preview
        self._sent.append(record)
        self._wake.fire()
        return record.message

    def _own_message(self, p: _Params, action: str) -> _Record:
        chat = self._writable_chat(p)
        record = self._messages.get(chat["id"], {}).get(p.integer("message_id") or 0)
        if record is None or record.deleted:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        if action == "edit" and record.message["from"]["id"] != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        return record

    def _change(self, record: _Record, text: str | None, markup: dict | None, parse_mode: str | None) -> dict:
        message = record.message
        if text in (None, message.get("text")) and markup == record.markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and "
                                "reply markup are exactly the same as a current content and reply markup "
                                "of the message")
        if text is not None:
            message["text"], record.parse_mode = text, parse_mode
        message.pop("reply_markup", None)  # an edit without a keyboard removes the keyboard
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        record.markup, record.edited, message["edit_date"] = markup, True, int(self.clock())
        self._wake.fire()
        return message

    def _keep_file(self, upload: _Upload) -> SentDocument:
        if not upload.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if len(upload.data) > UPLOAD_LIMIT:
            raise ApiError(413, "Request Entity Too Large")
        number = next(self._ids)
        file = SentDocument(f"BQACAgFake{number:08d}", f"AgADFake{number}", upload.filename, upload.data,
                            upload.mime_type)
        self._files[file.file_id] = file
        return file

    def _document(self, p: _Params) -> SentDocument:
        value = p.text("document")
        upload = p.files.get(value.removeprefix("attach://") if value else "document")
        if upload is not None:
            return self._keep_file(upload)
        if value in self._files:  # a file_id from an earlier upload
            return self._files[value]
        raise ApiError(400, "Bad Request: there is no document in the request" if value is None
                       else "Bad Request: wrong file identifier/HTTP URL specified")

    def _member(self, chat: dict, user_id: int | None) -> dict:
        user = self.bot_user if user_id == self.bot_user["id"] else self._users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        status = self._status(chat, user["id"])
        if status == "administrator":
            return {"status": status, "user": user, **_admin_rights(bool(chat.get("is_forum")))}
        return {"status": status, "user": user} | ({"is_anonymous": False} if status == "creator" else {})

    def _status(self, chat: dict, user_id: int) -> str:
        group = self._groups.get(chat["id"])
        if group is None:
            return "member" if user_id in (chat["id"], self.bot_user["id"]) else "left"
        if user_id == self.bot_user["id"]:
            return group.bot_status
        if user_id == group.owner:
            return "creator"
        if user_id in group.admins:
            return "administrator"
        return "member" if user_id in group.members else "left"

    # ---- Bot API methods (called with the lock held, except getUpdates) ---------------------

    def _true(self, p: _Params) -> bool:
        return True

    def _get_me(self, p: _Params) -> dict:
        return self.bot_user | {"can_join_groups": True, "can_read_all_group_messages": False,
                                "supports_inline_queries": False}

    def _set_webhook(self, p: _Params) -> bool:
        self._webhook = p.text("url") or ""
        return self._delete_pending(p)

    def _delete_webhook(self, p: _Params) -> bool:
        self._webhook = ""
        return self._delete_pending(p)

    def _delete_pending(self, p: _Params) -> bool:
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    def _webhook_info(self, p: _Params) -> dict:
        return {"url": self._webhook, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _get_updates(self, p: _Params) -> list[dict]:
        """Long polling: answer as soon as there are updates, or after `timeout` seconds with none.
        A newer getUpdates ends a waiting one with 409, as Telegram does."""
        with self._lock:
            generation, limit, timeout = self._start_poll(p)
        self._wake.fire()  # a poll still waiting learns it has been overtaken
        await self._wake.until(lambda: self._poll_over(generation), timeout)
        with self._lock:
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLL)
            return self._deliverable()[:limit]

    def _start_poll(self, p: _Params) -> tuple[int, int, float]:
        if self._webhook:
            raise ApiError(409, CONFLICT_WEBHOOK)
        offset, allowed = p.integer("offset") or 0, p.obj("allowed_updates")
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        if allowed is not None:  # remembered until changed, as by Telegram
            self._allowed = frozenset(allowed) if allowed else None
        self._poll_generation += 1
        limit = min(max(p.integer("limit") or 100, 1), 100)
        return self._poll_generation, limit, p.seconds("timeout")

    def _poll_over(self, generation: int) -> bool:
        with self._lock:
            return self._closing or generation != self._poll_generation or bool(self._deliverable())

    def _deliverable(self) -> list[dict]:
        if self._allowed is None:
            return [u for u in self._updates if _kind(u) not in OPT_IN_UPDATES]
        return [u for u in self._updates if _kind(u) in self._allowed]

    def _scope_key(self, p: _Params) -> tuple[str, str]:
        return json.dumps(p.obj("scope") or {"type": "default"}, sort_keys=True), p.text("language_code") or ""

    def _set_commands(self, p: _Params) -> bool:
        self._commands[self._scope_key(p)] = _check_commands(p.obj("commands"))
        return True

    def _get_commands(self, p: _Params) -> list[dict]:
        return self._commands.get(self._scope_key(p), [])

    def _delete_commands(self, p: _Params) -> bool:
        self._commands.pop(self._scope_key(p), None)
        return True

    def _send_message(self, p: _Params) -> dict:
        chat = self._writable_chat(p)
        text, out = _message_text(p), self._outgoing(chat, p)
        link_preview = p.obj("link_preview_options") or (
            {"is_disabled": True} if p.flag("disable_web_page_preview") else None)
        self._count_send(chat)
        return self._post(chat, out, link_preview, text=text)

    def _send_document(self, p: _Params) -> dict:
        chat = self._writable_chat(p)
        caption, out = _caption(p), self._outgoing(chat, p)
        document = self._document(p)
        self._count_send(chat)
        info = {"file_id": document.file_id, "file_unique_id": document.file_unique_id,
                "file_name": document.filename, "mime_type": document.mime_type,
                "file_size": len(document.data)}
        return self._post(chat, out, document={k: v for k, v in info.items() if v is not None}, caption=caption)

    def _edit_text(self, p: _Params) -> dict:
        record = self._own_message(p, "edit")
        if "text" not in record.message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, markup = _message_text(p), _check_markup(p.obj("reply_markup"))
        return self._change(record, text, markup, p.text("parse_mode"))

    def _edit_markup(self, p: _Params) -> dict:
        record = self._own_message(p, "edit")
        return self._change(record, None, _check_markup(p.obj("reply_markup")), None)

    def _delete_message(self, p: _Params) -> bool:
        record = self._own_message(p, "delete")
        record.deleted = True
        self._wake.fire()
        return True

    def _answer_query(self, p: _Params) -> bool:
        query_id = p.text("callback_query_id") or ""
        if self._queries.get(query_id, True):  # unknown, or answered already
            raise ApiError(400, "Bad Request: query is too old and response timeout expired "
                                "or query ID is invalid")
        self._queries[query_id] = True
        self._answers.append(Answer(query_id, p.text("text"), p.flag("show_alert"), p.text("url")))
        self._wake.fire()
        return True

    def _get_file(self, p: _Params) -> dict:
        file = self._files.get(p.text("file_id") or "")
        if file is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file.file_id, "file_unique_id": file.file_unique_id, "file_size": len(file.data),
                "file_path": f"documents/{file.file_id}"}

    def _chat_action(self, p: _Params) -> bool:
        self._writable_chat(p)
        return True

    def _get_chat(self, p: _Params) -> dict:
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), False)
        return self._chat(p) | {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _get_chat_member(self, p: _Params) -> dict:
        return self._member(self._chat(p), p.integer("user_id"))

    def _get_admins(self, p: _Params) -> list[dict]:
        chat = self._chat(p)
        group = self._groups.get(chat["id"])
        if group is None:
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        owner = [group.owner] if group.owner else []
        bot = [self.bot_user["id"]] if group.bot_status in ("creator", "administrator") else []
        return [self._member(chat, user_id) for user_id in [*owner, *group.admins, *bot]]

    def _set_menu_button(self, p: _Params) -> bool:
        self.menu_buttons[p.integer("chat_id")] = p.obj("menu_button")
        return True


def _failure_error(failure: _Failure) -> Exception:
    if failure.error == "network":
        return _Hangup()
    return {
        "retry_after": ApiError(429, f"Too Many Requests: retry after {failure.retry_after}",
                                failure.retry_after),
        "server": ApiError(500, "Internal Server Error"),
        "conflict": ApiError(409, CONFLICT_POLL),
        "forbidden": ApiError(403, "Forbidden: bot was blocked by the user"),
    }[failure.error]
