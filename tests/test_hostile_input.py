"""Hostile and odd input: the extractor finishes, stays quiet and invents nothing.

Each case has a time bound: not a speed target (those live in bench/extract.py), but a ceiling
ten times above what a normal run takes on a busy machine, so that catastrophic backtracking or
quadratic work fails the test instead of hanging the suite."""

import datetime as dt

import pytest

from bot.extract import extract

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
