"""Words the extractor recognises: month and weekday names per language, time-zone names.

Only data lives here; the patterns built from it are in `dates.py` and `times.py`.
"""

from __future__ import annotations

import re

# Month and weekday words by language: generated from dateparser's locale data
# (tools/calendar_words.py), abbreviations left out but for English ones.
from .calendar_words import MONTHS as _LOCALE_MONTHS
from .calendar_words import WEEKDAYS

__all__ = ["MONTHS", "WEEKDAYS", "ZONE_ABBREVIATIONS", "ZONE_NAMES", "PLACE_ZONES", "case_blind", "place_zone"]


def _kyrgyz_months() -> dict[str, int]:
    """Kyrgyz writes the Russian month names with its own case endings, after the day and a
    hyphen: "10-сентябрга" (to 10 September), "3-сентябрдагы" (of 3 September), "6-августта"
    (on 6 August). Dateparser knows only the bare names. The endings follow the stem's last
    vowel (back: -га/-да, front: -ге/-де) and turn to к/т after a voiceless consonant."""
    stems = ["январ", "феврал", "март", "апрел", "май", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"]
    words: dict[str, int] = {}
    for number, stem in enumerate(stems, start=1):
        front = [c for c in stem if c in "аоуыяюеиөүэ"][-1] in "еиөүэ"
        hard = stem[-1] in "кпстфхцчшщ"
        endings = ["ге", "де", "ден", "деги"] if front else ["га", "да", "дан", "дагы"]
        words[stem + ("ь" if stem[-1] in "рлн" else "")] = number
        for ending in endings:
            words[stem + ("к" if hard and ending[0] == "г" else "т" if hard else "") + (ending[1:] if hard else ending)] = number
    return words


MONTHS = {**_LOCALE_MONTHS, "ky": {**_LOCALE_MONTHS.get("ky", {}), **_kyrgyz_months()}}

# Zone abbreviations people write after a time, as (UTC offset in minutes, IANA name or None).
# Abbreviations are fixed offsets: "CET" in July still means UTC+1 to the writer.
ZONE_ABBREVIATIONS: dict[str, tuple[int, str | None]] = {
    "UTC": (0, "UTC"), "GMT": (0, "GMT"), "Z": (0, "UTC"), "WET": (0, "WET"),
    "BST": (60, "Europe/London"), "CET": (60, "CET"), "MEZ": (60, "CET"), "WAT": (60, "Africa/Lagos"),
    "CEST": (120, None), "MESZ": (120, None), "EET": (120, "EET"), "CAT": (120, "Africa/Maputo"),
    "SAST": (120, "Africa/Johannesburg"), "EEST": (180, None), "EAT": (180, "Africa/Nairobi"),
    "MSK": (180, "Europe/Moscow"), "TRT": (180, "Europe/Istanbul"), "IST": (330, "Asia/Kolkata"),
    "PKT": (300, "Asia/Karachi"), "ICT": (420, "Asia/Bangkok"), "WIB": (420, "Asia/Jakarta"),
    "HKT": (480, "Asia/Hong_Kong"), "SGT": (480, "Asia/Singapore"), "JST": (540, "Asia/Tokyo"),
    "AEST": (600, "Australia/Sydney"), "AEDT": (660, None), "NZST": (720, "Pacific/Auckland"),
    "EST": (-300, "EST"), "EDT": (-240, None), "CST": (-360, None), "CDT": (-300, None),
    "MST": (-420, "MST"), "MDT": (-360, None), "PST": (-480, None), "PDT": (-420, None),
    "ART": (-180, "America/Argentina/Buenos_Aires"), "BRT": (-180, "America/Sao_Paulo"),
    "COT": (-300, "America/Bogota"), "AOE": (-720, "Etc/GMT+12"),
}

# Zones spelled out, as the abbreviation they stand for ("All times are Central European Time")
ZONE_NAMES: dict[str, str] = {
    "central european time": "CET", "central european summer time": "CEST", "eastern european time": "EET",
    "eastern european summer time": "EEST", "western european time": "WET", "greenwich mean time": "GMT",
    "coordinated universal time": "UTC", "universal time": "UTC", "british summer time": "BST",
    "east africa time": "EAT", "east african time": "EAT", "west africa time": "WAT", "west african time": "WAT",
    "central africa time": "CAT", "central african time": "CAT", "south africa standard time": "SAST",
    "eastern standard time": "EST", "eastern daylight time": "EDT", "pacific standard time": "PST",
    "pacific daylight time": "PDT", "moscow time": "MSK", "india standard time": "IST",
}

# Places whose local time is named in text ("Geneva time", "Dutch time") or that host
# hearings and sessions, mapped to their IANA zone.
PLACE_ZONES: dict[str, str] = {
    "geneva": "Europe/Zurich", "palais des nations": "Europe/Zurich", "palais wilson": "Europe/Zurich", "genève": "Europe/Zurich", "ginebra": "Europe/Zurich",
    "swiss": "Europe/Zurich", "zurich": "Europe/Zurich", "bern": "Europe/Zurich",
    "brussels": "Europe/Brussels", "bruxelles": "Europe/Brussels", "belgian": "Europe/Brussels",
    "strasbourg": "Europe/Paris", "paris": "Europe/Paris", "french": "Europe/Paris",
    "france": "Europe/Paris", "lyon": "Europe/Paris", "marseille": "Europe/Paris",
    "the hague": "Europe/Amsterdam", "den haag": "Europe/Amsterdam", "utrecht": "Europe/Amsterdam", "amsterdam": "Europe/Amsterdam", "dutch": "Europe/Amsterdam",
    "netherlands": "Europe/Amsterdam", "berlin": "Europe/Berlin", "german": "Europe/Berlin",
    "vienna": "Europe/Vienna", "wien": "Europe/Vienna", "madrid": "Europe/Madrid",
    "barcelona": "Europe/Madrid", "spanish": "Europe/Madrid", "rome": "Europe/Rome",
    "roma": "Europe/Rome", "lisbon": "Europe/Lisbon", "lisboa": "Europe/Lisbon",
    "london": "Europe/London", "uk": "Europe/London", "british": "Europe/London",
    "dublin": "Europe/Dublin", "warsaw": "Europe/Warsaw", "budapest": "Europe/Budapest",
    "prague": "Europe/Prague", "stockholm": "Europe/Stockholm", "oslo": "Europe/Oslo",
    "copenhagen": "Europe/Copenhagen", "helsinki": "Europe/Helsinki", "athens": "Europe/Athens",
    "istanbul": "Europe/Istanbul", "ankara": "Europe/Istanbul", "turkish": "Europe/Istanbul",
    "izmir": "Europe/Istanbul", "diyarbakır": "Europe/Istanbul", "diyarbakir": "Europe/Istanbul", "antalya": "Europe/Istanbul",
    "kyiv": "Europe/Kyiv", "kiev": "Europe/Kyiv", "moscow": "Europe/Moscow",
    "minsk": "Europe/Minsk", "tbilisi": "Asia/Tbilisi", "baku": "Asia/Baku",
    "yerevan": "Asia/Yerevan", "bishkek": "Asia/Bishkek", "almaty": "Asia/Almaty",
    "tunis": "Africa/Tunis", "tunisia": "Africa/Tunis", "algiers": "Africa/Algiers",
    "rabat": "Africa/Casablanca", "cairo": "Africa/Cairo", "egypt": "Africa/Cairo",
    "nairobi": "Africa/Nairobi", "kampala": "Africa/Kampala", "addis ababa": "Africa/Addis_Ababa",
    "banjul": "Africa/Banjul", "dakar": "Africa/Dakar", "lagos": "Africa/Lagos",
    "abuja": "Africa/Lagos", "accra": "Africa/Accra", "harare": "Africa/Harare",
    "johannesburg": "Africa/Johannesburg", "pretoria": "Africa/Johannesburg",
    "arusha": "Africa/Dar_es_Salaam", "kinshasa": "Africa/Kinshasa",
    "new york": "America/New_York", "washington": "America/New_York",
    "mexico city": "America/Mexico_City", "ciudad de méxico": "America/Mexico_City",
    "bogotá": "America/Bogota", "bogota": "America/Bogota", "lima": "America/Lima",
    "san josé": "America/Costa_Rica", "san jose": "America/Costa_Rica",
    "guatemala city": "America/Guatemala", "tegucigalpa": "America/Tegucigalpa",
    "managua": "America/Managua", "caracas": "America/Caracas", "santiago": "America/Santiago",
    "buenos aires": "America/Argentina/Buenos_Aires", "são paulo": "America/Sao_Paulo",
    "sao paulo": "America/Sao_Paulo", "brasília": "America/Sao_Paulo", "brasilia": "America/Sao_Paulo",
    "quito": "America/Guayaquil", "la paz": "America/La_Paz",
    "bangkok": "Asia/Bangkok", "manila": "Asia/Manila", "jakarta": "Asia/Jakarta",
    "hong kong": "Asia/Hong_Kong", "beijing": "Asia/Shanghai", "islamabad": "Asia/Karachi",
    "lahore": "Asia/Karachi", "karachi": "Asia/Karachi", "new delhi": "Asia/Kolkata",
    "delhi": "Asia/Kolkata", "dhaka": "Asia/Dhaka", "kathmandu": "Asia/Kathmandu",
    "colombo": "Asia/Colombo", "tehran": "Asia/Tehran", "baghdad": "Asia/Baghdad",
    "beirut": "Asia/Beirut", "amman": "Asia/Amman", "jerusalem": "Asia/Jerusalem",
    "riyadh": "Asia/Riyadh", "dubai": "Asia/Dubai", "phnom penh": "Asia/Phnom_Penh",
    "hanoi": "Asia/Bangkok", "yangon": "Asia/Yangon", "kuala lumpur": "Asia/Kuala_Lumpur",
    "singapore": "Asia/Singapore", "seoul": "Asia/Seoul", "tokyo": "Asia/Tokyo",
    "sydney": "Australia/Sydney",
    # countries with a single zone, named where no city is
    "guatemala": "America/Guatemala", "ciudad de guatemala": "America/Guatemala",
    "honduras": "America/Tegucigalpa", "el salvador": "America/El_Salvador",
    "nicaragua": "America/Managua", "colombia": "America/Bogota", "peru": "America/Lima",
    "perú": "America/Lima", "venezuela": "America/Caracas", "ecuador": "America/Guayaquil",
    "bolivia": "America/La_Paz", "chile": "America/Santiago", "turkey": "Europe/Istanbul",
    "türkiye": "Europe/Istanbul", "kenya": "Africa/Nairobi", "uganda": "Africa/Kampala",
    "pakistan": "Asia/Karachi", "bangladesh": "Asia/Dhaka", "philippines": "Asia/Manila",
    "belarus": "Europe/Minsk", "azerbaijan": "Asia/Baku", "georgia": "Asia/Tbilisi",
    "armenia": "Asia/Yerevan", "kyrgyzstan": "Asia/Bishkek", "zimbabwe": "Africa/Harare",
    "nigeria": "Africa/Lagos", "ghana": "Africa/Accra", "senegal": "Africa/Dakar",
    "morocco": "Africa/Casablanca", "algeria": "Africa/Algiers", "iran": "Asia/Tehran",
    "iraq": "Asia/Baghdad", "lebanon": "Asia/Beirut", "jordan": "Asia/Amman",
    "saudi arabia": "Asia/Riyadh", "cambodia": "Asia/Phnom_Penh", "myanmar": "Asia/Yangon",
    "thailand": "Asia/Bangkok", "india": "Asia/Kolkata", "nepal": "Asia/Kathmandu",
    "sri lanka": "Asia/Colombo", "hungary": "Europe/Budapest", "poland": "Europe/Warsaw",
    "greece": "Europe/Athens", "ukraine": "Europe/Kyiv",
    "belgium": "Europe/Brussels", "switzerland": "Europe/Zurich", "germany": "Europe/Berlin",
    "spain": "Europe/Madrid", "italy": "Europe/Rome", "portugal": "Europe/Lisbon",
    "italia": "Europe/Rome", "italiana": "Europe/Rome", "italian": "Europe/Rome", "trapani": "Europe/Rome",
    "milano": "Europe/Rome", "milan": "Europe/Rome", "napoli": "Europe/Rome", "palermo": "Europe/Rome",
    "mexico": "America/Mexico_City", "méxico": "America/Mexico_City", "oaxaca": "America/Mexico_City",
    "chiapas": "America/Mexico_City", "guerrero": "America/Mexico_City", "brasil": "America/Sao_Paulo",
    "brazil": "America/Sao_Paulo", "pará": "America/Belem", "altamira": "America/Belem", "belém": "America/Belem",
    "tiflis": "Asia/Tbilisi", "georgien": "Asia/Tbilisi", "deutschland": "Europe/Berlin", "deutscher": "Europe/Berlin",
    "argentina": "America/Argentina/Buenos_Aires", "paraguay": "America/Asuncion", "uruguay": "America/Montevideo",
    "kowloon": "Asia/Hong_Kong", "zambia": "Africa/Lusaka", "lusaka": "Africa/Lusaka",
    # the cities of hearings and sessions as Russian and Arabic news write them, with the
    # Russian case endings they take ("в Женеве", "в Москве", "из Минска")
    "женева": "Europe/Zurich", "женеве": "Europe/Zurich", "женевы": "Europe/Zurich", "женеву": "Europe/Zurich",
    "москва": "Europe/Moscow", "москве": "Europe/Moscow", "москвы": "Europe/Moscow",
    "минск": "Europe/Minsk", "минске": "Europe/Minsk", "минска": "Europe/Minsk", "менску": "Europe/Minsk", "мінску": "Europe/Minsk",
    "бишкек": "Asia/Bishkek", "бишкеке": "Asia/Bishkek", "бишкека": "Asia/Bishkek",
    "алматы": "Asia/Almaty", "киев": "Europe/Kyiv", "киеве": "Europe/Kyiv", "київ": "Europe/Kyiv", "києві": "Europe/Kyiv",
    "тбилиси": "Asia/Tbilisi", "баку": "Asia/Baku", "ереван": "Asia/Yerevan", "ереване": "Asia/Yerevan",
    "جنيف": "Europe/Zurich", "القاهرة": "Africa/Cairo", "تونس": "Africa/Tunis", "بيروت": "Asia/Beirut",
}


def case_blind(table: dict, word: str):
    """table[word] for a word that a case-blind pattern built from the table's keys found. The
    word's lower (or upper) case is the key, but for letters the pattern equates and lower()
    does not: "İstanbul" lower-cases to "i̇stanbul" (two letters), "Naırobı" keeps its dotless ı."""
    for key in (word.lower(), word.upper()):
        if key in table:
            return table[key]
    return next(value for key, value in table.items() if re.fullmatch(re.escape(key), word, re.IGNORECASE))


def place_zone(name: str) -> str:
    """The zone of a place named in text, in whatever case."""
    return case_blind(PLACE_ZONES, name)
