"""What the handlers and jobs share: settings, state, the store as last read, the clock and the
outbox. One object, passed in; nothing global."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import threading
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping, NamedTuple

from .. import reminders
from ..settings import Settings
from ..state import State
from ..web.catalog import Catalog
from .delivery import Outbox


class Target(NamedTuple):
    """Where a chat's messages go: what sending needs of its row."""

    id: int
    type: str
    thread_id: int | None


NO_SNOOZES: Mapping = MappingProxyType({})
_SHARED: dict = {}


def _shared(value):
    """One object for equal values (an intern table for zone names and settings tuples)."""
    shared = _SHARED.get(value)
    if shared is None:
        if len(_SHARED) >= 10_000:  # a bound, whatever settings people choose
            return value
        shared = _SHARED[value] = value
    return shared


def _tuple(values) -> tuple:
    """Settings lists as shared tuples (rows read in bulk already share theirs)."""
    return values if isinstance(values, tuple) else _shared(tuple(values))


@contextlib.contextmanager
def no_collector_passes():
    """Hold the cyclic garbage collector off while a bulk read builds objects that live on and
    hold no cycles: its passes would only walk them again and again (a third of the time of
    reading 100,000 chats). Reference counting still frees what is dropped meanwhile."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


NO_CHOICES = {"follows": frozenset(), "mutes": frozenset(), "snoozes": NO_SNOOZES}


def _choices(prefs: dict) -> dict:
    """A chat's follows, mutes and snoozes for the plan; most chats have none."""
    if not prefs:
        return NO_CHOICES
    return {"follows": frozenset(i for i, p in prefs.items() if p.state == "follow"),
            "mutes": frozenset(i for i, p in prefs.items() if p.state == "mute"),
            "snoozes": {i: p.snooze_until for i, p in prefs.items() if p.snooze_until} or NO_SNOOZES}


@dataclass
class Service:
    settings: Settings
    state: State
    catalog: Catalog
    clock: Callable[[], dt.datetime]
    outbox: Outbox | None = None
    base_url: str = "http://127.0.0.1:8080"
    monotonic: Callable[[], float] = time.monotonic
    started: dt.datetime | None = None  # when this run began: reminders due before it were missed
    _chats: dict | None = field(default=None, repr=False)
    _chats_at: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _generation: int = 0  # bumped by every touch
    rescheduling: asyncio.Future | None = None  # the round of `jobs.reschedule` under way
    reschedule_again: bool = False
    reschedule_fresh: bool = False
    store_error: str | None = None  # the store's problem the bot last logged

    CHATS_TTL = 600.0  # seconds; handlers and the outbox call touch() on every change they make

    def touch(self, chat_id: int | None = None) -> None:
        """A chat (or, without an id, any chat) changed: read it again before the next plan."""
        with self._lock:
            self._generation += 1  # a read of all chats under way started before this change
            if chat_id is None or self._chats is None:
                self._chats = None
                return
        row = self.state.chat(chat_id)
        fresh = None if row is None or not row.active else (Target(row.id, row.type, row.thread_id), self.view(row))
        with self._lock:  # the plan may be reading the chats in another thread
            if self._chats is None:  # dropped meanwhile: the next plan reads them all
                return
            chats = dict(self._chats)
            if fresh is None:
                chats.pop(chat_id, None)
            else:
                chats[chat_id] = fresh
            self._chats = chats

    def known(self, chat_id: int) -> bool:
        """Whether the cached chats include this one (else it is new: touch it)."""
        return self._chats is not None and chat_id in self._chats

    @property
    def records(self) -> dict[str, dict]:
        return self.catalog.records

    def defaults(self) -> dict:
        """A new chat's settings, from config/settings.yaml."""
        chats = self.settings.chats
        return {"timezone": chats.timezone, "deadline_leads": list(chats.deadline_leads),
                "event_leads": list(chats.event_leads), "digest": chats.digest, "digest_hour": chats.digest_hour}

    def view(self, row, prefs: dict | None = None) -> reminders.Chat:
        """The plan's view of a stored chat and its per-item choices. Equal settings share one
        tuple: 100,000 chats mostly repeat a few."""
        prefs = self.state.prefs(row.id) if prefs is None else prefs
        return reminders.Chat(
            id=row.id, timezone=_shared(row.timezone), kinds=_tuple(row.kinds), keywords=_tuple(row.keywords),
            deadline_leads=_tuple(row.deadline_leads), event_leads=_tuple(row.event_leads), digest=row.digest, digest_hour=row.digest_hour,
            digest_weekday=row.digest_weekday, quiet_start=row.quiet_start, quiet_end=row.quiet_end,
            morning_hour=self.settings.chats.morning_hour, created=row.created, **_choices(prefs))

    def chats(self) -> list[tuple[object, reminders.Chat]]:
        """Active chats with their plan views, read in two queries and kept until touched (or ten
        minutes old, in case another process changed the database)."""
        with self._lock:
            chats, generation = self._chats, self._generation
        if chats is None or self.monotonic() - self._chats_at > self.CHATS_TTL:
            with no_collector_passes():
                prefs = self.state.all_prefs()
                chats = {row.id: (Target(row.id, row.type, row.thread_id), self.view(row, prefs.get(row.id, {})))
                         for row in self.state.active_chat_rows()}
            with self._lock:
                # A chat that changed while this read ran (a /start during a start-up plan) may
                # be missing from it: keep it out of the cache, so the next call reads again.
                if self._generation == generation:
                    self._chats, self._chats_at = chats, self.monotonic()
        return list(chats.values())

    def personal_filter(self, token: str) -> reminders.Chat | None:
        """The chat behind a personal feed token, for the feed server."""
        chat_id = self.state.chat_for_token(token)
        row = self.state.chat(chat_id) if chat_id is not None else None
        return self.view(row) if row is not None else None
