"""The title of an opportunity, as a person would write it in a calendar: what it is about,
then what happens, in the language of the text ("Quiet Courage Prize 2027 – nominations
close", "Trial of the Kuzey Solidarity lawyers – appeal hearing, Istanbul").

The subject is looked for in this order: a named prize, programme or forum in the dated
sentence, the same in the post's title, the case a court date belongs to, the post's title
without its label ("Call for nominations:", "Webinar:"), and last the sentence itself.
"""

from __future__ import annotations

import functools
import re

from ..model import SUBTYPES
from .kinds import deadline_marker_before

TITLE_LIMIT = 120  # calendar apps cut a summary line about here

# What happens, by subtype, in the languages most used in human-rights publishing: one line
# per language, in the order of `_WHAT_ORDER`. A language missing here is written in English.
_WHAT_ORDER = SUBTYPES[:-1] + ("deadline", "event")
_WHAT_LINES = {
    "en": "nominations close|applications close|submissions due|sign-on deadline|registration closes|applications close|"
          "applications close|session|roundtable|webinar|side event|forum|conference|press conference|meeting|ceremony|"
          "workshop|hearing|trial hearing|appeal hearing|verdict|deadline|event",
    "fr": "clôture des candidatures|clôture des candidatures|date limite des contributions|date limite de signature|"
          "clôture des inscriptions|clôture des candidatures|clôture des candidatures|session|table ronde|webinaire|"
          "événement parallèle|forum|conférence|conférence de presse|réunion|cérémonie|atelier|audience|"
          "audience du procès|audience d'appel|verdict|date limite|événement",
    "es": "cierre de nominaciones|cierre de postulaciones|plazo para contribuciones|plazo para firmar|"
          "cierre de inscripciones|cierre de solicitudes|cierre de solicitudes|sesión|mesa redonda|webinario|"
          "evento paralelo|foro|conferencia|conferencia de prensa|reunión|ceremonia|taller|audiencia|"
          "audiencia del juicio|audiencia de apelación|sentencia|fecha límite|evento",
    "pt": "fim das indicações|fim das candidaturas|prazo para contribuições|prazo para assinar|fim das inscrições|"
          "fim das candidaturas|fim das candidaturas|sessão|mesa-redonda|webinário|evento paralelo|fórum|"
          "conferência|coletiva de imprensa|reunião|cerimônia|oficina|audiência|audiência do julgamento|"
          "audiência de recurso|sentença|prazo|evento",
    "de": "Nominierungsschluss|Bewerbungsschluss|Einsendeschluss|Frist zur Unterzeichnung|Anmeldeschluss|"
          "Antragsfrist|Bewerbungsschluss|Sitzung|Runder Tisch|Webinar|Begleitveranstaltung|Forum|Konferenz|"
          "Pressekonferenz|Treffen|Festakt|Workshop|Verhandlung|Prozesstermin|Berufungsverhandlung|"
          "Urteilsverkündung|Frist|Veranstaltung",
    "it": "scadenza delle candidature|scadenza delle candidature|scadenza dei contributi|scadenza delle adesioni|"
          "chiusura delle iscrizioni|scadenza delle domande|scadenza delle candidature|sessione|tavola rotonda|"
          "webinar|evento collaterale|forum|conferenza|conferenza stampa|incontro|cerimonia|workshop|udienza|"
          "udienza del processo|udienza d'appello|sentenza|scadenza|evento",
    "nl": "sluiting nominaties|sluiting sollicitaties|deadline bijdragen|deadline ondertekening|sluiting inschrijving|"
          "deadline aanvragen|sluiting aanmeldingen|sessie|rondetafelgesprek|webinar|nevenevenement|forum|"
          "conferentie|persconferentie|bijeenkomst|ceremonie|workshop|zitting|zitting|zitting in hoger beroep|"
          "uitspraak|deadline|evenement",
    "pl": "termin zgłaszania kandydatur|termin składania aplikacji|termin nadsyłania uwag|termin podpisania|"
          "koniec rejestracji|termin składania wniosków|termin składania aplikacji|sesja|okrągły stół|webinar|"
          "wydarzenie towarzyszące|forum|konferencja|konferencja prasowa|spotkanie|ceremonia|warsztaty|rozprawa|"
          "rozprawa|rozprawa apelacyjna|ogłoszenie wyroku|termin|wydarzenie",
    "ru": "окончание приёма номинаций|окончание приёма заявок|срок подачи материалов|срок подписания|"
          "окончание регистрации|окончание приёма заявок|окончание приёма заявок|сессия|круглый стол|вебинар|"
          "параллельное мероприятие|форум|конференция|пресс-конференция|встреча|церемония|семинар|"
          "судебное заседание|судебное заседание|апелляционное заседание|оглашение приговора|крайний срок|"
          "мероприятие",
    "uk": "завершення прийому номінацій|завершення прийому заявок|термін подання матеріалів|термін підписання|"
          "завершення реєстрації|завершення прийому заявок|завершення прийому заявок|сесія|круглий стіл|вебінар|"
          "паралельний захід|форум|конференція|пресконференція|зустріч|церемонія|семінар|судове засідання|"
          "судове засідання|апеляційне засідання|оголошення вироку|крайній термін|захід",
    "tr": "aday gösterme son günü|başvuru son günü|katkı için son gün|imza için son gün|kayıt son günü|"
          "başvuru son günü|başvuru son günü|oturum|yuvarlak masa|çevrimiçi seminer|yan etkinlik|forum|konferans|"
          "basın toplantısı|toplantı|tören|atölye|duruşma|duruşma|istinaf duruşması|karar duruşması|son gün|etkinlik",
    "ar": "آخر موعد للترشيحات|آخر موعد لتقديم الطلبات|آخر موعد لتقديم المساهمات|آخر موعد للتوقيع|آخر موعد للتسجيل|"
          "آخر موعد لتقديم الطلبات|آخر موعد لتقديم الطلبات|دورة|مائدة مستديرة|ندوة عبر الإنترنت|فعالية جانبية|منتدى|"
          "مؤتمر|مؤتمر صحفي|اجتماع|حفل|ورشة عمل|جلسة استماع|جلسة محاكمة|جلسة استئناف|النطق بالحكم|الموعد النهائي|فعالية",
}


@functools.lru_cache(maxsize=None)
def _what_table(lang: str) -> dict[str, str]:
    line = _WHAT_LINES.get(lang, _WHAT_LINES["en"])
    return dict(zip(_WHAT_ORDER, line.split("|"), strict=True))


def what(kind: str, subtype: str, lang: str) -> str:
    """What happens on the day, in `lang` (English for a language we have no words in).

    >>> what("deadline", "nomination", "fr"), what("hearing", "appeal", "es"), what("event", "other", "sv")
    ('clôture des candidatures', 'audiencia de apelación', 'event')
    """
    table = _what_table(lang)
    if subtype == "other" or subtype not in table:
        return table["deadline" if kind == "deadline" else "hearing" if kind == "hearing" else "event"]
    return table[subtype]


_CAP = r"[^\W\d_a-zà-ÿ][\w’'&.-]*"  # a word that starts with a capital (in any script that has them)
_LINK = r"(?:of|for|on|the|and|&|de|des|du|la|le|del|für|pour|per|di|do|da|dos|das|y|et|e|i|im|in|an|for)"
_HEAD_LAST = (r"Prize|Prizes|Award|Awards|Fellowship|Fellowships|Programme|Program|Forum|Summit|Academy|School|"
              r"Scholarship|Grant|Grants|Fund|Festival|Residency|Dialogue|Consultation|Lecture|Medal|Congress|Conference|Course")
_HEAD_FIRST = r"Prix|Premio|Premios|Prêmio|Preis|Nagroda|Nagrody|Beca|Bourse|Foro|Fórum|Programa|Premia|Премия|Конкурс|جائزة"
_YEAR = r"(?:\s(?:19|20)\d\d(?:[–/-]\d{2,4})?)?"
_NAMED = re.compile(
    rf"(?:{_CAP}\s(?:{_LINK}\s){{0,2}}){{1,6}}(?:{_HEAD_LAST})\b"
    rf"(?:\s(?:on|of|for|against)\s(?:the\s)?{_CAP}(?:\s(?:{_LINK}\s){{0,2}}{_CAP}){{0,6}})?{_YEAR}"  # "Forum on Business and Human Rights"
    # head first, then the name, in any case ("Premio De Sanctis per i diritti umani 2022"): up to a stop
    rf"|\b(?:{_HEAD_FIRST})\s[^\W\d_][\w’'.-]*(?:\s[^\W\d_][\w’'.-]*){{0,8}}{_YEAR}"
)
_TRAILING_LOWER = re.compile(r"(?:\s[^\W\d_A-ZÀ-ÞА-ЯЁ][\w’'.-]*)+$")  # "Prix des Droits de l'homme et" without a year
_LEADING_LINK = re.compile(rf"{_LINK}\s")  # "Nominations for the Harbour Light Prize": what is left of it
_NOT_NAMED = re.compile(r"^(?:The|This|These|Our|Its|Their|A|An|In|On|At|For|Apply|Nominate|Nominations|Applications|Call|Calls)\s")

# The case a court date belongs to: "trial of …", "Prozess gegen …", "Gezi Davası".
_CASE = re.compile(
    r"(?i:\b(?:re)?trial|\bcase|\bappeal|\bprosecution|\bprocès|\bjuicio|\bproceso|\bjulgamento|\bprocesso|\bProzess"
    r"|\baudiencia|\baudiência|\bсуд|\bдело|\bпроцесс)\s(?i:of|against|contre|contra|de|des|du|a|gegen|над|по делу)\s"
    r"(?P<who>[^\s,.;:()]+(?:\s[^\s,.;:()]+){0,11})"
    r"|(?P<named>(?:[^\W\d_a-zà-ÿ][\w’'-]*\s){1,3}[Dd]avası)"
    # "Avaz Zeynalli's hearing", "the 'Abzas Media' trial", "the Gezi trial": a case by its name
    r"|(?<![\w'‘“])['‘“]?(?P<own>(?!(?:The|A|An|This|That|His|Her|Their|Its|Next|Last|New|First|Second|Third|Final)\s)"
    r"[A-Z][\w-]+(?:\s[A-Z][\w-]+){0,3})(?:['’]s|['’”])?\s(?P<what>(?:re)?trial|case|hearing|appeal)\b"
)
_CASE_STOP = re.compile(
    r"\s(?:is|was|were|are|has|have|had|will|would|adjourned|postponed|delayed|resumes?|resumed|set|opens?|begins?|"
    r"continues?|ends?|closes?|to|in|at|on|before|after|until|for|reporté|renvoyé|aplazad[oa]|suspendid[oa]|"
    r"vertagt|отложен\w*|перенес\w*|ertelendi)\b.*$",
    re.IGNORECASE,
)

# A post title's leading label: "Call for nominations: …", "Webinar – …", "Vacancy | …".
_LABEL_WORDS = (
    r"call|calls|appel|appels|convocatoria|convocação|chamada|chamamento|aufruf|ausschreibung|bando|oproep|nabór|"
    r"конкурс|вакансия|vacancy|vacancies|job|jobs|poste|empleo|vaga|stelle|webinar|webinaire|webinario|webinário|"
    r"event|événement|evento|veranstaltung|deadline|reminder|rappel|urgent|update|news|actualité|noticia|notícia|"
    r"invitation|invitación|convite|einladung|save the date|open|now open|apply|announcement|annonce|anuncio|"
    r"breaking|breaking news|son dakika|exclusive|live|en direct|en vivo|ao vivo|eilmeldung|срочно|عاجل|"
    r"offre d['’]emploi|offre|emploi|recrutement|oferta de empleo|oferta|stellenangebot|stellenausschreibung|vacature|"
    r"oferta de trabalho|offerta di lavoro|ogłoszenie|вакансия|وظيفة|iş ilanı"
)
_LABEL = re.compile(rf"^\s*(?:[^:|–—\n]{{0,30}}\b(?i:{_LABEL_WORDS})\b[^:|–—\n]{{0,30}})\s*(?::|\||–|—|\s-\s)\s*(?=\S)")
_SITE_TAIL = re.compile(r"\s+[|–—]\s+[^|–—]{2,40}$")  # "Title | Site name"
_ARTICLE = re.compile(r"^(?:The|the|La|Le|Les|El|Los|Las|Die|Der|Das|Il|Lo|O|A)\s+(?=\S)")


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip(" .,;:–—-•*")
    for left, right in (("“", "”"), ('"', '"'), ("«", "»"), ("„", "“")):
        if text.startswith(left) and text.endswith(right) and len(text) > 2:
            text = text[1:-1]  # a title in quotes; one quote alone is part of it ("Special Issue: “Defending …”")
    return text.strip(" .,;:–—-•*")


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:–—-") + "…"


def _named(text: str) -> str | None:
    """A named prize, programme, forum… in `text` ("the Quiet Courage Prize 2027")."""
    for match in _NAMED.finditer(text):
        name = _ARTICLE.sub("", _clean(match.group()))
        if not re.search(r"\d$", name):
            name = _TRAILING_LOWER.sub("", name)  # the name ends at its last capital, or at its year
        while _NOT_NAMED.match(name + " ") or _LEADING_LINK.match(name):
            name = name.split(" ", 1)[1] if " " in name else ""
        if len(name.split()) >= 2:
            return _as_written(name)
    return None


def _as_written(text: str) -> str:
    """A line in capitals ("PRIJS VOOR MENSENRECHTEN 2018") as a title is written."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) > 6 and all(c.isupper() for c in letters):
        return text[:1] + text[1:].lower()
    return text


def _case(text: str) -> str | None:
    """The case a court date belongs to ("Trial of the Kuzey Solidarity lawyers")."""
    match = _CASE.search(text)
    if match is None:
        return None
    if match.group("named"):
        return _clean(match.group("named"))
    if match.group("own"):
        return f"{match.group('own')} {match.group('what').lower()}" if match.group("what").lower().endswith(("trial", "case")) else match.group("own")
    who = _CASE_STOP.sub("", " " + match.group("who")).strip()
    if not who or who.lower() in ("the", "a", "an", "this", "his", "her", "their"):
        return None
    head = _clean(text[match.start():match.start("who")] + who)
    return head[:1].upper() + head[1:]


_NOT_A_HEADING = re.compile(r"©|»|https?:|www\.|^\W*$|^[\d\s./:,-]+$|^(?:by|par|por|von|texto|text|fotos?|photos?)\b", re.IGNORECASE)
# Words that say what kind of post it is, not what it is about: a heading of only these
# ("Application Deadline", "Press releases", "Registrations are open") names no subject.
_FILLER = re.compile(
    rf"(?i:\b(?:{_LABEL_WORDS}|deadlines?|applications?|registrations?|nominations?|press|releases?|conference|"
    rf"note|info|date|dates|are|is|now|for|to|the|and|of|ngos|details|more|latest|breaking|son dakika|eventos|events|"
    rf"noticias|news|notícias)\b|\W|\d)*"
)


def _from_heading(heading: str) -> str | None:
    """The post's title without its label and site name ("Webinar: documenting …" → "documenting …")."""
    if _NOT_A_HEADING.search(heading.strip()) or len(re.findall(r"[^\W\d_]{2,}", heading)) < 2 or heading.count("|") > 1:
        return None  # a site's name, a byline, a time stamp, one word ("EVENTOS")
    text = _SITE_TAIL.sub("", heading.strip())
    for _ in range(2):  # "Urgent: Call for nominations: …"
        stripped = _LABEL.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    text = _ARTICLE.sub("", _clean(text))
    if len(text) < 4 or _FILLER.fullmatch(text):
        return None  # only a label left ("Call for nominations")
    text = _as_written(text)
    return text[:1].upper() + text[1:]


_ATTRIBUTION = re.compile(
    r"^.{0,120}?\b(?:said|says|stated|reported|announced|noted|warned|confirmed|explained)\b(?: in a \w+)?(?: on \w+)?(?:,)? that\s+"
    r"|^(?:In addition|Meanwhile|Moreover|However|Also|Furthermore|Today|Tomorrow),\s+",
    re.IGNORECASE,
)


# The words that led up to the date, left dangling once it is taken out ("has been set for").
_BEFORE_DATE = re.compile(
    r"(?:(?:^|\s+)(?:is|are|be|on|for|to|until|till|by|at|from|of|au|le|du|jusqu'au|el|al|del|hasta|am|bis|zum|ab|em|no|na|até|entro|il|"
    r"fino al|dal|do|на|в|во|до|с|ile|kadar|في|حتى))*\s*\x00\s*(?:,\s*)?",
    re.IGNORECASE,
)
# A day as the subject: "Thursday sees the start of the forum" is about the forum.
_DAY_SUBJECT = re.compile(r"\x00\s+(?:sees|marks|will see|will mark|brings|will bring) the (?:start|opening|beginning|launch|first day) of\s+")
# A clock time and its zone, which the calendar shows already ("at 11:00 CET", "à 14h30").
_CLOCK = re.compile(
    r"(?:\s+(?:at|from|à|a las|às|um|alle|ab|в|saat))?\s*\b\d{1,2}(?:[:.h]\d{2}|h)(?:\s*[ap]\.?m\.?|\s+(?:horas|hrs|heures|Uhr|hours|ore|часов))?"
    r"(?:\s*(?:[A-Z]{3,4}T?|UTC|GMT)(?:\s*[+-]\s*\d{1,2}(?::\d{2})?)?)?(?![\w:])",
)
_CLAUSE_END = re.compile(r",\s(?:which|who|where|while|as|but|qui|que|donde|wo|который|которая)\b|;\s|\s[–—]\s|:\s")


# what a cut leaves hanging at the end: "The call will (close on …)", "Заявки принимаются (до … ) года"
_DANGLING = re.compile(
    r"(?:\s+(?:will|shall|must|should|is|are|be|to be|has been|sera|seront|será|serão|sarà|года|року|г|r|"
    r"inclusive|inclus|включительно|включно|einschließlich)\.?|\s*['’](?:d[aeıi]r?|t[aeıi]r?|d[aeıi]n|n[ıi]n))+$",
    re.IGNORECASE,
)


def _from_sentence(sentence: str, date_text: str) -> str:
    """The sentence without its date, attribution and filler words: the last resort, cut
    at the end of its first clause."""
    text = _ATTRIBUTION.sub("", sentence.replace(date_text, "\x00", 1)) if date_text else sentence
    at = text.find("\x00")
    if at > 0:
        text = text[text.rfind(";", 0, at) + 1:].lstrip()  # the date's own clause
        at = text.find("\x00")
        marker = deadline_marker_before(text[:at])
        text = text[:marker] + text[at:] if marker > 0 else text  # "submitted by close of business on"
    if re.search(r"[^\W\d_]{2,}\W+[^\W\d_]{2,}\W[^\x00]*\x00\s*,", text):
        text = text[:text.index("\x00") + 1]  # "… set for 3 May, lawyers said": the clause ends with its date
    text = _CLOCK.sub("", _BEFORE_DATE.sub(" ", _DAY_SUBJECT.sub("", text))).replace("\x00", " ")
    end = _CLAUSE_END.search(text, 20)
    text = _DANGLING.sub("", _clean(text[:end.start()] if end else text))
    return text[:1].upper() + text[1:] if text else "Untitled"


def subject(kind: str, headings: tuple[str | None, ...], sentence: str, date_text: str) -> str:
    """What the opportunity is about, from the most specific clue the text gives; `headings`
    are the lines that head the sentence's part of the text, nearest first."""
    above = [h for h in headings if h]
    found = _named(sentence)
    named_above = next(filter(None, map(_named, above)), None)
    if found is None or named_above and found in named_above:
        found = named_above or found  # "Summer Course" here, "Summer Course on … Human Rights" in the title
    if found is None and kind == "hearing":
        found = _case(sentence)
    found = found or next(filter(None, map(_case, above)), None) or next(filter(None, map(_from_heading, above)), None)
    return found or _from_sentence(sentence, date_text)


def subject_of(title: str) -> str:
    """A title's subject, without what happens ("Quiet Courage Prize 2027")."""
    return title.rsplit(" – ", 1)[0]


@functools.lru_cache(maxsize=32)  # the dates of one sentence ask the same question
def title(kind: str, subtype: str, headings: tuple[str | None, ...], sentence: str, date_text: str, lang: str,
          place: str | None = None) -> str:
    """"Subject – what[, place]": the place only for what happens somewhere (not a deadline),
    and only when the subject does not name it already.

    >>> title("deadline", "nomination", ("Call for nominations: the Quiet Courage Prize 2027",), "Nominations close on 15 March.", "15 March", "en")
    'Quiet Courage Prize 2027 – nominations close'
    >>> title("hearing", "appeal", (), "The appeal of the Lamu land defenders will be heard on 3 May.", "3 May", "en", "Nairobi")
    'Appeal of the Lamu land defenders – appeal hearing, Nairobi'
    """
    happens = what(kind, subtype, lang)
    about = _shorten(subject(kind, headings, sentence, date_text), TITLE_LIMIT - len(happens) - 3)
    # "Webinar on shrinking civic space", "Online roundtable with …", "Internet Governance Forum"
    # say what happens already
    says = re.match(rf"(?:\S+\s){{0,3}}{re.escape(happens)}\b|.*\b{re.escape(happens)}$", about, re.IGNORECASE)
    line = about if says else f"{about} – {happens}"
    if place and kind != "deadline" and len(place) <= 60 and place.lower() not in about.lower():
        line += f"{'، ' if lang == 'ar' else ', '}{place}"
    return line
