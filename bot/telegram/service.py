"""What the handlers and jobs share: settings, state, the store as last read, the clock and the
outbox. One object, passed in; nothing global."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from .. import reminders
from ..settings import Settings
from ..state import State
from ..web.catalog import Catalog
from .delivery import Outbox


@dataclass
class Service:
    settings: Settings
    state: State
    catalog: Catalog
    clock: Callable[[], dt.datetime]
    outbox: Outbox | None = None
    base_url: str = "http://127.0.0.1:8080"

    @property
    def records(self) -> dict[str, dict]:
        return self.catalog.records

    def defaults(self) -> dict:
        """A new chat's settings, from config/settings.yaml."""
        chats = self.settings.chats
        return {"timezone": chats.timezone, "deadline_leads": list(chats.deadline_leads),
                "event_leads": list(chats.event_leads), "digest": chats.digest, "digest_hour": chats.digest_hour}

    def view(self, row) -> reminders.Chat:
        """The plan's view of a stored chat and its per-item choices."""
        prefs = self.state.prefs(row.id)
        return reminders.Chat(
            id=row.id, timezone=row.timezone, kinds=tuple(row.kinds), keywords=tuple(row.keywords),
            deadline_leads=tuple(row.deadline_leads), event_leads=tuple(row.event_leads),
            digest=row.digest, digest_hour=row.digest_hour, digest_weekday=row.digest_weekday,
            quiet_start=row.quiet_start, quiet_end=row.quiet_end, morning_hour=self.settings.chats.morning_hour,
            created=row.created,
            follows=frozenset(i for i, p in prefs.items() if p.state == "follow"),
            mutes=frozenset(i for i, p in prefs.items() if p.state == "mute"),
            snoozes={i: p.snooze_until for i, p in prefs.items() if p.snooze_until})

    def chats(self) -> list[tuple[object, reminders.Chat]]:
        return [(row, self.view(row)) for row in self.state.active_chats()]

    def personal_filter(self, token: str) -> reminders.Chat | None:
        """The chat behind a personal feed token, for the feed server."""
        chat_id = self.state.chat_for_token(token)
        row = self.state.chat(chat_id) if chat_id is not None else None
        return self.view(row) if row is not None else None
