"""What the feed server serves: the store's records, reloaded when the store changes, and
rendered feeds cached by (feed, filters, day, encoding) with their validators."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import Callable

from .. import ical, search, store
from .filters import Filters


# Rendered feeds kept, in bytes: a full feed is at most ical.MAX_BYTES (0.9 MB), so this holds
# dozens of filtered ones, and arbitrary filters cannot grow memory past it.
MAX_CACHED_BYTES = 48 * 1024 * 1024
RETRY_REFUSED = 30.0  # seconds before a store that could not be read, and did not change, is read again
# In-window lists kept, by day: today and yesterday's (a request that started before midnight).
MAX_WINDOWS = 2


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


class Cache:
    """Rendered bodies, least recently used dropped first once they pass `limit` bytes. Used
    from the event loop and the render thread at once, hence the lock."""

    def __init__(self, limit: int = MAX_CACHED_BYTES):
        self.limit, self.size = limit, 0
        self.bodies: OrderedDict[tuple, Body] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Body | None:
        with self.lock:
            body = self.bodies.get(key)
            if body is not None:
                self.bodies.move_to_end(key)
            return body

    def put(self, key: tuple, body: Body) -> None:
        with self.lock:
            old = self.bodies.pop(key, None)
            self.size += len(body.data) - (len(old.data) if old else 0)
            self.bodies[key] = body
            while self.size > self.limit and len(self.bodies) > 1:
                self.size -= len(self.bodies.popitem(last=False)[1].data)


@dataclass
class Reading:
    """One reading of the store and what is worked out from it, replaced whole when the store
    changes: a render in a thread keeps the reading it started with and never mixes two."""

    records: dict[str, dict]
    generation: int
    events: dict[str, bytes] = field(default_factory=dict)  # VEVENT bytes by id (ical.render's memo)
    haystacks: dict[str, str] = field(default_factory=dict)  # search.text by id
    windows: dict[dt.date, list[dict]] = field(default_factory=dict)  # in-window records by day

    def window(self, today: dt.date) -> list[dict]:
        found = self.windows.get(today)
        if found is None:
            found = [r for r in self.records.values() if ical.in_window(r, today)]
            if len(self.windows) >= MAX_WINDOWS:
                self.windows.clear()
            self.windows[today] = found
        return found

    def selected(self, filters: Filters, today: dt.date) -> list[dict]:
        """The window's records that `filters` let through, the words of each folded once."""
        window = self.window(today)
        if filters == Filters():
            return list(window)
        return [r for r in window if filters.match(r, self._haystack(r))]

    def matching(self, filters: Filters) -> list[dict]:
        """Every record `filters` let through, in the window or not (the page shows its own span)."""
        if filters == Filters():
            return list(self.records.values())
        return [r for r in self.records.values() if filters.match(r, self._haystack(r))]

    def _haystack(self, record: dict) -> str:
        found = self.haystacks.get(record["id"])
        if found is None:
            found = self.haystacks[record["id"]] = search.text(record)
        return found


class Catalog:
    """The store as the server sees it. `today` is the clock; `rescan_every` bounds how often
    the files are looked at for changes (seconds); `scan_aside` looks in a thread (see `refresh`)."""

    def __init__(self, root: Path, today: Callable[[], dt.date], rescan_every: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic, scan_aside: bool = False):
        self.root, self.today, self.rescan_every, self.monotonic = Path(root), today, rescan_every, monotonic
        self.scan_aside = scan_aside
        self.reading = Reading({}, 0)
        self.signature: tuple | None = None  # None until the store was read once
        self.checked_at = float("-inf")
        self.cache = Cache()
        self.lock = threading.Lock()
        self.error: str | None = None
        self.problems: str | None = None  # what the last load could not read
        self.refused: tuple | None = None  # (signature, when) of the last store that could not be read whole
        self.scanning = False
        self.found: tuple | OSError | None = None  # a background scan's result, for the next request
        self.parsed: dict = {}  # what the last load parsed, so a reload parses only changed files

    @property
    def records(self) -> dict[str, dict]:
        return self.reading.records

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
        """Reload the records if any store file changed; keep serving the last good version of
        a file that is momentarily unreadable (a half-edited file), and say so on /healthz.

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
            if found != self.signature and not self._refused_lately(found):
                self.problems = self._load(found)
            self.error = self.problems  # a file the last load could not read is still a problem

    def _refused_lately(self, found: tuple) -> bool:
        """Whether this same store failed to load less than RETRY_REFUSED seconds ago: reading
        10,000 files again every second would hold the server for nothing. (A file whose
        permissions were fixed looks unchanged to the scan, so it is retried all the same.)"""
        return self.refused is not None and self.refused[0] == found and \
            self.monotonic() - self.refused[1] < RETRY_REFUSED

    def _load(self, found: tuple) -> str | None:
        """Read the store whole the first time (a broken store is refused: 503, never an empty
        feed); after that a broken file keeps its last good version and the others go on."""
        problems = None if self.signature is None else []
        try:
            records = store.Store(self.root).load(self.parsed, problems)
        except (store.StoreError, OSError) as exc:
            self.refused = (found, self.monotonic())
            return str(exc)
        self.reading, self.signature = Reading(records, self.reading.generation + 1), found
        return "; ".join(problems) if problems else None

    def selected(self, filters: Filters) -> list[dict]:
        return self.reading.selected(filters, self.today())

    def _modified(self, records: list[dict]) -> dt.datetime:
        stamps = [ical._stamp(r.get("updated")) for r in records]
        return max(stamps, default=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))

    def key(self, feed: ical.Feed, filters: Filters, gzipped: bool, reading: Reading | None = None) -> tuple:
        """What a rendered feed depends on: the store's reading (the current one by default),
        the feed, what the filters select, the day and the encoding."""
        return ((reading or self.reading).generation, feed.slug, filters.key, self.today(), gzipped)

    def cached(self, feed: ical.Feed, filters: Filters, gzipped: bool) -> Body | None:
        """The feed's bytes if they are at hand: a look-up, cheap enough for the event loop."""
        return self.cache.get(self.key(feed, filters, gzipped))

    def feed(self, feed: ical.Feed, filters: Filters, gzipped: bool) -> Body:
        """The feed's bytes (gzip-compressed when asked), cached until the store or the day
        changes. Rendering takes up to a second for a large store: the server calls this in a
        thread (see `bot.web.budget`)."""
        reading = self.reading  # one reading throughout, even if a reload lands meanwhile
        key = self.key(feed, filters, False, reading)
        today = key[3]
        plain = self.cache.get(key)
        if plain is None:
            records = [r for r in reading.selected(filters, today) if r.get("kind") in feed.kinds]
            data = ical.render(records, feed, today=today, memo=reading.events)
            plain = _body(data, self._modified(records))
            self.cache.put(key, plain)
        if not gzipped:
            return plain
        packed = self.cache.get(key[:-1] + (True,))
        if packed is None:
            packed = _body(gzip.compress(plain.data, mtime=0), plain.modified_at, "-gz")
            self.cache.put(key[:-1] + (True,), packed)
        return packed

    def personal(self, chat) -> Body:
        """A chat's own feed (not cached: one per chat, and its settings change)."""
        from ..reminders import concerns

        today = self.today()
        reading = self.reading
        records = [r for r in reading.window(today) if concerns(chat, r)]
        feed = ical.Feed("mine", "Human rights defenders: followed in Telegram",
                         "What your Telegram chat follows.", ("deadline", "event", "hearing"))
        return _body(ical.render(records, feed, today=today, memo=reading.events), self._modified(records))

    def single(self, rid: str) -> Body | None:
        record = self.records.get(rid)
        if record is None:
            return None
        feed = ical.Feed(rid, record.get("title") or rid, "One opportunity", (record.get("kind"),))
        data = ical.render([record], feed, today=None)
        return _body(data, self._modified([record]))
