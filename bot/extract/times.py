"""Clock times and time zones written next to a date: "from 3:00 to 5:00 PM (CET)",
"midnight (12am GMT)", "00:00 CET", "24.00 (Dutch time)", "10h00 heure de Genève"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import PLACE_ZONES, ZONE_ABBREVIATIONS, ZONE_NAMES, case_blind, place_zone


@dataclass(frozen=True)
class Zone:
    """Where a clock time is read: a fixed UTC offset, an IANA zone, or both."""

    label: str  # what the text said, normalised ("CET", "Europe/Amsterdam")
    offset_minutes: int | None = None  # fixed offset for abbreviations
    iana: str | None = None  # a place-based zone (DST applies)


@dataclass(frozen=True)
class ClockTime:
    """A time of day, optionally with an end time and a zone, found near a date."""

    begin: int
    end: int
    hour: int
    minute: int
    end_hour: int | None = None
    end_minute: int | None = None
    zone: Zone | None = None
    end_of_day: bool = False  # "midnight" / "24.00" closing a deadline day
    local: bool = False  # "local time": the zone of the place named nearby


_AMPM = r"(?:[ap]\.?\s?m\b\.?)"
# Russian says the part of the day after the hour: "в 11 утра", "в 3 часа дня", "в 7 вечера"
_DAY_PART = r"(?:утра|дня|вечера|ночи)"
# Arabic says the hour as an ordinal and the part of the day: "التاسعة صباحا" (9 am), "الثالثة
# مساءً" (3 pm), "التاسعة من صباح اليوم" (at nine this morning), "والنصف" (and a half)
_AR_HOURS = {"الواحدة": 1, "الثانية": 2, "الثالثة": 3, "الرابعة": 4, "الخامسة": 5, "السادسة": 6, "السابعة": 7,
             "الثامنة": 8, "التاسعة": 9, "العاشرة": 10, "الحادية عشرة": 11, "الثانية عشرة": 12}
_AR_PART = r"(?:صباح\w*|مساء\w*|ظهر\w*|بعد\s+الظهر|ليلا\w*)"
_AR_CLOCK = (rf"(?:{'|'.join(sorted(_AR_HOURS, key=len, reverse=True))})(?:\s+و(?:النصف|الربع))?"
             rf"\s+(?:من\s+)?{_AR_PART}")
_CLOCK = (rf"(?:(?:[01]?\d|2[0-4])(?:[:.h]\s?[0-5]\d|(?=\s?{_AMPM})|h\b|(?=\s?Uhr\b))(?:\s?{_AMPM})?(?:\s?(?:Uhr|horas|hrs|hs)\b)?"
          rf"|(?:[01]?\d|2[0-4])h(?=\s)"
          rf"|(?:1[0-2]|0?[1-9])(?:[:.][0-5]\d)?\s(?:час(?:а|ов)?\s)?{_DAY_PART}\b"
          rf"|{_AR_CLOCK})")
_WORD = r"(?:midnight|noon|midday|minuit|midi|medianoche|mediodía|mezzanotte|mezzogiorno|mitternacht|meia-noite|meio-dia)"
_ABBR = "|".join(sorted(ZONE_ABBREVIATIONS, key=len, reverse=True))
_PLACE = "|".join(re.escape(p) for p in sorted(PLACE_ZONES, key=len, reverse=True))
_NAMES = "|".join(sorted(ZONE_NAMES, key=len, reverse=True)).replace(" ", r"\s")
_ZONE = (
    rf"(?:(?P<name>{_NAMES})|(?P<abbr>{_ABBR})(?P<shift>\s?[+-−]\s?\d{{1,2}}(?::?\d\d)?)?(?![\w])"
    rf"|(?P<place>{_PLACE})\s(?:local\s)?time|(?:heure|hora|ora|horário|بتوقيت)\s(?:de\s|di\s)?(?P<place2>{_PLACE})"
    rf"|(?P<local>local\stime|heure\slocale|hora\slocal|ora\slocale|Ortszeit|по\sместному\sвремени)|(?P<aoe>anywhere\son\searth))"
)
_TIME = re.compile(
    # a bare first hour counts before a dash and an hour with am/pm: "(12-2pm)", "10–11.30am"
    rf"(?<![\w:.,])(?P<t1>{_CLOCK}|{_WORD}|(?:[01]?\d|2[0-4])(?=\s?[-–—]\s?(?:[01]?\d|2[0-4])(?:[:.][0-5]\d)?\s?{_AMPM}))"
    rf"(?:\s?(?:-|–|—|to|until|till|and|à|a|bis|al)\s?(?P<t2>{_CLOCK}|{_WORD}))?"
    rf"(?P<zone>,?\s?\(?\s?(?:(?:{_CLOCK})\s)?{_ZONE}\)?)?",
    re.IGNORECASE,
)
_ZONE_ONLY = re.compile(_ZONE, re.IGNORECASE)


def _clock(token: str) -> tuple[int, int, bool]:
    """(hour, minute, is_end_of_day) for a clock token or a word such as midnight."""
    word = token.lower()
    if re.match(_AR_CLOCK, token):
        return _arabic_clock(token)
    if re.fullmatch(_WORD, word, re.IGNORECASE):
        if word in ("noon", "midday", "midi", "mediodía", "mezzogiorno", "meio-dia"):
            return 12, 0, False
        return 0, 0, True
    digits = re.findall(r"\d+", token)
    hour, minute = int(digits[0]), int(digits[1]) if len(digits) > 1 else 0
    meridiem = re.search(r"([ap])\.?\s?m", word)
    if meridiem:
        hour = hour % 12 + (12 if meridiem.group(1) == "p" else 0)
    part = re.search(_DAY_PART, word)
    if part:  # "11 утра" is 11:00, "3 часа дня" 15:00, "7 вечера" 19:00, "12 ночи" midnight
        afternoon = part.group() in ("дня", "вечера") and hour < 12
        hour = hour + 12 if afternoon else (0 if part.group() == "ночи" and hour == 12 else hour)
    if hour == 24:
        return 0, 0, True
    return hour, minute, False


def _arabic_clock(token: str) -> tuple[int, int, bool]:
    """(hour, minute, False) for an Arabic hour in words ("الثالثة والنصف مساءً" is 15:30)."""
    hour = next(value for name, value in sorted(_AR_HOURS.items(), key=lambda kv: -len(kv[0])) if token.startswith(name))
    minute = 30 if "والنصف" in token else 15 if "والربع" in token else 0
    evening = re.search(r"مساء|بعد\s+الظهر", token) or ("ظهر" in token and hour < 12) or ("ليل" in token and hour >= 7)
    return (hour + 12 if evening and hour < 12 else hour), minute, False


def _zone(match: re.Match) -> tuple[Zone | None, bool]:
    """The zone named in a `_ZONE` match, and whether it was "local time"."""
    if match.group("local"):
        return None, True
    if match.group("aoe"):
        return Zone("AoE", -720, "Etc/GMT+12"), False
    place = match.group("place") or match.group("place2")
    if place:
        iana = place_zone(place)
        return Zone(iana, None, iana), False
    name = match.group("name")
    abbr = case_blind(ZONE_NAMES, re.sub(r"\s+", " ", name)) if name else match.group("abbr").upper()
    offset, iana = case_blind(ZONE_ABBREVIATIONS, abbr)
    shift = match.group("shift")
    if shift:
        sign = -1 if re.search(r"[-−]", shift) else 1
        digits = re.findall(r"\d+", shift)
        hours = digits[0] if len(digits) > 1 or len(digits[0]) <= 2 else digits[0][:-2]
        offset += sign * (int(hours) * 60 + (int(digits[1]) if len(digits) > 1 else 0))
        return Zone(f"{abbr}{shift.replace(' ', '')}", offset, None), False
    return Zone(abbr if abbr != "AOE" else "AoE", offset, iana), False


def _plausible(match: re.Match) -> bool:
    """Bare "10h" or "3.15" only count with a zone or a range: they are often numbers; "9.00
    horas" and "15.00 Uhr" say what they are."""
    token = match.group("t1")
    if _HOUR_WORD.search(match.string, max(0, match.start() - 8), match.start()):
        return True  # "saat 09.55'te", "à 9.30", "um 10.00": a word that says an hour follows
    if re.search(rf"[:]|\dh\d|[ap]\.?\s?m|uhr|horas|hrs|hs\b|^\D|{_DAY_PART}", token, re.IGNORECASE):
        return True
    return bool(match.group("zone") or match.group("t2"))


_HOUR_WORD = re.compile(r"(?:\bsaat|\bà|\bum|\bore|\bàs|\ba las)\s$", re.IGNORECASE)


def all_times(window: str):
    """The plausible clock-time matches in `window`, in order."""
    return (match for match in _TIME.finditer(window) if _plausible(match))


def find_time(window: str, offset: int = 0) -> ClockTime | None:
    """The first clock time in `window` (offsets are shifted by `offset`).

    >>> [(c.hour, c.end_hour) for c in map(find_time, ["(12-2pm)", "11-1pm", "10–11.30am"])]
    [(12, 14), (11, 13), (10, 11)]
    """
    for match in _TIME.finditer(window):
        if not _plausible(match):
            continue
        hour, minute, eod = _clock(match.group("t1"))
        end_hour = end_minute = None
        if match.group("t2"):
            end_hour, end_minute, _ = _clock(match.group("t2"))
            hour = _share_meridiem(hour, match.group("t1"), end_hour, match.group("t2"))
        zone, local = _zone(_ZONE_ONLY.search(match.group("zone"))) if match.group("zone") else (None, False)
        return ClockTime(offset + match.start(), offset + match.end(), hour, minute, end_hour, end_minute,
                         zone, eod, local)
    return None


def _share_meridiem(hour: int, first: str, end_hour: int, second: str) -> int:
    """"3:00 to 5:00 PM": the PM of the end time applies to the start as well."""
    if re.search(r"[ap]\.?\s?m", first, re.IGNORECASE) or not re.search(r"p\.?\s?m", second, re.IGNORECASE):
        return hour
    return hour + 12 if hour < 12 and hour + 12 <= end_hour else hour


def stated_zone(window: str) -> Zone | None:
    """The zone a text states for all its times ("All times are Central European Time",
    "Times: CET", "all hours in Geneva time"), if `window` holds such a statement."""
    for statement in _TIMES_ARE.finditer(window):
        match = _ZONE_ONLY.match(window, statement.end())
        if match and not match.group("local"):
            return _zone(match)[0]
    return None


_TIMES_ARE = re.compile(r"\b(?:all\s+)?times?\b[^.\n\d]{0,24}?(?:\bare\b|\bin\b|:)\s*(?:the\s+)?|\b(?:all\s+)?hours\s+(?:are\s+)?in\s+", re.IGNORECASE)


def find_zone(window: str) -> Zone | None:
    """A zone named on its own in `window` ("(Geneva time)"), if any."""
    match = _ZONE_ONLY.search(window)
    if match is None or match.group("local"):
        return None
    return _zone(match)[0]


# What may stand between a date and the hours it gives: "4 September, 18h00 – 19h30",
# "29. November 2023, 13.00 – 19.00 Uhr", "12 March from 10:00 to 12:00", "le 3 mars de 14h à 16h"
_HOURS_START = re.compile(r"[\s,|:–—-]*(?:(?:from|at|de|dès|von|um|dalle|alle|a las|das|às|с)\s+)?\d{1,2}(?:[:.h]|\s?[ap]\.?m)", re.IGNORECASE)
_BEFORE_HOURS = re.compile(r"[\s,|:–—-]*(?:(?:from|at|de|dès|von|um|dalle|alle|a las|das|às|с)\s+)?$", re.IGNORECASE)


def hours_after(text: str, position: int, stop: int) -> ClockTime | None:
    """A span of hours ("18h00 – 19h30") that follows text[position] at once, before `stop`.
    A day given with the hours it starts and ends is a meeting of some kind: a closing date
    has one time, if any."""
    if not _HOURS_START.match(text, position, min(stop, position + 48)):
        return None  # most dates: no hour right after them, and no need to look further
    clock = find_time(text[position:min(stop, position + 48)])
    if clock is None or clock.end_hour is None or not _BEFORE_HOURS.match(text, position, position + clock.begin):
        return None
    return clock
