"""Descriptive fields of an opportunity: title, organiser, place, link, contact, reference.

Each reader looks first in the sentence the date came from, then in the rest of the post,
and returns None rather than guess.
"""

from __future__ import annotations

import functools
import re

from .lexicon import PLACE_ZONES

_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+[^\s<>\"'()\[\].,;:!?’”]")
_EMAIL = re.compile(r"(?<![\w.+-])(?=[\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_REFERENCE = re.compile(
    r"(?<![^\W\d_])(?=[^\W\d_])(?:ref(?:erence)?\.?(?:\s(?:no\.?|number|code))?|vacancy\s(?:no\.?|number)|job\s(?:id|code|no\.?)|réf(?:érence)?\.?|referencia)"
    r"\s*[:#]?\s*(?P<code>[A-Z0-9][A-Z0-9/_.-]{1,30}[A-Z0-9])\b",
    re.IGNORECASE,
)
_ONLINE = re.compile(
    r"\b(?:online|virtual(?:ly)?|webinars?|zoom|microsoft teams|webex|livestream\w*|en ligne|en l[ií]nea|virtuel\w*|à distance|remote(?:ly)? via)\b",
    re.IGNORECASE,
)
_NAME_WORD = r"(?:[A-Z][\w&’'-]*|[A-Z]{2,})"
_CONNECTOR = r"(?:of|for|the|and|on|de|des|du|la|le|del|für|für|&|pour|per|di|do|da)"
_ORG = rf"{_NAME_WORD}(?:\s(?:{_CONNECTOR}\s)*{_NAME_WORD}){{0,9}}(?:\s\((?:[A-Z][\w-]{{1,12}})\))?"
_ORG_BY = re.compile(
    rf"\b(?i:organi[sz]ed|co-organi[sz]ed|hosted|convened|run|issued|launched|coordinated|led|offered|funded|awarded|sponsored|organisé|organisée|organizado|organizada|convocad[ao]|veranstaltet)\s(?:jointly\s)?(?i:by|par|por|von):?\s(?:the\s)?(?P<org>{_ORG})"
)
_ORG_SUBJECT = re.compile(
    rf"(?:^|[.:;]\s)(?:The\s)?(?P<org>{_ORG})\s(?:is recruiting|is hiring|seeks|is seeking|is looking for|invites|calls for|is calling for|opens|announces|will host|will hold|will organi[sz]e|is organi[sz]ing|will be collecting|is collecting|launches|welcomes applications|recrute|convoca|invita|lanza|abre)\b"
)
_ACRONYM_PAIR = re.compile(rf"(?P<org>{_NAME_WORD}(?:\s(?:{_CONNECTOR}\s)*{_NAME_WORD}){{1,8}}\s\((?P<acr>[A-Z][A-Za-z]{{1,10}})\))")
_NOT_ORGS = re.compile(r"^(?:The|This|These|Our|We|It|In|On|At|For|From|All|Please|Deadline|Applications?|Nominations?|Call|Apply|Send|Date|Location|Venue|Note|Read|See|Click|More|Contact|Email|Candidates|Interviews)\b")
_CITY = re.compile(
    r"\b(?:in|at|à|en|a|in the city of|held in)\s(?P<city>" + "|".join(re.escape(p.title()) for p in sorted(PLACE_ZONES, key=len, reverse=True) if " " in p or len(p) > 4) + r")\b"
)
_VENUE = re.compile(r"\b(?:Palais des Nations|Palais Wilson|Room\s[IVXLC\d]+|Salle\s[IVXLC\d]+|Sala\s[IVXLC\d]+)\b[^.;\n]{0,40}")

_SUFFIX = {
    "job": "applications close", "nomination": "nominations close", "registration": "registration closes",
    "sign-on": "sign-on deadline", "call-for-input": "submissions due", "grant": "applications close",
    "fellowship": "applications close", "other": "deadline",
}
_EVENT_LABEL = {
    "session": "Session", "roundtable": "Roundtable", "webinar": "Webinar", "side-event": "Side event",
    "forum": "Forum", "conference": "Conference", "press-conference": "Press conference", "meeting": "Meeting",
    "ceremony": "Ceremony", "workshop": "Workshop", "hearing": "Hearing", "trial": "Trial hearing",
    "appeal": "Appeal hearing", "verdict": "Verdict expected", "other": "Event",
}


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip(" .,;:–—-•*")
    return text


def _shorten(text: str, limit: int = 110) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


# The readers below are pure functions of the sentence and the post, and the dates of one
# sentence (or of a text that repeats one sentence) ask them the same question: each keeps
# its last few answers.
_RECENT = 32


@functools.lru_cache(maxsize=_RECENT)
def title(kind: str, subtype: str, post_title: str | None, sentence: str, date_text: str) -> str:
    """A line a person could put in a calendar, not the matched date text."""
    subject = _clean(post_title) if post_title else _sentence_subject(sentence, date_text)
    subject = _shorten(subject, 100)
    if kind == "deadline":
        return f"{subject}: {_SUFFIX.get(subtype, 'deadline')}"
    label = _EVENT_LABEL.get(subtype, "Event")
    if subject.lower().startswith(label.lower().split()[0]):
        return subject
    return f"{label}: {subject}"


_ATTRIBUTION = re.compile(
    r"^.{0,120}?\b(?:said|says|stated|reported|announced|noted|warned|confirmed|explained)\b(?: in a \w+)?(?: on \w+)?(?:,)? that\s+"
    r"|^(?:In addition|Meanwhile|Moreover|However|Also|Furthermore|Today|Tomorrow),\s+",
    re.IGNORECASE,
)


def _sentence_subject(sentence: str, date_text: str) -> str:
    """The sentence without its date, attribution and filler words, as a fallback subject."""
    text = _ATTRIBUTION.sub("", sentence.replace(date_text, " "))
    text = text[:1].upper() + text[1:]
    text = re.sub(r"\b(?:on|from|by|until|to|of|at)\s+(?=[,.;]|\s*$)", " ", text)
    text = re.sub(r"\s+(?:on|by)\s+(?=the (?:appeal|case|trial))", " ", text)
    return _clean(text) or "Untitled"


def _org_name(text: str) -> str:
    return re.sub(r"^(?:The|the|La|Le|El|Die|Der)\s+", "", _clean(text))


def _spelled_out(name: str, post_text: str) -> str:
    """"FIDH" becomes "International Federation for Human Rights (FIDH)" when the post says so."""
    if not re.fullmatch(r"[A-Z]{2,10}", name):
        return name
    for match in _ACRONYM_PAIR.finditer(post_text[:5000]):
        if match.group("acr") == name:
            return _org_name(match.group("org"))
    return name


# UN mandates are named in lower case after their head word: "Special Rapporteur on the situation of …".
_MANDATE = re.compile(r"(?:Special Rapporteur|Independent Expert|Working Group|Committee|Commission)\s(?:on|for|of)\s[^.;:\n()]{3,90}")


def _stated_organizer(text: str) -> str | None:
    for pattern in (_ORG_BY, _ORG_SUBJECT):
        match = pattern.search(text)
        if match and not _NOT_ORGS.match(match.group("org")):
            mandate = _MANDATE.match(text, match.start("org"))
            return _org_name(mandate.group() if mandate else match.group("org"))
    return None


@functools.lru_cache(maxsize=_RECENT)
def organizer(sentence: str, post_title: str | None, post_head: str) -> str | None:
    """Who runs the opportunity, when the text says so plainly: in the sentence, else in
    the post's title or opening."""
    found = _stated_organizer(sentence)
    return _spelled_out(found, post_head) if found else _post_organizer(post_title or "", post_head)


@functools.lru_cache(maxsize=64)  # every date of a post asks the same question of its head
def _post_organizer(post_title: str, post_head: str) -> str | None:
    found = _stated_organizer(post_title) or _stated_organizer(post_head[:3000])
    if found:
        return _spelled_out(found, post_head)
    match = _ACRONYM_PAIR.search(post_title) or _ACRONYM_PAIR.search(post_head[:1500])
    if match and not _NOT_ORGS.match(match.group("org")):
        return _org_name(match.group("org"))
    return None


@functools.lru_cache(maxsize=_RECENT)
def location(sentence: str, post_title: str | None) -> str | None:
    """A venue or city named in the sentence (or the post title)."""
    venue = _VENUE.search(sentence)
    if venue:
        return _clean(venue.group())
    for text in (sentence, post_title or ""):
        city = _CITY.search(text)
        if city:
            return city.group("city")
    return None


@functools.lru_cache(maxsize=_RECENT)
def online(sentence: str, post_head: str) -> bool | None:
    """True when the sentence (or, failing that, the post's opening) says it happens online."""
    if _ONLINE.search(sentence):
        return True
    return _post_online(post_head[:4000])


@functools.lru_cache(maxsize=64)
def _post_online(post_head: str) -> bool | None:
    return True if _ONLINE.search(post_head) else None


def _nearest(items: list[re.Match], position: int) -> re.Match | None:
    if not items:
        return None
    after = [m for m in items if m.start() >= position]
    return after[0] if after else items[-1]


def url(sentence: str, post_text: str, position: int) -> str | None:
    """The link in the sentence, else the first one after it in the post, else the last before."""
    found = _URL.search(sentence)
    if found:
        return found.group()
    match = _nearest(list(_URL.finditer(post_text)), position)
    return match.group() if match else None


def contact(sentence: str, post_text: str, position: int) -> str | None:
    """E-mail addresses in the sentence, else the one nearest after it in the post."""
    if "@" not in post_text:
        return None
    emails = _EMAIL.findall(sentence)
    if emails:
        return ", ".join(dict.fromkeys(emails))
    match = _nearest(list(_EMAIL.finditer(post_text)), position)
    return match.group() if match else None


@functools.lru_cache(maxsize=_RECENT)
def reference(sentence: str, post_text: str) -> str | None:
    """A job or call reference code ("quoting reference DOIG-UE-0126")."""
    for text in (sentence, post_text):
        lowered = text.lower()
        if not any(word in lowered for word in ("ref", "réf", "vacancy", "job")):
            continue
        for match in _REFERENCE.finditer(text):
            code = match.group("code")
            if any(c.isdigit() for c in code):
                return code
    return None
