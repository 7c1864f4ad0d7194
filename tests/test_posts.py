"""Splitting archive pages into posts, and datelines inside a post."""

import datetime as dt

import pytest

from bot.extract.posts import document_month, split_posts

ARCHIVE = """Archive for the 'Awards' Category

Call for nominations: Courage Award 2027

December 1, 2026

The call is open. The deadline is 15 January 2027.

Roundtable on digital security

November 28, 2026
Logo of the organisers

27 November 2026

Defenders met online on 26 November 2026.
"""


def test_archive_page_is_split_into_posts():
    posts = split_posts(ARCHIVE)
    assert [(p.title, p.date) for p in posts] == [
        ("Call for nominations: Courage Award 2027", dt.date(2026, 12, 1)),
        ("Roundtable on digital security", dt.date(2026, 11, 28)),
    ]
    assert ARCHIVE[posts[1].begin:].startswith("Roundtable on digital security")


def test_second_date_under_a_post_date_is_a_dateline():
    second = split_posts(ARCHIVE)[1]
    assert [date for _, date in second.datelines] == [dt.date(2026, 11, 27)]
    assert second.reference(len(ARCHIVE) - 5) == (dt.date(2026, 11, 27), "dateline")


def test_dateline_paragraph():
    text = "Newsletter\n\nParis-Geneva, February 15, 2017 – A court ruled today.\nTomorrow the envoy meets.\n"
    [post] = split_posts(text)
    assert [date for _, date in post.datelines] == [dt.date(2017, 2, 15)]
    assert post.reference(len(text) - 3) == (dt.date(2017, 2, 15), "dateline")


def test_text_without_structure_is_one_post():
    [post] = split_posts("The court will hear the appeal on 17 March.\nMore text.")
    assert post.date is None and post.title is None


def test_document_month_from_header():
    assert document_month("Some news from Newsletter MARCH 2017\n\nBody text") == dt.date(2017, 3, 1)
    assert document_month("A long first paragraph that mentions September 2024 in passing and goes on and on and on for a while.") is None


def test_wordpress_bylines_and_categories_are_date_lines():
    text = ("Statement on the verdict\n\nPosted on January 12, 2027 by the editors\n\nBody.\n\n"
            "Call for signatures\n\n14 January 2027 | Statements\n\nBody.\n")
    assert [(p.title, p.date) for p in split_posts(text)] == [
        ("Statement on the verdict", dt.date(2027, 1, 12)), ("Call for signatures", dt.date(2027, 1, 14))]


def test_a_date_under_a_label_is_not_a_post_date():
    text = "Call for inputs\n\nDeadline\n20 January 2027\n\nPurpose\nTo inform the report.\n"
    [post] = split_posts(text)
    assert post.date is None and not post.is_own_date(text.index("20 January"))


@pytest.mark.parametrize("line, day", [
    ("10 декабря 2019, 9:59", dt.date(2019, 12, 10)),
    ("Last Modified: 14 Aug 2011 20:09", dt.date(2011, 8, 14)),
    ("8 февраля 2023 г.", dt.date(2023, 2, 8)),
    ("Updated: 3 March 2027, 10:15 GMT", dt.date(2027, 3, 3)),
])
def test_a_date_line_may_carry_its_posting_time(line, day):
    from bot.extract.posts import _date_line

    assert _date_line(line) == day
