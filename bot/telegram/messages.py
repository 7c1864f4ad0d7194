"""What the bot says: pure functions from records and chat settings to text (Telegram HTML)
and inline keyboards. Every value from the store is escaped: titles come from public text."""

from __future__ import annotations

import datetime as dt
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from .. import reminders
from ..reminders import Chat, Notice
from ..web import page

KIND_WORDS = {"deadline": "Deadline", "event": "Event", "hearing": "Court date"}
TEXT_LIMIT = 4000  # Telegram allows 4096 characters; HTML tags and escapes count here, not there
DEADLINE_PRESETS = ("30d", "14d", "7d", "3d", "1d", "morning")
EVENT_PRESETS = ("3d", "1d", "3h", "1h", "15m")
DIGEST_HOURS = (6, 7, 8, 9, 12, 18)
QUIET_PRESETS = ("off", "22:00-07:00", "21:00-08:00", "23:00-09:00")
ZONE_PRESETS = ("UTC", "Europe/London", "Europe/Geneva", "Europe/Kyiv", "Africa/Nairobi", "Africa/Lagos",
                "Asia/Kolkata", "Asia/Bangkok", "America/Bogota", "America/Mexico_City")

HELP = """<b>Commands</b>
/upcoming [N] [kind or type] [words]: what is next (e.g. <code>/upcoming 10 nomination geneva</code>)
/deadlines, /events, /hearings [type] [words]: the next of each kind
/search WORDS: items that mention every word, accents and case ignored
/settings: time zone, what to follow, reminder times, digest, quiet hours
/timezone ZONE: e.g. <code>/timezone Africa/Nairobi</code>
/reminders: lead times, e.g. <code>/reminders deadlines 21d 7d 1d morning</code>
/follow WORDS, /unfollow WORDS: follow items that mention one of your words (<code>"a phrase"</code> in quotes)
/feeds: calendar links, including one with your own filters
/forget: delete everything stored about this chat
Reminders come before each deadline you follow (by default 14 days, 3 days, 1 day and the morning of) and before events and hearings (1 day, 1 hour)."""

WELCOME = """Hello. I send deadlines, events and court dates for human rights defenders, read from published calls, newsletters and trial-monitoring statements, and I remind you before each one.

Try /upcoming, or choose what to follow in /settings. I store only this chat's id and settings; /forget deletes them."""


def _local(moment: dt.datetime, zone) -> dt.datetime:
    return moment.astimezone(zone)


def when(record: dict, chat: Chat, now: dt.datetime) -> str:
    """The date on the chat's clock, the organiser's clock when it differs, and how far away.

    >>> when({"start": "2026-12-16T10:00+03:00", "timezone": "Africa/Nairobi", "kind": "hearing"},
    ...      Chat(1, timezone="Europe/Paris"), dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc))
    'Wed 16 Dec 2026, 08:00 CET (10:00 EAT (Nairobi) there) · in 15 days'
    """
    moment, all_day = reminders.moment(record, chat.zone)
    local = _local(moment, chat.zone)
    days = page.relative_day(local.date(), _local(now, chat.zone).date())
    if all_day:
        return f"{page.when_text(record)} · {days}"
    text = f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} {local.tzname()}"
    own, zone = page._zone(record, reminders.ical._parse(record["start"]))
    if own.utcoffset() != local.utcoffset():
        text += f" ({own:%H:%M} {zone} there)"
    return f"{text} · {days}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def item(record: dict, chat: Chat, now: dt.datetime, budget: int = 1500) -> str:
    """One opportunity as a few lines, at most `budget` characters: the link goes first, then
    organiser and place, then the title is shortened."""
    kind = KIND_WORDS.get(record.get("kind"), "Item") + (
        f" · {escape(record['subtype'].replace('-', ' '))}" if record.get("subtype") else "")
    rest = [kind, f"🗓 {escape(when(record, chat, now))}"]
    who = " · ".join(escape(_short(str(record[k]), 120)) for k in ("organizer", "location") if record.get(k))
    extra = [line for line in (who, escape(_short(str(record.get("url") or ""), 300))) if line]
    title = str(record.get("title") or "Untitled")
    while extra and _size(title, rest + extra) > budget:
        extra.pop()
    room = max(20, budget - _size("", rest + extra) - 8)
    return "\n".join([f"<b>{escape(_short(title, min(200, room)))}</b>", *rest, *extra])


def _size(title: str, lines: list[str]) -> int:
    return len(escape(_short(title, 200))) + 7 + sum(len(line) + 1 for line in lines)


def listing(records: list[dict], chat: Chat, now: dt.datetime, start: int, size: int, title: str) -> str:
    """A page of items; however long their texts, it fits one message (4096 characters)."""
    if not records:
        return f"{escape(title)}: nothing ahead. Try /upcoming without words, or change /settings."
    shown = records[start:start + size]
    head = f"<b>{escape(title)}</b> ({start + 1}–{start + len(shown)} of {len(records)})"
    budget = (TEXT_LIMIT - len(head)) // len(shown) - 2
    return "\n\n".join([head] + [item(r, chat, now, budget) for r in shown])


def pager(query: str, start: int, size: int, total: int) -> InlineKeyboardMarkup | None:
    """◀ / ▶ buttons; the query rides along in the callback data (≤ 64 bytes, cut if longer)."""
    buttons = []
    if start > 0:
        buttons.append(InlineKeyboardButton("◀ Earlier", callback_data=_page_data(max(0, start - size), query)))
    if start + size < total:
        buttons.append(InlineKeyboardButton("More ▶", callback_data=_page_data(start + size, query)))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def _page_data(start: int, query: str) -> str:
    data = f"pg:{start}:{query}"
    return data.encode()[:64].decode(errors="ignore")


def reminder(record: dict, due: reminders.Due, chat: Chat, now: dt.datetime) -> str:
    moment, _ = reminders.moment(record, chat.zone)
    days = page.relative_day(_local(moment, chat.zone).date(), _local(now, chat.zone).date())
    label = "Deadline" if record.get("kind") == "deadline" else KIND_WORDS.get(record.get("kind"), "Item")
    head = f"⏰ {label} {days}" + (" (late reminder: I was offline)" if due.late else "")
    return f"{head}\n\n{item(record, chat, now)}"


AGAIN = "<i>Sent again: Telegram's answer was unclear, so this may be a repeat.</i>"


def again(text: str) -> str:
    """A message sent once more because the answer to its first copy was unclear: it says so
    on its last line (its first line, e.g. a late mark, stays as it was)."""
    return f"{text}\n\n{AGAIN}"


def reminder_keys(item_id: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("Snooze 1 day", callback_data=f"snz:{item_id}"),
        InlineKeyboardButton("Not interested", callback_data=f"mute:{item_id}"),
    ], [InlineKeyboardButton("Add to calendar", callback_data=f"ics:{item_id}")]])


NOTICE_WORDS = {"new": "New", "extended": "Deadline extended to {detail}", "moved": "Date moved to {detail}",
                "cancelled": "Cancelled", "updated": "Updated: {detail}"}


def notice(record: dict, change: Notice, chat: Chat, now: dt.datetime) -> str:
    head = NOTICE_WORDS[change.what].format(detail=escape(change.detail))
    return f"📣 {head}\n\n{item(record, chat, now)}"


def digest(records: list[dict], chat: Chat, now: dt.datetime, limit: int = 10) -> str:
    period = "this week" if chat.digest == "weekly" else "today"
    if not records:
        return f"Digest: nothing ahead that you follow ({period})."
    lines = [f"<b>Digest</b>: the next {min(limit, len(records))} of {len(records)} you follow"]
    for record in records[:limit]:
        lines.append(f"• {escape(when(record, chat, now))}: {escape(record.get('title') or 'Untitled')}")
    return "\n".join(lines)


def settings_text(chat: Chat) -> str:
    quiet = f"{chat.quiet_start}–{chat.quiet_end}" if chat.quiet_start else "off"
    digest_when = {"off": "off", "daily": f"daily at {chat.digest_hour:02d}:00",
                   "weekly": f"weekly, {('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[chat.digest_weekday]} {chat.digest_hour:02d}:00"}
    return "\n".join([
        "<b>Settings</b>",
        f"Time zone: {escape(chat.timezone)}",
        f"Following: {', '.join(KIND_WORDS[k].lower() + 's' for k in chat.kinds) if chat.kinds else 'all kinds'}"
        + (f"; words: {escape(', '.join(chat.keywords))}" if chat.keywords else ""),
        f"Reminders before deadlines: {', '.join(chat.deadline_leads) or 'none'}",
        f"Reminders before events and hearings: {', '.join(chat.event_leads) or 'none'}",
        f"Digest: {digest_when[chat.digest]}",
        f"Quiet hours: {quiet}",
    ])


def _toggle(label: str, on: bool, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(("✅ " if on else "▫️ ") + label, callback_data=data)


def settings_keys(section: str, chat: Chat) -> InlineKeyboardMarkup:
    """The keyboard of one settings section; "main" lists the sections."""
    rows = SECTIONS.get(section, SECTIONS["main"])(chat)
    if section != "main":
        rows.append([InlineKeyboardButton("« Back", callback_data="set:main")])
    return InlineKeyboardMarkup(rows)


def _main(chat: Chat) -> list:
    names = [("Time zone", "tz"), ("What to follow", "kinds"), ("Deadline reminders", "dl"),
             ("Event reminders", "ev"), ("Digest", "digest"), ("Quiet hours", "quiet")]
    return [[InlineKeyboardButton(label, callback_data=f"set:{key}")] for label, key in names]


def _kinds(chat: Chat) -> list:
    return [[_toggle(KIND_WORDS[k] + "s", k in chat.kinds or not chat.kinds, f"kind:{k}")] for k in KIND_WORDS]


def _leads(presets: tuple[str, ...], chosen: tuple[str, ...], prefix: str) -> list:
    return [[_toggle(p, p in chosen, f"{prefix}:{p}") for p in presets[i:i + 3]] for i in range(0, len(presets), 3)]


def _digest(chat: Chat) -> list:
    modes = [_toggle(m, chat.digest == m, f"dg:{m}") for m in ("off", "daily", "weekly")]
    hours = [_toggle(f"{h:02d}:00", chat.digest_hour == h, f"dh:{h}") for h in DIGEST_HOURS]
    return [modes, hours[:3], hours[3:]]


def _quiet(chat: Chat) -> list:
    current = f"{chat.quiet_start}-{chat.quiet_end}" if chat.quiet_start else "off"
    return [[_toggle(q, q == current, f"qh:{q}")] for q in QUIET_PRESETS]


def _zones(chat: Chat) -> list:
    buttons = [_toggle(z, z == chat.timezone, f"tz:{z}") for z in ZONE_PRESETS]
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


SECTIONS = {
    "main": _main, "kinds": _kinds, "digest": _digest, "quiet": _quiet, "tz": _zones,
    "dl": lambda chat: _leads(DEADLINE_PRESETS, chat.deadline_leads, "dl"),
    "ev": lambda chat: _leads(EVENT_PRESETS, chat.event_leads, "ev"),
}


def feeds(base_url: str, personal: str | None) -> str:
    lines = ["<b>Calendar feeds</b> (subscribe once; your calendar app keeps them current)"]
    if personal:
        lines.append(f"Yours, with this chat's filters:\n{escape(personal)}\n"
                     "Keep it private; /feeds revoke makes a new one.")
    for feed in reminders.ical.FEEDS:
        lines.append(f"{escape(feed.name.split(': ')[-1].capitalize())}: {escape(base_url.rstrip('/'))}/calendars/{feed.slug}.ics")
    return "\n\n".join(lines)
