"""Descriptive fields of an opportunity: organiser, place, link, contact, reference (the
title has a module of its own, `titles`).

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
    r"(?<![^\W\d_])(?=[^\W\d_])(?:ref(?:erence)?\.?(?:\s(?:no\.?|number|code))?|vacancy\s(?:no\.?|number)|job\s(?:id|code|no\.?)|réf(?:érence)?\.?|referencia"
    r"|quoting|quote|citing|en indiquant|indicando|unter angabe)"
    r"\s*[:#]?\s*(?:(?:the\s)?(?:reference|référence|referencia)\s)?(?P<code>[A-Z0-9][A-Z0-9/_.-]{1,30}[A-Z0-9])\b"
    # a code that says what it is: "REF-2026-022"
    r"|\b(?P<bare>(?-i:REF|Ref|VAC|JOB)[-/][A-Z0-9][A-Z0-9/_.-]{1,28}[A-Z0-9])\b",
    re.IGNORECASE,
)
_ONLINE = re.compile(
    r"\b(?:online|virtual(?:ly)?|webinars?|zoom|microsoft teams|webex|livestream\w*|en ligne|en l[ií]nea|virtuel\w*|à distance|remote(?:ly)? via)\b",
    re.IGNORECASE,
)
_NAME_WORD = r"(?:[A-Z][\w&’'-]*|[A-Z]{2,})"
_CONNECTOR = r"(?:of|for|the|and|on|de|des|du|la|le|del|für|für|&|pour|per|di|do|da)"
# A name's words are capitalised; a lower-case one only before "de"/"of" and another
# capitalised word ("Maison des libertés de Lyon").
_ORG = (rf"{_NAME_WORD}(?:\s(?:{_CONNECTOR}\s)*(?:{_NAME_WORD}|[a-zà-ÿ]{{4,}}(?=\s{_CONNECTOR}\s[A-Z]))){{0,9}}"
        rf"(?:\s\((?:[A-Z][\w-]{{1,12}})\))?")
_ORG_BY = re.compile(
    rf"\b(?i:(?:joint\s)?statement|organi[sz]ed|co-organi[sz]ed|hosted|convened|run|issued|launched|coordinated|led|offered|funded|awarded|sponsored|organisé|organisée|organizado|organizada|convocad[ao]|veranstaltet)\s(?:jointly\s)?(?i:by|par|por|von):?\s(?:the\s)?(?P<org>{_ORG})"
)
_ORG_SUBJECT = re.compile(
    rf"(?:^|[.:;]\s|\n)(?:The\s)?(?P<org>{_ORG})\s(?:is recruiting|is hiring|seeks|is seeking|is looking for|invites|calls for|is calling for|opens|announces|will host|will hold|will organi[sz]e|is organi[sz]ing|will be collecting|is collecting|launches|welcomes applications|recrute|convoca|invita|lanza|abre|ouvre|ouvrent|öffnet|открывает|organise|organisent|organiza|organizam|organizza|veranstaltet|lädt|"
    rf"проводит|проведет|düzenliyor|düzenleyecek)\b"
)
# "Le Réseau ouest-africain des défenseurs recrute …": in French, Spanish, Portuguese, Italian
# and German only the first word of a name is capitalised; the article and the verb bound it.
_ORG_ARTICLE = re.compile(
    r"(?:^|[.:;]\s|\n)(?:Le|La|L['’]|Les|El|Los|Las|O|A|Il|Lo|Die|Der|Das)\s?(?P<org>[A-ZÀ-Þ][\w'’·-]*(?:\s[\w'’·-]+){0,6}?)\s"
    r"(?:recrute|recrutent|organise|organisent|lance|lancent|ouvre|ouvrent|invite|invitent|convoca|convocan|organiza|organizan|"
    r"busca|contrata|lanza|abre|recruta|organizza|organizzano|cerca|sucht|lädt|veranstaltet|öffnet|vergibt)\b"
)
_ACRONYM_PAIR = re.compile(rf"(?P<org>{_NAME_WORD}(?:\s(?:{_CONNECTOR}\s)*{_NAME_WORD}){{1,8}}\s\((?P<acr>[A-Z][A-Za-z]{{1,10}})\))")
_NOT_ORGS = re.compile(r"^(?:The|This|These|Our|We|It|In|On|At|For|From|All|Please|Se|On|Il|Elle|Nous|Wir|Es|Мы|Deadline|Applications?|Nominations?|Call|Apply|Send|Date|Location|Venue|Note|Read|See|Click|More|Contact|Email|Candidates|Interviews)\b")
# Words of the place table that name a language or a people, not a place ("in German").
_NOT_PLACES = {"swiss", "belgian", "french", "dutch", "german", "spanish", "british", "turkish", "uk", "italian",
               "italiana", "deutscher", "georgien"}
_PLACE_NAMES = "|".join(re.escape(p) for p in sorted(PLACE_ZONES, key=len, reverse=True) if p not in _NOT_PLACES)
# A known place after "in", "at" and their kin in the languages we read, starting with a capital
# where its script has them; "İstanbul'da" in Turkish; "for its Nairobi office".
_CITY = re.compile(
    rf"(?i:\b(?:in|at|à|en|a|em|no|na|nel|nella|w|we|im|in der|held in|in the city of)\s|(?<!\w)(?:в|во|у|ў|في|ب)\s?)"
    rf"(?P<city>(?=[^a-z])(?i:{_PLACE_NAMES}))(?!\w)"
    rf"|(?P<tr>(?=[^a-z])(?i:{_PLACE_NAMES}))['’](?:d[ae]|t[ae])\b"
    rf"|(?P<office>(?=[^a-z])(?i:{_PLACE_NAMES}))\s(?i:office|bureau|oficina|escritório|Büro|ufficio)\b"
    rf"|(?i:bureau|oficina|escritório|ufficio|Büro|офис\w*)\s(?i:de|di|em|en|in|à|a|в)\s(?P<office_in>(?=[^a-z])(?i:{_PLACE_NAMES}))(?!\w)"
)
_VENUE = re.compile(r"\b(?:Palais des Nations|Palais Wilson|Room\s[IVXLC\d]+|Salle\s[IVXLC\d]+|Sala\s[IVXLC\d]+)\b[^.;\n]{0,40}")
# The court a hearing is held at: "Baku Serious Crimes Court", "Court of Appeal of Nairobi",
# "tribunal de première instance de Tunis", "İstanbul 30. Ağır Ceza Mahkemesi".
_COURT = re.compile(
    r"(?<![\w-])(?!The\s|A\s|This\s)(?:[A-Z][\w'’.-]*\s){1,5}(?:Court|Tribunal)s?(?:\sof\s(?:Appeal|Justice|First Instance|Cassation)s?)?"
    r"(?:\s(?:of|for|in)\s(?:the\s)?[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,2})?"
    r"|(?<!\w)(?:Tribunal|tribunal|Cour|cour|Corte|Tribunale|tribunale|Juzgado|juzgado|Sala|Vara)\s(?:[^\W\d][\w'’-]*\s){0,6}?"
    r"(?:de|di|do|da|du|of)\s(?:la\s)?[A-ZÀ-Þ][\w'’-]+(?:\s[A-ZÀ-Þ][\w'’-]+)*"
    r"(?:\s(?:de|di|do|da|du|of)\s(?:la\s)?[A-ZÀ-Þ][\w'’-]+(?:\s[A-ZÀ-Þ][\w'’-]+)*)*"
    r"|(?:[A-ZÇĞİÖŞÜ][\w.]*\s){1,3}(?:\d+\.\s)?(?:Ağır Ceza|Asliye Ceza|Bölge Adliye)\sMahkemesi"  # not "Ekim’de"
)
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
    for pattern in (_ORG_BY, _ORG_SUBJECT, _ORG_ARTICLE):
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
def location(kind: str, sentence: str, post_title: str | None) -> str | None:
    """Where it happens, as the sentence (or else the post's title) says: a venue, the court
    of a hearing, a known city; None rather than a guess."""
    venue = _VENUE.search(sentence)
    if venue:
        return _place(venue.group())
    for text in (sentence, post_title or ""):
        court = _COURT.search(text) if kind == "hearing" else None
        if court:
            return _clean(court.group())
        city = _CITY.search(text)
        if city:
            return next(filter(None, city.group("city", "tr", "office", "office_in")))
    return None


# "Venue: Maison de la Paix, Geneva" on a line of its own, under the date or above it.
VENUE_LINE = re.compile(
    r"^[ \t•*-]*(?i:venue|location|where|place|lieu|lugar|local|ort|veranstaltungsort|luogo|место(?: проведения)?|"
    r"المكان|yer|miejsce|locatie|adres|address|adresse|dirección|endereço)[ \t]*:[ \t]*(?P<place>[^\n]{3,120})",
    re.MULTILINE,
)


def venue_line(match: re.Match) -> str | None:
    """The place a venue line names; None for one that says it is online."""
    place = match.group("place").strip()
    if place[:1].isdigit():  # "Venue: 2nd – 11th of September 2013, Poznań (Poland)": the dates first
        place = place.rsplit(",", 1)[1] if "," in place else ""
    place = _place(place)
    return None if not place or _ONLINE.match(place) else _shorten(place, 80)


def _place(text: str) -> str:
    """A venue without what follows it ("Room XXV, Palais des Nations, and streamed on …")."""
    return _clean(re.split(r",?\s(?:and|with|et|avec|y|con|e|und|mit)\s|;|\s[–—]\s", text, maxsplit=1)[0])


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


# What an address to send a signature to is introduced with: it is no contact for a hearing.
_SIGN_ON = re.compile(r"\b(?:sign(?!\s?-?up\b|\s+in\b)|firm(?:a|as|ar|e)\b|adhe|adhé|unterzeich|unterschrift|assin|podpis|подпис|imza)"
                      r"|توقيع", re.IGNORECASE)  # not "sign up", not "confirm"


def contact(sentence: str, post_text: str, position: int, sign_on: bool = True) -> str | None:
    """E-mail addresses in the sentence, else the one nearest after it in the post; an
    address for signatures only where `sign_on` (a deadline, not a hearing or an event)."""
    if "@" not in post_text and "@" not in sentence:
        return None
    emails = [m for m in _EMAIL.finditer(sentence) if sign_on or not _for_signatures(sentence, m)]
    if emails:
        return ", ".join(dict.fromkeys(m.group() for m in emails))
    found = [m for m in _EMAIL.finditer(post_text) if sign_on or not _for_signatures(post_text, m)]
    match = _nearest(found, position)
    return match.group() if match else None


def _for_signatures(text: str, email: re.Match) -> bool:
    """True when the address is one to send a signature to (the words before it, or its name, say so)."""
    clause = re.split(r"[.!?\n]\s", text[max(0, email.start() - 150):email.start()])[-1]
    return bool(_SIGN_ON.search(clause) or _SIGN_ON.match(email.group()))


@functools.lru_cache(maxsize=_RECENT)
def reference(sentence: str, post_text: str) -> str | None:
    """A job or call reference code ("quoting reference DOIG-UE-0126", "REF-2026-022")."""
    for text in (sentence, post_text):
        lowered = text.lower()
        if not any(word in lowered for word in ("ref", "réf", "vacancy", "job", "quot", "citing", "indica", "angabe")):
            continue
        for match in _REFERENCE.finditer(text):
            code = match.group("code") or match.group("bare")
            if any(c.isdigit() for c in code):
                return code
    return None
