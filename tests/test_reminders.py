"""The reminder plan: lead times, zones, DST, quiet hours, missed reminders, digests and notices."""

import datetime as dt

import pytest

from bot import reminders
from bot.reminders import Chat, Due

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _record(rid, kind="deadline", start="2026-12-15", **extra):
    record = {"id": rid, "kind": kind, "subtype": "nomination" if kind == "deadline" else "trial",
              "title": f"Item {rid[-4:]}", "start": start, "end": None, "organizer": "Defenders Network",
              "location": "Geneva", "status": "confirmed", "sequence": 0, "changes": [],
              "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-01T10:00:00+00:00"}
    record.update(extra)
    return record


def _at(text, zone="UTC"):
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.mark.parametrize("start, kind, lead, zone, expected", [
    # day leads arrive at the chat's morning hour (09:00) on its own calendar
    ("2026-12-15", "deadline", "14d", "Europe/Paris", ("2026-12-01T09:00", "Europe/Paris")),
    ("2026-12-15", "deadline", "1d", "Asia/Tokyo", ("2026-12-14T09:00", "Asia/Tokyo")),
    ("2026-12-15", "deadline", "morning", "America/Lima", ("2026-12-15T09:00", "America/Lima")),
    # an all-day deadline closes at 23:59, so "6h" is 17:59 on the day
    ("2026-12-15", "deadline", "6h", "UTC", ("2026-12-15T09:00", "UTC")),
    # timed: hour leads are exact, day leads go to the morning of that day
    ("2026-12-16T10:00+03:00", "hearing", "1h", "Europe/Paris", ("2026-12-16T06:00", "UTC")),
    ("2026-12-16T10:00+03:00", "hearing", "1d", "Africa/Nairobi", ("2026-12-15T09:00", "Africa/Nairobi")),
    ("2026-12-03T13:00+01:00", "event", "30m", "UTC", ("2026-12-03T11:30", "UTC")),
    # a deadline at 08:00 has no "morning of" reminder at 09:00
    ("2026-12-15T08:00+00:00", "deadline", "morning", "UTC", None),
    # an all-day event starts at 00:00: "1h" becomes the morning of the day
    ("2026-12-15", "event", "1h", "UTC", None),
])
def test_due_times(start, kind, lead, zone, expected):
    due = reminders.due_time(_record("2026-12-15-deadline-000000000a", kind, start), lead, Chat(1, timezone=zone))
    assert due == (_at(*expected) if expected else None)


def test_all_day_deadline_six_hours_before_is_an_exact_lead():
    # "6h" on an all-day deadline is a sub-day lead: it goes to the morning of the day
    due = reminders.due_time(_record("x", start="2026-12-15"), "6h", Chat(1))
    assert due == _at("2026-12-15T09:00")


@pytest.mark.parametrize("day, zone, local", [
    ("2027-03-30", "Europe/Berlin", "2027-03-27T09:00"),   # lead crosses the spring change (28 March)
    ("2027-11-02", "America/New_York", "2027-10-30T09:00"),  # and the autumn one (7 November is after)
    ("2027-11-09", "America/New_York", "2027-11-06T09:00"),
])
def test_dst_does_not_move_local_hours(day, zone, local):
    due = reminders.due_time(_record("x", start=day), "3d", Chat(1, timezone=zone))
    assert due == _at(local, zone) and due.astimezone(Chat(1, timezone=zone).zone).hour == 9


@pytest.mark.parametrize("quiet, lead, start, expected", [
    (("22:00", "08:00"), "1h", "2026-12-16T06:30+00:00", "2026-12-16T05:30"),  # moving past the hearing: keep it
    (("22:00", "07:00"), "1h", "2026-12-16T08:00+00:00", "2026-12-16T07:00"),  # 07:00 is outside 22–07
    (("22:00", "07:30"), "1h", "2026-12-16T08:00+00:00", "2026-12-16T07:30"),  # moved to the end of the quiet
    (("12:00", "14:00"), "1h", "2026-12-16T14:30+00:00", "2026-12-16T14:00"),  # same-day quiet hours
    (("08:00", "10:00"), "1d", "2026-12-16T18:00+00:00", "2026-12-15T10:00"),  # morning reminder inside quiet
])
def test_quiet_hours(quiet, lead, start, expected):
    chat = Chat(1, quiet_start=quiet[0], quiet_end=quiet[1])
    assert reminders.due_time(_record("x", "hearing", start), lead, chat) == _at(expected)


RECORDS = {r["id"]: r for r in [
    _record("2026-12-15-deadline-000000000a", title="Courage Award nominations"),
    _record("2026-12-16-hearing-000000000b", "hearing", "2026-12-16T10:00+03:00", title="Appeal of the Lamu defenders"),
    _record("2026-11-26-deadline-000000000c", start="2026-11-26", title="Sign-on letter on SLAPPs", subtype="sign-on"),
    _record("2026-12-20-event-000000000d", "event", "2026-12-20", status="cancelled"),
    _record("2026-11-20-deadline-000000000e", start="2026-11-20", title="Closed call"),
]}


def test_plan_lists_future_reminders_soonest_first():
    dues = reminders.plan(RECORDS, [Chat(7)], set(), NOW)
    assert [(d.at, d.key) for d in dues][:3] == [
        (_at("2026-11-24T12:00"), "remind:2026-11-26-deadline-000000000c:3d"),  # missed on 23 Nov 09:00: late
        (_at("2026-11-25T09:00"), "remind:2026-11-26-deadline-000000000c:1d"),
        (_at("2026-11-26T09:00"), "remind:2026-11-26-deadline-000000000c:morning"),
    ]
    assert dues[0].late and not any(d.late for d in dues[1:])
    assert not any("000000000d" in d.key or "000000000e" in d.key for d in dues)  # cancelled, over
    assert len({d.key for d in dues}) == len(dues)


def test_plan_is_a_function_of_its_inputs():
    first = reminders.plan(RECORDS, [Chat(7), Chat(8, timezone="Asia/Tokyo")], set(), NOW)
    assert first == reminders.plan(dict(reversed(list(RECORDS.items()))), [Chat(7), Chat(8, timezone="Asia/Tokyo")], set(), NOW)


def test_sent_reminders_are_not_planned_again_and_only_the_latest_missed_is_sent_late():
    chat = Chat(7, created=dt.datetime(2026, 10, 1, tzinfo=UTC))
    record = {"2026-12-15-deadline-000000000a": RECORDS["2026-12-15-deadline-000000000a"]}
    down_until = dt.datetime(2026, 12, 13, 12, 0, tzinfo=UTC)  # the bot was off from 30 Nov to 13 Dec
    sent = {(7, "remind:2026-12-15-deadline-000000000a:14d")}
    dues = reminders.plan(record, [chat], sent, down_until)
    assert [(d.key.rsplit(":", 1)[1], d.late) for d in dues] == [("3d", True), ("1d", False), ("morning", False)]
    sent.add((7, "remind:2026-12-15-deadline-000000000a:3d"))
    assert [d.key.rsplit(":", 1)[1] for d in reminders.plan(record, [chat], sent, down_until)] == ["1d", "morning"]
    assert reminders.plan(record, [chat], sent, dt.datetime(2026, 12, 16, tzinfo=UTC)) == []  # over: dropped


def test_no_late_reminders_for_what_was_due_before_the_chat_existed():
    chat = Chat(7, created=NOW - dt.timedelta(minutes=5))
    assert not any(d.late for d in reminders.plan(RECORDS, [chat], set(), NOW))


@pytest.mark.parametrize("chat, expected_items", [
    (Chat(1), {"a", "b", "c"}),
    (Chat(1, kinds=("hearing",)), {"b"}),
    (Chat(1, keywords=("slapp",)), {"c"}),
    (Chat(1, keywords=("courage", "lamu")), {"a", "b"}),
    (Chat(1, kinds=("hearing",), follows=frozenset({"2026-12-15-deadline-000000000a"})), {"a", "b"}),
    (Chat(1, mutes=frozenset({"2026-12-15-deadline-000000000a"})), {"b", "c"}),
])
def test_filters_follows_and_mutes(chat, expected_items):
    assert {d.item_id[-1] for d in reminders.plan(RECORDS, [chat], set(), NOW)} == expected_items


def test_plan_until_bounds_the_horizon():
    dues = reminders.plan(RECORDS, [Chat(1)], set(), NOW, until=NOW + dt.timedelta(days=2))
    assert dues and all(d.at <= NOW + dt.timedelta(days=2) for d in dues)


def test_snooze_adds_a_reminder_at_the_chosen_time():
    until = dt.datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    chat = Chat(1, kinds=("event",), snoozes={"2026-12-15-deadline-000000000a": until})
    assert reminders.plan(RECORDS, [chat], set(), NOW) == [
        Due(until, 1, "snooze:2026-12-15-deadline-000000000a:20261125T0800", "2026-12-15-deadline-000000000a", "snooze")]


@pytest.mark.parametrize("now, since", [
    (_at("2026-11-25T09:10"), None),                   # planned ahead: the morning reminder is absorbed
    (_at("2026-11-26T09:05"), _at("2026-11-25T09:10")),  # both fall due by the next look: one message
    (_at("2026-11-26T12:00"), _at("2026-11-25T09:10")),  # the bot was down across both: still one
])
def test_a_snoozed_item_is_reminded_once_at_the_snooze(now, since):
    """Snoozed on the "1 day" reminder at 09:05 until 09:05 the next day; the "morning of"
    reminder at 09:00 falls inside the snooze."""
    rid, until = "2026-11-26-deadline-000000000c", _at("2026-11-26T09:05")
    chat = Chat(1, kinds=("deadline",), snoozes={rid: until}, created=_at("2026-11-01T00:00"))
    sent = {(1, f"remind:{rid}:1d")}
    owed = [d for d in reminders.plan(RECORDS, [chat], sent, now, since=since) if d.item_id == rid]
    assert [d.key for d in owed] == [f"snooze:{rid}:20261126T0905"]


@pytest.mark.parametrize("online_since, late", [
    (_at("2026-11-25T08:00"), False),  # the bot was running at 09:00 and only sends at 09:30
    (_at("2026-11-25T09:20"), True),   # it came back at 09:20: the 09:00 reminder was missed
    (None, True),                      # not known: 30 minutes over is late
])
def test_late_means_due_while_the_bot_was_offline(online_since, late):
    dues = reminders.plan(RECORDS, [Chat(7)], set(), _at("2026-11-25T09:30"), online_since=online_since)
    assert dues[0].key.endswith("000000000c:1d") and dues[0].late is late


@pytest.mark.parametrize("chat, sent, expected_local, late", [
    (Chat(1, digest="daily", digest_hour=8, timezone="Europe/Paris"), set(), "2026-11-25T08:00", False),
    (Chat(1, digest="daily", digest_hour=14, timezone="Europe/Paris"), set(), "2026-11-24T14:00", False),
    (Chat(1, digest="daily", digest_hour=14, timezone="Europe/Paris"), {(1, "digest:2026-11-24")}, "2026-11-25T14:00", False),
    (Chat(1, digest="weekly", digest_hour=8, digest_weekday=0, timezone="Europe/Paris"), set(), "2026-11-30T08:00", False),
    (Chat(1, digest="daily", digest_hour=10, timezone="Europe/Paris"), set(), "2026-11-24T13:00", True),  # missed today
])
def test_digests_at_the_chats_local_hour(chat, sent, expected_local, late):
    due = reminders.next_digest(chat, sent, NOW, spread_seconds=0)
    assert (due.at, due.late) == (_at(expected_local, "Europe/Paris") if not late else NOW, late)


def test_digests_are_staggered_not_all_at_the_hour():
    times = {reminders.next_digest(Chat(i, digest="daily"), set(), NOW, 900).at for i in range(200)}
    assert len(times) > 150 and all(_at("2026-11-25T08:00") <= t < _at("2026-11-25T08:15") for t in times)
    assert reminders.next_digest(Chat(1), set(), NOW) is None


def test_digest_hour_survives_dst():
    chat = Chat(1, digest="daily", digest_hour=8, timezone="Europe/Berlin")
    before = reminders.next_digest(chat, set(), dt.datetime(2027, 3, 26, 12, tzinfo=UTC), 0)
    after = reminders.next_digest(chat, set(), dt.datetime(2027, 3, 27, 12, tzinfo=UTC), 0)
    assert (before.at, after.at) == (_at("2027-03-27T07:00"), _at("2027-03-28T06:00"))  # 08:00 CET, 08:00 CEST


CHANGED = {r["id"]: r for r in [
    _record("2027-01-31-deadline-0000000001", start="2027-01-31", sequence=1, updated="2026-11-23T10:00:00+00:00",
            changes=[{"at": "2026-11-23T10:00:00+00:00", "what": "start moved from 2027-01-15 to 2027-01-31"}]),
    _record("2027-01-10-hearing-0000000002", "hearing", "2027-01-10", sequence=1, updated="2026-11-23T10:00:00+00:00",
            changes=[{"at": "2026-11-23T10:00:00+00:00", "what": "start moved from 2027-01-20 to 2027-01-10"}]),
    _record("2027-01-05-event-0000000003", "event", "2027-01-05", status="cancelled", sequence=1,
            updated="2026-11-22T10:00:00+00:00", changes=[{"at": "2026-11-22T10:00:00+00:00", "what": "withdrawn: called off"}]),
    _record("2027-02-01-deadline-0000000004", start="2027-02-01", title="New fellowship for journalists",
            first_seen="2026-11-24T09:00:00+00:00", updated="2026-11-24T09:00:00+00:00"),
    _record("2027-02-02-deadline-0000000005", start="2027-02-02", sequence=2, updated="2026-10-01T10:00:00+00:00",
            changes=[{"at": "2026-10-01T10:00:00+00:00", "what": "start moved from 2027-01-02 to 2027-02-02"}]),
]}


def test_change_notices():
    old_chat = Chat(1, created=dt.datetime(2026, 1, 1, tzinfo=UTC))
    found = {(n.item_id[-1], n.what, n.detail) for n in reminders.notices(CHANGED, [old_chat], set(), NOW)}
    assert found == {("1", "extended", "2027-01-31"), ("2", "moved", "2027-01-10"), ("3", "cancelled", "")}


def test_new_items_go_to_chats_with_chosen_filters_only_and_notices_once():
    chats = [Chat(1, created=dt.datetime(2026, 1, 1, tzinfo=UTC)),
             Chat(2, keywords=("journalists",), created=dt.datetime(2026, 1, 1, tzinfo=UTC)),
             Chat(3, keywords=("journalists",), created=NOW)]  # arrived after the item: no notice
    news = [n for n in reminders.notices(CHANGED, chats, set(), NOW) if n.what == "new"]
    assert [(n.chat_id, n.key) for n in news] == [(2, "notice:2027-02-01-deadline-0000000004:new")]
    assert [n for n in reminders.notices(CHANGED, chats, {(2, news[0].key)}, NOW) if n.what == "new"] == []


def test_upcoming_for_a_chat():
    titles = [r["title"] for r in reminders.upcoming(RECORDS, Chat(1), NOW)]
    assert titles == ["Sign-on letter on SLAPPs", "Courage Award nominations", "Appeal of the Lamu defenders"]
    assert [r["kind"] for r in reminders.upcoming(RECORDS, Chat(1), NOW, kind="hearing")] == ["hearing"]
    assert [r["subtype"] for r in reminders.upcoming(RECORDS, Chat(1), NOW, kind="sign-on")] == ["sign-on"]
    assert [r["title"] for r in reminders.upcoming(RECORDS, Chat(1), NOW, words="lamu")] == ["Appeal of the Lamu defenders"]


def test_on_time_reminders_are_not_marked_late():
    dues = reminders.plan(RECORDS, [Chat(7)], set(), _at("2026-11-25T09:00"))
    assert dues[0].key.endswith("000000000c:1d") and not dues[0].late
    later = reminders.plan(RECORDS, [Chat(7)], set(), _at("2026-11-25T09:30"))
    assert later[0].key.endswith("000000000c:1d") and later[0].late


def test_chats_sharing_settings_get_what_each_would_get_alone():
    chats = [Chat(1), Chat(2, timezone="Asia/Tokyo"), Chat(3), Chat(4, kinds=("hearing",)),
             Chat(5, follows=frozenset({"2026-12-15-deadline-000000000a"}), kinds=("hearing",)),
             Chat(6, mutes=frozenset({"2026-11-26-deadline-000000000c"}))]
    together = reminders.plan(RECORDS, chats, set(), NOW)
    alone = sorted(d for chat in chats for d in reminders.plan(RECORDS, [chat], set(), NOW))
    assert together == alone and {d.chat_id for d in together} == {1, 2, 3, 4, 5, 6}


def test_since_bounds_what_counts_as_missed():
    chat = Chat(7, created=dt.datetime(2026, 10, 1, tzinfo=UTC))
    at = _at("2026-11-25T09:00:30")
    # the bot looked 30 seconds ago: only what fell due since then
    assert [d.key for d in reminders.plan(RECORDS, [chat], set(), at, until=at, since=_at("2026-11-25T08:59:50"))] == [
        "remind:2026-11-26-deadline-000000000c:1d"]
    assert reminders.plan(RECORDS, [chat], set(), at, until=at, since=_at("2026-11-25T09:00:10")) == []


def test_due_times_per_profile():
    chats = [Chat(i) for i in range(50)] + [Chat(99, timezone="Asia/Tokyo")]
    times = reminders.due_times(RECORDS, chats, NOW, NOW + dt.timedelta(days=2))
    assert times == {_at("2026-11-25T09:00"), _at("2026-11-26T09:00"), _at("2026-11-25T09:00", "Asia/Tokyo"),
                     _at("2026-11-26T09:00", "Asia/Tokyo")}
    planned = {d.at for d in reminders.plan(RECORDS, chats, set(), NOW, until=NOW + dt.timedelta(days=2)) if d.at > NOW}
    assert planned <= times


def test_notices_since_the_last_look():
    chat = Chat(1, created=dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert reminders.notices(CHANGED, [chat], set(), NOW, since=_at("2026-11-23T12:00")) == []
    assert {n.what for n in reminders.notices(CHANGED, [chat], set(), NOW, since=_at("2026-11-23T09:00"))} == {"extended", "moved"}


@pytest.mark.parametrize("hours", [1, 6, 30, 24 * 9])
def test_a_window_holds_exactly_the_reminders_the_whole_plan_puts_in_it(hours):
    chats = [Chat(1), Chat(2, timezone="Asia/Tokyo", deadline_leads=("30d", "7d", "6h")),
             Chat(3, timezone="America/Lima", quiet_start="20:00", quiet_end="10:00"), Chat(4, event_leads=("3d", "15m"))]
    start = dt.datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    whole = reminders.plan(RECORDS, chats, set(), start)
    for step in range(0, 24 * 20, hours):
        low, high = start + dt.timedelta(hours=step), start + dt.timedelta(hours=step + hours)
        window = reminders.plan(RECORDS, chats, set(), start, until=high, since=low)
        assert window == [d for d in whole if low < d.at <= high], (low, high)


def test_due_times_cover_every_planned_reminder_whatever_chats_follow():
    chats = [Chat(1, kinds=("hearing",)), Chat(2, keywords=("slapp",), timezone="Europe/Paris"),
             Chat(3, follows=frozenset({"2026-12-15-deadline-000000000a"}), kinds=("event",)),
             Chat(4, snoozes={"2026-12-15-deadline-000000000a": _at("2026-11-24T18:00")})]
    for days in (1, 2, 10, 25):
        until = NOW + dt.timedelta(days=days)
        planned = {d.at for d in reminders.plan(RECORDS, chats, set(), NOW, until=until) if d.at > NOW}
        assert planned <= reminders.due_times(RECORDS, chats, NOW, until)
