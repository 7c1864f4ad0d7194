"""`python -m bot try`: the bundled examples, the real bot and the fake Telegram, in a terminal."""

import datetime as dt

from bot import settings
from bot.telegram import tryit

NOW = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.timezone.utc)


async def test_a_scripted_session(tmp_path, capsys):
    script = tmp_path / "chat.txt"
    script.write_text("/start\n/upcoming\n7\n1\n:time +10d\n/forget\n1\n", encoding="utf-8")
    code = await tryit.main(settings.load(environ={}), None, script, lambda: NOW)
    out = capsys.readouterr().out
    assert code == 0
    assert "Read the bundled examples:" in out and "[1] Time zone" in out
    assert "Next items you follow (1–5 of" in out and "(no button 7;" in out
    assert "(clock moved to Fri 04 Dec 2026 18:00 UTC)" in out and "⏰ Deadline in 3 days" in out
    assert out.rstrip().endswith("Deleted. I no longer store anything about this chat. /start to begin again.")


def test_the_clock_moves_by_shifts_and_to_dates():
    clock = tryit.MovableClock(lambda: NOW)
    assert clock.move("+3d") == NOW + dt.timedelta(days=3)
    assert clock.move("+2h") == NOW + dt.timedelta(days=3, hours=2)
    assert clock.move("2026-12-14 09:00") == dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.timezone.utc)
