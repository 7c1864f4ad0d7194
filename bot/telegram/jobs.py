"""Turning the plan into messages, on time.

`tick(service, now)` sends everything owed at `now`: due and missed reminders, digests, change
notices. It is the only thing the scheduled jobs do, and tests call it with a chosen `now`
instead of waiting. `schedule` (re)builds the JobQueue idempotently: one job per due time, named
by that time, so rebuilding twice leaves the same jobs; plus a watcher that notices store
changes. Nothing is lost if a job never fires: the next tick sends what is owed (late, if the
item is still ahead).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

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
LAST_LOOK = "last_look"
MARGIN = dt.timedelta(minutes=10)


def _send(chat_id: int, thread: int | None, text: str, keyboard=None):
    return lambda bot: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                        message_thread_id=thread,
                                        link_preview_options=LinkPreviewOptions(is_disabled=True))


def _queue(service: Service, row, key: str, item_id: str | None, text: str, keyboard=None) -> None:
    # The marked copy's text is made only if it is sent: a broadcast holds 10,000 of these.
    again = lambda bot: _send(row.id, row.thread_id, messages.again(text), keyboard)(bot)  # noqa: E731
    service.outbox.put(Outgoing(row.id, _send(row.id, row.thread_id, text, keyboard), key, item_id,
                                group=row.type != "private", again=again))


def since(service: Service, now: dt.datetime) -> dt.datetime:
    """When the bot last looked for owed messages (a little before, since a store edit can land
    just as it looks; the ledger removes what that repeats). The first start looks from now."""
    stored = service.state.meta(LAST_LOOK)
    return dt.datetime.fromisoformat(stored) - MARGIN if stored else now


def _unclaimed(service: Service, owed: list) -> list:
    claimed = service.state.claimed_for({o.key for o in owed})
    return [o for o in owed if (o.chat_id, o.key) not in claimed]


def collect(service: Service, now: dt.datetime) -> list[tuple]:
    """Every message owed at `now` and not yet claimed: (target, key, item id, text, keyboard).
    Reads only, so it can run in a thread while the bot keeps answering."""
    chats, low = service.chats(), since(service, now)
    views = {view.id: (row, view) for row, view in chats}
    records = service.records
    waiting = service.outbox.keys if service.outbox else set()
    found = []
    dues = reminders.plan(records, [v for _, v in chats], (), now, until=now, since=low, online_since=service.started)
    # What a long broadcast still has queued is found again by every look: skip it before the
    # ledger query and the formatting, which would cost the sending loop its pace.
    for due in _unclaimed(service, [d for d in dues if (d.chat_id, d.key) not in waiting]):
        row, view = views[due.chat_id]
        found.append((row, due.key, due.item_id, messages.reminder(records[due.item_id], due, view, now),
                      messages.reminder_keys(due.item_id)))
    return found + _digests(service, chats, now) + _notices(service, views, now, low)


def owed(service: Service, now: dt.datetime, found: list[tuple] | None = None) -> int:
    """Queue every message owed at `now`; how many. The ledger and the outbox make a second
    call for the same moment queue nothing that could be sent twice."""
    found = collect(service, now) if found is None else found
    for row, key, item_id, text, keyboard in found:
        _queue(service, row, key, item_id, text, keyboard)
    service.state.set_meta(LAST_LOOK, now.isoformat())
    return len(found)


def _digest_dues(service: Service, chats, now: dt.datetime) -> list:
    subscribed = [(row, view) for row, view in chats if view.digest != "off"]
    days = {now.astimezone(view.zone).date() + dt.timedelta(days=d) for _, view in subscribed for d in (-1, 0, 1)}
    claimed = service.state.claimed_for({f"digest:{day.isoformat()}" for day in days})
    spread = service.settings.delivery.stagger_seconds
    return [(row, view, reminders.next_digest(view, claimed, now, spread)) for row, view in subscribed]


def _digests(service: Service, chats, now: dt.datetime) -> list[tuple]:
    found = []
    for row, view, due in _digest_dues(service, chats, now):
        if due is None or due.at > now:
            continue
        ahead = dt.timedelta(days=30 if view.digest == "weekly" else 7)
        items = [r for r in reminders.upcoming(service.records, view, now)
                 if reminders.moment(r, view.zone)[0] <= now + ahead]
        found.append((row, due.key, None, messages.digest(items, view, now), None))
    return found


def _notices(service: Service, views: dict, now: dt.datetime, low: dt.datetime) -> list[tuple]:
    found = []
    for notice in _unclaimed(service, reminders.notices(service.records, [v for _, v in views.values()], (), now, since=low)):
        row, view = views[notice.chat_id]
        record = service.records[notice.item_id]
        keyboard = messages.reminder_keys(notice.item_id) if notice.what != "cancelled" else None
        found.append((row, notice.key, notice.item_id, messages.notice(record, notice, view, now), keyboard))
    return found


async def tick(service: Service, now: dt.datetime) -> int:
    """Refresh the store and queue what is owed now; both run in a thread, so 10,000 store
    files and 100,000 chats do not hold up the answers to commands or the sending."""
    await asyncio.to_thread(service.catalog.refresh)
    _report_store(service)
    queued = owed(service, now, await asyncio.to_thread(collect, service, now))
    if queued:
        log.info("queued %d messages", queued)
    return queued


def _report_store(service: Service) -> None:
    """Say once when the store cannot be read (a hand edit left an item with an invalid id, a
    broken file): the bot keeps planning from its last good read, so the new item is not sent
    until the file is fixed. The error names the file and the problem, never an item's text."""
    error = service.catalog.error
    if error != service.store_error:
        if error:
            log.warning("the store cannot be read, so reminders follow its last good read: %s", error)
        else:
            log.info("the store reads cleanly again")
        service.store_error = error


def due_times(service: Service, now: dt.datetime) -> list[dt.datetime]:
    """The distinct moments within the horizon when something may be owed."""
    chats = service.chats()
    times = reminders.due_times(service.records, [v for _, v in chats], now, now + HORIZON)
    for _, _, digest in _digest_dues(service, chats, now):
        if digest is not None and now < digest.at <= now + HORIZON:
            times.add(digest.at)
    return sorted(times)


async def _fire(context: ContextTypes.DEFAULT_TYPE) -> None:
    service: Service = context.bot_data["service"]
    await tick(service, max(service.clock(), context.job.data))


async def look(service: Service, job_queue: JobQueue | None) -> None:
    """Pick up store edits, send what is owed, roll the horizon."""
    before = service.catalog.signature
    await tick(service, service.clock())
    if service.catalog.signature != before or not _scheduled(job_queue):
        await reschedule(service, job_queue)


async def _watch(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every WATCH_EVERY seconds: `look`."""
    await look(context.bot_data["service"], context.job_queue)


def _scheduled(job_queue: JobQueue) -> list:
    return [job for job in job_queue.jobs() if job.name and job.name.startswith(PREFIX) and not job.removed]


def schedule(service: Service, job_queue: JobQueue | None, now: dt.datetime | None = None) -> list[str]:
    """Make the JobQueue hold exactly one job per due time in the horizon; the job names."""
    if job_queue is None:
        return []
    now = now or service.clock()
    return _apply(job_queue, due_times(service, now), now)


async def reschedule(service: Service, job_queue: JobQueue | None, *, fresh: bool = False) -> None:
    """`schedule`, with the planning in a thread; changes that arrive meanwhile are folded into
    one more round, not one round each, and every caller returns once the jobs reflect its
    change. `fresh` sets every job again: after the clock was moved (`try`'s :time), the jobs
    already there would fire at the old distance."""
    if job_queue is None:
        return
    service.reschedule_fresh = service.reschedule_fresh or fresh
    service.reschedule_again = True
    if service.rescheduling is not None:
        await asyncio.shield(service.rescheduling)
        return
    service.rescheduling = asyncio.get_running_loop().create_future()
    try:
        while service.reschedule_again:
            service.reschedule_again = False
            replace_all, service.reschedule_fresh = service.reschedule_fresh, False
            now = service.clock()
            _apply(job_queue, await asyncio.to_thread(due_times, service, now), now, fresh=replace_all)
    finally:
        done, service.rescheduling = service.rescheduling, None
        done.set_result(None)


def _apply(job_queue: JobQueue, times: list[dt.datetime], now: dt.datetime, fresh: bool = False) -> list[str]:
    """The JobQueue runs on the machine's clock, the plan on the service's (a test's fixed
    moment, `try`'s moved one): each job is set to fire after the due time's distance from
    `now`, never at the due time as such, so the two clocks are never mixed. `fresh` sets
    the jobs that stay again too."""
    wanted = {f"{PREFIX}{at.isoformat()}": at for at in times}
    for job in _scheduled(job_queue):
        if fresh or job.name not in wanted:
            job.schedule_removal()
    present = {job.name for job in _scheduled(job_queue)}
    for name, at in wanted.items():
        if name not in present:
            # misfire_grace_time None: a job that fires late still runs (APScheduler's default
            # of one second would silently drop it after a pause).
            job_queue.run_once(_fire, when=max(at - now, dt.timedelta(0)), data=at, name=name,
                               job_kwargs={"id": name, "replace_existing": True, "misfire_grace_time": None})
    return sorted(wanted)


async def start(service: Service, job_queue: JobQueue) -> None:
    """At start-up: the watcher, the jobs, and a look that sends what fell due while the bot was
    down. A bot's very first start marks now as its last look: nothing before it counts as missed."""
    if service.state.meta(LAST_LOOK) is None:
        service.state.set_meta(LAST_LOOK, service.clock().isoformat())
    # Not `first=0`: APScheduler puts an interval job's first run one whole interval after a
    # start date that is already past by the time the job is added, so the look is made here.
    job_queue.run_repeating(_watch, interval=WATCH_EVERY, first=WATCH_EVERY, name="watch-store",
                            job_kwargs={"id": "watch-store", "replace_existing": True, "misfire_grace_time": None})
    await reschedule(service, job_queue)
    log.info("jobs scheduled: %d due times in the next %d hours", len(_scheduled(job_queue)),
             HORIZON // dt.timedelta(hours=1))
    await tick(service, service.clock())  # what fell due while the bot was down goes out now


def recover(service: Service, now: dt.datetime) -> tuple[int, int, int]:
    """At start-up, the claims a crash left open: those whose request was never written are
    given back (the start-up look sends them, late if they are); those written and never
    answered may have arrived, so they owe one more copy, marked as a possible repeat (the
    start-up look sends it too), or are given up when they were that copy already.
    (given back, to send again, given up)"""
    given_back = service.state.release_unsent(now)
    again, given_up = service.state.reopen_sending(now)
    return given_back, again, given_up
