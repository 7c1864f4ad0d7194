"""Decide what a dated sentence announces: a deadline, an event or a court date, and
whether it still lies ahead for the reader (forward-looking) or reports the past.

Cues are weighed by how close they stand to the date: in "On 5 January 2026 NGOs issued a
statement ahead of the final hearing scheduled for 5 to 9 January 2026" the first date sits
next to "issued" and the second next to "hearing scheduled for".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE

# (pattern, kind, subtype, weight). The subtype may be None: another cue names it.
_KIND_CUES: list[tuple[str, str, str | None, float]] = [
    # deadlines
    (r"deadlines?|closing date|date limite|fecha l[ií]mite|plazo|prazo|frist|scadenza|bewerbungsschluss|einsendeschluss", "deadline", None, 3.0),
    (r"no later than|not later than|at the latest|au plus tard|a m[aá]s tardar|spätestens|entro e non oltre|o mais tardar", "deadline", None, 3.0),
    (r"nominations?|nominate|nominees?|candidatures?|candidaturas?|postulaci[oó]n(?:es)?|postulantes?", "deadline", "nomination", 2.0),
    (r"applications?|apply|applicants?|cover letter|\bCV\b|curriculum|résumé|resume\b|recruit\w*|vacanc\w+|job (?:offer|opening)|hiring|postuler|candidater|postular|bewerbung|bewerben|candidatar", "deadline", "job", 1.6),
    (r"submissions?|submit|inputs?|contributions?|questionnaires?|contribuciones|aportes|comentarios|contributions écrites|stellungnahmen", "deadline", "call-for-input", 1.6),
    (r"regist\w+|RSVP|sign[ -]?up|confirm (?:your )?(?:participation|attendance)|inscri\w+|anmeld\w+|iscri\w+", "deadline", "registration", 1.8),
    (r"sign[- ]on|signator\w+|sign (?:the|our|this) (?:letter|statement|petition|appeal)|endorse\w*|signatures?|firmas?|adhesiones|unterzeichn\w+", "deadline", "sign-on", 1.8),
    (r"grants?|funding|subvenci\w+|subventions?|financement|financiamiento|förderung|sovvenzion\w+", "deadline", "grant", 1.2),
    (r"fellowships?|scholarships?|internships?|residenc(?:y|ies)|bourses?|becas?|stipendi\w+|pasant[ií]as?|stages?\b", "deadline", "fellowship", 1.3),
    # events
    (r"side[- ]events?|événement parallèle|evento paralelo|evento paralelo|nebenveranstaltung", "event", "side-event", 2.6),
    (r"round[- ]?tables?|table ronde|mesa redonda|tavola rotonda|runder tisch", "event", "roundtable", 2.6),
    (r"webinars?|webinaires?|seminario web|online (?:event|discussion|briefing|meeting|session)", "event", "webinar", 2.4),
    (r"press conferences?|press briefings?|conférence de presse|rueda de prensa|conferencia de prensa|pressekonferenz|conferenza stampa|coletiva de imprensa", "event", "press-conference", 2.8),
    (r"(?:regular |special |\d+(?:st|nd|rd|th) )?sessions? of the (?:UN |United Nations )?Human Rights Council|HRC ?\d\d|(?:\d+(?:st|nd|rd|th|e|ème|ª|a)|regular|special|annual|plenary) sessions?|sesi[oó]n(?:es)? (?:ordinaria|del consejo)|session du conseil|sessione", "event", "session", 2.4),
    (r"forums?|foro|fórum", "event", "forum", 2.2),
    (r"conferences?|congress|conférence|conferencia|konferenz|conferenza|summit|sommet|cumbre", "event", "conference", 2.0),
    (r"ceremon\w+|award(?:s)? (?:ceremony|event)|cérémonie|ceremonia|verleihung|premiazione|cerimônia", "event", "ceremony", 2.2),
    (r"workshops?|trainings?|atelier|formation|taller|capacitaci[oó]n|schulung|seminars?|séminaire|seminario", "event", "workshop", 1.8),
    (r"meet(?:s|ing|ings)?\b|consultations?|dialogues?|briefings?|réunion|reunión|rencontre|encuentro|treffen|incontro|visit|vigil|screening|launch|exhibition|panel|event\b|événement|evento|veranstaltung|debate|débat", "event", "meeting", 1.2),
    # court dates
    (r"(?:court|tribunal) of appeals?|appeals? (?:hearing|court|trial)|appeals?|appellate|cassation|cour d'appel|apelaci[oó]n|recurso|berufung|revisione|appello|recurso", "hearing", "appeal", 2.4),
    (r"verdicts?|judg(?:e)?ments?|sentencing|ruling|décision|délibéré|sentencia|fallo|urteil|sentenza|veredicto", "hearing", "verdict", 2.0),
    (r"trials?|procès|juicio|proceso judicial|prozess|processo|julgamento", "hearing", "trial", 2.4),
    (r"hearings?|court|tribunal|judge|juge|adjourn\w*|postponed|audiences?|audiencias?|audiência|anhörung|verhandlung|udienza|prosecut\w+|defendants?|accused|juzgado|gericht|tribunale", "hearing", "hearing", 2.0),
]
_KIND = [(re.compile(rf"\b(?:{p})", _I), kind, sub, w) for p, kind, sub, w in _KIND_CUES]

# Cues that the dated thing is still to come, and that it is already past.
_FORWARD = re.compile(
    r"\b(?:will|shall|(?:is|are) (?:due|expected|scheduled|set|going|invited|encouraged|welcome)|to be (?:held|presented|launched|heard|examined|discussed|adopted|considered)"
    r"|scheduled|upcoming|forthcoming|next|until|till|by|before|no later than|not later than|deadline|due|closes?|closing"
    r"|adjourned (?:to|until)|postponed (?:to|until)|deferred (?:to|until)|moved to|extended (?:to|until)|set for|expected|planned"
    r"|takes place|opens?|apply|submit|send|register|confirm|join us|join|RSVP|nominate|sign|invite[sd]?|please|must|should|can|may|open until"
    r"|se tiendra|aura lieu|reprendra|jusqu'au|jusqu’au|avant le|prévue?s?|renvoy[ée]e? au|report[ée]e? au|doit|doivent"
    r"|hasta|antes del|se celebrar[áa]|tendr[áa] lugar|ser[áa]|prevista|programad[ao]|aplazad[ao] (?:al|para)|pospuest[ao] (?:al|para)"
    r"|bis zum|bis|wird|werden|findet|stattfinden|vorgesehen|entro|si terr[àa]|avr[àa] luogo|sar[àa]|at[ée]|será|ocorrerá|acontecerá)\b",
    _I,
)
_RETRO = re.compile(
    r"\b(?:took place|was held|were held|ran from|ran between|brought together|gathered|was (?:arrested|detained|released|sentenced|killed|abducted|convicted|acquitted|published|issued|launched|adopted|presented|founded|born|attacked|summoned|charged|interrogated)"
    r"|were (?:arrested|detained|released|sentenced|killed|abducted|convicted|acquitted|published|issued|adopted|presented|charged)"
    r"|arrested|detained|released|sentenced|convicted|acquitted|killed|murdered|died|disappeared|abducted|raided|stormed|banned|designated|blocked|dismissed|deported|expelled|jailed|imprisoned|tortured"
    r"|published|issued|said|says|stated|reported|wrote|sent|expressed|announced|adopted|occurred|happened|began|ended|concluded|marked|celebrated|welcomed|condemned|denounced|decried"
    r"|called on|urged|decided|ruled|visited|attended|participated|spoke|delivered|organi[sz]ed|hosted|held|met|joined|signed|submitted|received|won|awarded|honoured|honored|went|came|closed|opened|filed|lodged"
    r"|since|ago|last year|last month|last week|anniversary|initially|originally|previously|earlier|formerly|was|were|had|did"
    r"|a eu lieu|s'est tenue?|s’est tenue?|ont eu lieu|a été|ont été|arrêtée?|tuvo lugar|se celebr[óo]|fue|fueron|detenid[ao]s?|fand statt|wurde|wurden|ha avuto luogo|fu|foi|foram|ocorreu)\b",
    _I,
)
_SUPERSEDED = re.compile(
    r"\b(?:initially|originally|previously|first|formerly|earlier)\s+(?:scheduled|set|planned|foreseen|expected|due)?\s*(?:for|on|to)?\s*$"
    r"|\b(?:initialement|inicialmente|ursprünglich|inizialmente)\s+\w+\s+(?:pour|para|le|el|au|al|für|per)?\s*$",
    _I,
)
# Words right before a date that tie it to the past, whatever the rest of the sentence says.
_PAST_ANCHOR = re.compile(
    r"\b(?:since|as of|ran from|from|between|took place on|was held on|were held on|arrested on|detained on|released on|killed on|died on|published on|issued on|dated|in)\s*(?:the\s*)?$",
    _I,
)
_IMMEDIATE_FORWARD = re.compile(
    r"\b(?:until|till|by|before|no later than|not later than|deadline(?: is| for \w+(?: \w+){0,4})?:?|closes?(?: on)?|closing date:?|due(?: by| on)?"
    r"|scheduled (?:for|on)|set for|adjourned (?:to|until)|postponed (?:to|until)|deferred (?:to|until)|moved to|extended (?:to|until)"
    r"|will (?:\w+ ){0,3}on|will (?:\w+ ){0,2}(?:from|between)|expected (?:on|for|by)|takes place on|opens on|starts on|begins on"
    r"|jusqu'au|jusqu’au|avant le|au plus tard le|hasta el|antes del|a más tardar el|bis zum|bis|entro il|até)\s*(?:the\s*)?$",
    _I,
)


@dataclass(frozen=True)
class Reading:
    """How the extractor reads one dated sentence."""

    kind: str | None
    subtype: str
    forward: float  # > 0: still to come; < 0: reported past
    superseded: bool = False
    cue_distance: int = 999


def _distance(match: re.Match, begin: int, end: int) -> int:
    if match.end() <= begin:
        return begin - match.end()
    if match.start() >= end:
        return match.start() - end
    return 0


def _weight(distance: int) -> float:
    return 1.0 / (1.0 + distance / 30.0)


def classify_kind(sentence: str, begin: int, end: int, title: str | None) -> tuple[str | None, str, int]:
    """(kind, subtype, distance of the deciding cue) for the date at sentence[begin:end]."""
    scores: dict[str, float] = {}
    subtype_scores: dict[tuple[str, str], float] = {}
    nearest: dict[str, int] = {}
    for pattern, kind, subtype, weight in _KIND:
        for match in pattern.finditer(sentence):
            distance = _distance(match, begin, end)
            score = weight * _weight(distance)
            scores[kind] = scores.get(kind, 0.0) + score
            nearest[kind] = min(nearest.get(kind, 999), distance)
            if subtype:
                key = (kind, subtype)
                subtype_scores[key] = subtype_scores.get(key, 0.0) + score
    if not scores:
        return None, "other", 999
    kind = max(scores, key=lambda k: scores[k])
    subtype = _subtype(kind, subtype_scores, title, sentence)
    return kind, subtype, nearest[kind]


def _subtype(kind: str, subtype_scores: dict, title: str | None, sentence: str) -> str:
    """The best subtype of `kind`, falling back on cues in the post title."""
    candidates = {sub: s for (k, sub), s in subtype_scores.items() if k == kind}
    for pattern, cue_kind, sub, weight in _KIND:
        if title and cue_kind == kind and sub and pattern.search(title):
            candidates[sub] = candidates.get(sub, 0.0) + weight * 0.8
    if not candidates:
        return {"deadline": "other", "event": "other", "hearing": "hearing"}[kind]
    return max(candidates, key=lambda s: candidates[s])


def orientation(sentence: str, begin: int, end: int) -> tuple[float, bool]:
    """(score, superseded): score > 0 when the date at sentence[begin:end] lies ahead."""
    before = sentence[max(0, begin - 60):begin]
    if _SUPERSEDED.search(before):
        return -1.0, True
    if _IMMEDIATE_FORWARD.search(before):
        return 2.0, False
    forward = sum(_weight(_distance(m, begin, end)) for m in _FORWARD.finditer(sentence))
    retro = sum(_weight(_distance(m, begin, end)) for m in _RETRO.finditer(sentence))
    if _PAST_ANCHOR.search(before):
        retro += 1.0
    return forward - retro, False
