"""What the bot says: texts and keyboards from records, escaped, within Telegram's limits."""

import datetime as dt

import pytest

from bot.reminders import Chat, Due, Notice
from bot.telegram import messages

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
HEARING = {"id": "2026-12-16-hearing-000000000b", "kind": "hearing", "subtype": "appeal", "title": "Appeal <of> the defenders",
           "start": "2026-12-16T10:00+03:00", "timezone": "Africa/Nairobi", "organizer": "Court & Co", "location": "Malindi"}
DEADLINE = {"id": "2026-12-15-deadline-000000000a", "kind": "deadline", "subtype": "nomination", "title": "Courage Award",
            "start": "2026-12-15", "url": "https://example.org/a?b=1&c=2"}


@pytest.mark.parametrize("record, zone, expected", [
    (HEARING, "Africa/Nairobi", "Wed 16 Dec 2026, 10:00 EAT · in 15 days"),
    (HEARING, "Europe/Paris", "Wed 16 Dec 2026, 08:00 CET (10:00 EAT (Nairobi) there) · in 15 days"),
    (HEARING, "America/Bogota", "Wed 16 Dec 2026, 02:00 -05 (10:00 EAT (Nairobi) there) · in 15 days"),
    (DEADLINE, "Asia/Tokyo", "Tue 15 Dec 2026 · in 14 days"),
])
def test_dates_on_the_chats_clock_and_the_organisers(record, zone, expected):
    assert messages.when(record, Chat(1, timezone=zone), NOW) == expected


def test_items_are_escaped():
    text = messages.item(HEARING, Chat(1), NOW) + messages.item(DEADLINE, Chat(1), NOW)
    assert "Appeal &lt;of&gt; the defenders" in text and "Court &amp; Co" in text and "b=1&amp;c=2" in text


def test_a_full_page_of_long_items_fits_one_message():
    long = [dict(DEADLINE, id=f"2026-12-15-deadline-{n:010x}", title="A very long call title " * 40,
                 organizer="An organiser with a long name " * 10, location="Somewhere " * 30,
                 url="https://example.org/" + "x" * 500) for n in range(10)]
    assert len(messages.listing(long, Chat(1), NOW, 0, 10, "Next deadlines")) <= 4096


@pytest.mark.parametrize("what, detail, head", [
    ("extended", "2027-01-31", "📣 Deadline extended to 2027-01-31"),
    ("moved", "2027-01-10", "📣 Date moved to 2027-01-10"),
    ("cancelled", "", "📣 Cancelled"),
    ("new", "", "📣 New"),
    ("updated", "location changed <x>", "📣 Updated: location changed &lt;x&gt;"),
])
def test_notices(what, detail, head):
    text = messages.notice(DEADLINE, Notice(1, DEADLINE["id"], "k", what, detail), Chat(1), NOW)
    assert text.startswith(head) and "Courage Award" in text


def test_reminders_say_when_and_whether_late():
    due = Due(NOW, 1, "remind:x:1d", DEADLINE["id"], "1d")
    assert messages.reminder(DEADLINE, due, Chat(1), NOW).startswith("⏰ Deadline in 14 days\n")
    late = Due(NOW, 1, "remind:x:1d", DEADLINE["id"], "1d", late=True)
    assert "(late reminder: I was offline)" in messages.reminder(DEADLINE, late, Chat(1), NOW)
    assert [b.callback_data for row in messages.reminder_keys(DEADLINE["id"]).inline_keyboard for b in row] == [
        f"snz:{DEADLINE['id']}", f"mute:{DEADLINE['id']}", f"ics:{DEADLINE['id']}"]


def test_callback_data_stays_within_64_bytes():
    keyboard = messages.pager("10:nomination:" + "ü" * 60, 10, 10, 40)
    assert all(len(b.callback_data.encode()) <= 64 for row in keyboard.inline_keyboard for b in row)


def test_settings_text():
    chat = Chat(1, timezone="Europe/Kyiv", kinds=("hearing",), keywords=("lamu",), digest="weekly", digest_weekday=4,
                quiet_start="22:00", quiet_end="07:00")
    text = messages.settings_text(chat)
    assert "Time zone: Europe/Kyiv" in text and "Following: court dates; words: lamu" in text
    assert "Digest: weekly, Fri 08:00" in text and "Quiet hours: 22:00–07:00" in text
