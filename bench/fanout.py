"""Benchmark the bot's fan-out: one reminder to 10,000 chats through the real `python -m bot run`
process against our fake Bot API with Telegram's flood limits on; the same broadcast with the
bot SIGKILLed part-way and restarted; 1,000 chats sending /start at once; a broadcast whose Bot
API stores some messages and then answers 502 or hangs; and start-up time and memory with a
large store and many chats. Each figure is checked against the issue's target.

    python bench/fanout.py                  # 10,000 chats; start-up with 10,000 items and 100,000 chats
    python bench/fanout.py --quick          # 1,000 chats; start-up with 1,000 items and 10,000 chats
    python bench/fanout.py --chats 3000 --only broadcast,crash
    python bench/fanout.py --only broadcast --latency-ms 100 --jitter-ms 50   # 100 ± 50 ms round trips
    python bench/fanout.py --only starts --latency-ms 100
    python bench/fanout.py --only startup --profile   # and where the start-up time goes

The fake's flood limits are strict, as Telegram's: 30 messages in any sliding second overall, 1
a second per private chat, 20 a minute per group, and after a 429 for the overall limit every
send gets a 429 until the wait it announced has passed. --latency-ms and --jitter-ms delay each
request on its way to the fake (where it is counted) and its answer on the way back, each by
half the latency give or take half the jitter (uniform, seeded), so a round trip is
latency ± jitter.

1. broadcast  The fake Bot API serves in a thread of this process. N private chats are made
   with State.ensure_chat (deadline_leads ["1h"]) in a fresh SQLite file; the store holds one
   timed deadline whose 1-hour reminder falls due --lead-in seconds after the bot is launched.
   The bot runs as a separate process on the real clock (env TELEGRAM_BOT_TOKEN,
   TELEGRAM_API_BASE_URL, DATABASE_URL). Measured: messages/s from first to last send and over
   the middle 80 %, 429s, duplicates, losses, reminders wrongly marked late.
2. crash      The same, fresh; SIGKILL at --kill-at of the chats served, restart (after
   --outage seconds), wait until every chat is served or nothing arrives for a while. Counted:
   chats with 0, 1, 2+ messages; ledger claims left open (the at-most-once design never re-sends
   a message whose request may have left, so such a claim can cost that one chat its reminder);
   late marks before the kill and after the restart. --signal TERM stops the bot the way a
   deploy or `docker stop` does instead, and checks it exits 0 and loses nothing.
3. starts     --start-chats chats (1,000) each send /start at once to a freshly started bot with an
   empty state. Measured: every chat answered, answers/s from first to last, the time from the
   updates to the last answer, 429s.
4. unclear    A broadcast to --unclear-chats chats (1,000) where the fake stores the message to
   every 50th chat and then answers 502, and to every 77th and then hangs past the bot's read
   timeout (15 s). The bot's documented policy: such a reminder is sent once more, marked as a
   possible repeat, never a third time. Checked: those chats have exactly two copies, the second
   marked; every other chat exactly one, unmarked; none has none.
5. startup    A store of synthetic deadlines, events and hearings spread over a year (written with
   Store.save) and many chats (bulk-inserted with the columns ensure_chat writes; a seeded mix of
   time zones, filters, leads, quiet hours and a few per-item choices). Measured from launch:
   the first getMe, the first getUpdates, the first answer to a /help sent right after that
   poll, and the moment the bot logs "jobs scheduled:" (the planning runs in a thread after
   polling starts); ready = the later of the last two. Peak RSS (VmHWM) of the bot,
   then and --startup-settle seconds later (the first watcher tick, 30 s after start-up).
   With --profile, or when a start-up target fails, a second start-up runs under a small
   sampling profiler (this file, `_sample` mode) and the functions holding the time are listed;
   --profile-broadcast does the same for the broadcast's bot.

Exit status 0 when every target holds, 1 when one fails, 2 when a part could not be measured
(the bot died or a set-up step failed), 130 on Ctrl-C.
Child processes and temporary directories are removed at the end, also on Ctrl-C (--keep keeps
the directories, with the bot logs, for a look).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import gc
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.timezone.utc
PRIVATE_BASE = 700_000_000  # chat ids of the broadcast chats: 700000001 ...
STARTUP_BASE = 800_000_000
HELP_CHAT = 699_999_999  # who sends /help during the start-up measurement
REMINDER_MARK = "late reminder"  # what messages.reminder writes into a late reminder's first line
AGAIN_MARK = "may be a repeat"  # what messages.again writes on the last line of a second copy

# Targets from the issue.
TARGET_RATE = 28.0  # messages/s sustained
TARGET_STARTS = 25.0  # answers/s to /start from many chats at once
TARGET_START_S = 5.0
TARGET_RSS_MB = 300.0


# --- report --------------------------------------------------------------------------------------

class Report:
    """Rows of figure, target and verdict, printed as they come and again as a table at the end."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, str, str]] = []  # section, name, value, target, verdict

    def check(self, section: str, name: str, value: str, target: str, ok: bool | None) -> None:
        verdict = "info" if ok is None else ("PASS" if ok else "FAIL")
        self.rows.append((section, name, value, target, verdict))
        print(f"  {name:<46} {value:>18}   {target:<14} {verdict}", flush=True)

    def info(self, section: str, name: str, value: str) -> None:
        self.check(section, name, value, "", None)

    @property
    def failed(self) -> int:
        return sum(row[4] == "FAIL" for row in self.rows)

    @property
    def passed(self) -> int:
        return sum(row[4] == "PASS" for row in self.rows)

    def table(self) -> None:
        print("\n" + "=" * 96)
        print(f"{'':<10} {'figure':<46} {'value':>18}   {'target':<14} verdict")
        print("-" * 96)
        last = None
        for section, name, value, target, verdict in self.rows:
            print(f"{section if section != last else '':<10} {name:<46} {value:>18}   {target:<14} {verdict}")
            last = section
        print("=" * 96)


def say(text: str) -> None:
    print(text, flush=True)


# --- processes and temporary files ---------------------------------------------------------------

class Cleanup:
    """Every child process and temporary directory of the run, removed at the end whatever happens."""

    def __init__(self, keep: bool):
        self.keep = keep
        self.children: list[subprocess.Popen] = []
        self.dirs: list[Path] = []

    def tempdir(self, name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"bench-fanout-{name}-"))
        self.dirs.append(path)
        return path

    def spawn(self, argv: list[str], **kw) -> subprocess.Popen:
        # A session of its own: a Ctrl-C in the terminal reaches this process only, which then
        # stops the child itself (and a SIGKILL we send reaches exactly the bot).
        child = subprocess.Popen(argv, start_new_session=True, **kw)
        self.children.append(child)
        return child

    def close(self) -> None:
        for child in self.children:
            stop(child, grace=5)
        for path in self.dirs:
            if self.keep:
                say(f"kept {path}")
            else:
                shutil.rmtree(path, ignore_errors=True)


def stop(child: subprocess.Popen, grace: float = 15) -> int | None:
    """SIGTERM (the bot stops in order), then SIGKILL after `grace` seconds."""
    if child.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signal.SIGTERM)
        try:
            child.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            child.wait()
    return child.returncode


def memory(pid: int) -> tuple[float, float]:
    """(VmHWM, VmRSS) of a process in MB; zeros when it is gone."""
    found = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0]) / 1024
    return found.get("VmHWM", 0.0), found.get("VmRSS", 0.0)


class Bot:
    """`python -m bot run --store STORE --no-feeds` against the fake, as its own process."""

    def __init__(self, cleanup: Cleanup, work: Path, fake, store: Path, database_url: str, name: str,
                 wrapper: list[str] | None = None):
        self.cleanup, self.work, self.name = cleanup, work, name
        self.log_path = work / f"{name}.log"
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url,
                    "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        for name_ in ("ADMIN_IDS", "PUBLIC_BASE_URL"):
            self.env.pop(name_, None)
        command = ["run", "--store", str(store), "--no-feeds"]
        self.argv = [sys.executable, *(wrapper or ["-m", "bot"]), *command]
        self.child: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> "Bot":
        # The working directory is the bench's own: no config/settings.yaml of a developer is read.
        log = open(self.log_path, "ab")
        self.started = time.monotonic()
        self.child = self.cleanup.spawn(self.argv, cwd=self.work, env=self.env, stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return self

    @property
    def pid(self) -> int:
        return self.child.pid

    def alive(self) -> bool:
        return self.child is not None and self.child.poll() is None

    def kill(self) -> None:
        self.child.send_signal(signal.SIGKILL)
        self.child.wait()

    def stop(self) -> int | None:
        return stop(self.child)

    def tail(self, lines: int = 15) -> str:
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace").splitlines()
            return "\n".join("      | " + line for line in text[-lines:])
        return ""

    def queued(self) -> list[int]:
        """What the bot's ticks queued, from its log lines "queued N messages"."""
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace")
            return [int(n) for n in re.findall(r"queued (\d+) messages", text)]
        return []

    def log_count(self, needle: str) -> int:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace").count(needle)
        return 0


class BenchError(Exception):
    """The bench could not measure (the bot died, a set-up step failed)."""


# --- the fake Bot API ----------------------------------------------------------------------------

def make_fake(args):
    """The fake Bot API with Telegram's limits, strict, and the latency asked for."""
    from bot.telegram.fakeapi import FakeTelegram, FloodLimits, Latency

    latency = Latency(args.latency_ms / 1000, args.jitter_ms / 1000, seed=args.seed)
    return FakeTelegram(flood=FloodLimits(strict=True), latency=latency)


def latency_text(args) -> str:
    return f"{args.latency_ms:g} ± {args.jitter_ms:g} ms round trips" if args.latency_ms or args.jitter_ms else "no latency"


def register_private_chats(fake, ids) -> None:
    """Make private chats known to the fake without queueing an update for the bot (that is what
    `user_says` does: the bot would get 10,000 messages). FakeTelegram has no public call for
    this, so the bench uses its internal one, under the fake's own lock."""
    with fake._lock:
        for chat_id in ids:
            fake._chat_for_user(chat_id, "private", None)
    # The fake serves from a thread of this process, so this process's garbage collector stops
    # it too: a full pass over the 10,000 chats made here held requests for tens of milliseconds,
    # and the fake then counted them as arriving together (a 429 Telegram would not give). What
    # exists now lives until the end: keep it out of the collector's passes.
    gc.collect()
    gc.freeze()


class Pauses:
    """This process's garbage-collector passes (start on time.monotonic(), seconds, generation):
    while one runs, the fake answers nothing."""

    def __init__(self):
        self.passes: list[tuple[float, float, int]] = []
        self._began = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._began = time.monotonic()
        else:
            self.passes.append((self._began, time.monotonic() - self._began, info["generation"]))

    def longest(self, after: float = float("-inf")) -> tuple[float, int]:
        """(longest pass in ms, passes over 20 ms) since `after`."""
        spans = [span for began, span, _ in self.passes if began >= after]
        return max(spans, default=0.0) * 1000, sum(span > 0.02 for span in spans)

    def during(self, start: float, end: float) -> str:
        hit = [(span, gen) for began, span, gen in self.passes if began < end and began + span > start]
        if not hit:
            return ""
        span, gen = max(hit)
        return f"; the benchmark's own garbage collector ran {span * 1000:.0f} ms (generation {gen}) then"


PAUSES = Pauses()


class Traffic:
    """What the fake saw, read cheaply while the bot runs (calls and errors, not message texts)."""

    def __init__(self, fake):
        self.fake = fake
        self.per_chat: dict[int, int] = collections.Counter()
        self.seen_calls = self.seen_errors = 0

    def snapshot(self) -> tuple[dict[int, int], int, list]:
        """(successful sendMessage count per chat, number of 429s, every error) right now. Only
        what is new since the last look is counted: the fake serves from a thread of this process,
        and a long loop here would hold the GIL and bunch its answers (and so its flood counts)."""
        calls, errors = self.fake.calls, self.fake.errors  # errors after calls: each error's call is in
        for call in calls[self.seen_calls:]:
            if call.method == "sendMessage":
                self.per_chat[call.chat_id] += 1
        for call, _code, _ in errors[self.seen_errors:]:
            if call.method == "sendMessage":
                self.per_chat[call.chat_id] -= 1
        self.seen_calls, self.seen_errors = len(calls), len(errors)
        return self.per_chat, sum(code == 429 for _, code, _ in errors), errors

    def first_call(self, method: str, after: float = float("-inf")) -> float | None:
        """time.monotonic() of the first call of `method` (after `after`), or None."""
        return next((c.at for c in self.fake.calls if c.method == method and c.at > after), None)


def sends(fake, chats: set[int]) -> list:
    """The fake's messages to these chats, oldest first (Sent: chat_id, timestamp, text)."""
    return sorted((s for s in fake.sent() if s.chat_id in chats), key=lambda s: s.timestamp)


# --- state and store -----------------------------------------------------------------------------

def now_utc() -> dt.datetime:
    return dt.datetime.now(UTC)


def fresh_state(path: Path, ids: list[int], leads: list[str]) -> str:
    """A new SQLite state with these private chats, made the way the bot makes them."""
    from bot.state import State, migrate, open_engine

    url = f"sqlite:///{path}"
    migrate(url)
    state = State(open_engine(url))
    created = now_utc()
    for chat_id in ids:
        state.ensure_chat(chat_id, "private", created, {"deadline_leads": leads})
    state.engine.dispose()
    return url


def ledger(url: str) -> tuple[dict[str, int], list[tuple[int, str, str]]]:
    """(rows per state, (chat, key, state) of the claims never marked sent or failed: "claimed"
    ones were never handed to the Bot API, "sending" ones were)."""
    from sqlalchemy import func, select

    from bot.state import Ledger, open_engine

    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            counts = dict(conn.execute(select(Ledger.state, func.count()).group_by(Ledger.state)).all())
            query = select(Ledger.chat_id, Ledger.key, Ledger.state).where(Ledger.state.in_(("claimed", "sending")))
            open_claims = [tuple(row) for row in conn.execute(query)]
    finally:
        engine.dispose()
    return counts, open_claims


def _record(rid: str, kind: str, start: str, title: str, rng: random.Random | None = None, **extra) -> dict:
    """A store record in the shape `python -m bot ingest` writes (see tests/test_bot.py)."""
    subtypes = {"deadline": ("nomination", "grant", "call-for-input", "fellowship", "sign-on"),
                "event": ("side-event", "webinar", "session", "roundtable"),
                "hearing": ("hearing", "trial", "appeal", "verdict")}
    rng = rng or random.Random(0)
    seen = "2025-01-06T10:00:00+00:00"  # long ago: no change notices
    record = {"id": rid, "kind": kind, "subtype": rng.choice(subtypes[kind]), "title": title,
              "start": start, "end": None, "timezone": None, "organizer": "Defenders Network",
              "location": rng.choice(("Geneva", "Nairobi", "Bangkok", "Bogotá", "Tbilisi", "Online")),
              "url": "https://example.org/call", "evidence": "synthetic benchmark item",
              "status": "confirmed", "sequence": 0, "changes": [], "first_seen": seen, "updated": seen}
    record.update(extra)
    return record


def one_deadline_store(root: Path, due: dt.datetime) -> dict:
    """A store with a single timed deadline one hour after `due` (so its "1h" reminder is at `due`)."""
    from bot.store import Store

    start = (due + dt.timedelta(hours=1)).replace(microsecond=0)
    rid = f"{start:%Y-%m-%d}-deadline-{int(start.timestamp()) & 0xFFFFFFFFFF:010x}"
    record = _record(rid, "deadline", start.isoformat(), "Fan-out benchmark: nominations close")
    Store(root).save({rid: record}, {rid})
    return record


WORDS = ("land", "water", "journalists", "climate", "women", "digital", "lawyers", "indigenous", "labour",
         "migrants", "students", "press", "asylum", "housing", "health", "youth", "prisoners", "artists")
ZONES = ("UTC", "UTC", "UTC", "Europe/London", "Europe/Zurich", "Europe/Kyiv", "Africa/Nairobi", "Africa/Lagos",
         "Asia/Kolkata", "Asia/Bangkok", "America/Bogota", "America/Mexico_City")
ITEM_ZONES = (("Europe/Zurich", "+01:00"), ("Africa/Nairobi", "+03:00"), ("Asia/Bangkok", "+07:00"),
              ("America/Bogota", "-05:00"), ("UTC", "+00:00"))


def synthetic_store(root: Path, count: int, now: dt.datetime, seed: int = 7) -> dict[str, dict]:
    """`count` items spread over the year ahead: a third each deadlines, events and hearings; half
    with a clock time, half all-day; 2 % cancelled, 5 % tentative."""
    from bot.store import Store

    rng = random.Random(seed)
    records = {}
    for n in range(count):
        kind = ("deadline", "event", "hearing")[n % 3]
        start = now + dt.timedelta(seconds=rng.randrange(2 * 3600, 365 * 86400))
        if n % 2:
            zone, offset = rng.choice(ITEM_ZONES)
            local = start.astimezone(dt.timezone(dt.timedelta(hours=int(offset[:3]))))
            text, extra = local.strftime("%Y-%m-%dT%H:%M") + offset, {"timezone": zone}
        else:
            text, extra = start.date().isoformat(), {}
        status = "cancelled" if n % 50 == 7 else ("tentative" if n % 20 == 3 else "confirmed")
        words = " ".join(rng.sample(WORDS, 2))
        title = f"{('Call', 'Meeting', 'Trial')[n % 3]} {n} on {words}"
        rid = f"{text[:10]}-{kind}-{n:010x}"
        records[rid] = _record(rid, kind, text, title, rng, status=status, tags=[rng.choice(WORDS)], **extra)
    Store(root).save(records, set(records))
    return records


def bulk_chats(url: str, count: int, created: dt.datetime, seed: int = 11, items: list[str] = ()) -> int:
    """`count` chats inserted in bulk with the same columns ensure_chat writes, plus a few per-item
    choices; returns the number of distinct settings profiles (what the plan can share work on)."""
    from sqlalchemy import insert

    from bot.settings import Chats
    from bot.state import DEFAULTS, Chat, ItemPref, State, migrate, open_engine, validate_settings

    migrate(url)
    defaults = Chats()
    rng = random.Random(seed)
    rows, prefs, profiles = [], [], set()
    for n in range(count):
        chat_id = STARTUP_BASE + n
        settings = {"timezone": rng.choice(ZONES), "deadline_leads": list(defaults.deadline_leads),
                    "event_leads": list(defaults.event_leads)}
        draw = rng.random()
        if draw < 0.10:
            settings["kinds"] = rng.choice((["deadline"], ["event", "hearing"], ["hearing"]))
        elif draw < 0.15:
            settings["keywords"] = rng.sample(WORDS, rng.randint(1, 2))
        if rng.random() < 0.05:
            settings["deadline_leads"] = ["7d", "1d"]
        if rng.random() < 0.05:
            settings["quiet_start"], settings["quiet_end"] = "22:00", "07:00"
        clean = validate_settings({**DEFAULTS, **settings})
        rows.append({"id": chat_id, "type": "private", "active": True, "created": created, **clean})
        profiles.add(json.dumps({k: clean[k] for k in sorted(clean)}, default=str))
        if items and rng.random() < 0.02:
            for rid in rng.sample(items, 2):
                prefs.append({"chat_id": chat_id, "item_id": rid, "state": rng.choice(("follow", "mute")),
                              "snooze_until": None})
    state = State(open_engine(url))
    try:
        with state.engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                conn.execute(insert(Chat), rows[start:start + 5000])
            if prefs:
                conn.execute(insert(ItemPref), prefs)
    finally:
        state.engine.dispose()
    return len(profiles)


# --- waiting ------------------------------------------------------------------------------------

def wait_for(ready, timeout: float, bot: Bot | None = None, every: float = 0.02) -> bool:
    """Poll `ready()` until it holds or `timeout` passes; BenchError if the bot died meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return True
        if bot is not None and not bot.alive():
            raise BenchError(f"the bot ({bot.name}) exited with status {bot.child.returncode}:\n{bot.tail()}")
        time.sleep(every)
    return ready()


class Followed:
    """How a phase of a broadcast ended: why, whether every chat was served, the bot's peak RSS."""

    def __init__(self, why: str, complete: bool, peak_mb: float, timed_out: bool = False):
        self.why, self.complete, self.peak_mb, self.timed_out = why, complete, peak_mb, timed_out


def follow(traffic: Traffic, bot: Bot, chats: set[int], *, label: str, stop_at: int | None = None,
           settle: float, idle: float, timeout: float, every: float) -> Followed:
    """Print progress until every chat got a message and `settle` more seconds passed (so a later
    watcher tick could show a duplicate), or `stop_at` chats were served, or nothing arrived for
    `idle` seconds after the first send, or `timeout`."""
    began = time.monotonic()
    last_count, last_change, last_print, done_at, peak = -1, began, began, None, 0.0
    window = collections.deque()
    while True:
        per_chat, flood, errors = traffic.snapshot()
        served = sum(1 for c in chats if per_chat.get(c))
        total = sum(per_chat.get(c, 0) for c in chats)
        now = time.monotonic()
        hwm, rss = memory(bot.pid)
        peak = max(peak, hwm)
        window.append((now, total))
        while window and window[0][0] < now - 10:
            window.popleft()
        if total != last_count:
            last_count, last_change = total, now
        if now - last_print >= every:
            (t0, n0) = window[0]
            rate = (total - n0) / (now - t0) if now > t0 else 0.0
            say(f"    [{label}] +{now - began:6.1f}s  served {served:>6}/{len(chats)} ({served / len(chats):6.1%})"
                f"  messages {total:>6}  {rate:5.1f}/s (last 10 s)  429s {flood}  other errors {len(errors) - flood}"
                f"  bot RSS {rss:.0f} MB")
            last_print = now
        if stop_at is not None and served >= stop_at:
            return Followed("stop point", False, peak)
        if served >= len(chats):
            done_at = done_at or now
            if now - done_at >= settle:
                return Followed("complete", True, peak)
        elif total and now - last_change >= idle:
            return Followed(f"nothing new for {idle:.0f} s", False, peak)
        if now - began >= timeout:
            return Followed(f"timed out after {timeout:.0f} s, {served:,} of {len(chats):,} chats served", False, peak,
                            timed_out=True)
        if not bot.alive():
            raise BenchError(f"the bot ({bot.name}) exited with status {bot.child.returncode}:\n{bot.tail()}")
        time.sleep(0.25)


def phase_timeout(args) -> float:
    """How long one broadcast may take: at 20 msg/s plus three minutes, unless --timeout says."""
    return args.timeout or args.lead_in + args.chats / 20 + 180


# --- figures -------------------------------------------------------------------------------------

def rates(stamps: list[float]) -> dict:
    """Throughput figures of sorted send times (seconds)."""
    n = len(stamps)
    out = {"messages": n, "overall": 0.0, "middle": 0.0, "max_in_1s": 0, "longest_gap": 0.0, "span": 0.0}
    if n < 2:
        return out
    out["span"] = stamps[-1] - stamps[0]
    out["overall"] = (n - 1) / out["span"] if out["span"] > 0 else float("inf")
    lo, hi = int(n * 0.1), max(int(n * 0.9) - 1, int(n * 0.1) + 1)
    hi = min(hi, n - 1)
    out["middle"] = (hi - lo) / (stamps[hi] - stamps[lo]) if stamps[hi] > stamps[lo] else float("inf")
    start = 0
    for end, at in enumerate(stamps):
        while at - stamps[start] >= 1.0:
            start += 1
        out["max_in_1s"] = max(out["max_in_1s"], end - start + 1)
    out["longest_gap"] = max(b - a for a, b in zip(stamps, stamps[1:]))
    return out


def per_second(stamps: list[float], origin: float) -> list[int]:
    """Sends in each whole second after `origin` (the due time), for a plot."""
    counts = collections.Counter(int(at - origin) for at in stamps if at >= origin)
    return [counts[i] for i in range(max(counts, default=-1) + 1)]


def is_late(text: str | None) -> bool:
    return REMINDER_MARK in (text or "").split("\n", 1)[0]


def is_again(text: str | None) -> bool:
    """A copy sent once more after an unclear answer says so on its last line."""
    return AGAIN_MARK in (text or "").rsplit("\n", 1)[-1]


def late_after() -> dt.timedelta | None:
    """The plan's threshold for marking a reminder late, when it has one."""
    from bot import reminders

    return getattr(reminders, "LATE_AFTER", None)


def launch_and_time_due(cleanup: Cleanup, work: Path, fake, url: str, lead_in: float, name: str,
                        wrapper: list[str] | None = None):
    """Write the one-deadline store due `lead_in` s from now, launch the bot, wait for its first poll."""
    store_dir = work / "calendars"
    due = now_utc() + dt.timedelta(seconds=lead_in)
    record = one_deadline_store(store_dir, due)
    due = dt.datetime.fromisoformat(record["start"]) - dt.timedelta(hours=1)
    traffic = Traffic(fake)
    bot = Bot(cleanup, work, fake, store_dir, url, name, wrapper).start()
    if not wait_for(lambda: traffic.first_call("getUpdates") is not None, max(lead_in, 60), bot):
        raise BenchError(f"the bot did not poll within {max(lead_in, 60):.0f} s:\n{bot.tail()}")
    ready = traffic.first_call("getUpdates") - bot.started
    left = due.timestamp() - time.time()
    say(f"    bot polling {ready:.1f} s after launch; reminder due in {left:.1f} s"
        + ("  (WARNING: due before the bot was up; raise --lead-in)" if left < 0 else ""))
    return bot, traffic, due, store_dir


# --- 1. broadcast --------------------------------------------------------------------------------

def broadcast(args, cleanup: Cleanup, report: Report, figures: dict) -> None:
    n = args.chats
    say(f"\n== 1. broadcast: one reminder to {n:,} private chats, strict flood limits, {latency_text(args)} ==")
    work = cleanup.tempdir("broadcast")
    ids = list(range(PRIVATE_BASE + 1, PRIVATE_BASE + n + 1))
    chats = set(ids)
    began = time.monotonic()
    url = fresh_state(work / "state.sqlite3", ids, ["1h"])
    say(f"    {n:,} chats made with State.ensure_chat in {time.monotonic() - began:.1f} s")
    fake = make_fake(args)
    with fake.serve_in_thread():
        register_private_chats(fake, ids)
        sampled = work / "profile.json"
        wrapper = sampler_wrapper(sampled, args) if args.profile_broadcast else None
        bot, traffic, due, _ = launch_and_time_due(cleanup, work, fake, url, args.lead_in, "broadcast", wrapper)
        followed = follow(traffic, bot, chats, label="broadcast", settle=args.settle, idle=args.idle,
                          timeout=phase_timeout(args), every=args.every)
        say(f"    stopped: {followed.why}")
        code = bot.stop()
        messages = sends(fake, chats)
        _, flood, errors = traffic.snapshot()
    counts, open_claims = ledger(url)
    per_chat = collections.Counter(s.chat_id for s in messages)
    duplicates = sum(1 for c in chats if per_chat[c] > 1)
    lost = sum(1 for c in chats if per_chat[c] == 0)
    stamps = [s.timestamp for s in messages]
    r = rates(stamps)
    late = sum(is_late(s.text) for s in messages)
    first_delay = stamps[0] - due.timestamp() if stamps else float("nan")
    finish = stamps[-1] - due.timestamp() if stamps else float("nan")
    S = "broadcast"
    report.info(S, "latency", latency_text(args))
    report.info(S, "messages sent", f"{len(messages):,}")
    report.check(S, "sustained rate, first to last send", f"{r['overall']:.2f} msg/s", f">= {TARGET_RATE:g} msg/s",
                 r["overall"] >= TARGET_RATE)
    report.check(S, "sustained rate, middle 80 % of sends", f"{r['middle']:.2f} msg/s", f">= {TARGET_RATE:g} msg/s",
                 r["middle"] >= TARGET_RATE)
    report.info(S, "most sends in any 1 s", f"{r['max_in_1s']}")
    report.info(S, "longest pause between two sends", f"{r['longest_gap']:.2f} s")
    report.info(S, "first send after the due time", f"{first_delay:.2f} s")
    report.info(S, "last send after the due time", f"{finish:.1f} s")
    report.check(S, "429 answers from the fake", f"{flood}", "0", flood == 0)
    for line in floods(errors, fake.calls, due)[:3]:
        report.info(S, "  429", line)
    longest, slow = PAUSES.longest(after=began)
    report.info(S, "bench's own GC passes > 20 ms (fake stalls)", f"{slow}, longest {longest:.0f} ms")
    report.info(S, "other error answers", _kinds(errors, flood))
    queued = bot.queued()
    report.info(S, "found owed by the ticks (bot log)", _queued_text(queued))
    report.check(S, "chats with more than one reminder", f"{duplicates}", "0", duplicates == 0)
    report.check(S, "chats with no reminder" + (" (timed out)" if followed.timed_out else ""),
                 f"{lost}", "0", lost == 0)
    report.info(S, "bot peak RSS during the broadcast", f"{followed.peak_mb:.0f} MB")
    report.check(S, "on-time reminders marked late", f"{late}", "0", late == 0)
    report.info(S, "ledger rows sent / sending / claimed / failed",
                f"{counts.get('sent', 0)} / {counts.get('sending', 0)} / {counts.get('claimed', 0)} / {counts.get('failed', 0)}")
    report.info(S, "bot exit status after SIGTERM", f"{code}")
    figures["broadcast"] = {"chats": n, "sent": len(messages), "rates": r, "429": flood,
                            "other_errors": len(errors) - flood, "queued": queued, "duplicates": duplicates,
                            "lost": lost,
                            "late_marked": late, "first_send_after_due_s": first_delay,
                            "last_send_after_due_s": finish, "ledger": counts, "open_claims": len(open_claims),
                            "per_second": per_second(stamps, due.timestamp()),
                            "stopped": followed.why, "complete": followed.complete,
                            "bot_peak_mb": followed.peak_mb, "exit": code}
    if args.profile_broadcast:
        profile = read_profile(sampled)
        if profile:
            print_profile(profile, "the broadcast (from launch to SIGTERM)")
        figures["broadcast"]["profile"] = profile[:40] if profile else None


# --- 2. crash ------------------------------------------------------------------------------------

def crash(args, cleanup: Cleanup, report: Report, figures: dict) -> None:
    n = args.chats
    how = "SIGTERM (a graceful stop)" if args.signal == "TERM" else "SIGKILL"
    say(f"\n== 2. crash: {how} after {args.kill_at:.0%} of {n:,} chats, restart"
        f"{f' after {args.outage:g} s' if args.outage else ''} ==")
    work = cleanup.tempdir("crash")
    ids = list(range(PRIVATE_BASE + 1, PRIVATE_BASE + n + 1))
    chats = set(ids)
    began = time.monotonic()
    url = fresh_state(work / "state.sqlite3", ids, ["1h"])
    say(f"    {n:,} chats made with State.ensure_chat in {time.monotonic() - began:.1f} s")
    fake = make_fake(args)
    with fake.serve_in_thread():
        register_private_chats(fake, ids)
        first, traffic, due, store_dir = launch_and_time_due(cleanup, work, fake, url, args.lead_in, "crash-1")
        before_kill = follow(traffic, first, chats, label="before kill", stop_at=max(1, int(n * args.kill_at)),
                             settle=0, idle=args.idle, timeout=phase_timeout(args) * args.kill_at + args.lead_in,
                             every=args.every)
        if before_kill.why != "stop point":
            say(f"    the kill point was not reached ({before_kill.why}); killing now")
        signalled = time.monotonic()
        if args.signal == "TERM":
            first.child.send_signal(signal.SIGTERM)
            try:
                stopped_with = first.child.wait(60)
            except subprocess.TimeoutExpired:
                first.kill()
                stopped_with = "none in 60 s (SIGKILLed)"
        else:
            first.kill()
            stopped_with = None
        stop_took = time.monotonic() - signalled
        time.sleep(1.0)  # requests already on the wire finish in the fake
        at_kill = sends(fake, chats)
        while_stopping = sum(1 for c in fake.calls if c.method == "sendMessage" and c.at > signalled)
        counts_kill, open_kill = ledger(url)
        delivered = {s.chat_id for s in at_kill}
        unknown_delivered = sum(1 for chat, _, _ in open_kill if chat in delivered)
        handed = sum(1 for *_, how in open_kill if how == "sending")
        say(f"    {'SIGTERM' if args.signal == 'TERM' else 'SIGKILL'} at {len(at_kill):,} messages"
            + (f" (exit status {stopped_with})" if stopped_with is not None else "")
            + f"; ledger: {counts_kill.get('sent', 0)} sent, {counts_kill.get('failed', 0)} failed, "
            f"{len(open_kill)} claimed without an answer ({handed} of them handed to the Bot API, "
            f"{unknown_delivered} did reach the fake)")
        if args.outage:
            say(f"    bot down for {args.outage:g} s")
            time.sleep(args.outage)
        second = Bot(cleanup, work, fake, store_dir, url, "crash-2").start()
        restarted_at = time.time()
        wait_for(lambda: traffic.first_call("getUpdates", after=second.started) is not None, 60, second)
        after = follow(traffic, second, chats, label="after restart", settle=args.settle, idle=args.idle,
                       timeout=phase_timeout(args), every=args.every)
        say(f"    stopped: {after.why}")
        second.stop()
        messages = sends(fake, chats)
        _, flood, errors = traffic.snapshot()
    counts, open_claims = ledger(url)
    per_chat = collections.Counter(s.chat_id for s in messages)
    histogram = collections.Counter(min(per_chat[c], 2) for c in chats)
    open_chats = {chat for chat, _, _ in open_claims}
    zero_unknown = sum(1 for c in chats if per_chat[c] == 0 and c in open_chats)
    before_ids = {(s.chat_id, s.message_id) for s in at_kill}
    pre = [s for s in messages if (s.chat_id, s.message_id) in before_ids]
    post = [s for s in messages if (s.chat_id, s.message_id) not in before_ids]
    post_rates = rates([s.timestamp for s in post])
    threshold = late_after()
    pre_late = sum(is_late(s.text) for s in pre)
    post_late = [s for s in post if is_late(s.text)]
    if threshold is not None:
        wrong_late = sum(1 for s in post_late if s.timestamp - due.timestamp() <= threshold.total_seconds())
        unmarked_old = sum(1 for s in post if not is_late(s.text)
                           and restarted_at - due.timestamp() > threshold.total_seconds() + 60)
        rule = f"> {threshold} overdue"
    else:
        wrong_late, unmarked_old, rule = 0, sum(1 for s in post if not is_late(s.text)), "after an outage"
    resume = (post[0].timestamp - restarted_at) if post else float("nan")
    sending_at_kill = {chat for chat, _, how in open_kill if how == "sending"}
    marked = {s.chat_id for s in messages if is_again(s.text)}
    doubled = {c for c in chats if per_chat[c] >= 2}
    unmarked_doubles = len(doubled - marked)
    unexplained = len(doubled - sending_at_kill)
    S = "crash"
    report.info(S, "served when killed", f"{len(at_kill):,} of {n:,} ({len(at_kill) / n:.0%})")
    report.info(S, "messages before the kill / after restart", f"{len(pre):,} / {len(post):,}")
    report.info(S, "claims open at the kill: all / sending / reached the fake",
                f"{len(open_kill)} / {handed} / {unknown_delivered}")
    if args.signal == "TERM":
        report.check(S, "exit status after SIGTERM", f"{stopped_with}", "0", stopped_with == 0)
        report.check(S, "stop took", f"{stop_took:.1f} s", "< 10 s", stop_took < 10)
        report.info(S, "messages sent while stopping", f"{while_stopping}")
        report.info(S, "ledger rows marked failed at the stop", f"{counts_kill.get('failed', 0)}")
    report.info(S, "first send after restart", f"{resume:.1f} s")
    report.info(S, "rate after restart, first to last", f"{post_rates['overall']:.2f} msg/s")
    report.check(S, "chats with 0 messages" + (" (timed out)" if after.timed_out else ""), f"{histogram[0]}", "0",
                 histogram[0] == 0)
    report.info(S, "  of which behind a claim left open", f"{zero_unknown}")
    report.info(S, "chats with exactly 1 message", f"{histogram[1]:,} of {n:,}")
    report.info(S, "chats with 2 (sending when stopped: sent again, marked)", f"{histogram[2]}")
    report.check(S, "  of which the second copy not marked", f"{unmarked_doubles}", "0", unmarked_doubles == 0)
    report.check(S, "  of which not sending when stopped", f"{unexplained}", "0", unexplained == 0)
    if args.signal == "TERM":
        report.check(S, "chats with 2 after a SIGTERM", f"{histogram[2]}", "0", histogram[2] == 0)
    report.info(S, "ledger claims still open after restart", f"{len(open_claims)}")
    report.info(S, "ledger rows sent / sending / claimed / failed",
                f"{counts.get('sent', 0)} / {counts.get('sending', 0)} / {counts.get('claimed', 0)} / {counts.get('failed', 0)}")
    warned = second.log_count("may or may not have arrived")
    report.info(S, "restarted bot logged the open claims", "yes" if warned else "no")
    report.info(S, "bot peak RSS, 1st run / 2nd run", f"{before_kill.peak_mb:.0f} / {after.peak_mb:.0f} MB")
    report.check(S, "late marks before the kill", f"{pre_late}", "0", pre_late == 0)
    report.info(S, "a reminder is marked late when", rule)
    report.check(S, "late marks after restart, not overdue", f"{wrong_late}", "0", wrong_late == 0)
    report.info(S, "after restart: marked late / not marked", f"{len(post_late)} / {len(post) - len(post_late)}")
    if unmarked_old:
        report.info(S, "  unmarked though overdue by rule", f"{unmarked_old}")
    report.check(S, "429 answers from the fake", f"{flood}", "0", flood == 0)
    for line in floods(errors, fake.calls, due)[:3]:
        report.info(S, "  429", line)
    longest, slow = PAUSES.longest(after=began)
    report.info(S, "bench's own GC passes > 20 ms (fake stalls)", f"{slow}, longest {longest:.0f} ms")
    report.info(S, "other error answers", _kinds(errors, flood))
    report.info(S, "found owed by the ticks, 1st run", _queued_text(first.queued()))
    report.info(S, "found owed by the ticks, 2nd run", _queued_text(second.queued()))
    figures["crash"] = {"chats": n, "signal": args.signal, "stop_exit": stopped_with, "stop_took_s": stop_took,
                        "doubled": len(doubled), "unmarked_doubles": unmarked_doubles,
                        "unexplained_doubles": unexplained, "kill_at": args.kill_at, "outage_s": args.outage, "before_kill": len(pre),
                        "after_restart": len(post), "open_claims_at_kill": len(open_kill),
                        "open_claims_reached_fake": unknown_delivered, "open_claims_sending_at_kill": handed,
                        "histogram": {str(k): v for k, v in histogram.items()},
                        "zero_behind_open_claim": zero_unknown, "open_claims_after": len(open_claims),
                        "ledger": counts, "late_before_kill": pre_late, "late_after": len(post_late),
                        "wrong_late_after": wrong_late, "resume_s": resume, "rate_after": post_rates, "429": flood,
                        "other_errors": len(errors) - flood, "stopped": after.why, "complete": after.complete,
                        "bot_peak_mb": max(before_kill.peak_mb, after.peak_mb)}


# --- 3. /start from many chats at once ---------------------------------------------------------

def starts(args, cleanup: Cleanup, report: Report, figures: dict) -> None:
    n = args.start_chats
    say(f"\n== 3. starts: {n:,} chats send /start at once, {latency_text(args)} ==")
    work = cleanup.tempdir("starts")
    url = fresh_state(work / "state.sqlite3", [], ["1h"])
    ids = list(range(PRIVATE_BASE + 1, PRIVATE_BASE + n + 1))
    fake = make_fake(args)
    with fake.serve_in_thread():
        register_private_chats(fake, ids)
        bot, traffic, due, _ = launch_and_time_due(cleanup, work, fake, url, 3600.0, "starts")
        asked = time.monotonic()
        for chat in ids:
            fake.user_says(chat, "/start")
        wait_for(lambda: all(fake.sent(c) for c in ids[-1:]) and len(fake.sent()) >= n, phase_timeout(args), bot,
                 every=0.25)
        code = bot.stop()
        wanted = set(ids)
        answers = [s for s in fake.sent() if s.chat_id in wanted and "I send deadlines" in (s.text or "")]
        _, flood, errors = traffic.snapshot()
    stamps = sorted(s.timestamp for s in answers)
    answered = len({s.chat_id for s in answers})
    r = rates(stamps)
    offset = time.time() - time.monotonic()
    last = stamps[-1] - (asked + offset) if stamps else float("nan")
    S = "starts"
    report.info(S, "latency", latency_text(args))
    report.check(S, "chats answered", f"{answered:,} of {n:,}", f"{n:,}", answered == n)
    report.check(S, "answers/s, first to last", f"{r['overall']:.2f} msg/s", f">= {TARGET_STARTS:g} msg/s",
                 r["overall"] >= TARGET_STARTS)
    report.info(S, "from the updates to the last answer", f"{last:.1f} s")
    report.info(S, "most answers in any 1 s; longest pause", f"{r['max_in_1s']}; {r['longest_gap']:.2f} s")
    report.check(S, "429 answers from the fake", f"{flood}", "0", flood == 0)
    report.info(S, "other error answers", _kinds(errors, flood))
    report.info(S, "bot exit status after SIGTERM", f"{code}")
    figures["starts"] = {"chats": n, "answered": answered, "rates": r, "last_answer_s": last, "429": flood,
                         "latency_ms": args.latency_ms, "jitter_ms": args.jitter_ms, "exit": code}


# --- 4. unclear answers ------------------------------------------------------------------------

def unclear(args, cleanup: Cleanup, report: Report, figures: dict) -> None:
    n = args.unclear_chats
    say(f"\n== 4. unclear: a broadcast to {n:,} chats; the fake stores every 50th message and answers 502, "
        f"stores every 77th and hangs; {latency_text(args)} ==")
    work = cleanup.tempdir("unclear")
    ids = list(range(PRIVATE_BASE + 1, PRIVATE_BASE + n + 1))
    chats = set(ids)
    url = fresh_state(work / "state.sqlite3", ids, ["1h"])
    bad_gateway = set(ids[49::50])
    hung = set(ids[76::77]) - bad_gateway
    fake = make_fake(args)
    with fake.serve_in_thread():
        register_private_chats(fake, ids)
        for chat in bad_gateway:
            fake.fail_next("sendMessage", chat_id=chat, error="stored_502")
        for chat in hung:
            fake.fail_next("sendMessage", chat_id=chat, error="stored_hang", hang=20.0)  # the bot gives up at 15 s
        bot, traffic, due, _ = launch_and_time_due(cleanup, work, fake, url, args.lead_in, "unclear")
        # the second copies of the hung ones come 15 s (the bot's read timeout) after the first
        followed = follow(traffic, bot, chats, label="unclear", settle=max(args.settle, 20.0), idle=args.idle,
                          timeout=phase_timeout(args), every=args.every)
        code = bot.stop()
        messages = sends(fake, chats)
        _, flood, errors = traffic.snapshot()
    counts, _ = ledger(url)
    by_chat = collections.defaultdict(list)
    for s in messages:
        by_chat[s.chat_id].append(s.text)
    faulty = bad_gateway | hung
    as_policy = sum(1 for c in faulty if len(by_chat[c]) == 2 and not is_again(by_chat[c][0]) and is_again(by_chat[c][1]))
    plain = sum(1 for c in chats - faulty if len(by_chat[c]) == 1 and not is_again(by_chat[c][0]))
    lost = sum(1 for c in chats if not by_chat[c])
    S = "unclear"
    report.info(S, "latency", latency_text(args))
    report.info(S, "stored then 502 / stored then hung", f"{len(bad_gateway)} / {len(hung)}")
    report.check(S, "those chats: first copy, then one marked repeat", f"{as_policy} of {len(faulty)}",
                 f"{len(faulty)}", as_policy == len(faulty))
    report.check(S, "other chats: exactly one, unmarked", f"{plain:,} of {n - len(faulty):,}",
                 f"{n - len(faulty):,}", plain == n - len(faulty))
    report.check(S, "chats with no message" + (" (timed out)" if followed.timed_out else ""), f"{lost}", "0", lost == 0)
    report.check(S, "429 answers from the fake", f"{flood}", "0", flood == 0)
    report.info(S, "error answers", _kinds(errors, flood))
    report.info(S, "ledger rows sent / unclear / failed",
                f"{counts.get('sent', 0)} / {counts.get('unclear', 0)} / {counts.get('failed', 0)}")
    report.info(S, "bot logged unclear answers", f"{bot.log_count('was unclear')}")
    report.info(S, "bot exit status after SIGTERM", f"{code}")
    figures["unclear"] = {"chats": n, "stored_502": len(bad_gateway), "stored_hang": len(hung), "as_policy": as_policy,
                          "plain": plain, "lost": lost, "429": flood, "ledger": counts, "exit": code}


# --- 5. start-up ---------------------------------------------------------------------------------

def startup(args, cleanup: Cleanup, report: Report, figures: dict) -> None:
    from bot.telegram.fakeapi import FakeTelegram

    items, count = args.items, args.startup_chats
    say(f"\n== 3. start-up: {items:,} items, {count:,} chats ==")
    work = cleanup.tempdir("startup")
    store_dir = work / "calendars"
    now = now_utc()
    began = time.monotonic()
    records = synthetic_store(store_dir, items, now)
    say(f"    store of {len(records):,} items written with Store.save in {time.monotonic() - began:.1f} s")
    began = time.monotonic()
    url = f"sqlite:///{work / 'state.sqlite3'}"
    profiles = bulk_chats(url, count, now, items=sorted(records))
    say(f"    {count:,} chats ({profiles:,} distinct settings) bulk-inserted in {time.monotonic() - began:.1f} s")
    fake = FakeTelegram()
    S = "startup"
    with fake.serve_in_thread():
        result = time_startup(cleanup, work, fake, store_dir, url, "startup", args.startup_timeout, args,
                              settle=args.startup_settle)
        fake.reset()
        profile = None
        too_slow = not result["answered"] or result["ready_s"] >= TARGET_START_S or result["peak_mb"] >= TARGET_RSS_MB
        if args.profile or (too_slow and not args.no_profile):
            profile = profile_startup(cleanup, work, fake, store_dir, url, args)
    ready = result["ready_s"]
    report.info(S, "items / chats / distinct chat settings", f"{items:,} / {count:,} / {profiles:,}")
    report.info(S, "first getMe after launch", _seconds(result["getme_s"]))
    report.info(S, "first getUpdates after launch", _seconds(result["poll_s"]))
    report.info(S, "first answer to /help", _seconds(result.get("answer_s")))
    report.info(S, "jobs scheduled (the bot's log)", _seconds(result.get("scheduled_s")))
    label = "ready: polling, answering and jobs scheduled"
    if result["answered"]:
        report.check(S, label, f"{ready:.2f} s", f"< {TARGET_START_S:g} s", ready < TARGET_START_S)
    else:
        report.check(S, label, f"> {args.startup_timeout:g} s", f"< {TARGET_START_S:g} s", False)
    if result["ready_mb"] is not None:
        report.info(S, "peak RSS when it answered", f"{result['ready_mb']:.0f} MB")
    label = f"peak RSS (VmHWM) up to {result['settle_s']:g} s later" if result["answered"] else "peak RSS (VmHWM)"
    report.check(S, label,
                 f"{result['peak_mb']:.0f} MB", f"< {TARGET_RSS_MB:g} MB", result["peak_mb"] < TARGET_RSS_MB)
    report.info(S, "messages to other chats meanwhile", f"{result['sends']}")
    figures["startup"] = {"items": items, "chats": count, "profiles": profiles, **result,
                          "profile": profile[:40] if profile else None}
    if profile:
        print_profile(profile, "the start-up")


def floods(errors: list, calls: list, due: dt.datetime) -> list[str]:
    """Each 429: when (seconds after the due time, on the fake's clock), to which chat, how many
    sendMessage calls the fake had let through in the second before it, and the shortest interval
    between arrivals there (Telegram counts arrivals: a short one means requests bunched)."""
    offset = time.time() - time.monotonic()  # the fake logs calls on time.monotonic()
    sends = sorted(c.at for c in calls if c.method == "sendMessage")
    out = []
    for call, code, _ in errors:
        if code == 429:
            before = [at for at in sends if call.at - 1.0 < at < call.at]
            closest = min((b - a for a, b in zip(before, before[1:] + [call.at])), default=float("nan"))
            out.append(f"+{call.at + offset - due.timestamp():.1f}s chat {call.chat_id}, {len(before)} sends in the"
                       f" 1 s before, two of them {closest * 1000:.0f} ms apart"
                       + PAUSES.during(call.at - 1.0, call.at))
    return out


def _queued_text(queued: list[int]) -> str:
    """What the bot's ticks queued: all of it when short, else first, count and sum."""
    if len(queued) <= 3:
        return " + ".join(f"{n:,}" for n in queued) or "0"
    return f"{queued[0]:,} + {len(queued) - 1} more ticks = {sum(queued):,}"


def _kinds(errors: list, flood: int) -> str:
    """Error answers other than 429, by method and code."""
    kinds = collections.Counter(f"{call.method} {code}" for call, code, _ in errors if code != 429)
    return ", ".join(f"{n}x {k}" for k, n in kinds.most_common()) or "0"


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def time_startup(cleanup: Cleanup, work: Path, fake, store_dir: Path, url: str, name: str, timeout: float,
                 args, wrapper: list[str] | None = None, settle: float = 0.0) -> dict:
    """Launch, wait for the first poll, say /help, wait for the answer, then watch memory for
    `settle` more seconds (the first watcher tick comes 30 s after start-up)."""
    traffic = Traffic(fake)
    bot = Bot(cleanup, work, fake, store_dir, url, name, wrapper).start()
    peak, asked = [0.0], [False]

    def look() -> None:
        hwm, rss = memory(bot.pid)
        peak[0] = max(peak[0], hwm)
        if rss > args.rss_limit:
            raise BenchError(f"the bot's RSS passed {args.rss_limit:.0f} MB (--rss-limit); stopped it")

    scheduled = [None]

    def answered() -> bool:
        look()
        if not asked[0] and traffic.first_call("getUpdates") is not None:
            fake.user_says(HELP_CHAT, "/help")
            asked[0] = True
        if scheduled[0] is None and bot.log_count("jobs scheduled:"):
            scheduled[0] = time.monotonic() - bot.started  # read from the log every 10 ms
        return bool(fake.sent(HELP_CHAT)) and scheduled[0] is not None

    ready = ready_mb = answer_s = None
    try:
        if wait_for(answered, timeout, bot, every=0.01):
            # The fake logs each call with time.monotonic(), the clock bot.started was read on.
            answer = next((c.at for c in fake.calls if c.method == "sendMessage" and c.chat_id == HELP_CHAT), None)
            answer_s = answer - bot.started if answer is not None else None
            ready, ready_mb = max(answer_s or 0.0, scheduled[0]), peak[0]
            wait_for(lambda: look() and False, settle, bot, every=0.1)
    finally:
        if bot.alive():
            with contextlib.suppress(BenchError):
                look()
            bot.stop()
    getme, poll = traffic.first_call("getMe"), traffic.first_call("getUpdates")
    sends_ = sum(1 for c in fake.calls if c.method == "sendMessage" and c.chat_id != HELP_CHAT)
    result = {"answered": ready is not None, "ready_s": ready if ready is not None else float("inf"),
              "answer_s": answer_s, "scheduled_s": scheduled[0],
              "ready_mb": ready_mb, "peak_mb": peak[0], "settle_s": settle,
              "getme_s": getme - bot.started if getme else None, "poll_s": poll - bot.started if poll else None,
              "sends": sends_, "queued": bot.queued()}
    say(f"    {name}: getMe {_seconds(result['getme_s'])}, getUpdates {_seconds(result['poll_s'])}, "
        f"/help answered {_seconds(answer_s)}, jobs scheduled {_seconds(scheduled[0])}, RSS then {ready_mb or 0:.0f} MB, peak {peak[0]:.0f} MB"
        + (f" (watched {settle:g} s more)" if settle and ready is not None else ""))
    return result


# --- a small sampling profiler for the start-up ---------------------------------------------------

def sampler_wrapper(out: Path, args) -> list[str]:
    """What goes between the interpreter and `run ...` to run the bot under `_sample` mode."""
    return [str(Path(__file__).resolve()), "_sample", str(out), str(args.sample_ms / 1000), "--", "-m", "bot"]


def read_profile(path: Path) -> list | None:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text())
        return data["rows"] + [{"total": data["total"], "interval": data["interval"], "wall": data.get("wall")}]
    say("    (no profile written)")
    return None


def profile_startup(cleanup: Cleanup, work: Path, fake, store_dir: Path, url: str, args) -> list | None:
    """The start-up again, under `_sample` mode: which functions the main thread spends its time in."""
    out = work / "profile.json"
    say(f"    profiling a second start-up (sampling every {args.sample_ms:g} ms, at most {args.profile_seconds:g} s)")
    time_startup(cleanup, work, fake, store_dir, url, "startup-profiled",
                 min(args.startup_timeout, args.profile_seconds), args, sampler_wrapper(out, args))
    return read_profile(out)


def print_profile(profile: list, what: str) -> None:
    summary, rows = profile[-1], profile[:-1]
    wall = summary.get("wall") or summary["total"] * summary["interval"]
    say(f"\n  where the time goes in {what}: main thread of the bot, {summary['total']} samples over {wall:.1f} s "
        "(inclusive: in the function or what it called; own: in its own code; selectors...select is idle time)")
    plumbing = ("bench/", "<frozen importlib", "stdlib:asyncio/", "stdlib:runpy", "stdlib:selectors")
    shown = [r for r in rows if not r["function"].startswith(plumbing)]
    say(f"    {'inclusive':>9} {'own':>6}  function (by inclusive time; event loop and import plumbing left out)")
    for row in shown[:22]:
        say(f"    {row['inclusive']:>9.1%} {row['own']:>6.1%}  {row['function']}")
    say(f"    {'inclusive':>9} {'own':>6}  function (by own time)")
    for row in sorted(rows, key=lambda r: -r["own"])[:12]:
        say(f"    {row['inclusive']:>9.1%} {row['own']:>6.1%}  {row['function']}")


def sample_main(argv: list[str]) -> int:
    """`fanout.py _sample OUT INTERVAL -- -m bot run ...`: run the bot in this process while a
    thread samples the main thread's stack every INTERVAL seconds, writing counts to OUT (JSON)
    twice a second, so the numbers survive the SIGTERM or SIGKILL that ends the run."""
    out, interval = Path(argv[0]), float(argv[1])
    rest = argv[argv.index("--") + 1:]
    if rest[:2] != ["-m", "bot"]:
        raise SystemExit("_sample: expected -- -m bot ...")
    main_id, began = threading.main_thread().ident, time.monotonic()
    own, inclusive, total = collections.Counter(), collections.Counter(), [0]
    root = str(ROOT) + os.sep

    stdlib = sysconfig.get_paths()["stdlib"] + os.sep
    names: dict = {}

    def name(code) -> str:
        if code not in names:
            path = code.co_filename
            if "site-packages" + os.sep in path:
                path = path.split("site-packages" + os.sep)[-1]
            elif path.startswith(root):
                path = path[len(root):]
            elif path.startswith(stdlib):
                path = "stdlib:" + path[len(stdlib):]
            names[code] = f"{path}:{getattr(code, 'co_qualname', code.co_name)}"
        return names[code]

    def write() -> None:
        count = max(total[0], 1)
        rows = [{"function": f, "inclusive": inclusive[f] / count, "own": own[f] / count}
                for f, _ in inclusive.most_common(200)]
        rows.sort(key=lambda r: (-r["inclusive"], -r["own"]))
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps({"total": total[0], "interval": interval, "wall": time.monotonic() - began,
                                   "rows": rows}))
        os.replace(tmp, out)

    def sampler() -> None:
        last = time.monotonic()
        while True:
            time.sleep(interval)
            frame = sys._current_frames().get(main_id)
            if frame is None:
                continue
            total[0] += 1
            own[name(frame.f_code)] += 1
            seen = set()
            while frame is not None:
                seen.add(name(frame.f_code))
                frame = frame.f_back
            inclusive.update(seen)
            if time.monotonic() - last > 0.5:
                write()
                last = time.monotonic()

    threading.Thread(target=sampler, name="sampler", daemon=True).start()
    sys.path.insert(0, str(ROOT))
    from bot.cli import main

    try:
        return main(rest[2:])
    finally:
        write()


# --- main ----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_sample"]:
        return sample_main(argv[1:])
    gc.callbacks.append(PAUSES)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 chats; start-up with 1,000 items and 10,000 chats")
    parser.add_argument("--chats", type=int, help="chats in the broadcast and crash runs (default 10,000)")
    parser.add_argument("--items", type=int, help="store items for the start-up run (default 10,000)")
    parser.add_argument("--startup-chats", type=int, help="chats for the start-up run (default 100,000)")
    parser.add_argument("--only", default="broadcast,crash,starts,unclear,startup", help="comma-separated parts to run")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="round trip to the fake Bot API (ms)")
    parser.add_argument("--jitter-ms", type=float, default=0.0, help="round trips vary by ± this much (ms)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the fake's latency")
    parser.add_argument("--start-chats", type=int, default=1000, help="chats sending /start at once")
    parser.add_argument("--unclear-chats", type=int, help="chats in the unclear-answers broadcast (default 1,000)")
    parser.add_argument("--lead-in", type=float, help="seconds from launch to the reminder's due time")
    parser.add_argument("--kill-at", type=float, default=0.4, help="fraction of chats served before the SIGKILL")
    parser.add_argument("--signal", choices=("KILL", "TERM"), default="KILL",
                        help="how the crash run stops the bot (TERM: a graceful stop mid-broadcast)")
    parser.add_argument("--outage", type=float, default=0.0, help="seconds between the SIGKILL and the restart")
    parser.add_argument("--settle", type=float, default=35.0,
                        help="seconds to keep watching after every chat is served (> the 30 s watcher period)")
    parser.add_argument("--idle", type=float, default=75.0, help="stop when nothing arrives for this long")
    parser.add_argument("--timeout", type=float, help="seconds one broadcast may take (default: at 20 msg/s + 3 min)")
    parser.add_argument("--every", type=float, help="seconds between progress lines")
    parser.add_argument("--startup-timeout", type=float, default=300.0, help="give the start-up this long")
    parser.add_argument("--startup-settle", type=float, default=35.0,
                        help="seconds of memory watch after start-up (the first watcher tick is at 30 s)")
    parser.add_argument("--rss-limit", type=float, default=6000.0, help="stop a bot whose RSS passes this (MB)")
    parser.add_argument("--profile", action="store_true", help="always profile the start-up")
    parser.add_argument("--profile-broadcast", action="store_true",
                        help="run the broadcast's bot under the sampling profiler and show where its time goes")
    parser.add_argument("--no-profile", action="store_true", help="never profile the start-up")
    parser.add_argument("--profile-seconds", type=float, default=300.0, help="profile at most this long")
    parser.add_argument("--sample-ms", type=float, default=5.0, help="profiler sampling interval")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories (logs, state)")
    args = parser.parse_args(argv)
    args.chats = args.chats or (1000 if args.quick else 10_000)
    args.items = args.items or (1000 if args.quick else 10_000)
    args.startup_chats = args.startup_chats or (10_000 if args.quick else 100_000)
    args.lead_in = args.lead_in or (12.0 if args.chats <= 2000 else 25.0)
    args.every = args.every or (5.0 if args.quick else 15.0)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    args.unclear_chats = args.unclear_chats or min(args.chats, 1000)
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}")
    sys.path.insert(0, str(ROOT))

    # SIGTERM (a CI timeout, kill) cleans up like Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    report, figures, cleanup = Report(), {}, Cleanup(args.keep)
    began, broken = time.monotonic(), []
    try:
        for part in parts:
            load = os.getloadavg()[0]
            try:
                PARTS[part](args, cleanup, report, figures)
                # The bot and this process make about 1.5 of it; more means someone else shared the CPUs.
                report.info(part, "load average (1 min) before / after",
                            f"{load:.1f} / {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
            except BenchError as exc:
                say(f"  {part}: could not measure: {exc}")
                report.check(part, "measured", "no", "yes", False)
                broken.append(part)
                figures[part] = {"error": str(exc)}
    except KeyboardInterrupt:
        say("\ninterrupted: stopping the bot and removing temporary files")
        return 130
    finally:
        cleanup.close()
    report.table()
    say(f"bench fanout: {report.passed} passed, {report.failed} failed, in {time.monotonic() - began:.0f} s")
    if args.json:
        figures["targets"] = {"rate": TARGET_RATE, "start_s": TARGET_START_S, "rss_mb": TARGET_RSS_MB}
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    return 2 if broken else (1 if report.failed else 0)


PARTS = {"broadcast": broadcast, "crash": crash, "starts": starts, "unclear": unclear, "startup": startup}


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
