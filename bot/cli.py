"""Command line: `python -m bot extract FILE... [--published D] [--lang L] [--tz Z] [-o OUT]`.

Each subcommand parses its options, calls one core function and formats the result.
Exit status: 0 success, 1 a job that failed, 2 a usage error. A user's mistake gets a
one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import __version__, yamlio
from .extract import extract
from .extract.merge import merge
from .intake import DEFAULT_MAX_BYTES, InputError, read_document

log = logging.getLogger("bot")


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


def _lang(value: str) -> str:
    code = value.lower().split("-")[0]
    if not code.isalpha() or len(code) not in (2, 3):
        raise argparse.ArgumentTypeError(f"not a language code (e.g. en, fr, es): {value!r}")
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ex = commands.add_parser("extract", help="read texts and print the dated opportunities in them as YAML")
    ex.add_argument("files", nargs="+", metavar="FILE", help="text files to read; - reads standard input")
    ex.add_argument("--published", type=_date, help="date the text was published (YYYY-MM-DD), for passages without a date")
    ex.add_argument("--lang", type=_lang, help="language of the text (default: detected)")
    ex.add_argument("--tz", type=_zone, help="time zone for clock times the text gives without one")
    ex.add_argument("-o", "--output", type=Path, help="write the YAML here (atomically) instead of standard output")
    ex.add_argument("--max-mb", type=int, default=DEFAULT_MAX_BYTES // (1024 * 1024), help="refuse files larger than this (MB)")
    ex.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    return parser


def _progress(total: int):
    """A rich progress bar on stderr when it is a terminal and there is more than one file."""
    if total < 2 or not sys.stderr.isatty():
        return None
    from rich.console import Console  # imported here: only interactive runs pay for it
    from rich.progress import Progress

    return Progress(transient=True, console=Console(stderr=True))


def run_extract(args: argparse.Namespace, today: dt.date) -> int:
    items, failed = [], 0
    bar = _progress(len(args.files))
    task = bar.add_task("reading", total=len(args.files)) if bar else None
    if bar:
        bar.start()
    try:
        for source in args.files:
            try:
                document = read_document(source, args.max_mb * 1024 * 1024)
            except InputError as exc:
                print(f"error: {exc}", file=sys.stderr)
                failed += 1
                continue
            result = extract(document.text, today=today, name=document.name, published=args.published,
                             lang=args.lang, tz=args.tz)
            if not args.quiet:
                for warning in document.warnings + tuple(f"{document.name}: {w}" for w in result.warnings):
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
    elif args.output:
        yamlio.write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if failed else 0


def main(argv: list[str] | None = None, *, today: dt.date | None = None) -> int:
    """Entry point; `today` is the clock, read here and nowhere else."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    today = today or dt.date.today()
    try:
        if args.command == "extract":
            return run_extract(args, today)
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2
