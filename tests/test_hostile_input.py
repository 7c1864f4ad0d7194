"""Hostile and odd input: the extractor finishes, stays quiet and invents nothing.

Each case has a time bound: not a speed target (those live in bench/extract.py), but a ceiling
ten times above what a normal run takes on a busy machine, so that catastrophic backtracking or
quadratic work fails the test instead of hanging the suite."""

import datetime as dt
from pathlib import Path

import pytest

from bot.extract import extract
from bot.extract.merge import MAX_SOURCES

TODAY = dt.date(2026, 11, 24)
SIZE = 100_000  # big enough to expose quadratic work in a test run, small enough to stay fast
BOUND = 30  # seconds per case; each takes well under one

# name: (text, the warnings expected, in order)
HOSTILE = {
    "digit run": ("1234567890" * (SIZE // 10), []),
    "ones": ("1 " * (SIZE // 2), []),
    "month names": ("January February March April May June July August September October November December "
                    * (SIZE // 90), []),
    "may fives": ("May 5 " * (SIZE // 6), []),
    "separators": ("12/12/12/12-12-12.12.12 " * (SIZE // 24), []),
    "impossible": ("31 February 2026 " * (SIZE // 17), ["impossible date '31 February 2026' skipped (5882 times)"]),
    "impossible, two kinds": ("Apply by 31 February 2026. Hearing on 31 April 2026. " * 300,
                              ["impossible date '31 February 2026' skipped (300 times)",
                               "impossible date '31 April 2026' skipped (300 times)"]),
    "one long line": (("The deadline is near and the court will hear it " * (SIZE // 50)).strip(), []),
    "unicode soup": ("\u202e\u200b٣١ ديسمبر ۲۰۲۶ 🗓️ 〇 " * (SIZE // 20), []),
    "only newlines": ("\n" * SIZE, []),
}


@pytest.mark.timeout(BOUND)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_yields_nothing_and_says_what_it_skipped(name):
    text, warnings = HOSTILE[name]
    result = extract(text, today=TODAY)
    assert result.opportunities == []
    assert result.warnings == warnings


def test_impossible_dates_are_reported_once_each():
    result = extract("The deadline is 31 February 2026. Apply by 30 April 2026.", today=TODAY)
    assert [o.start for o in result.opportunities] == [dt.date(2026, 4, 30)]
    assert result.warnings == ["impossible date '31 February 2026' skipped"]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "deadline", "31", "May", "Friday"])
def test_tiny_input(text):
    result = extract(text, today=TODAY)
    assert result.opportunities == [] and result.warnings == []


def _line_of(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _award_call() -> str:
    return (Path(__file__).resolve().parent.parent / "examples/award-call.txt").read_text(encoding="utf-8")


def _datelines(count: int) -> str:
    return "".join(f"Nairobi, {n % 28 + 1} May 2027 – The network will meet its partners on {n % 28 + 1} June 2027.\n"
                   for n in range(count))


def _readings(text: str, published: dt.date | None = None) -> list[tuple[str, str, str, int]]:
    result = extract(text, today=TODAY, published=published)
    assert result.warnings == []
    return [(o.kind, o.subtype, o.start.isoformat(), len(o.sources)) for o in result.opportunities]


# Shapes that once cost far more than their size (#11): 10 MB of newlines took 1.2 GB, a line
# of deadlines ran at 0.05 MB/s, a repeated call held one item per copy, and paragraphs that
# each open with a dateline were read in quadratic time. What they must still yield:
# name: (the text, made when the case runs; published; [(kind, subtype, start, number of sources)])
COSTLY = {
    "newlines": (lambda: "\n" * (10 * 1024 * 1024), None, []),
    "one line of deadlines": (lambda: _line_of("Deadline 5 May 2027 apply now ", SIZE), None,
                              [("deadline", "job", "2027-05-05", MAX_SOURCES)]),
    "award call, repeated": (lambda: "\n\n".join([_award_call()] * 40), dt.date(2026, 11, 20), None),
    "paragraphs opening with a dateline": (lambda: _datelines(1500), None,
                                           [("event", "meeting", f"2027-06-{day:02d}", MAX_SOURCES) for day in range(1, 29)]),
}


@pytest.mark.timeout(BOUND)
@pytest.mark.parametrize("name", COSTLY)
def test_costly_shapes_still_read_right(name):
    make, published, expected = COSTLY[name]
    if expected is None:  # a text repeated: the items of one copy, each quoted by every copy (up to the cap)
        once = _readings(_award_call(), published)
        assert once
        expected = [(kind, subtype, start, min(MAX_SOURCES, 40)) for kind, subtype, start, _ in once]
    assert _readings(make(), published) == expected
