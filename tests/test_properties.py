"""Property tests: any date rendered in a supported format is read back as the same date."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extract import extract
from bot.extract.dates import find_mentions
from bot.extract.resolution import resolve

EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
FR_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]
ES_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
             "octubre", "noviembre", "diciembre"]
DE_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember"]
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


FORMATS = [
    lambda d: f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{WEEKDAYS[d.weekday()]}, {EN_MONTHS[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{WEEKDAYS[d.weekday()]} {d.day} {EN_MONTHS[d.month - 1]} {d.year}",
    lambda d: f"the {_ordinal(d.day)} of {EN_MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{AP_MONTHS[d.month - 1]} {d.day}, {d.year}",
    lambda d: d.isoformat(),
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    lambda d: f"{d.day}/{d.month}/{d.year}" if d.day > 12 else d.isoformat(),
    lambda d: f"{d.day} {FR_MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{'1er' if d.day == 1 else d.day} {FR_MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{d.day} de {ES_MONTHS[d.month - 1]} de {d.year}",
    lambda d: f"{d.day}. {DE_MONTHS[d.month - 1]} {d.year}",
]

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))


@settings(max_examples=300, deadline=None)
@given(day=dates, render=st.sampled_from(FORMATS))
def test_rendered_date_reads_back(day, render):
    text = f"Applications close on {render(day)}."
    mentions, warnings = find_mentions(text)
    assert warnings == []
    assert len(mentions) == 1
    assert resolve(mentions[0], dt.date(2000, 1, 1), 1) == (day, None)


@settings(max_examples=200, deadline=None)
@given(first=dates, length=st.integers(min_value=1, max_value=40))
def test_rendered_range_reads_back(first, length):
    last = first + dt.timedelta(days=length)
    if first.month == last.month:
        text = f"The forum meets from {first.day} to {last.day} {EN_MONTHS[last.month - 1]} {last.year}."
    else:
        text = (f"The forum meets from {EN_MONTHS[first.month - 1]} {first.day} to "
                f"{EN_MONTHS[last.month - 1]} {last.day}, {last.year}.")
    [mention], _ = find_mentions(text)
    assert resolve(mention, dt.date(2000, 1, 1), 1) == (first, last)


@settings(max_examples=150, deadline=None)
@given(reference=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2050, 1, 1)),
       ahead=st.integers(min_value=1, max_value=200))
def test_year_less_deadline_lands_ahead_of_its_post(reference, ahead):
    day = reference + dt.timedelta(days=ahead)
    text = (f"Call for nominations\n\n{EN_MONTHS[reference.month - 1]} {reference.day}, {reference.year}\n\n"
            f"The deadline for nominations is {day.day} {EN_MONTHS[day.month - 1]}.")
    [item] = extract(text, today=dt.date(2026, 11, 24)).opportunities
    assert item.start == day



# Letters that case-blind patterns equate with plain ones while lower() and upper() keep them
# apart: dotted İ and dotless ı for i, long ſ for s, the Kelvin sign for k. Names of places and
# zones written with them are read without an exception, in any case.
_PLACES_AND_TIMES = ("The hearing in Istanbul is set for 15 March 2027 at 10:30 Istanbul time. The webinar starts at "
                     "14:00 Central European Time on 3 March 2027 in Nairobi, and the session at 9:00 CET in Geneva. "
                     "Apply by 5 May 2027, 17:00 Kyiv time; the forum in Tbilisi opens on 6 May 2027 at 10:00 local time.")


@pytest.mark.parametrize("plain, trap", [("i", "ı"), ("I", "İ"), ("i", "İ"), ("s", "ſ"), ("k", "\u212a"), ("K", "\u212a")])
@pytest.mark.parametrize("case", [str, str.upper, str.lower, str.title])
def test_case_traps_in_names_never_raise(plain, trap, case):
    items = extract(case(_PLACES_AND_TIMES).replace(plain, trap), today=dt.date(2026, 11, 24)).opportunities
    assert all(item.start.year == 2027 for item in items)
