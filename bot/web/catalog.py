"""What the feed server serves: the store's records, reloaded when the store changes, and
rendered feeds cached by (feed, filters, day, encoding) with their validators."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import threading
import time
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Callable

from .. import ical, store
from .filters import Filters


MAX_CACHED = 256


@dataclass(frozen=True)
class Body:
    """Bytes to send and the validators that go with them."""

    data: bytes
    etag: str
    last_modified: str
    modified_at: dt.datetime


def _body(data: bytes, modified_at: dt.datetime, suffix: str = "") -> Body:
    etag = f'"{hashlib.sha256(data).hexdigest()[:32]}{suffix}"'
    return Body(data, etag, format_datetime(modified_at, usegmt=True), modified_at)


class Catalog:
    """The store as the server sees it. `today` is the clock; `rescan_every` bounds how often
    the files are looked at for changes (seconds); `scan_aside` looks in a thread (see `refresh`)."""

    def __init__(self, root: Path, today: Callable[[], dt.date], rescan_every: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic, scan_aside: bool = False):
        self.root, self.today, self.rescan_every, self.monotonic = Path(root), today, rescan_every, monotonic
        self.scan_aside = scan_aside
        self.records: dict[str, dict] = {}
        self.signature: tuple | None = None  # None until the store was read once
        self.checked_at = float("-inf")
        self.cache: dict[tuple, Body] = {}
        self.lock = threading.Lock()
        self.error: str | None = None
        self.scanning = False
        self.found: tuple | OSError | None = None  # a background scan's result, for the next request
        self.parsed: dict = {}  # what the last load parsed, so a reload parses only changed files

    def _signature(self) -> tuple:
        """(name, mtime, size, inode) of every store file, as `Store.load` finds and keys them. One
        stat per file and no Path objects: the scan blocks the requests behind it, and stores grow
        to 10,000 files."""
        found = []
        for kind in store.KINDS:
            try:
                entries = os.scandir(self.root / f"{kind}s")
            except (FileNotFoundError, NotADirectoryError, PermissionError):
                continue  # glob, which Store.load uses, skips these folders too
            with entries:
                found.extend((e.name, e.stat()) for e in entries if e.name.endswith(".yaml"))
        return tuple(sorted((name, stat.st_mtime_ns, stat.st_size, stat.st_ino) for name, stat in found))

    def refresh(self) -> None:
        """Reload the records if any store file changed; keep serving the old ones if the
        store is momentarily unreadable (a half-edited file), and say so on /healthz.

        With `scan_aside` (the feed server), once the store was read the look runs in a thread,
        so requests do not queue behind thousands of stat calls, and the first call after it
        applies what it found. Otherwise (and when `rescan_every` is 0) it happens in this call,
        which callers that act on changes at once, like the bot's jobs, rely on."""
        if self.found is not None:
            with self.lock:
                found, self.found = self.found, None
            self._apply(found)
        now = self.monotonic()
        if now - self.checked_at < self.rescan_every:
            return
        self.checked_at = now
        if self.scan_aside and self.rescan_every > 0 and self.signature is not None:
            if not self.scanning:
                self.scanning = True
                threading.Thread(target=self._scan_aside, name="store-scan", daemon=True).start()
            return
        self._apply(self._scan())

    def _scan(self) -> tuple | OSError:
        try:
            return self._signature()
        except OSError as exc:
            return exc

    def _scan_aside(self) -> None:
        try:
            found = self._scan()
            with self.lock:
                self.found = found
        finally:
            self.scanning = False

    def _apply(self, found: tuple | OSError) -> None:
        """Load the store if the scan found it changed; an unreadable store is reported, not raised."""
        with self.lock:
            if isinstance(found, OSError):
                self.error = str(found)
                return
            try:
                if found != self.signature:
                    self.records, self.signature, self.cache = store.Store(self.root).load(self.parsed), found, {}
                self.error = None
            except (store.StoreError, OSError) as exc:
                self.error = str(exc)

    def selected(self, filters: Filters) -> list[dict]:
        today = self.today()
        return [r for r in self.records.values() if ical.in_window(r, today) and filters.match(r)]

    def _modified(self, records: list[dict]) -> dt.datetime:
        stamps = [ical._stamp(r.get("updated")) for r in records]
        return max(stamps, default=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))

    def feed(self, feed: ical.Feed, filters: Filters, gzipped: bool) -> Body:
        """The feed's bytes (gzip-compressed when asked), cached until the store or the day changes."""
        today = self.today()
        plain_key = (feed.slug, filters, today, False)
        if plain_key not in self.cache:
            records = [r for r in self.selected(filters) if r.get("kind") in feed.kinds]
            self._remember(plain_key, _body(ical.render(records, feed, today=today), self._modified(records)))
        plain = self.cache[plain_key]
        if not gzipped:
            return plain
        packed_key = (feed.slug, filters, today, True)
        if packed_key not in self.cache:
            self._remember(packed_key, _body(gzip.compress(plain.data, mtime=0), plain.modified_at, "-gz"))
        return self.cache[packed_key]

    def _remember(self, key: tuple, body: Body) -> None:
        if len(self.cache) >= MAX_CACHED:  # arbitrary filters must not grow memory without bound
            self.cache.clear()
        self.cache[key] = body

    def personal(self, chat) -> Body:
        """A chat's own feed (not cached: one per chat, and its settings change)."""
        from ..reminders import concerns

        today = self.today()
        records = [r for r in self.records.values() if ical.in_window(r, today) and concerns(chat, r)]
        feed = ical.Feed("mine", "Human rights defenders: followed in Telegram",
                         "What your Telegram chat follows.", ("deadline", "event", "hearing"))
        return _body(ical.render(records, feed, today=today), self._modified(records))

    def single(self, rid: str) -> Body | None:
        record = self.records.get(rid)
        if record is None:
            return None
        feed = ical.Feed(rid, record.get("title") or rid, "One opportunity", (record.get("kind"),))
        data = ical.render([record], feed, today=None)
        return _body(data, self._modified([record]))
