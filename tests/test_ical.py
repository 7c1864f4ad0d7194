"""Calendar feeds: the rules clients depend on, checked one by one, with two parsers."""

import datetime as dt
from pathlib import Path

import icalendar
import vobject

from bot import ical
from bot.cli import main

TODAY = dt.date(2026, 11, 24)
GOLDEN = Path(__file__).parent / "data" / "golden"
STAMP = "2026-11-20T08:30:00+00:00"


def _record(rid, kind="deadline", start="2027-01-15", end=None, **extra):
    record = {
        "id": rid, "kind": kind, "subtype": "nomination" if kind == "deadline" else "meeting",
        "title": f"{kind.title()}: defenders, rights; and commas", "start": start, "end": end,
        "organizer": "Defenders Network", "location": None, "online": None, "url": "https://example.org/x",
        "contact": "x@example.org", "reference": None, "evidence": "The deadline is 15 January 2027.",
        "sources": [{"document": "a.txt"}], "status": "confirmed", "sequence": 2,
        "first_seen": "2026-11-01T10:00:00+00:00", "updated": STAMP,
    }
    record.update(extra)
    return record


RECORDS = [
    _record("2027-01-15-deadline-0000000001"),
    _record("2027-01-31-deadline-0000000002", start="2027-01-31T23:59+01:00", title="Timed deadline"),
    _record("2027-02-22-event-0000000003", kind="event", start="2027-02-22", end="2027-04-02", location="Palais des Nations, Geneva"),
    _record("2026-12-16-hearing-0000000004", kind="hearing", start="2026-12-16T10:00+03:00", end="2026-12-16T13:00+03:00"),
    _record("2026-12-01-event-0000000005", kind="event", start="2026-12-01", status="cancelled", updated="2026-11-23T12:00:00+00:00"),
    _record("2025-06-01-deadline-0000000006", start="2025-06-01"),  # long past: not in the feed
]


def _events(data: bytes):
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_calendar_header():
    calendar = icalendar.Calendar.from_ical(ical.render(RECORDS, ical.FEEDS[0], today=TODAY))
    assert calendar["NAME"] == calendar["X-WR-CALNAME"] == "Human rights defenders: all opportunities"
    assert calendar["X-WR-CALDESC"] and calendar["X-PUBLISHED-TTL"] == "PT6H"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT6H" and "METHOD" not in calendar


def test_every_event_has_the_properties_clients_need():
    for uid, event in _events(ical.render(RECORDS, ical.FEEDS[0], today=TODAY)).items():
        assert uid.endswith("@hrd-calendar")
        for name in ("DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "SUMMARY", "DESCRIPTION", "URL", "CATEGORIES", "STATUS", "DTSTART"):
            assert name in event, (uid, name)
        assert event["DTSTAMP"].dt == dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.timezone.utc) or "0000000005" in uid
        assert event["SEQUENCE"] == 2


def test_all_day_items_have_an_exclusive_end():
    events = _events(ical.render(RECORDS, ical.FEEDS[0], today=TODAY))
    single = events["2027-01-15-deadline-0000000001@hrd-calendar"]
    assert (single["DTSTART"].dt, single["DTEND"].dt) == (dt.date(2027, 1, 15), dt.date(2027, 1, 16))
    session = events["2027-02-22-event-0000000003@hrd-calendar"]
    assert (session["DTSTART"].dt, session["DTEND"].dt) == (dt.date(2027, 2, 22), dt.date(2027, 4, 3))


def test_timed_items_are_in_utc():
    events = _events(ical.render(RECORDS, ical.FEEDS[0], today=TODAY))
    hearing = events["2026-12-16-hearing-0000000004@hrd-calendar"]
    assert hearing["DTSTART"].dt == dt.datetime(2026, 12, 16, 7, 0, tzinfo=dt.timezone.utc)
    assert hearing["DTEND"].dt == dt.datetime(2026, 12, 16, 10, 0, tzinfo=dt.timezone.utc)
    assert b"TZID" not in ical.render(RECORDS, ical.FEEDS[0], today=TODAY)


def test_timed_items_without_an_end_get_one():
    events = _events(ical.render(RECORDS, ical.FEEDS[0], today=TODAY))
    deadline = events["2027-01-31-deadline-0000000002@hrd-calendar"]
    assert deadline["DTEND"].dt - deadline["DTSTART"].dt == dt.timedelta(minutes=1)


def test_window_status_alarms_and_filters():
    events = _events(ical.render(RECORDS, ical.FEEDS[0], today=TODAY))
    assert "2025-06-01-deadline-0000000006@hrd-calendar" not in events
    assert events["2026-12-01-event-0000000005@hrd-calendar"]["STATUS"] == "CANCELLED"
    alarms = events["2027-01-15-deadline-0000000001@hrd-calendar"].walk("VALARM")
    assert sorted(a["TRIGGER"].dt for a in alarms) == [-dt.timedelta(days=3), -dt.timedelta(days=1)]
    hearings = _events(ical.render(RECORDS, ical.FEEDS[3], today=TODAY))
    assert list(hearings) == ["2026-12-16-hearing-0000000004@hrd-calendar"]
    later = _events(ical.render(RECORDS, ical.FEEDS[0], today=dt.date(2027, 1, 10)))
    assert "2026-12-01-event-0000000005@hrd-calendar" not in later  # cancelled more than 30 days ago


def test_vobject_reads_the_same_events():
    data = ical.render(RECORDS, ical.FEEDS[0], today=TODAY)
    parsed = vobject.readOne(data.decode())
    ours = _events(data)
    assert sorted(str(e.uid.value) for e in parsed.vevent_list) == sorted(ours)
    for event in parsed.vevent_list:
        assert event.summary.value == str(ours[event.uid.value]["SUMMARY"])


def test_byte_deterministic_and_golden(tmp_path):
    data = ical.render(RECORDS, ical.FEEDS[0], today=TODAY)
    assert data == ical.render(list(reversed(RECORDS)), ical.FEEDS[0], today=TODAY)
    assert data == (GOLDEN / "all.ics").read_bytes()


def test_build_command_writes_four_feeds(tmp_path, capsys):
    from bot import store

    target = store.Store(tmp_path / "calendars")
    records = {r["id"]: r for r in RECORDS}
    target.save(records, set(records))
    assert main(["build", "--store", str(tmp_path / "calendars")], now=dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)) == 0
    feeds = tmp_path / "calendars" / "feeds"
    assert sorted(p.name for p in feeds.iterdir()) == ["all.ics", "deadlines.ics", "events.ics", "hearings.ics"]
    assert (feeds / "all.ics").read_bytes() == (GOLDEN / "all.ics").read_bytes()


def test_a_feed_stays_under_the_size_google_accepts(monkeypatch):
    many = [_record(f"2027-{1 + n // 28:02d}-{1 + n % 28:02d}-deadline-{n:010x}", start=f"2027-{1 + n // 28:02d}-{1 + n % 28:02d}",
                    title=f"Call {n} " + "x" * 300) for n in range(300)]
    monkeypatch.setattr(ical, "MAX_BYTES", 50_000)
    data = ical.render(many, ical.FEEDS[0], today=TODAY)
    starts = [e["DTSTART"].dt for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
    assert len(data) <= 50_000 and data.endswith(b"END:VCALENDAR\r\n")
    assert 0 < len(starts) < 300 and starts == sorted(starts) and starts[0] == dt.date(2027, 1, 1)  # the soonest stay


def test_an_empty_feed_is_still_a_valid_calendar():
    """RFC 5545 wants at least one component: an empty feed holds the UTC time zone, not a
    made-up event; a feed with events holds none (every time is in UTC)."""
    empty = ical.render([], ical.FEEDS[3], today=TODAY)
    calendar = icalendar.Calendar.from_ical(empty)
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE"] and calendar.walk("VEVENT") == []
    assert [c.name for c in vobject.readOne(empty.decode()).getChildren() if c.name.startswith("VT")] == ["VTIMEZONE"]
    assert b"BEGIN:VTIMEZONE" not in ical.render(RECORDS, ical.FEEDS[0], today=TODAY)
    past = ical.render(RECORDS, ical.FEEDS[0], today=dt.date(2031, 6, 15))  # everything is over
    assert icalendar.Calendar.from_ical(past).walk("VEVENT") == [] and b"BEGIN:VTIMEZONE" in past


def test_control_and_bidi_characters_never_reach_a_feed():
    """RFC 5545 TEXT allows no control characters; a right-to-left override makes a title show
    reversed (a spoofed date). Both can come from a pasted text or a hand edit."""
    record = _record("2027-01-15-deadline-00000000cc", title="Award\x00\x07 \x1b[31mnominations\u202e 7202",
                     location="Gen\u2066eva\x0b", evidence="Apply\r by\x7f 15 January.", tags=["bell\x07"])
    data = ical.render([record], ical.FEEDS[0], today=TODAY)
    assert not any(c in data.decode() for c in "\x00\x07\x1b\x0b\x7f\u202e\u2066")
    assert b"\r" not in data.replace(b"\r\n", b"")  # only the line ends RFC 5545 asks for
    [parsed] = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == "Award [31mnominations 7202" and str(parsed["LOCATION"]) == "Geneva"
    assert "Apply by 15 January." in str(parsed["DESCRIPTION"])
