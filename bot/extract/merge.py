"""One opportunity quoted twice (two posts, two files) becomes one item with both sources."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from ..model import Opportunity
from .titles import subject_of

MAX_SOURCES = 20  # an item quoted more often than this is listed with its first 20 sources
CLOSING_REACH = dt.timedelta(days=60)  # the longest session whose end may be said apart from its start
EXTENSION_REACH = dt.timedelta(days=120)  # the longest a deadline is put off by
_STOP = {"the", "a", "an", "of", "for", "and", "to", "in", "on", "de", "la", "le", "el", "du", "des", "del"}


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"\w+", (text or "").lower()) if w not in _STOP and len(w) > 2}


def day_of(value):
    """The day of a date or of a datetime."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _last_day(item: Opportunity):
    """The item's last day: an end on its start day (10:00-12:00) is no end of days."""
    return day_of(item.end) or day_of(item.start)


def same(a: Opportunity, b: Opportunity) -> bool:
    """True when `a` and `b` announce the same thing: same kind, type and days, and the same
    post, link, organiser or a mostly shared title. The type must agree: one call often lists
    an award, a fellowship and a call for input closing on one day, and merging them would
    lose two deadlines."""
    if a.kind != b.kind or day_of(a.start) != day_of(b.start) or _last_day(a) != _last_day(b):
        return False
    if a.subtype != b.subtype and not (a.kind == "event" and not a.all_day and a.start == b.start and a.end == b.end):
        return False  # two events of one post at the same hours are one, whatever each sentence calls it
    if not a.all_day and not b.all_day and a.start != b.start:
        return False  # two hours of one day: a court calendar's hearings at 09:55 and at 10:00
    posts = {(s.document, s.post_title) for s in b.sources}  # usually one: `b` was just read
    if any((s.document, s.post_title) in posts for s in a.sources):
        return True  # one post naming the same thing twice, in two sentences
    if a.url and a.url == b.url or a.organizer and a.organizer == b.organizer:
        return True
    # the subjects, not what happens: "Intern – applications close" is not "Driver – applications close"
    left, right = _words(subject_of(a.title)), _words(subject_of(b.title))
    return bool(left and right) and len(left & right) / len(left | right) >= 0.5


def _combine(kept: Opportunity, other: Opportunity) -> Opportunity:
    """Keep the more confident reading, the more precise time, and every source."""
    best, rest = (kept, other) if kept.confidence >= other.confidence else (other, kept)
    if rest.all_day is False and best.all_day:
        best = dataclasses.replace(best, start=rest.start, end=rest.end, timezone=rest.timezone)
    filled = {f: getattr(rest, f) for f in ("organizer", "location", "online", "url", "contact", "reference")
              if getattr(best, f) is None and getattr(rest, f) is not None}
    full = best is kept and len(kept.sources) >= MAX_SOURCES
    sources = kept.sources if full else tuple(dict.fromkeys(best.sources + rest.sources))[:MAX_SOURCES]
    if best is kept and not filled and sources == kept.sources:
        return kept  # a date repeated all along a text: nothing to add once its sources are full
    return dataclasses.replace(best, sources=sources, **filled)


def merge(items) -> list[Opportunity]:
    """`items` with duplicates folded together, sorted by start then id."""
    folded = Folded()
    for item in items:
        folded.add(item)
    return folded.items()


class Folded:
    """Items folded together one at a time, as a document is read: the same result as
    `merge` on the whole list, without holding every reading of a date that a long text
    repeats thousands of times."""

    def __init__(self):
        # only items with the same kind and days can be the same
        self.buckets: dict[tuple, list[Opportunity]] = {}
        self.closings: dict[tuple, Opportunity] = {}  # one per day, type and post: a text may repeat one
        self.extensions: list[Opportunity] = []

    def add(self, item: Opportunity, role: str | None = None) -> None:
        """Fold `item` in. A "closing" item is the last day of an event said apart from its
        start ("The session lasts until 12 July"), kept until every start has been read; an
        "extension" is a deadline's new date, which retires the old one of its post."""
        if role == "extension" and len(self.extensions) < 64:
            self.extensions.append(item)
        if role == "closing":
            source = item.sources[0] if item.sources else None
            key = (day_of(item.start), item.subtype, source and (source.document, source.post_title))
            self.closings.setdefault(key, item)
            return
        bucket = self.buckets.setdefault((item.kind, day_of(item.start), _last_day(item)), [])
        for index, kept in enumerate(bucket):
            if same(kept, item):
                bucket[index] = _combine(kept, item)
                return
        bucket.append(item)

    def items(self) -> list[Opportunity]:
        """The folded items, sorted by start then id."""
        for closing in self.closings.values():
            self._close(closing)
        self.closings = {}
        for extension in self.extensions:
            self._retire(extension)
        self.extensions = []
        return sorted((item for bucket in self.buckets.values() for item in bucket), key=sort_key)

    def _retire(self, extension: Opportunity) -> None:
        """Drop the deadlines of `extension`'s post that it replaces: of its type (or of no
        type) and in the `EXTENSION_REACH` days before it. "Apply by 10 May … The deadline has
        been extended to 16 May": only the new date is a day to act by."""
        day, posts = day_of(extension.start), {(s.document, s.post_title) for s in extension.sources}
        for key in [key for key in self.buckets if key[0] == "deadline" and day - EXTENSION_REACH <= key[1] < day]:
            kept = [item for item in self.buckets[key]
                    if item.subtype not in (extension.subtype, "other") and extension.subtype != "other"
                    or not posts & {(s.document, s.post_title) for s in item.sources}]
            if kept:
                self.buckets[key] = kept
            else:
                del self.buckets[key]

    def _close(self, closing: Opportunity) -> None:
        """Make `closing`'s day the end of the latest one-day event of its post and type that
        starts in the `CLOSING_REACH` days before it. Alone, the last day of a session is
        nothing to attend: it is dropped."""
        day = day_of(closing.start)
        posts = {(s.document, s.post_title) for s in closing.sources}
        candidates = [
            (key, index) for key, bucket in self.buckets.items()
            if key[0] == "event" and key[1] == key[2] and day - CLOSING_REACH <= key[1] < day
            for index, item in enumerate(bucket)
            if item.all_day == closing.all_day and item.subtype == closing.subtype
            and posts & {(s.document, s.post_title) for s in item.sources}
        ]
        if not candidates:
            return
        key, index = max(candidates, key=lambda found: found[0][1])
        item = self.buckets[key].pop(index)
        if not self.buckets[key]:
            del self.buckets[key]
        # all day: the closing day; timed ("Ende: 30. November, 9.00 – 14.00 Uhr"): the hour it ends
        end = day if item.all_day else closing.end or closing.start
        self.add(dataclasses.replace(item, end=end, sources=tuple(dict.fromkeys(item.sources + closing.sources))[:MAX_SOURCES]))


def sort_key(item: Opportunity) -> tuple[str, str]:
    start = item.start.isoformat()
    return (start[:10], start, item.id)
