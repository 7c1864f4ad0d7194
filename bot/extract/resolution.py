"""Turn a mention into calendar dates: pick the year a careful reader would, resolve
"tomorrow" and "next Monday", and join ranges."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .dates import Mention, Partial


FAR_AHEAD = 366  # days


def _candidate(part: Partial, year: int) -> dt.date | None:
    day = part.day or 1
    if day > calendar.monthrange(year, part.month)[1]:
        return None
    candidate = dt.date(year, part.month, day)
    if part.weekday is not None and part.day is not None and candidate.weekday() != part.weekday:
        return None
    return candidate


def pick_year(part: Partial, reference: dt.date, direction: float) -> dt.date | None:
    """The date of a year-less `part` nearest `reference`, leaning forward when
    `direction` > 0 (a deadline "15 January" written in November is next January) and
    backward when < 0. A weekday narrows the choice ("Friday 19 February"); a year that would
    put the date more than a year ahead of `reference` is taken only when nothing nearer fits.

    >>> pick_year(Partial(5, 16, weekday=1), dt.date(2026, 12, 3), 0)  # a Tuesday: 2023 or 2028
    datetime.date(2023, 5, 16)
    >>> pick_year(Partial(7, 31, weekday=1), dt.date(2026, 12, 3), 0)  # 2018 or 2029
    datetime.date(2018, 7, 31)
    """
    years = range(reference.year - 1, reference.year + 2)
    if part.weekday is not None:  # a weekday repeats on a date every 5, 6 or 11 years
        years = range(reference.year - 11, reference.year + 12)
    best, best_cost = None, None
    for year in years:
        candidate = _candidate(part, year)
        if candidate is None:
            continue
        delta = (candidate - reference).days
        if delta > FAR_AHEAD:
            delta *= 4  # few texts announce anything more than a year ahead of their writing
        if direction > 0:
            cost = delta if delta >= 0 else -delta * 3
        elif direction < 0:
            cost = -delta if delta <= 0 else delta * 3
        else:
            cost = abs(delta)
        if best_cost is None or cost < best_cost:
            best, best_cost = candidate, cost
    return best


def _relative(mention: Mention, reference: dt.date) -> dt.date:
    if mention.relative_days is not None:
        found = reference + dt.timedelta(days=mention.relative_days)
    else:
        ahead = (mention.next_weekday - reference.weekday()) % 7
        # "on Saturday" in a text of a Saturday is that day (news name the day itself so); "next
        # Saturday" is a week on
        found = reference + dt.timedelta(days=ahead or (7 if mention.says_next else 0))
    return _day_in_brackets(mention, found)


_BRACKETED_DAY = re.compile(r"\((\d{1,2})\)$")


def _day_in_brackets(mention: Mention, found: dt.date) -> dt.date:
    """"nesta terça-feira (27)": the day of the month in brackets settles which Tuesday,
    when the text was written some days before or after it says."""
    bracket = _BRACKETED_DAY.search(mention.text)
    if bracket is None or found.day == int(bracket.group(1)):
        return found
    step = 7 if mention.next_weekday is not None else 1
    for distance in range(step, 29, step):
        for candidate in (found - dt.timedelta(days=distance), found + dt.timedelta(days=distance)):
            if candidate.day == int(bracket.group(1)):
                return candidate
    return found


def resolve(mention: Mention, reference: dt.date, direction: float,
            year: int | None = None) -> tuple[dt.date, dt.date | None] | None:
    """(first day, last day or None) of `mention` read against `reference`; `year`, when the
    text gives only a year to read by ("the 2006 prize"), is taken when the date fits it."""
    if mention.first is None:
        return _relative(mention, reference), None
    first = _explicit(mention.first) or (year and _candidate(mention.first, year)) or \
        pick_year(mention.first, reference, direction)
    if first is None or mention.last is None:
        return (first, None) if first else None
    last = _explicit(mention.last) or _candidate(mention.last, first.year)
    if last is not None and last < first:
        if mention.first.year is not None and mention.last.year is not None and mention.first.year == mention.last.year:
            first = _candidate(mention.first, first.year - 1)  # "28 December to 3 January 2026"
        else:
            last = _candidate(mention.last, first.year + 1)
    if first is None or last is None or last < first:
        return None
    return first, last


def _explicit(part: Partial) -> dt.date | None:
    if part.year is None:
        return None
    try:
        return dt.date(part.year, part.month, part.day or 1)
    except ValueError:
        return None
