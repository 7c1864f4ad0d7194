"""Lead times: how long before an item a reminder goes out, as people type them.

"14d", "3d", "1d", "6h", "30m" (days, hours, minutes; 1 to 9999 of them, up to a year in all)
and "morning" (the morning of the day itself). The settings file, the chats' stored settings,
/reminders and the reminder plan all read them here, so a lead accepted in one place is never
refused in another.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

PATTERN = re.compile(r"^(morning|([1-9][0-9]{0,3})([dhm]))$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
LONGEST = dt.timedelta(days=366)
MOST = 8  # lead times per list: more would be a reminder a day
HELP = "use e.g. 14d, 3d, 1d, 6h, 30m or morning: days, hours or minutes, up to 366 days"


@functools.lru_cache(maxsize=256)
def parse(text: str) -> dt.timedelta | None:
    """The lead as a duration; None for "morning". ValueError, saying why, for anything else.

    >>> parse("14d"), parse("6h"), parse("morning")
    (datetime.timedelta(days=14), datetime.timedelta(seconds=21600), None)
    >>> parse("500d")
    Traceback (most recent call last):
    ValueError: '500d' is more than 366 days ahead (use e.g. 14d, 3d, 1d, 6h, 30m or morning: days, hours or minutes, up to 366 days)
    """
    match = PATTERN.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a lead time ({HELP})")
    if match.group(1) == "morning":
        return None
    delta = dt.timedelta(**{UNITS[match.group(3)]: int(match.group(2))})
    if delta > LONGEST:
        raise ValueError(f"{text!r} is more than 366 days ahead ({HELP})")
    return delta


def checked(values) -> list[str]:
    """A list of lead times, each parsed, at most `MOST`, repeats dropped; ValueError otherwise.

    >>> checked(["3d", "1d", "3d", "morning"])
    ['3d', '1d', 'morning']
    """
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ValueError(f"expected a list of lead times ({HELP})")
    for value in values:
        parse(value)
    unique = list(dict.fromkeys(values))
    if len(unique) > MOST:
        raise ValueError(f"at most {MOST} lead times, not {len(unique)}")
    return unique
