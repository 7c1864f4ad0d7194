"""Stored opportunities → RFC 5545 calendars that Google, Apple, Outlook and Thunderbird subscribe to.

`render` is pure and byte-deterministic: the same records, feed and day give the same bytes.
Every timestamp in a VEVENT comes from the data (`updated`, `first_seen`), never the clock;
`today` only chooses which items are in the window (future ones plus a short past).

Timed items are written in UTC ("…Z"): the extractor often knows only an offset ("CET"), and
UTC needs no VTIMEZONE, which Outlook requires for every TZID and ical.js misreads in the
RDATE-list form that generators produce. Clients show UTC times in the user's own zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneStandard, vText

from . import public

PRODID = "-//hrd-calendar//opportunities for human rights defenders//EN"
PAST_DAYS = 30  # past items, and cancelled ones, stay this long so clients update or remove them
STATUS = {"confirmed": "CONFIRMED", "tentative": "TENTATIVE", "cancelled": "CANCELLED"}


@dataclass(frozen=True)
class Feed:
    """One calendar: its file name, title, description and which kinds it holds."""

    slug: str
    name: str
    description: str
    kinds: tuple[str, ...]


FEEDS = (
    Feed("all", "Human rights defenders: all opportunities", "Deadlines, events and court dates.",
         ("deadline", "event", "hearing")),
    Feed("deadlines", "Human rights defenders: deadlines", "Nominations, applications, calls for input, sign-on letters.",
         ("deadline",)),
    Feed("events", "Human rights defenders: events", "UN sessions, side events, roundtables, webinars, meetings.",
         ("event",)),
    Feed("hearings", "Human rights defenders: court dates", "Hearings, trials, appeals and verdicts.", ("hearing",)),
)


def _parse(value) -> dt.date | dt.datetime | None:
    """A stored start or end: ISO text (or a date YAML already parsed) as date or aware datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if "T" in text:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    return dt.date.fromisoformat(text)


def _stamp(value) -> dt.datetime:
    parsed = _parse(value) or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    if not isinstance(parsed, dt.datetime):
        parsed = dt.datetime(parsed.year, parsed.month, parsed.day, tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def _last_day(record: dict) -> dt.date:
    last = _parse(record.get("end")) or _parse(record.get("start"))
    return last.date() if isinstance(last, dt.datetime) else last


def in_window(record: dict, today: dt.date) -> bool:
    """Future items and the last `PAST_DAYS` days; cancelled ones for `PAST_DAYS` after cancelling."""
    horizon = today - dt.timedelta(days=PAST_DAYS)
    if record.get("status") == "cancelled" and _stamp(record.get("updated")).date() < horizon:
        return False
    return _last_day(record) >= horizon


# Control characters (RFC 5545 TEXT allows none but the tab and the line breaks it escapes) and
# bidirectional overrides, which make a title display reversed: a spoofed date or link.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def text(value) -> str:
    r"""A value fit for a TEXT property.

    >>> text("Award\x00 \x1b[31mdeadline\u202e 2027")
    'Award [31mdeadline 2027'
    """
    return _UNSAFE.sub("", str(value))


def _description(record: dict) -> str:
    lines = []
    for label, key in (("Organiser", "organizer"), ("Where", "location"), ("Contact", "contact"),
                       ("Reference", "reference"), ("Link", "url")):
        if record.get(key):
            lines.append(f"{label}: {record[key]}")
    if record.get("online"):
        lines.append("Online")
    if record.get("evidence"):
        lines.append(f"From the text: “{record['evidence']}”")
    sources = [s.get("document") for s in record.get("sources") or [] if s.get("document")]
    if sources:
        lines.append("Source: " + ", ".join(dict.fromkeys(public.document(s) for s in sources)))
    return text("\n".join(lines))


def _dates(event: Event, record: dict) -> None:
    start, end = _parse(record.get("start")), _parse(record.get("end"))
    if isinstance(start, dt.datetime):
        if not (isinstance(end, dt.datetime) and end > start):
            # Clients disagree on events without an end: a deadline is a moment, a meeting an hour.
            end = start + (dt.timedelta(minutes=1) if record.get("kind") == "deadline" else dt.timedelta(hours=1))
        event.add("dtstart", start.astimezone(dt.timezone.utc))
        event.add("dtend", end.astimezone(dt.timezone.utc))
        return
    last = end if isinstance(end, dt.date) and not isinstance(end, dt.datetime) and end >= start else start
    event.add("dtstart", start)
    event.add("dtend", last + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive


def event(record: dict, alarms: tuple[dt.timedelta, ...] = ()) -> Event:
    """The VEVENT of one stored record."""
    item = Event()
    item.add("uid", f"{record['id']}@hrd-calendar")
    item.add("dtstamp", _stamp(record.get("updated")))
    item.add("created", _stamp(record.get("first_seen") or record.get("updated")))
    item.add("last-modified", _stamp(record.get("updated")))
    item.add("sequence", int(record.get("sequence") or 0))
    item.add("summary", text(record.get("title") or "Untitled"))
    _dates(item, record)
    item.add("status", STATUS.get(record.get("status", "confirmed"), "CONFIRMED"))
    item.add("description", _description(record))
    if record.get("url"):
        item.add("url", record["url"])
    if record.get("location") or record.get("online"):
        item.add("location", text(record.get("location") or "Online"))
    item.add("categories", [text(c) for c in (record.get("kind"), record.get("subtype"), *(record.get("tags") or [])) if c])
    if record.get("kind") == "deadline" and record.get("status") != "cancelled":
        for lead in alarms:
            item.add_component(_alarm(record, lead))
    return item


def _alarm(record: dict, lead: dt.timedelta) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text(f"Deadline: {record.get('title') or 'opportunity'}"))
    alarm.add("trigger", -lead)
    return alarm


ALARMS = (dt.timedelta(days=3), dt.timedelta(days=1))
END = b"END:VCALENDAR\r\n"
# Google Calendar silently drops a subscribed feed of about 1 MB or more: better that the items
# furthest ahead wait (they come in as nearer ones pass) than that the whole feed disappears.
MAX_BYTES = 900_000


@functools.cache
def _placeholder() -> bytes:
    """What an empty feed holds: RFC 5545 requires a calendar to have at least one component,
    and a made-up event would land in people's calendars, so it is the UTC time zone (every
    time here is in UTC; clients ignore a time zone nothing uses)."""
    zone = Timezone()
    zone.add("tzid", "UTC")
    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(0))
    standard.add("tzoffsetto", dt.timedelta(0))
    standard.add("tzname", "UTC")
    zone.add_component(standard)
    return zone.to_ical()


def _calendar(feed: Feed) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", feed.name)
    calendar.add("x-wr-calname", feed.name)
    calendar.add("x-wr-caldesc", vText(feed.description))  # X- properties are not escaped unless typed
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    return calendar


def render_all(records: list[dict], feeds: tuple[Feed, ...] = FEEDS, *, today: dt.date | None,
               alarms: tuple[dt.timedelta, ...] = ALARMS, memo: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Each feed's calendar as bytes, by slug. Every event is serialised once, however many
    feeds hold it (all.ics repeats the others), and the same bytes go into each. `memo` (id ->
    VEVENT bytes with the default alarms), when given, keeps them across calls: serialising is
    nearly all of the cost, so a feed server that keeps it renders any filtered feed by joining."""
    kinds = {kind for feed in feeds for kind in feed.kinds}
    chosen = [r for r in records if r.get("kind") in kinds and (today is None or in_window(r, today))]
    chosen.sort(key=lambda r: (str(_parse(r.get("start"))), r["id"]))
    memo = memo if memo is not None and alarms == ALARMS else {}
    events = {}
    for record in chosen:
        data = memo.get(record["id"])
        if data is None:
            data = memo[record["id"]] = event(record, alarms).to_ical()
        events[record["id"]] = data
    out = {}
    for feed in feeds:
        head = _calendar(feed).to_ical()[:-len(END)]
        body = b"".join(_fitting(len(head) + len(END), [events[r["id"]] for r in chosen if r.get("kind") in feed.kinds]))
        out[feed.slug] = head + (body or _placeholder()) + END
    return out


def _fitting(used: int, events: list[bytes], limit: int | None = None) -> list[bytes]:
    """The events, soonest first, that fit within `limit` bytes (default MAX_BYTES)."""
    limit = MAX_BYTES if limit is None else limit
    kept = []
    for data in events:
        used += len(data)
        if used > limit:
            break
        kept.append(data)
    return kept


def render(records: list[dict], feed: Feed, *, today: dt.date | None,
           alarms: tuple[dt.timedelta, ...] = ALARMS, memo: dict[str, bytes] | None = None) -> bytes:
    """The feed's calendar as bytes, events sorted by start then id; `today` sets the window
    (None: every record, for a single-event file).

    >>> render([], FEEDS[1], today=dt.date(2026, 11, 24)).startswith(b"BEGIN:VCALENDAR")
    True
    """
    return render_all(records, (feed,), today=today, alarms=alarms, memo=memo)[feed.slug]
