"""Finding items by words: one matcher for the bot's /search, /upcoming and /follow and for the
web page's and feeds' `?q=`, so the two never disagree.

Case and accents are ignored, as people type on a phone keyboard: "defenseures" finds
"défenseures", "turkiye" finds "Türkiye", "LGBTI" finds "lgbti". A query's words must all
appear, in any order ("land rights" finds "rights to their land"); a followed word or phrase
is looked for as it was typed.
"""

from __future__ import annotations

import functools
import re
import unicodedata

FIELDS = ("title", "organizer", "location", "subtype", "evidence", "reference")
LONGEST_WORD = 64
# Letters that have no decomposition into a base letter and an accent.
_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe",
                          "þ": "th", "ð": "d", "ʼ": "'", "’": "'"})
_TERM = re.compile(r'"([^"]+)"?|“([^”]+)”?|«\s*([^»]+?)\s*(?:»|$)|([^\s,;"“”«»]+)')  # a quote left open runs to the end


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Text as the matcher compares it: case-folded, accents dropped, spaces collapsed.

    >>> fold("Défenseures des droits en Türkiye"), fold("Łódź  ØSTFOLD"), fold("Straße")
    ('defenseures des droits en turkiye', 'lodz ostfold', 'strasse')
    """
    if text.isascii():  # nothing to decompose or translate: most texts, at a fiftieth of the cost
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)
    return " ".join(plain.split())


def text(record: dict) -> str:
    """The words an item can be found by: its title, organiser, place, kind, sentence, tags."""
    parts = [str(record.get(f) or "") for f in FIELDS] + [str(t) for t in record.get("tags") or []]
    return fold(" ".join(parts))


def terms(query: str) -> tuple[str, ...]:
    """A query's words, folded; "quoted phrases" stay whole, commas separate too.

    >>> terms('nomination, job "human rights"'), terms("✊🏿"), terms('"'), terms('land "rights of')
    (('nomination', 'job', 'human rights'), ('✊🏿',), (), ('land', 'rights of'))
    """
    found = (next(g for g in m.groups() if g) for m in _TERM.finditer(query))
    return tuple(dict.fromkeys(f for f in (fold(t) for t in found) if f))


def findable(term: str) -> bool:
    """Whether a word can match anything: it needs a letter or a digit."""
    return any(c.isalnum() for c in fold(term))


def matches(query_terms: tuple[str, ...], haystack: str) -> bool:
    """Every term of the query is in the item's text (`text(record)`)."""
    return all(term in haystack for term in query_terms)


def mentions_any(words, haystack: str) -> bool:
    """One of a chat's followed words or phrases is in the item's text."""
    return any(fold(word) in haystack for word in words)
