"""`python -m bot try`: the bundled examples, the real bot and the fake Telegram, in a terminal."""

import datetime as dt
import re

import httpx
import pytest

from bot import settings, store
from bot.telegram import tryit

NOW = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.timezone.utc)
SIGN_ON = {"id": "2026-12-11-deadline-00000000aa", "kind": "deadline", "subtype": "sign-on",
           "title": "Joint letter on the Lamu defenders", "start": "2026-12-11", "end": None, "timezone": None,
           "organizer": "Coast Defenders Network", "location": None, "url": "https://example.org/letter",
           "evidence": "Sign the joint letter by 11 December.", "status": "confirmed", "sequence": 0,
           "changes": [], "first_seen": "2026-11-20T10:00:00+00:00", "updated": "2026-11-20T10:00:00+00:00"}


async def _session(tmp_path, lines: str, records=None) -> None:
    """Run `try` on a script, on the bundled examples or on `records`."""
    script = tmp_path / "chat.txt"
    script.write_text(lines, encoding="utf-8")
    root = None
    if records is not None:
        root = tmp_path / "calendars"
        store.Store(root).save({r["id"]: r for r in records}, {r["id"] for r in records})
    assert await tryit.main(settings.load(environ={}), root, script, lambda: NOW) == 0


async def test_a_scripted_session(tmp_path, capsys):
    await _session(tmp_path, "/start\n/upcoming\n7\n1\n:time +10d\n/forget\n1\n")
    out = capsys.readouterr().out
    assert "Read the bundled examples:" in out and "[1] Time zone" in out
    assert "Next items you follow (1–5 of" in out and "(no button 7;" in out
    assert "(clock moved to Fri 04 Dec 2026 18:00 UTC)" in out and "⏰ Deadline in 3 days" in out
    assert out.rstrip().endswith("Deleted. I no longer store anything about this chat. /start to begin again.")


async def test_a_redraw_of_the_buttons_alone_is_shown_and_old_numbers_cannot_end_the_chat(tmp_path, capsys):
    # /settings → Time zone (the text stays, the buttons change) → a city → « Back → a number
    await _session(tmp_path, "/start\n/settings\n1\n5\n11\n3\n25\n/upcoming\n")
    out = capsys.readouterr().out
    assert "[5] ▫️ Africa/Nairobi" in out and "[5] ✅ Africa/Nairobi" in out  # both redraws printed
    assert "Time zone: Africa/Nairobi" in out
    assert "[1] ▫️ 30d  [2] ✅ 14d" in out  # « Back, then 3: the deadline reminders
    assert "(no button 25;" in out and "Next items you follow" in out  # and the chat goes on


async def test_a_button_of_a_message_that_changed_is_refused_with_a_word(tmp_path, capsys):
    terminal = tryit.Terminal(fake=_Refusing(), service=None, clock=None)
    terminal.buttons = [(type("M", (), {"message_id": 2})(), "set:tz")]
    assert terminal._press(1) is False
    assert "(button 1 is no longer there" in capsys.readouterr().out


class _Refusing:
    def user_presses(self, *args, **kw):
        raise ValueError("message 2 has no button with that callback_data")


@pytest.mark.parametrize("line", [":time 9999-12-31 23:59", ":time 2026-02-30", ":time +99999d"])
async def test_the_clock_cannot_be_moved_out_of_reach(tmp_path, capsys, line):
    await _session(tmp_path, f"/start\n{line}\n/upcoming\n")
    out = capsys.readouterr().out
    assert "use :time 2026-12-14 09:00 or :time +3d" in out and "Next items you follow" in out


async def test_a_snoozed_reminder_comes_once_on_time_and_pop_ups_are_shown(tmp_path, capsys):
    # "1 day" before at 09:00 on 10 Dec; snoozed at 09:05 until 09:05 on 11 Dec, past the
    # "morning of" reminder at 09:00: one message, and the clock jump is not "offline".
    await _session(tmp_path, "/start\n:time 2026-12-10 09:05\n1\n:time +1d\n", [SIGN_ON])
    out = capsys.readouterr().out
    assert "⏰ Deadline tomorrow" in out and "(pop-up: I'll remind you again in a day.)" in out, out
    after = out[out.index("you> :time +1d"):]
    assert after.count("⏰ Deadline today") == 1, out
    assert "late reminder" not in out, out


async def test_feed_links_are_served_while_the_chat_runs(tmp_path, capsys):
    fetched = {}

    async def lines():
        for line in ("/start", "/feeds"):
            yield line
        links = re.findall(r"http://127\.0\.0\.1:\d+/\S+\.ics", capsys.readouterr().out)
        async with httpx.AsyncClient() as client:
            for link in links:
                response = await client.get(link)
                fetched[link.rsplit("/", 1)[1]] = (response.status_code, response.text.count("BEGIN:VEVENT"))
        yield ":quit"

    assert await tryit.main(settings.load(environ={}), None, None, lambda: NOW, lines()) == 0
    assert {name for name in fetched if not name.startswith(("all", "deadlines", "events", "hearings"))}  # the personal feed
    assert all(status == 200 for status, _ in fetched.values()) and fetched["all.ics"][1] > 5


def test_the_clock_moves_by_shifts_and_to_dates():
    clock = tryit.MovableClock(lambda: NOW)
    assert clock.move("+3d") == NOW + dt.timedelta(days=3)
    assert clock.move("+2h") == NOW + dt.timedelta(days=3, hours=2)
    assert clock.move("2026-12-14 09:00") == dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError):
        clock.move("9999-12-31 23:00")
    assert clock() == dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.timezone.utc)  # a refused move moves nothing
