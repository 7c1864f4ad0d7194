"""Commands and buttons. Each handler parses the update, calls one function of the plan, the
state or the messages module, and queues its reply in the outbox: it never waits for the wire,
so a slow answer or a retry for one chat holds no other chat's update. The outbox keeps each
chat's messages in order and logs what fails (a blocked chat is one line, and is deactivated).
No message text is logged."""

from __future__ import annotations

import datetime as dt
import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from .. import ical, reminders, zones
from .. import search as matcher  # `search` is the /search handler here
from ..model import KINDS, SUBTYPES
from ..state import MAX_KEYWORDS
from . import jobs, messages
from .delivery import Outgoing
from .service import Service

log = logging.getLogger(__name__)

COMMANDS = [
    ("upcoming", "what is next: /upcoming [N] [kind or type] [words]"), ("deadlines", "the next deadlines"),
    ("events", "the next events"), ("hearings", "the next court dates"), ("search", "find by words"),
    ("settings", "time zone, what to follow, reminders, digest"), ("timezone", "set the time zone"),
    ("reminders", "lead times: /reminders deadlines 21d 7d 1d morning"),
    ("follow", "follow items that mention one of your words"), ("unfollow", "stop following a word"),
    ("feeds", "calendar links"), ("forget", "delete everything stored about this chat"), ("help", "how to use me"),
]
KIND_ARGS = {"deadline": "deadline", "deadlines": "deadline", "event": "event", "events": "event",
             "hearing": "hearing", "hearings": "hearing", "court": "hearing", "trials": "trial"}
MAX_PAGE = 10  # ten items stay well inside Telegram's 4096 characters
MAX_QUERY = 200  # characters of a search: longer ones are cut, not refused
ANONYMOUS_ADMIN = 1087968824  # Telegram's "GroupAnonymousBot" speaks for anonymous admins


def _service(context: ContextTypes.DEFAULT_TYPE) -> Service:
    return context.bot_data["service"]


def _thread(update: Update) -> int | None:
    message = update.effective_message
    return message.message_thread_id if message is not None and message.is_topic_message else None


def _queue(update: Update, context: ContextTypes.DEFAULT_TYPE, send) -> None:
    """Hand a reply to the paced outbox, behind what the chat already has queued."""
    chat = update.effective_chat
    _service(context).outbox.put(Outgoing(chat.id, send, group=chat.type != "private"))


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, keyboard=None) -> None:
    """Answer in the same chat (and forum topic), through the paced outbox."""
    chat, thread = update.effective_chat, _thread(update)
    _queue(update, context, lambda bot: bot.send_message(
        chat.id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard, message_thread_id=thread,
        link_preview_options=LinkPreviewOptions(is_disabled=True)))


async def _edit(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, keyboard=None) -> None:
    """Redraw the message under a pressed button (the outbox ignores "not modified": pressing
    the page one is on changes nothing)."""
    message, chat = update.callback_query.message, update.effective_chat
    _queue(update, context, lambda bot: bot.edit_message_text(
        text, chat.id, message.message_id, parse_mode=ParseMode.HTML, reply_markup=keyboard,
        link_preview_options=LinkPreviewOptions(is_disabled=True)))


def _row(update: Update, context: ContextTypes.DEFAULT_TYPE):
    """The chat's stored row, created on first contact with the configured defaults."""
    service, chat = _service(context), update.effective_chat
    row = service.state.ensure_chat(chat.id, chat.type, service.clock(), service.defaults())
    if not service.known(chat.id):
        service.touch(chat.id)
    return row


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Private chats and channels change their own settings; in groups only admins may."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat.type in ("private", "channel"):
        return True
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous admin
    if user is None:
        return False
    if user.id == ANONYMOUS_ADMIN:
        return True
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ("creator", "administrator")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, and the settings keyboard; in a forum topic, reminders will come to that topic."""
    row = _row(update, context)
    if _thread(update) and await may_change(update, context):
        row = _service(context).state.update_settings(row.id, thread_id=_thread(update))
        _service(context).touch(row.id)
    keyboard = messages.settings_keys("main", _service(context).view(row)) if await may_change(update, context) else None
    await reply(update, context, messages.WELCOME, keyboard)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The command list."""
    await reply(update, context, messages.HELP)


def parse_upcoming(args: list[str], page_size: int) -> tuple[int, str | None, str | None]:
    """(how many, kind or subtype, words) from /upcoming's arguments: a number, then a kind or
    subtype, then words to look for.

    >>> parse_upcoming(["10", "nomination"], 5), parse_upcoming(["hearings"], 5), parse_upcoming(["land", "rights"], 5)
    ((10, 'nomination', None), (5, 'hearing', None), (5, None, 'land rights'))
    >>> parse_upcoming(["nomination", "Geneva"], 5)
    (5, 'nomination', 'geneva')
    """
    size = page_size
    if args and args[0].isdigit():
        size, args = max(1, min(int(args[0]), MAX_PAGE)), args[1:]
    first = args[0].casefold() if args else ""
    kind = KIND_ARGS.get(first) or (first if first in SUBTYPES else None)
    words = " ".join(args[1:] if kind else args).strip().casefold()[:MAX_QUERY]
    return size, kind, words or None


async def _list(update: Update, context: ContextTypes.DEFAULT_TYPE, size: int, kind: str | None,
                words: str | None, start: int = 0, edit: bool = False) -> None:
    service = _service(context)
    chat = service.view(_row(update, context))
    service.catalog.refresh()
    found = reminders.upcoming(service.records, chat, service.clock(), kind, words)
    noun = f"{kind.replace('-', ' ')}s" if kind else "" if words else "items you follow"
    title = " ".join(filter(None, ["Next", noun, f"for “{words}”" if words else ""]))
    text = messages.listing(found, chat, service.clock(), start, size, title)
    keyboard = messages.pager(f"{size}:{kind or ''}:{words or ''}", start, size, len(found))
    await (_edit if edit else reply)(update, context, text, keyboard)


async def upcoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/upcoming [N] [kind|subtype|word]"""
    await _list(update, context, *parse_upcoming(context.args or [], _service(context).settings.upcoming_page))


def _kind_command(kind: str):
    async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        size, named, words = parse_upcoming(context.args or [], _service(context).settings.upcoming_page)
        if named in KINDS and named != kind:  # "/deadlines hearing": a word here, not another kind
            named, words = None, " ".join(filter(None, [named, words]))
        await _list(update, context, size, named or kind, words)
    command.__doc__ = f"/{kind}s [N] [subtype] [words]: the next {kind}s"
    return command


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/search TEXT: items that mention every word, ignoring case and accents."""
    words = " ".join(context.args or []).strip()[:MAX_QUERY]
    if not matcher.terms(words):
        await reply(update, context, "Tell me what to look for, e.g. <code>/search journalists</code>.")
        return
    await _list(update, context, _service(context).settings.upcoming_page, None, words.casefold())


async def page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """◀ / ▶ under a list: pg:<start>:<size>:<kind>:<words>"""
    await update.callback_query.answer()
    _, start, size, kind, words = (update.callback_query.data.split(":", 4) + ["", "", "", ""])[:5]
    if start.isdigit() and size.isdigit():
        await _list(update, context, int(size), kind or None, words or None, int(start), edit=True)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/settings: the current settings and, for those allowed to change them, the keyboard."""
    chat = _service(context).view(_row(update, context))
    allowed = await may_change(update, context)
    note = "" if allowed else "\n\nOnly the group's admins can change these."
    await reply(update, context, messages.settings_text(chat) + note,
                messages.settings_keys("main", chat) if allowed else None)


def find_zone(text: str) -> str | None:
    """An IANA zone from what a person types: "Africa/Nairobi", "nairobi", "new york".

    >>> find_zone("nairobi"), find_zone("New York"), find_zone("utc"), find_zone("Atlantis")
    ('Africa/Nairobi', 'America/New_York', 'UTC', None)
    """
    wanted = text.strip().replace(" ", "_")
    if not wanted or len(wanted) > 64:
        return None
    known = zones.names()
    exact = {z.casefold(): z for z in known}
    if wanted.casefold() in exact:
        return exact[wanted.casefold()]
    cities = sorted(z for z in known if z.rsplit("/", 1)[-1].casefold() == wanted.casefold() and "/" in z
                    and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))
    return cities[0] if cities else None


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone ZONE"""
    row = _row(update, context)
    if not context.args:
        await reply(update, context, f"This chat's time zone is {row.timezone}. Change it with e.g. "
                                     "<code>/timezone Europe/Geneva</code> or <code>/timezone Nairobi</code>.")
        return
    zone = find_zone(" ".join(context.args))
    if zone is None:
        await reply(update, context, "I don't know that time zone. Use a name like <code>Europe/Geneva</code>, "
                                     "<code>America/Bogota</code> or a big city, e.g. <code>/timezone Nairobi</code>.")
        return
    await _change(update, context, f"Time zone set to {zone}.", timezone=zone)


async def _change(update: Update, context: ContextTypes.DEFAULT_TYPE, done: str, **fields) -> bool:
    """Apply a settings change if this user may, then re-plan the chat's reminders."""
    if not await may_change(update, context):
        await reply(update, context, "Only the group's admins can change its settings.")
        return False
    service = _service(context)
    service.state.update_settings(_row(update, context).id, **fields)
    await _replan(service, context, update.effective_chat.id)
    if done:
        await reply(update, context, done)
    return True


async def _replan(service: Service, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """A chat's settings or choices changed: refresh it and rebuild the jobs, in the background
    when the bot runs (the reply need not wait for it)."""
    service.touch(chat_id)
    rebuild = jobs.reschedule(service, context.application.job_queue)
    if context.application.running:
        context.application.create_task(rebuild)
    else:
        await rebuild


async def reminders_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reminders deadlines 21d 7d 1d morning, /reminders events 2h 30m: any lead times."""
    row, args = _row(update, context), [a.casefold() for a in context.args or []]
    which = {"deadlines": "deadline_leads", "deadline": "deadline_leads", "events": "event_leads",
             "event": "event_leads", "hearings": "event_leads"}.get(args[0] if args else "")
    if which is None or len(args) < 2:
        await reply(update, context, "Reminders before deadlines: " + (", ".join(row.deadline_leads) or "none")
                    + "\nBefore events and hearings: " + (", ".join(row.event_leads) or "none")
                    + "\nChange them with e.g. <code>/reminders deadlines 21d 7d 1d morning</code> or "
                    "<code>/reminders events 2h 30m</code> (d days, h hours, m minutes; <code>none</code> for none).")
        return
    leads = [] if args[1:] == ["none"] else list(dict.fromkeys(args[1:]))
    try:
        await _change(update, context, f"Reminders set: {', '.join(leads) or 'none'}.", **{which: leads})
    except ValueError as exc:  # the state's one check of lead times says what is wrong
        reason = str(exc).split(": ", 1)[-1]
        await reply(update, context, f"Not changed: {html.escape(reason, quote=False)}.")


def _followed(words) -> str:
    return ", ".join(html.escape(w, quote=False) for w in words) or "everything"


def follow_words(text: str, already: tuple | list) -> tuple[list[str], str | None]:
    """The chat's words after /follow TEXT: each word, or "quoted phrase", is followed on its
    own. (words, why nothing changed) when a word cannot match or the list would be too long.

    >>> follow_words('nomination job "human rights"', ())
    (['nomination', 'job', 'human rights'], None)
    >>> follow_words("✊🏿", ["job"])[1]
    'I can follow words with letters or digits; ✊🏿 has none.'
    """
    new = matcher.terms(text)
    useless = [w for w in new if not matcher.findable(w)]
    if useless:
        return list(already), f"I can follow words with letters or digits; {' '.join(useless)} has none."
    long = [w for w in new if len(w) > matcher.LONGEST_WORD]
    if long:
        return list(already), f"A followed word or phrase has at most {matcher.LONGEST_WORD} characters."
    words = list(dict.fromkeys([*already, *new]))
    if len(words) > MAX_KEYWORDS:
        return list(already), f"A chat follows at most {MAX_KEYWORDS} words; /unfollow some first."
    return words, None


async def follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/follow WORDS: reminders only for items that mention one of the chat's words."""
    row = _row(update, context)
    text = " ".join(context.args or [])
    words, refused = follow_words(text, row.keywords)
    if not matcher.terms(text) or refused:
        await reply(update, context, (html.escape(refused, quote=False) + " " if refused else "")
                    + "Follow words with e.g. <code>/follow journalists land</code>, a phrase in quotes: "
                    f"<code>/follow \"human rights\"</code>. Now following: {_followed(row.keywords)}.")
        return
    await _change(update, context, f"Following: {_followed(words)}. I remind you of items that mention any "
                                   "of these, ignoring case and accents; /unfollow WORD to drop one.", keywords=words)


async def unfollow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unfollow WORDS (or all)"""
    row = _row(update, context)
    gone = set(matcher.terms(" ".join(context.args or [])))
    everything = gone == {"all"}
    words = [w for w in row.keywords if not everything and matcher.fold(w) not in gone]
    if not everything and len(words) == len(row.keywords):
        how = "Not following that." if gone else "Unfollow with e.g. <code>/unfollow journalists</code>, or <code>/unfollow all</code>."
        await reply(update, context, f"{how} Now following: {_followed(row.keywords)}.")
        return
    await _change(update, context, f"Following: {_followed(words)}.", keywords=words)


async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feeds [revoke]: the public feeds, and this chat's own filtered feed behind a secret token."""
    service, row = _service(context), _row(update, context)
    if context.args and context.args[0].casefold() == "revoke":
        if not await may_change(update, context):
            await reply(update, context, "Only the group's admins can do that.")
            return
        service.state.revoke_tokens(row.id, service.clock())
    token = service.state.live_token(row.id) or service.state.new_token(row.id, service.clock())
    personal = f"{service.base_url.rstrip('/')}/feeds/{token}.ics"
    await reply(update, context, messages.feeds(service.base_url, personal))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: asks first, then deletes every row about the chat."""
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes, delete everything", callback_data="fgt:yes"),
                                      InlineKeyboardButton("No", callback_data="fgt:no")]])
    await reply(update, context, "Delete this chat's settings, follows, reminder record and feed links? "
                                 "Your calendar subscriptions through /feeds will stop working.", keyboard)


async def forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.data != "fgt:yes":
        await query.answer("Nothing deleted.")
        return
    if not await may_change(update, context):
        await query.answer("Only the group's admins can do that.", show_alert=True)
        return
    service = _service(context)
    counts = service.state.forget(update.effective_chat.id)
    await _replan(service, context, update.effective_chat.id)
    await query.answer("Deleted.")
    log.info("chat forgotten (%d rows)", sum(counts.values()))
    await _edit(update, context, "Deleted. I no longer store anything about this chat. /start to begin again.")


async def item_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Buttons under a reminder: snz:<id> (tomorrow again), mute:<id>, ics:<id>."""
    query, service = update.callback_query, _service(context)
    action, _, rid = query.data.partition(":")
    record = service.records.get(rid)
    if record is None:
        await query.answer("That item is no longer in the calendar.")
        return
    row = _row(update, context)
    if action == "ics":
        await query.answer()
        await _send_ics(update, context, record)
        return
    if not await may_change(update, context):
        await query.answer("Only the group's admins can change this.", show_alert=True)
        return
    # The plan learns of the choice before the pop-up confirms it: a look that runs right after
    # the user saw "again in a day" must not send the item's next reminder anyway.
    if action == "snz":
        service.state.set_pref(row.id, rid, None, snooze_until=service.clock() + dt.timedelta(days=1))
        await _replan(service, context, row.id)
        await query.answer("I'll remind you again in a day.")
    else:
        service.state.set_pref(row.id, rid, "mute")
        await _replan(service, context, row.id)
        await query.answer("You won't hear about this one again.")


async def _send_ics(update: Update, context: ContextTypes.DEFAULT_TYPE, record: dict) -> None:
    chat = update.effective_chat
    feed = ical.Feed(record["id"], record.get("title") or record["id"], "One opportunity", (record["kind"],))
    data = ical.render([record], feed, today=None)
    thread = _thread(update)
    _queue(update, context, lambda bot: bot.send_document(
        chat.id, data, filename=f"{record['id']}.ics", caption="Open this file to add the event to your calendar.",
        message_thread_id=thread))


SETTING_BUTTONS = {
    "kind": ("kinds", lambda chat, v: {"kinds": _toggled(chat.kinds or tuple(messages.KIND_WORDS), v, messages.KIND_WORDS)}),
    "dl": ("dl", lambda chat, v: {"deadline_leads": _toggled(chat.deadline_leads, v, messages.DEADLINE_PRESETS)}),
    "ev": ("ev", lambda chat, v: {"event_leads": _toggled(chat.event_leads, v, messages.EVENT_PRESETS)}),
    "dg": ("digest", lambda chat, v: {"digest": v}),
    "dh": ("digest", lambda chat, v: {"digest_hour": int(v)}),
    "qh": ("quiet", lambda chat, v: dict(zip(("quiet_start", "quiet_end"), v.split("-") if v != "off" else (None, None)))),
    "tz": ("tz", lambda chat, v: {"timezone": v}),
}


def _toggled(current: tuple[str, ...], value: str, order) -> list[str]:
    chosen = set(current) ^ {value}
    kept = [v for v in order if v in chosen]
    return [] if list(order) == kept and order is messages.KIND_WORDS else kept


async def setting_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """set:<section> opens a section; the other prefixes change one setting and redraw it."""
    query, service = update.callback_query, _service(context)
    if not await may_change(update, context):
        await query.answer("Only the group's admins can change settings.", show_alert=True)
        return
    prefix, _, value = query.data.partition(":")
    row = _row(update, context)
    section = value
    if prefix in SETTING_BUTTONS:
        section, change = SETTING_BUTTONS[prefix]
        try:
            row = service.state.update_settings(row.id, **change(service.view(row), value))
        except ValueError:
            await query.answer("That setting is not possible.", show_alert=True)
            return
        await _replan(service, context, row.id)
    await query.answer()
    chat = service.view(row)
    await _edit(update, context, messages.settings_text(chat), messages.settings_keys(section, chat))


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status, for the bot's operators (ADMIN_IDS): counts only, never chat ids or texts."""
    service, user = _service(context), update.effective_user
    if user is None or user.id not in service.settings.telegram.admin_ids:
        await reply(update, context, "This command is for the bot's operators.")
        return
    service.catalog.refresh()
    lines = [f"Active chats: {len(service.chats())}", f"Items in the store: {len(service.records)}",
             f"Queued messages: {service.outbox.queued()}", f"Sent since start: {service.outbox.sent_count}",
             f"Last look for owed messages: {service.state.meta(jobs.LAST_LOOK) or 'never'}",
             f"Store: {service.catalog.error or 'ok'}"]
    await reply(update, context, "\n".join(lines))


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have, in a private chat (in groups it may be another bot's)."""
    await reply(update, context, "I don't know that command. /help lists what I can do.")


def install(application: Application) -> None:
    """Register every handler on the application."""
    for name, handler in [("start", start), ("help", help_command), ("upcoming", upcoming),
                          ("deadlines", _kind_command("deadline")), ("events", _kind_command("event")),
                          ("hearings", _kind_command("hearing")), ("search", search), ("settings", settings),
                          ("timezone", timezone), ("reminders", reminders_command), ("follow", follow),
                          ("unfollow", unfollow), ("feeds", feeds),
                          ("forget", forget), ("status", status)]:
        # Channels speak in channel posts, which PTB's command handler leaves out by default.
        application.add_handler(CommandHandler(name, handler, filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST))
    application.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown))
    application.add_handler(CallbackQueryHandler(page, pattern=r"^pg:"))
    application.add_handler(CallbackQueryHandler(forget_button, pattern=r"^fgt:"))
    application.add_handler(CallbackQueryHandler(item_button, pattern=r"^(snz|mute|ics):"))
    application.add_handler(CallbackQueryHandler(setting_button, pattern=r"^(set|kind|dl|ev|dg|dh|qh|tz):"))
