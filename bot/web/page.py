"""The web page at `/`: what the store holds next, grouped by month, with subscribe links.

`view` is pure: records, filters, today and the public base URL in, the values the template
shows out. Dates are shown in the item's own time zone, because that is the zone the
organiser announced and the one a reader will find in the source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import ical
from ..model import SUBTYPES
from .filters import NAMES, Filters

MAX_ITEMS = 300  # a phone page must stay light; the feeds hold everything
KIND_LABELS = {"deadline": "Deadline", "event": "Event", "hearing": "Court date"}


@dataclass(frozen=True)
class Links:
    """The three ways people subscribe: the https address (Outlook, Thunderbird, any client
    that asks for a URL), webcal:// (Apple Calendar opens it directly), Google's add-by-URL page."""

    https: str
    webcal: str
    google: str


def subscribe_links(base_url: str, path: str, query: str = "") -> Links:
    """
    >>> subscribe_links("https://cal.example.org/", "/calendars/deadlines.ics").google
    'https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fcal.example.org%2Fcalendars%2Fdeadlines.ics'
    """
    url = base_url.rstrip("/") + path + (f"?{query}" if query else "")
    webcal = "webcal://" + url.split("://", 1)[1]
    return Links(url, webcal, "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""))


def relative_day(day: dt.date, today: dt.date) -> str:
    """
    >>> [relative_day(dt.date(2026, 11, d), dt.date(2026, 11, 24)) for d in (22, 23, 24, 25, 30)]
    ['2 days ago', 'yesterday', 'today', 'tomorrow', 'in 6 days']
    """
    days = (day - today).days
    named = {-1: "yesterday", 0: "today", 1: "tomorrow"}
    if days in named:
        return named[days]
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def _zone(record: dict, moment: dt.datetime) -> tuple[dt.datetime, str]:
    """The moment on the organiser's clock and the name of that clock."""
    name = record.get("timezone") or ""
    if "/" in name:
        try:
            local = moment.astimezone(ZoneInfo(name))
            return local, f"{local.tzname()} ({name.split('/')[-1].replace('_', ' ')})"
        except (ZoneInfoNotFoundError, ValueError):
            name = ""  # not a zone we know: the offset is all that is sure
    offset = moment.strftime("%z")
    return moment, name or ("UTC" if offset == "+0000" else f"UTC{offset[:3]}:{offset[3:]}")


def _day(day: dt.date, year: bool = True) -> str:
    return f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if year else "")


def when_text(record: dict) -> str:
    """The date as a person reads it, with the time zone for timed items.

    >>> when_text({"start": "2026-12-16T10:00+03:00", "end": "2026-12-16T13:00+03:00", "timezone": "Africa/Nairobi"})
    'Wed 16 Dec 2026, 10:00–13:00 EAT (Nairobi), 07:00 UTC'
    >>> when_text({"start": "2027-02-22", "end": "2027-04-02"})
    'Mon 22 Feb – Fri 2 Apr 2027'
    """
    start, end = ical._parse(record.get("start")), ical._parse(record.get("end"))
    if isinstance(start, dt.datetime):
        local, zone = _zone(record, start)
        text = f"{_day(local.date())}, {local:%H:%M}"
        if isinstance(end, dt.datetime) and end > start:
            local_end = _zone(record, end)[0]
            text += f"–{local_end:%H:%M}" if local_end.date() == local.date() else f" – {_day(local_end.date())}, {local_end:%H:%M}"
        utc = start.astimezone(dt.timezone.utc)
        return f"{text} {zone}" + ("" if not local.utcoffset() else f", {utc:%H:%M} UTC")
    if isinstance(end, dt.date) and end > start:
        return f"{_day(start, start.year != end.year)} – {_day(end)}"
    return _day(start)


@dataclass(frozen=True)
class Item:
    record: dict
    kind_label: str
    when: str
    iso: str
    relative: str
    cancelled: bool
    url: str | None


@dataclass(frozen=True)
class Month:
    title: str
    items: list[Item]


@dataclass(frozen=True)
class FeedLinks:
    name: str
    description: str
    links: Links


@dataclass
class View:
    months: list[Month]
    shown: int
    total: int
    filters: Filters
    feeds: list[FeedLinks]
    filtered_feed: Links | None
    kinds: dict[str, str] = field(default_factory=lambda: dict(KIND_LABELS))
    subtypes: tuple[str, ...] = SUBTYPES
    error: str | None = None


def _item(record: dict, today: dt.date) -> Item:
    start = ical._parse(record.get("start"))
    day = start.date() if isinstance(start, dt.datetime) else start
    iso = start.astimezone(dt.timezone.utc).isoformat() if isinstance(start, dt.datetime) else start.isoformat()
    until = ical._last_day(record)
    relative = "now on" if day < today <= until else relative_day(day, today)
    url = str(record.get("url") or "")
    return Item(record, KIND_LABELS.get(record.get("kind"), "Item"), when_text(record), iso, relative,
                record.get("status") == "cancelled", url if url.startswith(("https://", "http://")) else None)


def upcoming(records: list[dict], today: dt.date) -> list[dict]:
    """Items not yet over, soonest first."""
    ahead = [r for r in records if ical._parse(r.get("start")) and ical._last_day(r) >= today]
    return sorted(ahead, key=lambda r: (ical._stamp(r.get("start")), r["id"]))


def _months(records: list[dict], today: dt.date) -> list[Month]:
    months: dict[str, list[Item]] = {}
    for record in records:
        item = _item(record, today)
        start = ical._parse(record.get("start"))
        local = _zone(record, start)[0] if isinstance(start, dt.datetime) else start
        months.setdefault(f"{local:%B %Y}", []).append(item)
    return [Month(title, items) for title, items in months.items()]


def _query(filters: Filters) -> str:
    return urlencode([(name, getattr(filters, name)) for name in NAMES if getattr(filters, name)])


def view(records: list[dict], filters: Filters, today: dt.date, base_url: str) -> View:
    """What the page shows for these filters."""
    chosen = upcoming([r for r in records if filters.match(r)], today)
    feeds = [FeedLinks(f.name, f.description, subscribe_links(base_url, f"/calendars/{f.slug}.ics"))
             for f in ical.FEEDS]
    query = _query(filters)
    filtered = subscribe_links(base_url, "/calendars/all.ics", query) if query else None
    return View(_months(chosen[:MAX_ITEMS], today), min(len(chosen), MAX_ITEMS), len(chosen), filters, feeds, filtered)
