"""The reminder plan: which message each chat is owed, and when. Pure functions of
(store records, chat settings, sent ledger, now); the Telegram layer only schedules and sends.

Lead times are strings a person can type: "14d", "3d", "1d", "6h", "30m", "morning".
Day leads and "morning" are delivered at the chat's morning hour on its own calendar (a
reminder "3 days before" should not arrive at 23:59 because the deadline is at midnight);
hour and minute leads are exact. All local times go through the chat's IANA zone on the day
concerned, so a DST change never moves a 09:00 reminder to 08:00 or 10:00.

Missed reminders (the bot was down) are sent late, marked as such, only while the item is
still ahead and only the most recent one per item: nobody wants "14 days", "3 days" and
"1 day" at once. "Late" means due before the bot came back online (`online_since`): a reminder
that a busy bot, or `try`'s moved clock, sends some minutes after its time is not labelled so.

A snoozed item stays quiet until its snooze: the reminders that fall before it are absorbed
by the snoozed one, so the reader hears about the item once, at the time they chose.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Container, Iterable, Mapping
from zoneinfo import ZoneInfo

from . import ical, leads, search

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
NOTICE_HORIZON = dt.timedelta(days=14)  # changes older than this are not news any more
DIGEST_GRACE = dt.timedelta(hours=3)
LATE_AFTER = dt.timedelta(minutes=10)  # a reminder sent later than this after its time says so


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, order=True, slots=True)
class Due:
    """One message owed to one chat: a reminder, a snoozed reminder, a digest or a notice."""

    at: dt.datetime
    chat_id: int
    key: str
    item_id: str | None = None
    lead: str | None = None
    late: bool = False


@functools.lru_cache(maxsize=1 << 16)
def _start(value) -> dt.date | dt.datetime | None:
    """A stored start, parsed once: every chat profile asks about the same items."""
    return ical._parse(value)


def moment(record: dict, zone: ZoneInfo) -> tuple[dt.datetime, bool]:
    """When the item happens (a deadline: when it closes) and whether only its day is known.
    An all-day deadline closes at the end of the day on the reader's clock, an all-day event
    starts at its beginning."""
    start = _start(record.get("start"))
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
    delta = leads.parse(lead)
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


def concerns(chat: Chat, record: dict) -> bool:
    """Whether the chat wants to hear about the item: followed, or matching its kinds and words."""
    if record["id"] in chat.mutes:
        return False
    if record["id"] in chat.follows:
        return True
    if chat.kinds and record.get("kind") not in chat.kinds:
        return False
    return not chat.keywords or search.mentions_any(chat.keywords, search.text(record))


def _leads(chat: Chat, record: dict) -> tuple[str, ...]:
    return chat.deadline_leads if record.get("kind") == "deadline" else chat.event_leads


def _filters_let_through(chat: Chat, record: dict, text: str | None = None) -> bool:
    if chat.kinds and record.get("kind") not in chat.kinds:
        return False
    if not chat.keywords:
        return True
    return search.mentions_any(chat.keywords, search.text(record) if text is None else text)


def timing(chat: Chat) -> tuple:
    """What decides when a chat's reminders for an item fall (not which items)."""
    return (chat.timezone, chat.deadline_leads, chat.event_leads, chat.quiet_start, chat.quiet_end, chat.morning_hour)


def profile(chat: Chat) -> tuple:
    """Everything that decides when a chat's reminders fall, except its per-item choices: chats
    with the same profile share one computation (most chats keep the defaults)."""
    return (chat.timezone, chat.kinds, chat.keywords, chat.deadline_leads, chat.event_leads,
            chat.quiet_start, chat.quiet_end, chat.morning_hour)


def reminder_times(chat: Chat, record: dict) -> tuple[tuple[dt.datetime, str], ...]:
    """(when, lead) of every reminder of the item for this chat's settings, soonest first; two
    leads landing on one minute are one reminder."""
    times: dict[dt.datetime, str] = {}
    for lead in _leads(chat, record):
        at = due_time(record, lead, chat)
        if at is not None:
            times.setdefault(at, lead)
    return tuple(sorted(times.items()))


def _window(times, since: dt.datetime | None, until: dt.datetime | None) -> bool:
    return any((since is None or since < at) and (until is None or at <= until) for at, _ in times)


class Timeline:
    """The live items sorted by when they happen, so a plan looks only at those near its window.
    An all-day item sorts at noon UTC of its day; the 14-hour margin covers every zone."""

    MARGIN = dt.timedelta(hours=15)

    def __init__(self, records: Mapping[str, dict]):
        live = [r for r in records.values() if r.get("status") != "cancelled" and _start(r.get("start"))]
        self.items = sorted(live, key=lambda r: (self._key(r), r["id"]))
        self.keys = [self._key(r) for r in self.items]
        self.by_id = {r["id"]: r for r in live}
        self._texts: dict[str, str] = {}
        self._times: dict[tuple, tuple] = {}

    def text(self, record: dict) -> str:
        """The words a chat's keywords are looked for in, lower-cased once per item."""
        rid = record["id"]
        if rid not in self._texts:
            self._texts[rid] = search.text(record)
        return self._texts[rid]

    def times(self, chat: Chat, record: dict) -> tuple:
        """`reminder_times`, once per item and timing (chats that differ only in what they
        follow share them)."""
        key = (timing(chat), record["id"])
        if key not in self._times:
            self._times[key] = reminder_times(chat, record)
        return self._times[key]

    @staticmethod
    def _key(record: dict) -> dt.datetime:
        start = _start(record.get("start"))
        if isinstance(start, dt.datetime):
            return start.astimezone(UTC)
        return dt.datetime.combine(start, dt.time(12), tzinfo=UTC)

    def between(self, low: dt.datetime | None, high: dt.datetime | None) -> list[dict]:
        """Items happening in about (low, high]; None is open."""
        first = 0 if low is None else bisect.bisect_left(self.keys, low - self.MARGIN)
        last = len(self.items) if high is None else bisect.bisect_right(self.keys, high + self.MARGIN)
        return self.items[first:last]


def _near(model: Chat, timeline: Timeline, now: dt.datetime, since, until) -> list[dict]:
    """Items still ahead that can have a reminder in (since, until] for this profile: for each
    lead, those happening about that long after the window (36 hours of slack for morning hours
    and quiet hours)."""
    if until is None:
        return timeline.between(now, None)
    slack = dt.timedelta(hours=36)
    deltas = sorted({leads.parse(lead) or dt.timedelta(0) for lead in (*model.deadline_leads, *model.event_leads)})
    seen: dict[str, dict] = {}
    for delta in deltas or [dt.timedelta(0)]:
        low = now if since is None else max(now, since + delta - slack)
        for record in timeline.between(low, until + delta + slack):
            seen.setdefault(record["id"], record)
    return list(seen.values())


def _table(model: Chat, timeline: Timeline, now: dt.datetime, since, until) -> list[tuple[dict, tuple]]:
    """The items a profile's filters let through that have a reminder in (since, until]."""
    out = []
    for record in _near(model, timeline, now, since, until):
        if not _filters_let_through(model, record, timeline.text(record)):
            continue
        if moment(record, model.zone)[0] <= now:
            continue
        times = timeline.times(model, record)
        if _window(times, since, until):
            out.append((record, times))
    return out


def _chat_dues(chat: Chat, record: dict, times, now: dt.datetime, since, until,
               online_since: dt.datetime | None = None) -> list[Due]:
    """One chat's reminders for one item: those ahead (up to `until`), and of those missed since
    the chat arrived (and since `since`) only the latest, sent now; late when it is overdue and
    fell due before the bot was online. Those a snooze covers are left to the snooze."""
    rid, floor = record["id"], max(chat.created, since) if since else chat.created
    snoozed = chat.snoozes.get(rid)
    if snoozed is not None:
        times = [(at, lead) for at, lead in times if at > snoozed]
    out = [Due(at, chat.id, f"remind:{rid}:{lead}", rid, lead) for at, lead in times
           if max(now, since or now) < at and (until is None or at <= until)]
    missed = [(at, lead) for at, lead in times if floor < at <= now]
    if missed:
        at, lead = missed[-1]
        offline = online_since is None or at < online_since
        out.insert(0, Due(now, chat.id, f"remind:{rid}:{lead}", rid, lead, late=offline and now - at > LATE_AFTER))
    return out


def _snoozed(chat: Chat, records: Mapping[str, dict], now: dt.datetime, until) -> list[Due]:
    out = []
    for rid, at in chat.snoozes.items():
        key = f"snooze:{rid}:{at.astimezone(UTC):%Y%m%dT%H%M}"
        if rid in records and (until is None or at <= until):
            out.append(Due(max(at.astimezone(UTC), now), chat.id, key, rid, "snooze"))
    return out


def _groups(chats: Iterable[Chat]) -> list[list[Chat]]:
    groups: dict[tuple, list[Chat]] = {}
    for chat in chats:
        groups.setdefault(profile(chat), []).append(chat)
    return list(groups.values())


def plan(records: Mapping[str, dict], chats: Iterable[Chat], sent: Container, now: dt.datetime,
         until: dt.datetime | None = None, since: dt.datetime | None = None,
         timeline: Timeline | None = None, online_since: dt.datetime | None = None) -> list[Due]:
    """Every reminder owed from `now` up to `until` (default: all), soonest first, leaving out
    the (chat id, key) pairs in `sent` (the ledger). Missed reminders count only from `since`
    (when the bot last looked; default: since each chat arrived); those due before
    `online_since` (when this run of the bot started; default: any) are marked late."""
    timeline = timeline or Timeline(records)
    by_id = timeline.by_id
    dues: list[Due] = []
    for members in _groups(chats):
        table = _table(members[0], timeline, now, since, until)
        matched = {record["id"] for record, _ in table}
        for chat in members:
            for record, times in table:
                if record["id"] not in chat.mutes:
                    dues.extend(_chat_dues(chat, record, times, now, since, until, online_since))
            dues.extend(_followed(chat, by_id, matched, now, since, until, online_since))
            dues.extend(_snoozed(chat, by_id, now, until))
    return sorted(d for d in dues if (d.chat_id, d.key) not in sent)


def _followed(chat: Chat, by_id: Mapping[str, dict], matched: set, now, since, until,
              online_since: dt.datetime | None = None) -> list[Due]:
    """Items the chat follows by hand that its filters would not have let through."""
    out = []
    for rid in chat.follows - matched - chat.mutes:
        record = by_id.get(rid)
        if record is None or moment(record, chat.zone)[0] <= now:
            continue
        times = reminder_times(chat, record)
        if _window(times, since, until):
            out.extend(_chat_dues(chat, record, times, now, since, until, online_since))
    return out


def due_times(records: Mapping[str, dict], chats: Iterable[Chat], now: dt.datetime,
              until: dt.datetime, timeline: Timeline | None = None) -> set[dt.datetime]:
    """The moments in (now, until] when a reminder may fall. Computed per timing (zone, lead
    times, quiet and morning hours), ignoring what chats follow: a moment when in the end nobody
    is owed anything costs one empty tick, and 100,000 chats share far fewer timings than
    settings."""
    timeline = timeline or Timeline(records)
    by_id = timeline.by_id
    times: set[dt.datetime] = set()
    timings: dict[tuple, Chat] = {}
    for chat in chats:
        timings.setdefault(timing(chat), chat)
        if chat.follows or chat.snoozes:
            times.update(d.at for d in _followed(chat, by_id, set(), now, now, until) + _snoozed(chat, by_id, now, until)
                         if now < d.at <= until)
    for model in timings.values():
        everything = dataclasses.replace(model, kinds=(), keywords=(), follows=frozenset(), mutes=frozenset())
        for _, owed in _table(everything, timeline, now, now, until):
            times.update(at for at, _ in owed if now < at <= until)
    return times


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
    return _stamp(record.get("updated"))


@functools.lru_cache(maxsize=1 << 16)
def _stamp(value) -> dt.datetime:
    return ical._stamp(value)


def notices(records: Mapping[str, dict], chats: Iterable[Chat], sent: Container, now: dt.datetime,
            since: dt.datetime | None = None) -> list[Notice]:
    """Change notices owed: to chats the item concerns, for changes made after the chat
    arrived and after `since` (when the bot last looked; default: the last two weeks), for
    items not yet over. "new" goes only to chats that chose kinds or words (a chat following
    everything would get every item twice)."""
    low = since or now - NOTICE_HORIZON
    fresh = [(r, change(r)) for r in records.values() if low < _changed_at(r) <= now and moment(r, UTC)[0] > now]
    fresh = [(r, meaning) for r, meaning in fresh if meaning is not None]
    out = []
    for members in _groups(chats) if fresh else []:
        passing = [(r, m) for r, m in fresh if _filters_let_through(members[0], r)]
        for chat in members:
            out.extend(_chat_notices(chat, passing, fresh, sent))
    return sorted(out, key=lambda n: (n.chat_id, n.key))


def _chat_notices(chat: Chat, passing: list, fresh: list, sent: Container) -> list[Notice]:
    out = []
    followed = [(r, m) for r, m in fresh if r["id"] in chat.follows]
    for record, (what, detail) in dict((r["id"], (r, m)) for r, m in passing + followed).values():
        if record["id"] in chat.mutes or _changed_at(record) <= chat.created:
            continue
        if what == "new" and not (chat.kinds or chat.keywords or record["id"] in chat.follows):
            continue
        key = f"notice:{record['id']}:{'new' if what == 'new' else int(record.get('sequence') or 0)}"
        if (chat.id, key) not in sent:
            out.append(Notice(chat.id, record["id"], key, what, detail))
    return out


def upcoming(records: Mapping[str, dict], chat: Chat, now: dt.datetime, kind: str | None = None,
             words: str | None = None) -> list[dict]:
    """Items not yet over, soonest first: those the command's kind or words name, or without
    them those the chat follows."""
    today = now.astimezone(chat.zone).date()
    wanted = search.terms(words) if words else ()
    out = []
    for record in records.values():
        if not record.get("start") or record.get("status") == "cancelled" or record["id"] in chat.mutes:
            continue
        if kind and kind not in (record.get("kind"), record.get("subtype")):
            continue
        if wanted and not search.matches(wanted, search.text(record)):
            continue
        if not (kind or words) and not concerns(chat, record):
            continue
        if ical._last_day(record) >= today:
            out.append(record)
    return sorted(out, key=lambda r: (moment(r, chat.zone)[0], r["id"]))
