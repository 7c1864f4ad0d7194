"""Hostile and odd input: the extractor finishes, stays quiet and invents nothing."""

import datetime as dt

import pytest

from bot.extract import extract

TODAY = dt.date(2026, 11, 24)
SIZE = 100_000  # big enough to expose quadratic work in a test run, small enough to stay fast

HOSTILE = {
    "digit run": "1234567890" * (SIZE // 10),
    "ones": "1 " * (SIZE // 2),
    "month names": "January February March April May June July August September October November December " * (SIZE // 90),
    "may fives": "May 5 " * (SIZE // 6),
    "separators": "12/12/12/12-12-12.12.12 " * (SIZE // 24),
    "impossible": "31 February 2026 " * (SIZE // 17),
    "one long line": ("The deadline is near and the court will hear it " * (SIZE // 50)).strip(),
    "unicode soup": "\u202e\u200b٣١ ديسمبر ۲۰۲۶ 🗓️ 〇 " * (SIZE // 20),
    "only newlines": "\n" * SIZE,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_yields_nothing_wrong(name):
    result = extract(HOSTILE[name], today=TODAY)
    assert len(result.opportunities) <= 1


def test_impossible_dates_are_reported_once_each():
    result = extract("The deadline is 31 February 2026. Apply by 30 April 2026.", today=TODAY)
    assert [o.start for o in result.opportunities] == [dt.date(2026, 4, 30)]
    assert result.warnings == ["impossible date '31 February 2026' skipped"]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "deadline", "31", "May", "Friday"])
def test_tiny_input(text):
    assert extract(text, today=TODAY).opportunities == []
