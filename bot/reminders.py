"""The reminder plan: which message each chat is owed, and when. Pure functions of
(store records, chat settings, sent ledger, now); the Telegram layer only schedules and sends.

Lead times are strings a person can type: "14d", "3d", "1d", "6h", "30m", "morning".
Day leads and "morning" are delivered at the chat's morning hour on its own calendar (a
reminder "3 days before" should not arrive at 23:59 because the deadline is at midnight);
hour and minute leads are exact. All local times go through the chat's IANA zone on the day
concerned, so a DST change never moves a 09:00 reminder to 08:00 or 10:00.

Missed reminders (the bot was down) are sent late, marked as such, only while the item is
still ahead and only the most recent one per item: nobody wants "14 days", "3 days" and
"1 day" at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from . import ical

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
LEAD = re.compile(r"^(morning|([1-9][0-9]{0,2})([dhm]))$")
NOTICE_HORIZON = dt.timedelta(days=14)  # changes older than this are not news any more
DIGEST_GRACE = dt.timedelta(hours=3)


@dataclass(frozen=True)
class Chat:
    """What the plan needs to know about a chat: its settings and its per-item choices."""

    id: int
    timezone: str = "UTC"
    kinds: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    deadline_leads: tuple[str, ...] = ("14d", "3d", "1d", "morning")
    event_leads: tuple[str, ...] = ("1d", "1h")
    digest: str = "off"
    digest_hour: int = 8
    digest_weekday: int = 0
    quiet_start: str | None = None
    quiet_end: str | None = None
    morning_hour: int = 9
    created: dt.datetime = EPOCH
    follows: frozenset[str] = frozenset()
    mutes: frozenset[str] = frozenset()
    snoozes: Mapping[str, dt.datetime] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, order=True)
class Due:
    """One message owed to one chat: a reminder, a snoozed reminder, a digest or a notice."""

    at: dt.datetime
    chat_id: int
    key: str
    item_id: str | None = None
    lead: str | None = None
    late: bool = False


def parse_lead(text: str) -> dt.timedelta | None:
    """The lead as a duration; None for "morning" (the morning of the day itself).

    >>> parse_lead("14d"), parse_lead("6h"), parse_lead("morning")
    (datetime.timedelta(days=14), datetime.timedelta(seconds=21600), None)
    """
    match = LEAD.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a lead time (use e.g. 14d, 3d, 1d, 6h, 30m or morning)")
    if match.group(1) == "morning":
        return None
    unit = {"d": "days", "h": "hours", "m": "minutes"}[match.group(3)]
    return dt.timedelta(**{unit: int(match.group(2))})


def moment(record: dict, zone: ZoneInfo) -> tuple[dt.datetime, bool]:
    """When the item happens (a deadline: when it closes) and whether only its day is known.
    An all-day deadline closes at the end of the day on the reader's clock, an all-day event
    starts at its beginning."""
    start = ical._parse(record.get("start"))
    if isinstance(start, dt.datetime):
        return start.astimezone(UTC), False
    clock = dt.time(23, 59) if record.get("kind") == "deadline" else dt.time(0, 0)
    return dt.datetime.combine(start, clock, tzinfo=zone).astimezone(UTC), True


def _at_morning(day: dt.date, chat: Chat) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(chat.morning_hour), tzinfo=chat.zone).astimezone(UTC)


def due_time(record: dict, lead: str, chat: Chat) -> dt.datetime | None:
    """When the reminder `lead` before `record` goes to `chat`; None when it makes no sense
    (a "morning" reminder for a deadline at 08:00 would come after it)."""
    when, all_day = moment(record, chat.zone)
    delta = parse_lead(lead)
    local_day = when.astimezone(chat.zone).date()
    if delta is None or (all_day and delta < dt.timedelta(days=1)):
        at = _at_morning(local_day, chat)
    elif delta >= dt.timedelta(days=1):
        at = _at_morning(local_day - dt.timedelta(days=delta.days), chat)
    else:
        at = when - delta
    at = _after_quiet(at, chat, when)
    return at if at < when else None


def _quiet(chat: Chat) -> tuple[dt.time, dt.time] | None:
    if not (chat.quiet_start and chat.quiet_end) or chat.quiet_start == chat.quiet_end:
        return None
    return dt.time.fromisoformat(chat.quiet_start), dt.time.fromisoformat(chat.quiet_end)


def _after_quiet(at: dt.datetime, chat: Chat, when: dt.datetime) -> dt.datetime:
    """Move a reminder that falls in the chat's quiet hours to their end, unless that would be
    too late for the item itself: then the reminder matters more than the quiet."""
    quiet = _quiet(chat)
    if quiet is None:
        return at
    local = at.astimezone(chat.zone)
    start, end = quiet
    inside = start <= local.time() < end if start < end else (local.time() >= start or local.time() < end)
    if not inside:
        return at
    day = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    moved = dt.datetime.combine(day, end, tzinfo=chat.zone).astimezone(UTC)
    return moved if moved < when else at


def _haystack(record: dict) -> str:
    fields = ("title", "organizer", "location", "subtype", "evidence", "reference")
    return " ".join([str(record.get(f) or "") for f in fields] + [str(t) for t in record.get("tags") or []]).casefold()


def concerns(chat: Chat, record: dict) -> bool:
    """Whether the chat wants to hear about the item: followed, or matching its kinds and words."""
    if record["id"] in chat.mutes:
        return False
    if record["id"] in chat.follows:
        return True
    if chat.kinds and record.get("kind") not in chat.kinds:
        return False
    return not chat.keywords or any(word.casefold() in _haystack(record) for word in chat.keywords)


def _leads(chat: Chat, record: dict) -> tuple[str, ...]:
    return chat.deadline_leads if record.get("kind") == "deadline" else chat.event_leads


def _item_reminders(chat: Chat, record: dict, sent: set, now: dt.datetime) -> list[Due]:
    """The chat's reminders for one item: future ones, plus the latest missed one, sent late."""
    when, _ = moment(record, chat.zone)
    if when <= now:
        return []
    times: dict[dt.datetime, str] = {}
    for lead in _leads(chat, record):
        at = due_time(record, lead, chat)
        if at is not None:
            times.setdefault(at, lead)  # two leads landing on one minute are one reminder
    owed = [Due(at, chat.id, f"remind:{record['id']}:{lead}", record["id"], lead) for at, lead in sorted(times.items())]
    missed = [d for d in owed if chat.created < d.at <= now]  # not what was due before the chat came
    future = [d for d in owed if d.at > now and (chat.id, d.key) not in sent]
    if missed and not any((chat.id, d.key) in sent for d in missed[-1:]):
        future.insert(0, Due(now, chat.id, missed[-1].key, record["id"], missed[-1].lead, late=True))
    return future


def _snoozed(chat: Chat, records: Mapping[str, dict], sent: set) -> list[Due]:
    out = []
    for rid, until in chat.snoozes.items():
        key = f"snooze:{rid}:{until.astimezone(UTC):%Y%m%dT%H%M}"
        if rid in records and (chat.id, key) not in sent:
            out.append(Due(until.astimezone(UTC), chat.id, key, rid, "snooze"))
    return out


def plan(records: Mapping[str, dict], chats: Iterable[Chat], sent: set[tuple[int, str]],
         now: dt.datetime, until: dt.datetime | None = None) -> list[Due]:
    """Every reminder owed from `now` up to `until` (default: all), soonest first. `sent` holds
    the (chat id, key) pairs already claimed in the ledger."""
    dues: list[Due] = []
    live = [r for r in records.values() if r.get("status") != "cancelled" and r.get("start")]
    for chat in chats:
        for record in live:
            if concerns(chat, record):
                dues.extend(_item_reminders(chat, record, sent, now))
        dues.extend(_snoozed(chat, records, sent))
    return sorted(d for d in dues if until is None or d.at <= until)


def stagger(chat_id: int, spread_seconds: int) -> dt.timedelta:
    """A stable offset per chat, so digests at "08:00" leave over `spread_seconds`, not at once.

    >>> stagger(42, 900) == stagger(42, 900), stagger(42, 0)
    (True, datetime.timedelta(0))
    """
    if spread_seconds <= 0:
        return dt.timedelta(0)
    digest = hashlib.sha256(str(chat_id).encode()).digest()
    return dt.timedelta(seconds=int.from_bytes(digest[:4], "big") % spread_seconds)


def next_digest(chat: Chat, sent: set[tuple[int, str]], now: dt.datetime, spread_seconds: int = 900) -> Due | None:
    """The chat's next digest on its own calendar; one missed by at most `DIGEST_GRACE` (the
    bot was down at the hour) is sent late, an older one is not news any more."""
    if chat.digest == "off":
        return None
    local_today = now.astimezone(chat.zone).date()
    for offset in range(8):
        day = local_today + dt.timedelta(days=offset)
        if chat.digest == "weekly" and day.weekday() != chat.digest_weekday:
            continue
        key = f"digest:{day.isoformat()}"
        if (chat.id, key) in sent:
            continue
        at = dt.datetime.combine(day, dt.time(chat.digest_hour), tzinfo=chat.zone).astimezone(UTC)
        at += stagger(chat.id, spread_seconds)
        if at < now - DIGEST_GRACE:
            continue
        return Due(max(at, now), chat.id, key, late=at < now)
    return None


@dataclass(frozen=True)
class Notice:
    """A change worth telling a chat about: new, moved (extended), cancelled or updated."""

    chat_id: int
    item_id: str
    key: str
    what: str  # "new", "extended", "moved", "cancelled", "updated"
    detail: str


MOVED = re.compile(r"start moved from (\S+) to (\S+)")


def change(record: dict) -> tuple[str, str] | None:
    """What the item's latest change means to a reader, from the store's change history."""
    if record.get("status") == "cancelled":
        return "cancelled", ""
    history = record.get("changes") or []
    if not history:
        return ("new", "") if not int(record.get("sequence") or 0) else None
    what = str(history[-1].get("what") or "")
    moved = MOVED.search(what)
    if moved:
        old, new = moved.groups()
        later = new > old
        return ("extended" if later and record.get("kind") == "deadline" else "moved"), new
    return "updated", what


def _changed_at(record: dict) -> dt.datetime:
    return ical._stamp(record.get("updated"))


def notices(records: Mapping[str, dict], chats: Iterable[Chat], sent: set[tuple[int, str]],
            now: dt.datetime) -> list[Notice]:
    """Change notices owed: to chats the item concerns, for changes made after the chat
    arrived and within the last two weeks, for items not yet over. "new" goes only to chats
    that chose kinds or words (a chat following everything would get every item twice)."""
    out = []
    fresh = [r for r in records.values() if now - NOTICE_HORIZON <= _changed_at(r) <= now
             and moment(r, UTC)[0] > now]
    for record in fresh:
        meaning = change(record)
        if meaning is None:
            continue
        what, detail = meaning
        key = f"notice:{record['id']}:{'new' if what == 'new' else int(record.get('sequence') or 0)}"
        for chat in chats:
            wanted = concerns(chat, record) and (what != "new" or chat.kinds or chat.keywords or record["id"] in chat.follows)
            if wanted and _changed_at(record) > chat.created and (chat.id, key) not in sent:
                out.append(Notice(chat.id, record["id"], key, what, detail))
    return sorted(out, key=lambda n: (n.chat_id, n.key))


def upcoming(records: Mapping[str, dict], chat: Chat, now: dt.datetime, kind: str | None = None,
             words: str | None = None) -> list[dict]:
    """Items not yet over, soonest first: those the command's kind or words name, or without
    them those the chat follows."""
    today = now.astimezone(chat.zone).date()
    out = []
    for record in records.values():
        if not record.get("start") or record.get("status") == "cancelled" or record["id"] in chat.mutes:
            continue
        if kind and kind not in (record.get("kind"), record.get("subtype")):
            continue
        if words and words.casefold() not in _haystack(record):
            continue
        if not (kind or words) and not concerns(chat, record):
            continue
        if ical._last_day(record) >= today:
            out.append(record)
    return sorted(out, key=lambda r: (moment(r, chat.zone)[0], r["id"]))
