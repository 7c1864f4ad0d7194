"""Query parameters of the feed server, validated: unknown names, oversized or odd values are
refused with a message instead of being passed on."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from .. import search
from ..model import KINDS, SUBTYPES

NAMES = ("kind", "subtype", "tag", "location", "q")
MAX_VALUE = 100
MAX_QUERY = 1000


class BadQuery(ValueError):
    """A query the server refuses; the message is shown to the client."""


def _clean(name: str, value: str) -> str:
    if len(value) > MAX_VALUE:
        raise BadQuery(f"'{name}' is longer than {MAX_VALUE} characters")
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise BadQuery(f"'{name}' contains control characters")
    return value.strip()


@dataclass(frozen=True)
class Filters:
    """Which stored items a feed or list holds; empty fields match everything."""

    kind: str = ""
    subtype: str = ""
    tag: str = ""
    location: str = ""
    q: str = ""

    @classmethod
    def parse(cls, items: list[tuple[str, str]], raw_length: int = 0) -> "Filters":
        """Filters from query items; BadQuery names the problem."""
        if raw_length > MAX_QUERY:
            raise BadQuery(f"query longer than {MAX_QUERY} characters")
        values: dict[str, str] = {}
        for name, value in items:
            if name not in NAMES:
                raise BadQuery(f"unknown parameter '{name}' (use {', '.join(NAMES)})")
            if name in values:
                raise BadQuery(f"parameter '{name}' given twice")
            values[name] = _clean(name, value)
        for exact in ("kind", "subtype"):
            values[exact] = values.get(exact, "").casefold()
        if values.get("kind") and values["kind"] not in KINDS:
            raise BadQuery(f"kind must be one of {', '.join(KINDS)}")
        if values.get("subtype") and values["subtype"] not in SUBTYPES:
            raise BadQuery("unknown subtype")
        return cls(**values)

    @functools.cached_property
    def key(self) -> tuple:
        """The filters as they match: case and accents folded, words in a fixed order. Equal
        keys select the same items, so `?q=Number` and `?q=nUmber` share one cached feed.

        >>> Filters(q="Défenseurs  JOB").key == Filters(q="job defenseurs").key
        True
        """
        return (self.kind, self.subtype, search.fold(self.tag), search.fold(self.location),
                tuple(sorted(search.terms(self.q))))

    def match(self, record: dict, haystack: str | None = None) -> bool:
        """Kind and subtype exactly; tag, place and words ignoring case and accents, words
        as the bot's /search matches them (bot.search). `haystack` is the record's
        `search.text`, when the caller keeps it."""
        kind, subtype, tag, location, words = self.key
        if kind and record.get("kind") != kind:
            return False
        if subtype and record.get("subtype") != subtype:
            return False
        if tag and tag not in {search.fold(str(t)) for t in record.get("tags") or []}:
            return False
        if location and location not in search.fold(str(record.get("location") or "")):
            return False
        return not words or search.matches(words, search.text(record) if haystack is None else haystack)


ID = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z]+-[0-9a-f]{10}$")
