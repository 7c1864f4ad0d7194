"""The opportunity: one dated thing a defender can act on or attend, and its sources."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field

KINDS = ("deadline", "event", "hearing")
SUBTYPES = (
    "nomination", "job", "call-for-input", "sign-on", "registration", "grant", "fellowship",
    "session", "roundtable", "webinar", "side-event", "forum", "conference", "press-conference",
    "meeting", "ceremony", "workshop", "hearing", "trial", "appeal", "verdict", "other",
)

# Field order in the YAML output: what a person reads first comes first.
FIELDS = (
    "id", "kind", "subtype", "title", "start", "end", "all_day", "timezone", "organizer",
    "location", "online", "url", "contact", "reference", "evidence", "confidence", "sources",
)


@dataclass(frozen=True)
class Source:
    """Where an opportunity was read: document, post and character offsets."""

    document: str
    post_title: str | None
    post_date: dt.date | None
    offsets: tuple[int, int]

    def to_dict(self) -> dict:
        return {
            "document": self.document,
            "post_title": self.post_title,
            "post_date": self.post_date.isoformat() if self.post_date else None,
            "offsets": list(self.offsets),
        }


@dataclass(frozen=True)
class Opportunity:
    """A deadline, event or court date with its resolved dates and descriptive fields.

    `start` and `end` are `datetime.date` for all-day items and aware `datetime.datetime`
    for timed ones; `end` is inclusive for all-day ranges (the last day), as people write it.
    """

    kind: str
    subtype: str
    title: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    timezone: str | None = None
    organizer: str | None = None
    location: str | None = None
    online: bool | None = None
    url: str | None = None
    contact: str | None = None
    reference: str | None = None
    evidence: str = ""
    confidence: float = 0.5
    sources: tuple[Source, ...] = field(default=())

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def id(self) -> str:
        return stable_id(self.kind, self.start, self.title)

    def to_dict(self) -> dict:
        """Plain data in `FIELDS` order, dates as ISO strings, for YAML and JSON."""
        data = asdict(self)
        data.update(
            id=self.id,
            all_day=self.all_day,
            start=_iso(self.start),
            end=_iso(self.end),
            sources=[s.to_dict() for s in self.sources],
        )
        return {key: data[key] for key in FIELDS}


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    return value.isoformat()


def slug(text: str, limit: int = 6) -> str:
    """Lower-case ASCII words of `text`, the first `limit` of them, joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:limit])


def stable_id(kind: str, start: dt.date | dt.datetime, title: str) -> str:
    """An id that depends only on what the item is: same kind, day and title, same id.

    >>> stable_id("deadline", dt.date(2026, 4, 30), "PACE prize: nominations close")
    '2026-04-30-deadline-75b685d450'
    """
    day = start.date() if isinstance(start, dt.datetime) else start
    digest = hashlib.sha256(f"{kind}|{day.isoformat()}|{slug(title, 12)}".encode()).hexdigest()
    return f"{day.isoformat()}-{kind}-{digest[:10]}"
