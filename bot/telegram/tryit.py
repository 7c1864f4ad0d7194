"""`python -m bot try`: the real bot against the built-in fake Bot API, with a chat in the terminal.

No Telegram account, token or network is needed. The store is the bundled examples read afresh
(or `--store`), the state a temporary SQLite file deleted at exit. Type commands as in Telegram;
type a number to press that button; `:time 2026-12-14 09:00` or `:time +3d` moves the bot's
clock and sends what would be due then (reminders, digests); `:quit` ends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import re
import sys
import tempfile
from pathlib import Path
from typing import AsyncIterator, Callable

from .. import store
from ..extract import extract
from ..extract.merge import merge
from ..intake import read_document
from ..settings import Server, Settings, Telegram
from . import app, jobs
from .fakeapi import FakeTelegram

log = logging.getLogger(__name__)

CHAT = 4242
# The examples sit beside the package in a clone, and in the working directory of the image.
EXAMPLE_DIRS = (Path(__file__).resolve().parents[2] / "examples", Path("examples"))
TAG = re.compile(r"<[^>]+>")
SHIFT = re.compile(r"^\+(\d{1,4})([dhm])$")


class MovableClock:
    """Real time, shifted by what the user asked with :time."""

    def __init__(self, real: Callable[[], dt.datetime]):
        self.real, self.offset = real, dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return self.real() + self.offset

    def move(self, text: str) -> dt.datetime:
        """Move by "+3d", "+2h", "+30m" or to a date and time; ValueError for anything else,
        or for a moment outside the years the plan can reach."""
        shift = SHIFT.match(text.strip())
        if shift:
            unit = {"d": "days", "h": "hours", "m": "minutes"}[shift.group(2)]
            offset = self.offset + dt.timedelta(**{unit: int(shift.group(1))})
        else:
            target = dt.datetime.fromisoformat(text.strip().replace(" ", "T"))
            target = target if target.tzinfo else target.replace(tzinfo=dt.timezone.utc)
            offset = target - self.real()
        if not 1970 <= (self.real() + offset).year <= 9000:
            raise ValueError("the clock can move to the years 1970 to 9000")
        self.offset = offset
        return self()


def example_store(root: Path, now: dt.datetime) -> int:
    """Read the bundled example texts into a fresh store at `root`; how many items."""
    items = []
    folder = next((d for d in EXAMPLE_DIRS if d.is_dir()), EXAMPLE_DIRS[-1])
    for path in sorted(folder.glob("*.txt")):
        document = read_document(str(path), 5 * 1024 * 1024)
        items.extend(extract(document.text, today=now.date(), name=document.name).opportunities)
    records, _ = store.ingest({}, [item.to_dict() for item in merge(items)], now)
    store.Store(root).save(records, set(records))
    return len(records)


def plain(text: str) -> str:
    return html.unescape(TAG.sub("", text or ""))


def show(message, numbered: list) -> None:
    """Print a bot message; its buttons get numbers the user can type."""
    if message.document is not None:
        print(f"  [file] {message.document.filename} ({len(message.document.data)} bytes)")
    print("\n".join("  " + line for line in plain(message.text or message.caption or "").splitlines()))
    labels = []
    for label, data in message.buttons:
        numbered.append((message, data))
        labels.append(f"[{len(numbered)}] {label}")
    if labels:
        print("  " + "  ".join(labels))
    print()


def _look(message) -> tuple:
    """What the terminal shows of a message: a change to any of it is printed again (a redraw
    may change only the buttons)."""
    return (message.text, message.caption, message.edited, message.document is not None, tuple(message.buttons))


class Terminal:
    """The chat on the terminal side: sends what the user types, prints what the bot answers.
    Nothing the user types ends the chat with a traceback."""

    def __init__(self, fake: FakeTelegram, service, clock: MovableClock, job_queue=None):
        self.fake, self.service, self.clock, self.job_queue = fake, service, clock, job_queue
        self.seen: dict[int, tuple] = {}
        self.answered = 0
        self.buttons: list = []

    async def handle(self, line: str) -> bool:
        line = line.strip()
        if line in (":quit", ":q", "exit"):
            return False
        try:
            await self._act(line)
        except Exception as exc:  # a demo must survive anything typed into it
            log.debug("a line typed into try failed", exc_info=True)  # never the line itself
            print(f"  (that did not work: {type(exc).__name__}; the chat goes on)\n")
        return True

    async def _act(self, line: str) -> None:
        if line.startswith(":time"):
            if not await self._time(line[5:]):
                return
        elif line.isdigit():
            if not self._press(int(line)):
                return
        elif line:
            self.fake.user_says(CHAT, line)
        await self._print_news()

    def _press(self, number: int) -> bool:
        if not 0 < number <= len(self.buttons):
            print(f"  (no button {number}; the last message has {len(self.buttons) or 'no'} buttons)\n")
            return False
        message, data = self.buttons[number - 1]
        try:
            self.fake.user_presses(CHAT, message.message_id, data, user_id=CHAT)
        except ValueError:  # the message changed or went away since it was printed
            print(f"  (button {number} is no longer there; use the numbers printed last)\n")
            return False
        return True

    async def _time(self, text: str) -> bool:
        """Move the clock and send what falls due by then; False when the move was refused."""
        try:
            now = self.clock.move(text)
        except ValueError:
            print("  use :time 2026-12-14 09:00 or :time +3d (years 1970 to 9000)\n")
            return False
        print(f"  (clock moved to {now:%a %d %b %Y %H:%M} UTC)\n")
        await jobs.tick(self.service, now)
        await jobs.reschedule(self.service, self.job_queue, fresh=True)
        return True

    async def _print_news(self) -> None:
        # What a moved clock queued is sent first (several reminders leave 1 s apart); then the
        # bot gets a few seconds to answer what was typed.
        await asyncio.wait_for(self.service.outbox.drain(), 60)
        try:
            await self.fake.wait_until(lambda: self._changed(), timeout=3)
        except TimeoutError:
            return
        await asyncio.wait_for(self.service.outbox.drain(), 60)
        await asyncio.sleep(0.2)
        self._print_answers()
        self.buttons = []
        for message in self.fake.sent(CHAT):
            if self.seen.get(message.message_id) != _look(message):
                self.seen[message.message_id] = _look(message)
                show(message, self.buttons)

    def _print_answers(self) -> None:
        """The pop-ups Telegram shows after a button press (answerCallbackQuery)."""
        answers = self.fake.answers
        for answer in answers[self.answered:]:
            if answer.text:
                print(f"  ({'alert' if answer.show_alert else 'pop-up'}: {answer.text})\n")
        self.answered = len(answers)

    def _changed(self) -> bool:
        return len(self.fake.answers) > self.answered or any(
            self.seen.get(m.message_id) != _look(m) for m in self.fake.sent(CHAT))


async def _lines(script: Path | None):
    if script is not None:
        for line in script.read_text(encoding="utf-8").splitlines():
            print(f"you> {line}")
            yield line
        return
    loop = asyncio.get_running_loop()
    while True:
        print("you> ", end="", flush=True)
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        yield line


async def main(settings: Settings, store_dir: Path | None, script: Path | None,
               real_clock: Callable[[], dt.datetime], lines: AsyncIterator[str] | None = None) -> int:
    """The session; `lines` is what the user types (default: the script's lines, or stdin)."""
    clock = MovableClock(real_clock)
    with tempfile.TemporaryDirectory(prefix="hrd-try-") as scratch:
        root = store_dir or Path(scratch) / "calendars"
        if store_dir is None:
            count = example_store(root, clock())
            print(f"Read the bundled examples: {count} opportunities.")
        fake = FakeTelegram()
        # The feeds /feeds hands out are served for as long as the chat runs, on a free port.
        listener = app.listener("127.0.0.1", 0)
        port = listener.getsockname()[1]
        async with fake.serve():
            trial = settings.model_copy(update={
                "store": root, "database_url": f"sqlite:///{Path(scratch) / 'state.sqlite3'}",
                "telegram": Telegram(api_base_url=fake.base_url, poll_timeout=1),
                "server": Server(host="127.0.0.1", port=port, public_base_url=f"http://127.0.0.1:{port}")})
            service = app.make_service(trial, clock)
            application = app.build(service, fake.token, base_url=fake.base_url, poll_timeout=1)
            app.attach_outbox(service, application)
            runner = app.Runner(service, application, app.web_app(service), listener=listener)
            task = asyncio.create_task(runner.run())
            print("A chat with the bot (a local fake Telegram). Try /start, /upcoming, /settings;\n"
                  "type a number to press a button, ':time +3d' to move the clock, ':quit' to leave.\n"
                  f"The calendar page and feeds: http://127.0.0.1:{port}/ while this chat runs.\n")
            terminal = Terminal(fake, service, clock, application.job_queue)
            async for line in lines or _lines(script):
                if not await terminal.handle(line):
                    break
            runner.stop.set()
            return await task
