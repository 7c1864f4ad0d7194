"""Benchmark the calendar feeds: building them from a 10,000-item store, serving them over HTTP
under load, with nginx serving the same bytes as a static file in the same run as the baseline,
and serving them under attack: a few normal clients' p99 alone (the baseline), then while 1,000
slowloris connections trickle header lines, then while 2 clients walk through 100 different
`?q=` filters (at least 100) to defeat the cache (one server process, its open files limited to 1,024).

    python bench/feeds.py            # 10,000 items, wrk 10 s per run (about 1.5 minutes)
    python bench/feeds.py --quick    # 2,000 items, wrk 3 s per run

The store is synthetic (seeded): starts spread evenly from 3 years ago to 1 year ahead, so about
a quarter of it is in the feed window (future items plus 30 days past). Our server runs as
`python -m bot serve --workers N` (N: usable cores unless --workers), nginx with its default
single worker (--nginx-workers). wrk shares the machine's cores with both, and so does anything
else running: the load average is printed before and after. Needs wrk and nginx
(apt-get install wrk nginx-light); exit status 0 when every target holds, 1 when one fails,
2 when a tool is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"
PAST_YEARS, AHEAD_YEARS = 3, 1
CONNECTIONS, THREADS = 100, 2

# Word lists for the synthetic store: invented names, places and phrasing, mixed at random.
SUBTYPES = {
    "deadline": ("nomination", "job", "call-for-input", "sign-on", "registration", "grant", "fellowship"),
    "event": ("session", "roundtable", "webinar", "side-event", "forum", "conference", "press-conference",
              "meeting", "ceremony", "workshop"),
    "hearing": ("hearing", "trial", "appeal", "verdict"),
}
ORGANISERS = ("Civic Space Watch", "Riverbank Legal Aid", "Andean Defenders Collective", "Sahel Rights Forum",
              "Baltic Press Freedom Desk", "Coalition for Land and Water", "Mekong Advocacy Circle",
              "Women Defenders Fund", "Digital Safety Lab", "Open Courts Initiative", "Treaty Body Network",
              "Islands Climate Justice Hub")
PLACES = (("Geneva", "+01:00", "Europe/Zurich"), ("Nairobi", "+03:00", "Africa/Nairobi"),
          ("Bangkok", "+07:00", "Asia/Bangkok"), ("Tunis", "+01:00", "Africa/Tunis"), ("Bogotá", "-05:00", "America/Bogota"),
          ("Lima", "-05:00", "America/Lima"), ("Tbilisi", "+04:00", "Asia/Tbilisi"), ("Dhaka", "+06:00", "Asia/Dhaka"),
          ("Manila", "+08:00", "Asia/Manila"), ("Kampala", "+03:00", "Africa/Kampala"),
          ("Guatemala City", "-06:00", "America/Guatemala"), ("Strasbourg", "+01:00", "Europe/Paris"),
          ("Banjul", "+00:00", "Africa/Banjul"), ("San José", "-06:00", "America/Costa_Rica"),
          ("Beirut", "+02:00", "Asia/Beirut"))
TOPICS = ("land defenders", "online harassment", "indigenous water rights", "journalists in exile",
          "strategic lawsuits", "climate activists", "women defenders", "reprisals against civil society",
          "peaceful assembly", "digital surveillance", "forced evictions", "labour organisers")
PRIZES = ("Quiet Courage Prize", "Lantern Award", "Open Door Fellowship", "Bridge Builders Grant",
          "Harbour Light Award", "Steady Hands Fund")
GIVEN = ("Amara", "Luis", "Noor", "Tamar", "Kofi", "Ines", "Rustam", "Mei", "Joao", "Leila", "Sipho", "Ana")
FAMILY = ("Okafor", "Quispe", "Haddad", "Beridze", "Mensah", "Rojas", "Karimov", "Tran", "Silva", "Nasser")
TAGS = ("women-hrds", "environment", "digital-security", "lgbtiq", "indigenous", "journalists", "land", "migrants")


def _title(rng: random.Random, kind: str, subtype: str, day: dt.date, n: int) -> str:
    topic, place = rng.choice(TOPICS), rng.choice(PLACES)[0]
    person = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    if kind == "deadline":
        return rng.choice((
            f"{rng.choice(PRIZES)} {day.year}: nominations close",
            f"Call for input on {topic} (report {n})",
            f"Sign-on letter on {topic}: last day to join",
            f"Grant round {n} for groups working on {topic}: applications due",
            f"Field officer, {place} (post {n}): applications close",
        ))
    if kind == "event":
        return rng.choice((
            f"Side event: {topic} in {place}",
            f"Webinar {n}: protecting {topic}",
            f"Regional {subtype} on {topic}, {place}",
            f"Session {n % 90 + 1} of the rights council: {topic}",
        ))
    return rng.choice((
        f"Trial of {person}, {place} (case {n})",
        f"Appeal hearing: {person} v. the State (case {n})",
        f"Verdict expected for {person} (case {n})",
    ))


def _when(rng: random.Random, kind: str, day: dt.date, place: tuple) -> tuple[str, str | None, str | None]:
    """(start, end, timezone) as stored: all-day dates, or timed values with the place's offset."""
    timed = rng.random() < {"deadline": 0.3, "event": 0.5, "hearing": 0.6}[kind]
    if not timed:
        long = kind == "event" and rng.random() < 0.3
        return day.isoformat(), (day + dt.timedelta(days=rng.randint(1, 20))).isoformat() if long else None, None
    hour, minute = (23, 59) if kind == "deadline" else (rng.choice((9, 10, 11, 14, 15)), rng.choice((0, 30)))
    start = f"{day.isoformat()}T{hour:02d}:{minute:02d}{place[1]}"
    if kind == "deadline" or rng.random() < 0.4:
        return start, None, place[2]
    return start, f"{day.isoformat()}T{hour + rng.randint(1, 3):02d}:{minute:02d}{place[1]}", place[2]


def _record(rng: random.Random, n: int, today: dt.date, now: dt.datetime) -> dict:
    from bot import store
    from bot.model import stable_id

    kind = rng.choices(("deadline", "event", "hearing"), (45, 40, 15))[0]
    subtype = rng.choice(SUBTYPES[kind])
    day = today + dt.timedelta(days=rng.randint(-365 * PAST_YEARS, 365 * AHEAD_YEARS))
    place, organiser = rng.choice(PLACES), rng.choice(ORGANISERS)
    title = _title(rng, kind, subtype, day, n)
    start, end, zone = _when(rng, kind, day, place)
    online = kind == "event" and subtype == "webinar"
    site = re.sub(r"[^a-z]+", "", organiser.lower())
    seen = min(now, dt.datetime.combine(day, dt.time(8), dt.timezone.utc) - dt.timedelta(days=rng.randint(7, 120)))
    updated = min(now, seen + dt.timedelta(days=rng.choice((0, 0, 1, 5, 20))))
    record = {
        "id": stable_id(kind, dt.date.fromisoformat(start[:10]), title), "kind": kind, "subtype": subtype,
        "title": title, "start": start, "end": end, "all_day": "T" not in start, "timezone": zone,
        "organizer": organiser, "location": None if online else place[0], "online": online or None,
        "url": f"https://{site}.example.org/{day.year}/{n}", "contact": rng.choice((None, f"info@{site}.example.org")),
        "reference": f"Case {n}/{day.year}" if kind == "hearing" else None,
        "evidence": f"{title}, on {day.strftime('%d %B %Y')}{f' in {place[0]}' if not online else ' (online)'}.",
        "confidence": round(rng.uniform(0.5, 0.95), 2),
    }
    status = rng.choices(("confirmed", "tentative", "cancelled"), (90, 6, 4))[0]
    changes = [{"at": updated.isoformat(), "what": "location changed"}] * rng.choice((0, 0, 0, 1, 2))
    if status == "cancelled":
        changes.append({"at": updated.isoformat(), "what": "withdrawn: postponed indefinitely"})
    record.update(
        sources=[{"document": f"feeds/{site}-{seen.date().isoformat()}.txt", "post_title": title,
                  "post_date": seen.date().isoformat(), "offsets": [n % 900, n % 900 + 60]}],
        status=status, sequence=len(changes), first_seen=seen.isoformat(), updated=updated.isoformat(),
        changes=changes, extracted={key: store.fingerprint(record.get(key)) for key in store.EXTRACTED_FIELDS},
        tags=rng.sample(TAGS, rng.choice((0, 0, 1, 2))),
    )
    return record


def synthetic_store(root: Path, count: int, today: dt.date, seed: int) -> int:
    """Write `count` records the way `Store.save` lays them out (without its fsync per file)."""
    from bot import store, yamlio

    rng, now = random.Random(seed), dt.datetime.combine(today, dt.time(6), dt.timezone.utc)
    records: dict[str, dict] = {}
    n = 0
    while len(records) < count:
        n += 1
        record = _record(rng, n, today, now)
        records.setdefault(record["id"], record)  # the rare same-day same-title pair is dropped
    for record in records.values():
        path = store.Store(root).path(record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yamlio.dump(record), encoding="utf-8")
    return len(records)


def timed(function, *args, repeat: int = 1) -> float:
    """Best wall time of `repeat` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - started)
    return best


def reload_after_one_edit(root: Path, records: dict) -> float:
    """What the feed server and the bot do when a curator saves one file: the store read again
    with what the last read parsed (`Store.load(parsed)`). Seconds."""
    from bot import store

    target, parsed = store.Store(root), {}
    target.load(parsed)
    record = dict(records[min(records)], title=records[min(records)]["title"] + " (extended)")
    target.save({record["id"]: record}, {record["id"]})
    started = time.perf_counter()
    again = target.load(parsed)
    seconds = time.perf_counter() - started
    assert again[record["id"]]["title"] == record["title"], "the edit was not picked up"
    return seconds


def build_feeds(root: Path, out: Path, today: dt.date, report: "Report", repeat: int) -> dict:
    """`python -m bot build` in-process: the store load timed once, the rendering best of `repeat`."""
    from bot import cli, store

    started = time.perf_counter()
    records = store.Store(root).load()
    load = time.perf_counter() - started
    args = cli.build_parser().parse_args(["build", "--store", str(root), "--out", str(out)])
    # run_build loads the store itself; handing it the loaded records times only the building.
    with mock.patch.object(store.Store, "load", lambda self: records), contextlib.redirect_stdout(io.StringIO()):
        build = timed(cli.run_build, args, today, repeat=repeat)
    data = (out / "all.ics").read_bytes()
    events = data.count(b"BEGIN:VEVENT")
    reload = reload_after_one_edit(root, records)
    report.check(f"load store ({len(records):,} YAML files)", f"{load:.2f} s", "(info)", True)
    report.check("reload after one file is edited", f"{reload:.3f} s", "< load / 5", reload < load / 5)
    report.check(f"build 4 feeds, best of {repeat}", f"{build:.2f} s", "< 2 s", build < 2)
    report.check("load + build (= python -m bot build)", f"{load + build:.2f} s", "(info)", True)
    report.check(f"all.ics: {events:,} of {len(records):,} items", f"{len(data) / 1024 / 1024:.2f} MB", "(info)", True)
    return {"items": len(records), "load_seconds": load, "reload_seconds": reload, "build_seconds": build, "all_ics_bytes": len(data),
            "all_ics_events": events}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict | None = None) -> tuple[int, Message, bytes]:
    """(status, headers, body) of one plain GET; a 304 is an answer, not an error."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float) -> None:
    """Poll `url` until it answers 200 (the server loads the store before its first answer)."""
    deadline, status = time.monotonic() + seconds, "nothing"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: server exited with status {process.returncode} before answering {url}")
        with contextlib.suppress(OSError):
            status = get(url)[0]
            if status == 200:
                return
        time.sleep(0.2)  # polling a process that is starting, not waiting for time to pass
    raise SystemExit(f"bench: {url} did not answer 200 within {seconds:.0f} s (last answer: {status})")


@contextlib.contextmanager
def running(command: list[str], health: str, log: Path, seconds: float = 180):
    """Run a server for the duration of the block; stop it (by its own pid) afterwards."""
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(health, process, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx_config(tmp: Path, port: int, workers: int) -> Path:
    """A minimal nginx serving `tmp/www` on `port`, every path under `tmp`, etags on."""
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / name).mkdir(exist_ok=True)
    config = tmp / "nginx.conf"
    config.write_text(f"""
daemon off;
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    etag on;
    types {{ text/calendar ics; }}
    charset utf-8;
    charset_types text/calendar;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
    }}
}}
""")
    return config


def validators(url: str) -> tuple[bytes, str]:
    """The body and ETag of `url`, after checking it answers 200, then 304 to its own ETag."""
    status, headers, body = get(url)
    etag = headers.get("ETag")
    if status != 200 or not etag:
        raise SystemExit(f"bench: {url} answered {status} {'without' if not etag else 'with'} an ETag")
    again = get(url, {"If-None-Match": etag})[0]
    if again != 304:
        raise SystemExit(f"bench: {url} answered {again}, not 304, to If-None-Match: {etag}")
    return body, etag


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}
SIZES = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def parse_wrk(text: str) -> dict:
    """Requests/sec, p99 (ms), requests, bytes read and errors from `wrk --latency` output."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\b", text, re.M)
    total = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", text)
    if not (rate and p99 and total):
        raise SystemExit(f"bench: cannot read wrk's output:\n{text}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {"rps": float(rate[1]), "p99_ms": float(p99[1]) * UNITS[p99[2]], "requests": int(total[1]),
            "bytes": float(total[2]) * SIZES[total[3]], "non_2xx_3xx": int(bad[1]) if bad else 0,
            "socket_errors": sum(map(int, sockets.groups())) if sockets else 0}


def load(url: str, seconds: int, etag: str | None = None) -> dict:
    """wrk at CONNECTIONS connections on THREADS threads; with `etag`, every request revalidates."""
    command = ["wrk", f"-c{CONNECTIONS}", f"-t{THREADS}", f"-d{seconds}s", "--timeout", "10s", "--latency", url]
    if etag:
        command[1:1] = ["-H", f"If-None-Match: {etag}"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def hammer(name: str, label: str, url: str, etag: str | None, size: int, seconds: int, report: "Report") -> dict:
    """Full GETs of `url`, or with `etag` revalidations; the bytes read show which answer came back."""
    run = load(url, seconds, etag)
    per_request = run["bytes"] / max(run["requests"], 1)
    # 200s carry the whole body and 304s only headers: the mean size tells them apart
    # (wrk rounds the bytes it read to two decimals, hence the margin).
    right = per_request >= 0.98 * size if etag is None else per_request < 2048
    errors = run["non_2xx_3xx"] + run["socket_errors"] + (0 if right else run["requests"])
    report.check(f"{name} {label}: requests/s", f"{run['rps']:,.0f}", "(info)", True)
    report.check(f"{name} {label}: p99 latency", f"{run['p99_ms']:.1f} ms", "(info)", True)
    report.check(f"{name} {label}: errors", f"{errors}", "0", errors == 0)
    return dict(run, bytes_per_request=per_request, errors=errors)


def warm_up(url: str, etag: str) -> None:
    """Short runs until no answer is slow: every worker process has read the store and rendered
    the feed, and takes its share of the measured run's connections."""
    for _ in range(8):
        if load(url, 1, etag)["p99_ms"] < 250:
            return


def nginx_www(top: Path, body: bytes) -> Path:
    """The directory nginx serves, holding our response's bytes as calendars/all.ics."""
    tmp = top / "nginx"
    www = tmp / "www" / "calendars"
    www.mkdir(parents=True)
    (www / "all.ics").write_bytes(body)
    for path in (top, tmp, tmp / "www", www, www / "all.ics"):
        path.chmod(0o755)  # nginx's workers drop root for nobody, who must read the file
    return tmp


def serve(store: Path, top: Path, args, seconds: int, report: "Report") -> dict:
    """Load both servers with the same two requests, alternating between them so that other load
    on the machine hits both alike; nginx serves our response's exact bytes."""
    ours_port, nginx_port = free_port(), free_port()
    ours, nginx = f"http://127.0.0.1:{ours_port}/calendars/all.ics", f"http://127.0.0.1:{nginx_port}/calendars/all.ics"
    command = [sys.executable, "-m", "bot", "serve", "--store", str(store), "--host", "127.0.0.1",
               "--port", str(ours_port), "--workers", str(args.workers)]
    with contextlib.ExitStack() as stack:
        stack.enter_context(running(command, f"http://127.0.0.1:{ours_port}/healthz", top / "serve.log"))
        body, etag = validators(ours)
        warm_up(ours, etag)
        tmp = nginx_www(top, body)
        config = nginx_config(tmp, nginx_port, args.nginx_workers)
        stack.enter_context(running([NGINX, "-p", str(tmp), "-c", str(config), "-e", str(tmp / "error.log")],
                                    nginx, tmp / "nginx.log", seconds=10))
        same, nginx_etag = validators(nginx)
        if same != body:
            raise SystemExit("bench: nginx's body differs from ours")
        targets = {"ours ": (ours, etag), "nginx": (nginx, nginx_etag)}
        figures: dict = {name.strip(): {} for name in targets}
        for label in ("GET", "304"):
            for name, (url, tag) in targets.items():
                figures[name.strip()][label] = hammer(name, label, url, tag if label == "304" else None,
                                                      len(body), seconds, report)
    for label in ("GET", "304"):
        ratio = figures["ours"][label]["rps"] / figures["nginx"][label]["rps"]
        figures[f"ratio_{label}"] = ratio
        report.check(f"ours / nginx, {label} requests/s", f"{ratio:.2f}x", ">= 0.3x", ratio >= 0.3)
    return figures


SLOW_CLIENTS, SLOW_EVERY = 1000, 5.0  # the slowloris phase: connections, seconds between header lines
BUSTING_FILTERS, BUSTING_CLIENTS = 100, 2
FILES_LIMIT = 1024  # Docker's and systemd's usual default, under which the server runs for the attacks


async def _slowloris(port: int, clients: int, seconds: float) -> dict:
    """`clients` connections that each send a request line, then a header line every SLOW_EVERY
    seconds, never finishing; a closed one is opened again. Counts what the server did."""
    import asyncio

    counts = {"opened": 0, "cut_off": 0, "refused": 0}
    deadline = time.monotonic() + seconds

    async def one() -> None:
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                counts["refused"] += 1
                await asyncio.sleep(0.5)
                continue
            counts["opened"] += 1
            writer.write(b"GET /calendars/all.ics HTTP/1.1\r\nHost: bench\r\n")
            while time.monotonic() < deadline:
                try:
                    if await asyncio.wait_for(reader.read(1024), SLOW_EVERY) == b"":
                        counts["cut_off"] += 1
                        break
                except asyncio.TimeoutError:
                    writer.write(b"X-Slow: 1\r\n")
                except OSError:
                    counts["cut_off"] += 1
                    break
            writer.close()

    await asyncio.gather(*(one() for _ in range(clients)))
    return counts


def _busting(port: int, seconds: float, clients: int) -> dict:
    """`clients` threads asking, for `seconds`, for filtered feeds no one asked for before (`?q=`
    of two, then three letters: each selects many items, each is a render the cache has not
    seen). Counts the answers by status and the different filters asked."""
    import concurrent.futures
    import itertools
    import string

    words = itertools.chain(*(itertools.product(string.ascii_lowercase, repeat=n) for n in (2, 3)))
    lock, deadline, statuses = threading.Lock(), time.monotonic() + seconds, []

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                word = "".join(next(words))
            statuses.append(get(f"http://127.0.0.1:{port}/calendars/all.ics?q={word}")[0])

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    counts = {str(code): statuses.count(code) for code in sorted(set(statuses))}
    return dict(counts, filters=len(statuses))


def _child(args) -> int:
    """The attacking side, run as its own process so it does not share the measuring one's time."""
    import asyncio

    if args.attack == "slowloris":
        figures = asyncio.run(_slowloris(args.port, args.clients, args.seconds))
    else:
        figures = _busting(args.port, args.seconds, args.clients)
    print(json.dumps(figures))
    return 0


def _limited_files() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (FILES_LIMIT, FILES_LIMIT))


def normal_clients(url: str, seconds: int) -> dict:
    """A few calendar apps fetching the feed in turn (wrk, 4 connections): p99 and errors."""
    command = ["wrk", "-c4", "-t1", f"-d{seconds}s", "--timeout", "5s", "--latency", url]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def attacks(store: Path, top: Path, seconds: int, report: "Report") -> dict:
    """One server process, its files limited to FILES_LIMIT: the normal clients' p99 alone (the
    baseline), then while SLOW_CLIENTS slowloris connections and then BUSTING_CLIENTS clients
    cycling through BUSTING_FILTERS filters are at it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/calendars/all.ics"
    command = [sys.executable, "-m", "bot", "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port)]
    figures = {}
    with open(top / "attacked.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_limited_files)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process, 180)
        validators(url)
        figures["alone"] = normal_clients(url, seconds)
        for attack, clients in (("slowloris", SLOW_CLIENTS), ("busting", BUSTING_CLIENTS)):
            figures[attack] = _under(attack, port, clients, url, seconds)
    finally:
        process.terminate()
        process.wait(timeout=15)
    _judge(figures, report)
    return figures


def _under(attack: str, port: int, clients: int, url: str, seconds: int) -> dict:
    """The normal clients' figures while `attack` runs in its own process, from before the
    measuring starts until after it ends."""
    lead = 6 if attack == "slowloris" else 1  # slow connections take a while to pile up
    child = [sys.executable, __file__, "--attack", attack, "--port", str(port), "--clients", str(clients),
             "--seconds", str(seconds + lead + 1)]
    attacker = subprocess.Popen(child, stdout=subprocess.PIPE, text=True)
    time.sleep(lead)
    measured = normal_clients(url, seconds)
    out, _ = attacker.communicate(timeout=600)
    return dict(measured, attacker=json.loads(out or "{}"))


def _judge(figures: dict, report: "Report") -> None:
    alone = figures["alone"]
    report.check("normal clients alone: p99", f"{alone['p99_ms']:.1f} ms", "(baseline)", True)
    for attack, what in (("slowloris", f"{SLOW_CLIENTS:,} slow connections"),
                         ("busting", f"{BUSTING_CLIENTS} clients busting the cache")):
        run = figures[attack]
        errors = run["non_2xx_3xx"] + run["socket_errors"]
        if attack == "busting":
            asked = run["attacker"].get("filters", 0)
            report.check("  different filters asked meanwhile", f"{asked:,}", f">= {BUSTING_FILTERS}", asked >= BUSTING_FILTERS)
        report.check(f"with {what}: p99", f"{run['p99_ms']:.1f} ms", "< 200 ms", run["p99_ms"] < 200)
        report.check(f"with {what}: errors", f"{errors} of {run['requests']:,}", "0", errors == 0)
        report.check(f"  the attack's side ({attack})", json.dumps(run["attacker"]), "(info)", True)


class Report:
    """Rows of figure, target and verdict, printed as a table."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, bool]] = []

    def check(self, name: str, value: str, target: str, ok: bool) -> None:
        self.rows.append((name, value, target, ok))
        print(f"{name:<42} {value:>16}   target {target:<14} {'PASS' if ok else 'FAIL'}", flush=True)

    @property
    def failed(self) -> int:
        return sum(not ok for *_, ok in self.rows)


def missing_tools() -> list[str]:
    return [name for name, path in (("wrk", shutil.which("wrk")), ("nginx", shutil.which(NGINX))) if not path]


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cores() -> str:
    return f"{usable_cores()} usable of {os.cpu_count()}"


def measure(args, report: Report) -> dict:
    today = dt.datetime.now(dt.timezone.utc).date()  # the server's clock sets its window: use the same day
    count = args.items or (2000 if args.quick else 10000)
    seconds = args.duration or (3 if args.quick else 10)
    print(f"cores: {cores()}, shared by wrk and the server; load average {os.getloadavg()[0]:.2f} before the run\n"
          f"store: {count:,} items, starts spread evenly from {PAST_YEARS} years ago to {AHEAD_YEARS} year ahead "
          f"of {today}\nservers: ours `serve --workers {args.workers}`, nginx `worker_processes {args.nginx_workers}`; "
          f"wrk -c{CONNECTIONS} -t{THREADS} --latency, {seconds} s per run", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as name:
        tmp = Path(name)
        started = time.perf_counter()
        count = synthetic_store(tmp / "store", count, today, args.seed)
        print(f"wrote {count:,} store files in {time.perf_counter() - started:.1f} s", flush=True)
        figures = {"today": today.isoformat(), "cores": cores()}
        figures["build"] = build_feeds(tmp / "store", tmp / "feeds", today, report, repeat=3)
        figures["serve"] = serve(tmp / "store", tmp, args, seconds, report)
        figures["attacks"] = attacks(tmp / "store", tmp, seconds, report)
    figures["load_average_after"] = os.getloadavg()[0]
    print(f"load average {figures['load_average_after']:.2f} after the run (other processes make the figures vary)")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 items and 3 s per wrk run, for a fast smoke run")
    parser.add_argument("--items", type=int, help="store size (default 10,000; 2,000 with --quick)")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 10; 3 with --quick)")
    parser.add_argument("--seed", type=int, default=20261124, help="seed of the synthetic store")
    parser.add_argument("--workers", type=int, default=usable_cores(),
                        help="processes of our server (default: one per usable core)")
    parser.add_argument("--nginx-workers", type=int, default=1, help="nginx worker processes (default 1, nginx's own)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--attack", choices=("slowloris", "busting"), help=argparse.SUPPRESS)  # the child's role
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.attack:
        return _child(args)
    missing = missing_tools()
    if missing:
        print(f"bench: {' and '.join(missing)} not found; install with: apt-get install wrk nginx-light", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    report = Report()
    figures = measure(args, report)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    passed = len(report.rows) - report.failed
    print(f"bench feeds: {passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
