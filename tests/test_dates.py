"""The date finder on the forms people write, in several languages."""

import pytest

from bot.extract.dates import Partial, find_mentions


def _read(text):
    mentions, warnings = find_mentions(text)
    return [(m.text, m.first, m.last) for m in mentions], warnings


P = Partial


@pytest.mark.parametrize(
    "text, expected",
    [
        ("no later than Friday, February 6, 2026.", [("Friday, February 6, 2026", P(2, 6, 2026, 4), None)]),
        ("The deadline is 30 April 2026.", [("30 April 2026", P(4, 30, 2026), None)]),
        ("took place on the 21st and 22nd of February 2017", [("21st and 22nd of February 2017", P(2, 21, 2017), P(2, 22, 2017))]),
        ("hearing scheduled for 5 to 9 January 2026.", [("5 to 9 January 2026", P(1, 5, 2026), P(1, 9, 2026))]),
        ("From 7-10 April, the Forum met", [("7-10 April", P(4, 7), P(4, 10))]),
        ("ran from February 24 to April 4, 2025", [("February 24 to April 4, 2025", P(2, 24, 2025), P(4, 4, 2025))]),
        ("from October 4, 2016 to January 24, 2017", [("October 4, 2016 to January 24, 2017", P(10, 4, 2016), P(1, 24, 2017))]),
        ("between 3 and 5 March", [("3 and 5 March", P(3, 3), P(3, 5))]),
        ("on February 10-12, 2026 in Geneva", [("February 10-12, 2026", P(2, 10, 2026), P(2, 12, 2026))]),
        ("Apply by Apr. 30 and attend on 5 Sept. 2026", [("Apr. 30", P(4, 30), None), ("5 Sept. 2026", P(9, 5, 2026), None)]),
        ("in March 2026 the mandate ends", [("March 2026", P(3, None, 2026), None)]),
        ("closing date 2026-03-12", [("2026-03-12", P(3, 12, 2026), None)]),
        ("closing date 25/03/2026", [("25/03/2026", P(3, 25, 2026), None)]),
        ("closing date 03/25/2026", [("03/25/2026", P(3, 25, 2026), None)]),
        ("Frist: 15.04.2026", [("15.04.2026", P(4, 15, 2026), None)]),
        ("date limite : 30 avril 2026", [("30 avril 2026", P(4, 30, 2026), None)]),
        ("le procès reprendra le 1er mars", [("1er mars", P(3, 1), None)]),
        ("du 5 au 9 janvier 2026", [("5 au 9 janvier 2026", P(1, 5, 2026), P(1, 9, 2026))]),
        ("hasta el 30 de abril de 2026", [("30 de abril de 2026", P(4, 30, 2026), None)]),
        ("del 3 al 5 de marzo", [("3 al 5 de marzo", P(3, 3), P(3, 5))]),
        ("bis zum 15. März 2026", [("15. März 2026", P(3, 15, 2026), None)]),
        ("entro il 12 maggio 2026", [("12 maggio 2026", P(5, 12, 2026), None)]),
        ("até 30 de junho de 2026", [("30 de junho de 2026", P(6, 30, 2026), None)]),
        ("from 28 December to 3 January 2027", [("28 December to 3 January 2027", P(12, 28, 2027), P(1, 3, 2027))]),
        # Kyrgyz: the Russian month with a hyphen before it and a case ending after it
        ("соттун 3-марттагы отуруму 12-мартка жылдырылды", [("3-марттагы", P(3, 3), None), ("12-мартка", P(3, 12), None)]),
        ("иш 14-апрелде каралат", [("14-апрелде", P(4, 14), None)]),
        # Swedish, Danish and Dutch write month names in lower case; English "may" and "march" stay verbs
        ("Frist för ansökan: 15 april 2027.", [("15 april 2027", P(4, 15, 2027), None)]),
        ("Inschrijven kan tot 3 september 2027", [("3 september 2027", P(9, 3, 2027), None)]),
        ("we may 5 times march 3 miles", []),
        # a year glued to the hours when a line break was lost
        ("When: 4 March 202715:00-16:30", [("4 March 2027", P(3, 4, 2027), None)]),
    ],
)
def test_date_forms(text, expected):
    found, warnings = _read(text)
    assert found == expected
    assert warnings == []


@pytest.mark.parametrize(
    "text, days, weekday",
    [
        ("Tomorrow, the delegation meets", 1, None),
        ("the hearing is today", 0, None),
        ("the day after tomorrow", 2, None),
        ("next Monday at 10:00", None, 0),
        ("this Friday", None, 4),
        ("demain matin", 1, None),
        ("pasado mañana", 2, None),
        # a weekday after the word for "on" in Portuguese, Dutch, Polish and Russian
        ("as sessões serão retomadas na quarta-feira", None, 2),
        ("o ato será no sábado", None, 5),
        ("de zitting gaat verder op maandag", None, 0),
        ("rozprawa odbędzie się we wtorek", None, 1),
        ("суд продолжится в понедельник", None, 0),
    ],
)
def test_relative_words(text, days, weekday):
    mentions, _ = find_mentions(text)
    assert len(mentions) == 1
    assert (mentions[0].relative_days, mentions[0].next_weekday) == (days, weekday)


@pytest.mark.parametrize(
    "text",
    [
        "Salary: €57,000 gross per year, meal vouchers of €8/meal (€1.09)",
        "1,025 organisations signed; Article 19 and Resolution 58/23 apply.",
        "2,800 laureates since 1999 and 220 awards in 2025",
        "we may 5 times march 3 blocks",  # lower-case verbs are not months
        "phone +41 22 917 12 34, room 1.12, version 2.0.1",
        "The 58th session adopted 32 resolutions",
    ],
)
def test_numbers_that_are_not_dates(text):
    found, _ = _read(text)
    assert [f for f in found if f[1] is not None and f[1].day is not None] == []


@pytest.mark.parametrize("text", ["the deadline is 31 February 2026", "on 30 February", "31 April 2026", "29 February 2027"])
def test_impossible_dates_warn_and_are_skipped(text):
    found, warnings = _read(text)
    assert found == []
    assert len(warnings) == 1 and "impossible date" in warnings[0]


def test_29_february_in_a_leap_year_is_fine():
    found, warnings = _read("on 29 February 2028")
    assert found == [("29 February 2028", P(2, 29, 2028), None)] and warnings == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Closing date: 3/3/27", [("3/3/27", P(3, 3, 2027), None)]),
        ("Date limite :15.04.27", [("15.04.27", P(4, 15, 2027), None)]),
        ("The vote was 3/3/27 in the first round.", []),  # no label: a two-digit year is no date
        ("Page 12/10/27", []),
    ],
)
def test_a_two_digit_year_counts_only_after_a_label(text, expected):
    assert _read(text)[0] == expected


def test_english_no_before_a_weekday_is_no_preposition():
    assert find_mentions("There is no Monday meeting this month.")[0] == []
