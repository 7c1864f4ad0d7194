"""The bot process: python-telegram-bot polling, the JobQueue, the outbox and the feed server in
one asyncio loop (`python -m bot run`).

Exit codes, for a supervisor: 0 after SIGTERM/SIGINT (within STOP_WITHIN seconds, whatever is
queued: `docker stop` waits 10 before it kills), 1 when polling or the server died
(restart it), 2 for a configuration error (a restart will not help), 3 when another instance
polls with the same token (409 Conflict: stop one of them).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import signal
import socket
import sys
from typing import Callable

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, ContextTypes
from telegram.request import HTTPXRequest

from ..settings import Settings
from ..state import State, migrate, open_engine
from ..web import create_app, unnamed_address
from ..web.catalog import Catalog
from . import handlers, jobs
from .delivery import Gate, Outbox, Pacer
from .service import Service

log = logging.getLogger(__name__)

STOP_WITHIN = 9.0  # seconds from a stop signal to the exit


class Redact(logging.Filter):
    """Keeps the bot token out of every log line, whoever writes it (httpx logs request URLs),
    and the raw updates python-telegram-bot logs when it cannot parse them (they hold user text)."""

    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and "Received data" in str(record.msg):
            record.msg, record.args = "Error while parsing updates (their content is not logged)", None
            record.exc_info, record.exc_text = None, None
        if self.secret and self.secret in record.getMessage():
            record.msg, record.args = record.getMessage().replace(self.secret, "[token]"), None
        return True


def quiet_logs(token: str) -> None:
    """No token and no message text in any log, whatever the root level: httpx logs URLs (which
    carry the token) at INFO, and python-telegram-bot logs whole updates and requests at DEBUG."""
    for name, level in (("httpx", logging.WARNING), ("httpcore", logging.WARNING),
                        ("telegram", logging.INFO), ("apscheduler", logging.WARNING),
                        ("alembic", logging.WARNING), ("alembic.runtime.migration", logging.INFO)):
        logging.getLogger(name).setLevel(level)
    redact = Redact(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def _file_url(base_url: str) -> str:
    return base_url[:-3] + "file/bot" if base_url.endswith("/bot") else base_url.rstrip("/") + "/file/bot"


async def _post_init(application: Application) -> None:
    """Start-up calls other than getMe are useful, not essential: log a failure and go on."""
    try:
        await application.bot.set_my_commands(handlers.COMMANDS)
    except TelegramError as exc:
        log.warning("setMyCommands failed (%s); commands still work, the menu may be stale", type(exc).__name__)


async def _error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A handler failed: log the kind of error (never the message text) and go on. A chat that
    blocked or removed the bot is a fact of life, not a fault: one line."""
    if isinstance(context.error, Forbidden):
        chat = getattr(update, "effective_chat", None)
        log.info("chat %s blocked or removed the bot (%s)", chat.id if chat else "?", type(context.error).__name__)
        return
    log.error("handler error: %s", type(context.error).__name__, exc_info=context.error)


class ChatOrder(BaseUpdateProcessor):
    """Updates are handled concurrently, each chat's in the order they came: a slow call for one
    chat (a getChatMember, a button's answer) holds up no other chat. A few at a time: a handler
    does its database work without giving the event loop back, so a hundred at once (one
    getUpdates) would hold the sending for a fifth of a second."""

    def __init__(self, max_concurrent_updates: int = 8):
        super().__init__(max_concurrent_updates)
        self.chats: dict[object, list] = {}  # chat id -> [lock, updates holding or waiting for it]

    async def do_process_update(self, update: object, coroutine) -> None:
        chat = getattr(update, "effective_chat", None)
        key = chat.id if chat is not None else None
        entry = self.chats.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:  # FIFO: taken in the order the updates arrived
                await coroutine
        finally:
            entry[1] -= 1
            if not entry[1]:
                del self.chats[key]

    async def initialize(self) -> None:
        pass  # nothing to set up: the locks are made as chats speak

    async def shutdown(self) -> None:
        pass


def build(service: Service, token: str, *, base_url: str, poll_timeout: int = 30,
          gate: Gate | None = None) -> Application:
    """The PTB Application with our handlers; `base_url` chooses Telegram or a local fake. Every
    message passes `gate` on its way out (by default, Telegram's overall limit)."""
    gate = gate or Gate(service.settings.delivery.overall_per_second)
    request = HTTPXRequest(connection_pool_size=32, read_timeout=15, connect_timeout=10,
                           httpx_kwargs={"event_hooks": gate.hooks})
    application = (ApplicationBuilder().token(token).base_url(base_url).base_file_url(_file_url(base_url))
                   .request(request)
                   .get_updates_request(HTTPXRequest(read_timeout=poll_timeout + 10))
                   .concurrent_updates(ChatOrder())
                   .build())
    application.bot_data["service"] = service
    application.bot_data["gate"] = gate
    handlers.install(application)
    application.add_error_handler(_error)
    return application


def make_service(settings: Settings, clock: Callable[[], dt.datetime]) -> Service:
    migrate(settings.database_url)
    state = State(open_engine(settings.database_url))
    catalog = Catalog(settings.store, lambda: clock().date(), rescan_every=1.0)
    catalog.refresh()
    base = settings.server.public_base_url or f"http://{settings.server.host}:{settings.server.port}"
    if warning := unnamed_address(settings.server.host, settings.server.public_base_url):
        log.warning("%s", warning)
    return Service(settings, state, catalog, clock, base_url=base, started=clock())


def attach_outbox(service: Service, application: Application) -> Outbox:
    """The outbox, paced by the margin the application's gate measures, and told of flood waits."""
    delivery, gate = service.settings.delivery, application.bot_data.get("gate")
    pacer = Pacer(delivery.overall_per_second, delivery.private_interval, delivery.group_per_minute,
                  trips=gate.trips if gate else None)
    service.outbox = Outbox(application.bot, service.state, pacer, now=service.clock,
                            max_attempts=delivery.max_attempts, on_inactive=service.touch, gate=gate)
    return service.outbox


def listener(host: str, port: int) -> socket.socket:
    """A bound socket for the feed server. TCP_NODELAY is set on it because accepted connections
    inherit it: without it a feed answer waits on Nagle's algorithm and the client's delayed
    ACK (about 40 ms, against 2 ms under `serve`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=2048)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class Runner:
    """Starts everything, waits for a stop signal or a failure, stops everything in order."""

    def __init__(self, service: Service, application: Application, web_app=None,
                 listener: socket.socket | None = None, stop_within: float = STOP_WITHIN):
        """`listener`: a socket already bound for the feed server (else it binds server.host:port).
        `stop_within`: seconds from a stop signal to the end of `run`, read on the outbox's clock."""
        self.service, self.application, self.web_app, self.listener = service, application, web_app, listener
        self.stop_within = stop_within
        self.stop = asyncio.Event()
        self.code = 0

    def _polling_error(self, error: TelegramError) -> None:
        if isinstance(error, Conflict):
            log.error("another instance is polling with this token (409 Conflict); stopping this one. "
                      "Run exactly one bot per token.")
            self.code = 3
            self.stop.set()
        else:
            log.warning("polling error: %s; retrying", type(error).__name__)

    async def _initialize(self) -> int | None:
        """getMe must work: an exit code when it does not (None when it does)."""
        try:
            await self.application.initialize()
        except InvalidToken:
            raise
        except NetworkError as exc:
            log.error("cannot reach the Bot API at TELEGRAM_API_BASE_URL (%s); will exit for a restart", type(exc).__name__)
            return 1
        except Exception as exc:  # a server that answers, but not like the Bot API: restarting will not help
            log.error("TELEGRAM_API_BASE_URL does not answer like the Bot API: getMe gave %s: %s",
                      type(exc).__name__, str(exc)[:200])
            return 2
        return None

    async def run(self) -> int:
        failed = await self._initialize()
        if failed is not None:
            return failed
        listener = self.listener or (self._listen() if self.web_app is not None else None)
        if self.web_app is not None and listener is None:
            await self.application.shutdown()
            return 1
        outbox = self.service.outbox
        async with self.application:  # already initialised; leaving it shuts the application down
            await _post_init(self.application)
            sender = asyncio.create_task(outbox.run())
            await self.application.start()
            await self.application.updater.start_polling(
                timeout=self.service.settings.telegram.poll_timeout, bootstrap_retries=5,
                error_callback=self._polling_error, allowed_updates=Update.ALL_TYPES)
            given_back, again, given_up = jobs.recover(self.service, self.service.clock())
            if given_back:
                log.info("%d messages claimed by the last run were never sent; sending them now", given_back)
            if again:
                log.warning("%d messages from the last run may or may not have arrived; sending each once more, "
                            "marked as a possible repeat", again)
            if given_up:
                log.warning("%d repeated messages from the last run may or may not have arrived; "
                            "not sending a third copy", given_up)
            self.application.create_task(jobs.start(self.service, self.application.job_queue))
            server = await self._serve(listener)
            await self._wait(server)
            await self._shutdown(sender, server)
        return self.code

    def _listen(self) -> socket.socket | None:
        """The feed server's socket, bound before polling starts: a port that is taken is a clear
        error and a clean exit, not uvicorn's SystemExit inside a running loop."""
        settings = self.service.settings.server
        try:
            return listener(settings.host, settings.port)
        except OSError as exc:
            log.error("the feed server cannot listen on %s:%d (%s); change server.host or server.port in the "
                      "settings file, or stop what uses that port", settings.host, settings.port, exc.strerror or exc)
            return None

    async def _serve(self, listener: socket.socket | None):
        if listener is None:
            return None
        import uvicorn

        settings = self.service.settings.server
        from ..web import guard

        guard.open_files()
        server = uvicorn.Server(uvicorn.Config(self.web_app, host=settings.host, port=settings.port,
                                               log_level="warning", access_log=False, lifespan="off",
                                               http=guard.GuardedProtocol))
        server.install_signal_handlers = lambda: None  # ours handle SIGTERM for the whole process
        task = asyncio.create_task(server.serve(sockets=[listener]))
        return server, task

    async def _wait(self, server) -> None:
        while not self.stop.is_set():
            try:
                await asyncio.wait_for(self.stop.wait(), 1.0)
            except asyncio.TimeoutError:
                pass
            if not self.application.updater.running or (server and server[1].done()):
                log.error("polling or the feed server stopped unexpectedly; exiting so a supervisor restarts us")
                self.code = 1
                self.stop.set()

    async def _shutdown(self, sender, server) -> None:
        """Within `stop_within` seconds: polling and the handlers stop (they only queue), the
        outbox sends what fits and leaves the rest to the next start, then the server stops."""
        outbox = self.service.outbox
        began = outbox.monotonic()
        if self.application.updater.running:
            await self.application.updater.stop()
        await self.application.stop()
        outbox.stop(self.stop_within - (outbox.monotonic() - began) - 1.0)  # a second for the server and exit
        await sender
        if server:
            server[0].should_exit = True
            await server[1]


def web_app(service: Service):
    return create_app(service.settings.store, today=lambda: service.clock().date(),
                      base_url=service.settings.server.public_base_url, personal=service.personal_filter)


async def main(settings: Settings, clock: Callable[[], dt.datetime], *, serve_feeds: bool = True) -> int:
    """`python -m bot run`."""
    token = settings.token.get_secret_value() if settings.token else ""
    quiet_logs(token)
    service = make_service(settings, clock)
    application = build(service, token, base_url=settings.telegram.api_base_url,
                        poll_timeout=settings.telegram.poll_timeout)
    attach_outbox(service, application)
    runner = Runner(service, application, web_app(service) if serve_feeds else None)
    # The store and the settings live as long as the process: keep them out of the collector's
    # full passes, whose pauses would otherwise hold back a broadcast's pace.
    gc.freeze()
    # The planning threads hold the interpreter in slices of this length; the event loop, which
    # gives it up at every socket and database call, waits at most one slice to get it back.
    sys.setswitchinterval(0.001)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, runner.stop.set)
    try:
        return await runner.run()
    except InvalidToken:
        log.error("Telegram refused the token (TELEGRAM_BOT_TOKEN): check it with @BotFather")
        return 2
    finally:
        service.state.engine.dispose()
