"""Turning the plan into messages, on time.

`tick(service, now)` sends everything owed at `now`: due and missed reminders, digests, change
notices. It is the only thing the scheduled jobs do, and tests call it with a chosen `now`
instead of waiting. `schedule` (re)builds the JobQueue idempotently: one job per due time, named
by that time, so rebuilding twice leaves the same jobs; plus a watcher that notices store
changes. Nothing is lost if a job never fires: the next tick sends what is owed (late, if the
item is still ahead).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Iterable

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ContextTypes, JobQueue

from .. import reminders
from . import messages
from .delivery import Outgoing
from .service import Service

log = logging.getLogger(__name__)

HORIZON = dt.timedelta(hours=36)  # jobs further ahead are added by a later rebuild
WATCH_EVERY = 30.0  # seconds between looks at the store
PREFIX = "due:"


def _send(chat_id: int, thread: int | None, text: str, keyboard=None):
    return lambda bot: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                        message_thread_id=thread,
                                        link_preview_options=LinkPreviewOptions(is_disabled=True))


def _queue(service: Service, row, key: str, item_id: str | None, text: str, keyboard=None) -> None:
    service.outbox.put(Outgoing(row.id, _send(row.id, row.thread_id, text, keyboard), key, item_id,
                                group=row.type != "private"))


def owed(service: Service, now: dt.datetime) -> int:
    """Queue every message owed at `now`; how many were queued. The ledger makes a second call
    for the same moment queue nothing new that could be sent twice."""
    chats = service.chats()
    views = [view for _, view in chats]
    rows = {row.id: row for row, _ in chats}
    sent = service.state.claimed_keys()
    count = 0
    for due in reminders.plan(service.records, views, sent, now, until=now):
        record = service.records[due.item_id]
        view = next(v for v in views if v.id == due.chat_id)
        _queue(service, rows[due.chat_id], due.key, due.item_id, messages.reminder(record, due, view, now),
               messages.reminder_keys(due.item_id))
        count += 1
    return count + _digests(service, chats, sent, now) + _notices(service, chats, sent, now)


def _digests(service: Service, chats, sent: set, now: dt.datetime) -> int:
    count = 0
    for row, view in chats:
        due = reminders.next_digest(view, sent, now, service.settings.delivery.stagger_seconds)
        if due is None or due.at > now:
            continue
        ahead = dt.timedelta(days=30 if view.digest == "weekly" else 7)
        items = [r for r in reminders.upcoming(service.records, view, now)
                 if reminders.moment(r, view.zone)[0] <= now + ahead]
        _queue(service, row, due.key, None, messages.digest(items, view, now))
        count += 1
    return count


def _notices(service: Service, chats, sent: set, now: dt.datetime) -> int:
    views = [view for _, view in chats]
    rows = {row.id: (row, view) for row, view in chats}
    found = reminders.notices(service.records, views, sent, now)
    for notice in found:
        row, view = rows[notice.chat_id]
        record = service.records[notice.item_id]
        _queue(service, row, notice.key, notice.item_id, messages.notice(record, notice, view, now),
               messages.reminder_keys(notice.item_id) if notice.what != "cancelled" else None)
    return len(found)


async def tick(service: Service, now: dt.datetime) -> int:
    """Refresh the store and queue what is owed now."""
    service.catalog.refresh()
    queued = owed(service, now)
    if queued:
        log.info("queued %d messages", queued)
    return queued


def due_times(service: Service, now: dt.datetime) -> list[dt.datetime]:
    """The distinct moments within the horizon when something will be owed."""
    chats = service.chats()
    views = [view for _, view in chats]
    sent = service.state.claimed_keys()
    times = {d.at for d in reminders.plan(service.records, views, sent, now, until=now + HORIZON) if d.at > now}
    for view in views:
        digest = reminders.next_digest(view, sent, now, service.settings.delivery.stagger_seconds)
        if digest is not None and now < digest.at <= now + HORIZON:
            times.add(digest.at)
    return sorted(times)


async def _fire(context: ContextTypes.DEFAULT_TYPE) -> None:
    service: Service = context.bot_data["service"]
    await tick(service, max(service.clock(), context.job.data))


async def _watch(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every WATCH_EVERY seconds: pick up store edits, send what is owed, roll the horizon."""
    service: Service = context.bot_data["service"]
    before = service.catalog.signature
    await tick(service, service.clock())
    if service.catalog.signature != before or not _scheduled(context.job_queue):
        schedule(service, context.job_queue)


def _scheduled(job_queue: JobQueue) -> list:
    return [job for job in job_queue.jobs() if job.name and job.name.startswith(PREFIX) and not job.removed]


def schedule(service: Service, job_queue: JobQueue | None, now: dt.datetime | None = None) -> list[str]:
    """Make the JobQueue hold exactly one job per due time in the horizon; the job names."""
    if job_queue is None:
        return []
    now = now or service.clock()
    wanted = {f"{PREFIX}{at.isoformat()}": at for at in due_times(service, now)}
    for job in _scheduled(job_queue):
        if job.name not in wanted:
            job.schedule_removal()
    present = {job.name for job in _scheduled(job_queue)}
    for name, at in wanted.items():
        if name not in present:
            # misfire_grace_time None: a job that fires late still runs (APScheduler's default
            # of one second would silently drop it after a pause).
            job_queue.run_once(_fire, when=at, data=at, name=name,
                               job_kwargs={"id": name, "replace_existing": True, "misfire_grace_time": None})
    return sorted(wanted)


def start(service: Service, job_queue: JobQueue) -> None:
    """At start-up: the watcher (which also sends what was missed while down) and the jobs."""
    job_queue.run_repeating(_watch, interval=WATCH_EVERY, first=0.0, name="watch-store",
                            job_kwargs={"id": "watch-store", "replace_existing": True, "misfire_grace_time": None})
    schedule(service, job_queue)


def stale(service: Service, now: dt.datetime) -> Iterable:
    """Claims from a previous run that never got an answer: not re-sent (they may have arrived)."""
    return service.state.stale_claims(now - dt.timedelta(minutes=5))
