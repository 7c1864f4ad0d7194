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
import re
import sys
import tempfile
from pathlib import Path
from typing import Callable

from .. import store
from ..extract import extract
from ..extract.merge import merge
from ..intake import read_document
from ..settings import Settings, Telegram
from . import app, jobs
from .fakeapi import FakeTelegram

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
        shift = SHIFT.match(text.strip())
        if shift:
            unit = {"d": "days", "h": "hours", "m": "minutes"}[shift.group(2)]
            self.offset += dt.timedelta(**{unit: int(shift.group(1))})
        else:
            target = dt.datetime.fromisoformat(text.strip().replace(" ", "T"))
            target = target if target.tzinfo else target.replace(tzinfo=dt.timezone.utc)
            self.offset = target - self.real()
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


class Terminal:
    """The chat on the terminal side: sends what the user types, prints what the bot answers."""

    def __init__(self, fake: FakeTelegram, service, clock: MovableClock, job_queue=None):
        self.fake, self.service, self.clock, self.job_queue = fake, service, clock, job_queue
        self.seen: dict[int, tuple] = {}
        self.buttons: list = []

    async def handle(self, line: str) -> bool:
        line = line.strip()
        if line in (":quit", ":q", "exit"):
            return False
        if line.startswith(":time"):
            await self._time(line[5:])
        elif line.isdigit():
            if not 0 < int(line) <= len(self.buttons):
                print(f"  (no button {line}; the last message has {len(self.buttons) or 'no'} buttons)\n")
                return True
            message, data = self.buttons[int(line) - 1]
            self.fake.user_presses(CHAT, message.message_id, data, user_id=CHAT)
        elif line:
            self.fake.user_says(CHAT, line)
        await self._print_news()
        return True

    async def _time(self, text: str) -> None:
        try:
            now = self.clock.move(text)
        except ValueError:
            print("  use :time 2026-12-14 09:00 or :time +3d\n")
            return
        print(f"  (clock moved to {now:%a %d %b %Y %H:%M} UTC)\n")
        await jobs.tick(self.service, now)
        await jobs.reschedule(self.service, self.job_queue, fresh=True)

    async def _print_news(self) -> None:
        try:
            await self.fake.wait_until(lambda: self._changed(), timeout=3)
        except TimeoutError:
            return
        await asyncio.wait_for(self.service.outbox.drain(), 60)  # several reminders leave 1 s apart
        await asyncio.sleep(0.2)
        self.buttons = []
        for message in self.fake.sent(CHAT):
            state = (message.text, message.edited, message.document is not None)
            if self.seen.get(message.message_id) != state:
                self.seen[message.message_id] = state
                show(message, self.buttons)

    def _changed(self) -> bool:
        return any(self.seen.get(m.message_id) != (m.text, m.edited, m.document is not None)
                   for m in self.fake.sent(CHAT))


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
               real_clock: Callable[[], dt.datetime]) -> int:
    clock = MovableClock(real_clock)
    with tempfile.TemporaryDirectory(prefix="hrd-try-") as scratch:
        root = store_dir or Path(scratch) / "calendars"
        if store_dir is None:
            count = example_store(root, clock())
            print(f"Read the bundled examples: {count} opportunities.")
        fake = FakeTelegram()
        async with fake.serve():
            trial = settings.model_copy(update={
                "store": root, "database_url": f"sqlite:///{Path(scratch) / 'state.sqlite3'}",
                "telegram": Telegram(api_base_url=fake.base_url, poll_timeout=1)})
            service = app.make_service(trial, clock)
            application = app.build(service, fake.token, base_url=fake.base_url, poll_timeout=1)
            app.attach_outbox(service, application)
            runner = app.Runner(service, application)
            task = asyncio.create_task(runner.run())
            print("A chat with the bot (a local fake Telegram). Try /start, /upcoming, /settings;\n"
                  "type a number to press a button, ':time +3d' to move the clock, ':quit' to leave.\n")
            terminal = Terminal(fake, service, clock, application.job_queue)
            async for line in _lines(script):
                if not await terminal.handle(line):
                    break
            runner.stop.set()
            return await task
