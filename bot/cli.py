"""Command line: `python -m bot extract FILE... [--published D] [--lang L] [--tz Z] [-o OUT]`.

Each subcommand parses its options, calls one core function and formats the result.
Exit status: 0 success, 1 a job that failed, 2 a usage error. A user's mistake gets a
one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import __version__, yamlio
from .errors import SettingsError, StoreError
from .extract import extract
from .extract.merge import merge
from .intake import DEFAULT_MAX_BYTES, InputError, read_document

log = logging.getLogger("bot")
MAX_MB = 200  # the largest --max-mb: a newsletter is kilobytes, and reading holds the text in memory


class UsageError(Exception):
    """A bad option value; the message names the option."""


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"not an IANA time zone (e.g. Europe/Zurich): {value!r}") from None
    return value


def _workers(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise argparse.ArgumentTypeError(f"not a number of processes from 1 to 64: {value!r}")
    return int(value)


def _lang(value: str) -> str:
    from .extract.lexicon import MONTHS

    code = value.lower().split("-")[0]
    if code not in MONTHS:  # a language the extractor has no words for would be read as nothing
        raise argparse.ArgumentTypeError(
            f"the extractor reads {', '.join(sorted(MONTHS))}, not {value!r}; leave --lang out to detect the language")
    return code


def _megabytes(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_MB:
        raise argparse.ArgumentTypeError(f"not a size from 1 to {MAX_MB} MB: {value!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ex = commands.add_parser("extract", help="read texts and print the dated opportunities in them as YAML")
    ex.add_argument("files", nargs="+", metavar="FILE", help="text files to read; - reads standard input")
    ex.add_argument("--published", type=_date, help="date the text was published (YYYY-MM-DD), for passages without a date")
    ex.add_argument("--lang", type=_lang, help="language of the text (default: detected)")
    ex.add_argument("--tz", type=_zone, help="time zone for clock times the text gives without one")
    ex.add_argument("-o", "--output", type=Path, help="write the YAML here (atomically) instead of standard output (- for standard output)")
    ex.add_argument("--max-mb", type=_megabytes, default=DEFAULT_MAX_BYTES // (1024 * 1024),
                    help=f"refuse files larger than this (MB, 1 to {MAX_MB})")
    ex.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    ing = commands.add_parser("ingest", help="merge extracted opportunities into the curated store")
    ing.add_argument("extracted", type=Path, metavar="EXTRACTED.yaml", help="output of `extract -o`")
    ing.add_argument("--store", type=Path, default=Path("calendars"), help="store directory (default: calendars/)")
    wd = commands.add_parser("withdraw", help="mark a stored opportunity as cancelled (it is never deleted)")
    wd.add_argument("id", help="the opportunity's id")
    wd.add_argument("--note", "--reason", dest="note",
                    help="why, for the curators: kept in the item's file, never published")
    wd.add_argument("--public-reason", help="why, as subscribers will read it (the feeds and the page show it)")
    wd.add_argument("--store", type=Path, default=Path("calendars"), help="store directory (default: calendars/)")
    bd = commands.add_parser("build", help="write the calendar feeds (all, deadlines, events, hearings) as .ics files")
    bd.add_argument("--store", type=Path, default=Path("calendars"), help="store directory (default: calendars/)")
    bd.add_argument("--out", type=Path, help="where to write the feeds (default: STORE/feeds)")
    bd.add_argument("--skip-broken", action="store_true",
                    help="build without the items whose files cannot be read (default: build nothing and say which)")
    bd.add_argument("--today", type=_date, help="build as of this day (default: today); the window is future items plus 30 days")
    sv = commands.add_parser("serve", help="serve the calendar feeds and JSON over HTTP")
    sv.add_argument("--store", type=Path, default=Path("calendars"), help="store directory (default: calendars/)")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    sv.add_argument("--workers", type=_workers, default=1,
                    help="server processes (default: 1); each reads the store and keeps its own cache")
    sv.add_argument("--base-url", help="public address of the server, for subscribe links "
                    "(e.g. https://calendar.example.org; default: the address each request came to)")
    rn = commands.add_parser("run", help="run the Telegram bot, its reminders and the feed server in one process")
    rn.add_argument("--store", type=Path, help="store directory (default: the settings' store, calendars/)")
    rn.add_argument("--config", type=Path, help="settings file (default: config/settings.yaml if it exists)")
    rn.add_argument("--no-feeds", action="store_true", help="do not serve the calendar feeds from this process")
    tr = commands.add_parser("try", help="try the bot in this terminal against a built-in fake Telegram (no account needed)")
    tr.add_argument("--store", type=Path, help="store directory (default: the bundled examples, read afresh)")
    tr.add_argument("--script", type=Path, help="read the chat lines from this file instead of the keyboard")
    return parser


def _settings(args: argparse.Namespace):
    from . import settings

    loaded = settings.load(args.config) if getattr(args, "config", None) else settings.load()
    return loaded.model_copy(update={"store": args.store}) if args.store else loaded


def run_bot(args: argparse.Namespace) -> int:
    import asyncio

    from .telegram import app

    loaded = _settings(args)
    if loaded.token is None:
        print("error: TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather and export its token); "
              "to try the bot without Telegram: python -m bot try", file=sys.stderr)
        return 2
    logging.getLogger().setLevel(logging.INFO)
    return asyncio.run(app.main(loaded, lambda: dt.datetime.now(dt.timezone.utc), serve_feeds=not args.no_feeds))


def run_try(args: argparse.Namespace) -> int:
    import asyncio

    from .telegram import tryit

    return asyncio.run(tryit.main(_settings(args), args.store, args.script, lambda: dt.datetime.now(dt.timezone.utc)))


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def served_app():
    """The app of each `serve --workers N` process. uvicorn starts these afresh and imports the
    app by name, so the options come through the environment that `run_serve` sets."""
    from .web import create_app

    return create_app(Path(os.environ["HRD_SERVE_STORE"]), today=_utc_today,
                      base_url=os.environ.get("HRD_SERVE_BASE_URL") or None)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn  # imported here: only the server needs it

    from .web import guard, unnamed_address

    if warning := unnamed_address(args.host, args.base_url):
        print(f"warning: {warning}", file=sys.stderr)
    guard.open_files()
    # The guarded protocol bounds slow and oversized request heads and the number of connections.
    options = {"host": args.host, "port": args.port, "log_level": "warning", "access_log": False,
               "http": "bot.web.guard:GuardedProtocol"}
    if args.workers > 1:
        os.environ.update(HRD_SERVE_STORE=str(args.store), HRD_SERVE_BASE_URL=args.base_url or "")
        uvicorn.run("bot.cli:served_app", factory=True, workers=args.workers, **options)
        return 0
    from .web import create_app

    uvicorn.run(create_app(args.store, today=_utc_today, base_url=args.base_url), **options)
    return 0


def run_build(args: argparse.Namespace, today: dt.date) -> int:
    from . import ical, store  # imported here: `extract`, the command run most, needs neither

    problems: list[str] = []
    records = list(store.Store(args.store).load(problems=problems).values())
    out = args.out or args.store / "feeds"
    for problem in problems:
        print(f"{'warning' if args.skip_broken else 'error'}: {problem}", file=sys.stderr)
    if problems and not args.skip_broken:
        # Left out, those items would vanish from every subscriber's calendar at the next refresh.
        print(f"error: {len(problems)} store file(s) cannot be read; the feeds in {out} are left as they were. "
              "Fix the file(s), or build without those items: --skip-broken", file=sys.stderr)
        return 1
    feeds = ical.render_all(records, today=today)
    for feed in ical.FEEDS:
        data = feeds[feed.slug]
        yamlio.write_atomic(out / f"{feed.slug}.ics", data)
        print(f"{out / f'{feed.slug}.ics'}: {data.count(b'BEGIN:VEVENT')} events, {len(data)} bytes")
    return 0


def run_ingest(args: argparse.Namespace, now: dt.datetime) -> int:
    from . import store

    items = store.extracted_items(store.load_yaml(args.extracted), str(args.extracted))
    target = store.Store(args.store)
    with target.locked():
        records, changes = store.ingest(target.load(), items, now)
        changed = {c.id for c in changes if c.action in ("added", "updated")}
        target.save(records, changed)
    counts = {action: sum(c.action == action for c in changes) for action in ("added", "updated", "unchanged")}
    print(f"{args.store}: {counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged")
    for change in changes:
        if change.action == "updated":
            print(f"  {change.id}: {'; '.join(change.details)}")
    return 0


def run_withdraw(args: argparse.Namespace, now: dt.datetime) -> int:
    from . import store

    target = store.Store(args.store)
    with target.locked():
        records = target.load()
        if args.id not in records:
            print(f"error: no opportunity {args.id!r} in {args.store}", file=sys.stderr)
            return 1
        records[args.id] = store.withdraw(records[args.id], now, args.note, args.public_reason)
        target.save(records, {args.id})
    print(f"{args.id}: cancelled (sequence {records[args.id]['sequence']})")
    return 0


def _progress(total: int):
    """A rich progress bar on stderr when it is a terminal and there is more than one file."""
    if total < 2 or not sys.stderr.isatty():
        return None
    from rich.console import Console  # imported here: only interactive runs pay for it
    from rich.progress import Progress

    return Progress(transient=True, console=Console(stderr=True))


def _published_note(document, given: dt.date | None) -> tuple[str, ...]:
    """Where the reference date of a web page came from: an explicit --published always wins."""
    if document.published is None:
        if document.html and given is None:
            return (f"{document.name}: no publication date in the page's markup; "
                    "pass --published if undated passages need one",)
        return ()
    found = f"{document.published.isoformat()} from {document.published_from}"
    if given is None:
        return (f"{document.name}: publication date {found} (--published overrides it)",)
    if given != document.published:
        return (f"{document.name}: --published {given.isoformat()} used, not the page's {found}",)
    return ()


def run_extract(args: argparse.Namespace, today: dt.date) -> int:
    items, failed = [], 0
    bar = _progress(len(args.files))
    task = bar.add_task("reading", total=len(args.files)) if bar else None
    if bar:
        bar.start()
    try:
        for source in args.files:
            try:
                document = read_document(source, args.max_mb * 1024 * 1024, today=today)
            except InputError as exc:
                print(f"error: {exc}", file=sys.stderr)
                failed += 1
                continue
            result = extract(document.text, today=today, name=document.name,
                             published=args.published or document.published, lang=args.lang, tz=args.tz)
            if not args.quiet:
                for warning in document.warnings + _published_note(document, args.published) + tuple(
                        f"{document.name}: {w}" for w in result.warnings):
                    print(f"warning: {warning}", file=sys.stderr)
            items.extend(result.opportunities)
            if bar:
                bar.advance(task)
    finally:
        if bar:
            bar.stop()
    text = yamlio.dump({"opportunities": [item.to_dict() for item in merge(items)]})
    if args.output and failed:
        print(f"error: {args.output} not written: {failed} of {len(args.files)} file(s) could not be read",
              file=sys.stderr)
    elif args.output and str(args.output) != "-":
        yamlio.write_atomic(args.output, text)
    else:
        sys.stdout.write(text)  # "-o -" too: a file named "-" is never what was meant
    return 1 if failed else 0


def main(argv: list[str] | None = None, *, now: dt.datetime | None = None, today: dt.date | None = None) -> int:
    """Entry point; `now` is the clock, read here and nowhere else."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    now = now or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        if args.command == "extract":
            return run_extract(args, today or now.date())
        if args.command == "ingest":
            return run_ingest(args, now)
        if args.command == "withdraw":
            return run_withdraw(args, now)
        if args.command == "serve":
            return run_serve(args)
        if args.command == "build":
            return run_build(args, args.today or now.date())
        if args.command == "run":
            return run_bot(args)
        if args.command == "try":
            return run_try(args)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2
