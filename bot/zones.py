"""IANA time zone names, read from the zone database once per process: a scan of it costs
milliseconds, and store files, chat settings and /timezone ask about zones again and again."""

from __future__ import annotations

import functools
from zoneinfo import available_timezones


@functools.cache
def names() -> frozenset[str]:
    """Every zone name the machine's (or tzdata's) zone database knows.

    >>> "Africa/Nairobi" in names(), "Europe/Geneva" in names()
    (True, False)
    """
    return frozenset(available_timezones())
