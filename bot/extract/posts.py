"""Split a document into posts (title line, date line, body) and find datelines.

Archive pages repeat "Title / date line / body"; newsletters and statements open a
paragraph with a dateline ("Paris-Geneva, February 15, 2017 – …"). Both give the
passage that follows its own reference date. Text without that structure is one post.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from .dates import Mention, find_mentions
from .spans import OFFSET, merged

_LINE = re.compile(r"[^\n]*\n?")
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
_DATE_LINE_PREFIX = re.compile(
    r"^\s*(?:posted|published|publié|publicado|updated|last modified|last updated|modified|aktualisiert|mis à jour|actualizado"
    r"|atualizado|опубликовано|обновлено|le|on)?\s*(?:on|le|el)?\s*:?\s*", re.IGNORECASE
)
# What may follow the date on a date line: the time it was posted ("10 декабря 2019, 9:59",
# "14 Aug 2011 20:09 GMT", "Tuesday, 4 May 2027 - 09:30" as some publishing systems print it) and the year's abbreviation ("8 февраля 2023 г.", "5 maja 2023 r.").
_STAMP_TAIL = re.compile(r"\s*(?:г\.|года|r\.)?\s*(?:(?:,|\s[-–|])?\s*\d{1,2}[:.]\d\d(?:\s*(?:[AaPp]\.?[Mm]\.?|[A-Z]{2,4}))?)?(?:\s+\d{1,6})?\s*")  # a view count last
_PLACE_PREFIX = re.compile(
    r"[A-Z\u00c0-\u024f][\w\u00c0-\u024f’'./-]*(?:[ -](?:(?:de|del|la|el|du|des|di|am|sur|on)\s)?[A-Z\u00c0-\u024f][\w\u00c0-\u024f’'./-]*){0,3},\s*"
)
# A line that labels the date under it or after it: "Deadline", "Date:", "Fecha límite :", or
# the first cell of a table row flattened to text ("Date et lieu : | 25-27 novembre 2027 |").
LABEL_LINE = re.compile(
    r"[ \t•*-]*(?:date|dates|when|date and time|date & time|day|deadline|application deadline|closing date"
    r"|fecha|fechas|fecha y hora|fecha límite|plazo|date limite|date limite de dépôt|date et heure|quand|délai"
    r"|wann|datum|frist|bewerbungsfrist|data|quando|dia|scadenza|prazo|termin|beginn|date et lieu|lieu et date|when and where"
    r"|start|starts|start date|début|inicio|início|начало|ende|end|ends|end date|fin|fine|fim|окончание"
    r"|fecha y lugar|data e local|data e luogo|zeit und ort|дата|когда|срок|tarih|التاريخ|الموعد)[ \t]*:?[ \t]*(?:\|[ \t]*)?$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"\s*(?:(?:by|par|por|von|di)\s+[\w .'’-]{1,40}?)?\s*(?:[|·•–—-]\s*[\w ,&'’-]{1,40})?\s*")
# Lines that may hold nothing but a date (6 to 90 characters), found without a list of
# every line: a text of ten million blank lines must not become ten million tuples.
# what opens a list item: a bullet or a number ("- ", "• ", "2) ")
LIST_MARK = r"(?:[-•*·–▸►▪→]|\d{1,2}[.)])"
_TIMED_ENTRY_BELOW = re.compile(rf"[ \t]*\n(?:[ \t]*\n)?[ \t]*(?:{LIST_MARK}[ \t]+[^\n]*?\b\d{{1,2}}(?:[:.]\d\d|\s?[ap]\.?m\b)"
                                rf"|\d{{1,2}}[:.][ \t]?\d\d[ \t]*[-–—][ \t])", re.IGNORECASE)  # "- … at 14:00", "09.30 - …"
_HOURS_BELOW = re.compile(r"[ \t]*\n(?:[ \t]*\n){0,2}[ \t]*\d{1,2}(?:[:.h]\d\d)?[ \t]*(?:[ap]\.?m\.?)?[ \t]*[-–—][ \t]*\d{1,2}", re.IGNORECASE)
_DATE_LINE_SHAPE = re.compile(r"^[^\n]{6,90}$", re.MULTILINE)
# The opening of a paragraph long enough to hold a dateline ("Geneva, 2 May 2027 – ").
_PARAGRAPH_HEAD = re.compile(r"^[^\n]{8,100}", re.MULTILINE)
_NONBLANK = re.compile(r"\S")
_DATELINE = re.compile(
    r"^[ \t]*(?:[A-Z\u00c0-\u024f][\w\u00c0-\u024f’' ./-]{1,50}?,[ \t]*)?(?P<date>[^\n–—:-]{6,40}?)[ \t]*(?:[–—:-]|\|)[ \t]"
)


@dataclass(frozen=True)
class Dateline:
    """A passage's own date, from `begin` (a character offset) to the next one."""

    begin: int
    date: dt.date
    mention_begin: int
    mention_end: int


@dataclass
class Post:
    """One post of a document: its title, its date and the slice of text it covers."""

    begin: int
    end: int
    title: str | None = None
    date: dt.date | None = None
    # Its datelines and the spans of its own dates (its date line and its datelines' dates),
    # as columns of machine integers: a page may open thousands of paragraphs with "Place, Date –".
    _line_begins: array = field(default_factory=lambda: array(OFFSET), repr=False)
    _line_days: array = field(default_factory=lambda: array(OFFSET), repr=False)  # dates as ordinals
    _own: array = field(default_factory=lambda: array(OFFSET), repr=False)  # lo, hi, lo, hi…
    _index: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def datelines(self) -> list[tuple[int, dt.date]]:
        """(offset, date) of each dateline, in order of offset."""
        _, _, begins, days = self._indexed()
        return [(begin, dt.date.fromordinal(day)) for begin, day in zip(begins, days)]

    def add_dateline(self, begin: int, date: dt.date) -> None:
        self._line_begins.append(begin)
        self._line_days.append(date.toordinal())

    def add_own_date(self, lo: int, hi: int) -> None:
        self._own.extend((lo, hi))

    def is_own_date(self, position: int) -> bool:
        """True when `position` lies in the post's own date line or a dateline: dates that
        say when the text was written, not what it announces."""
        los, his, _, _ = self._indexed()
        at = bisect.bisect_right(los, position) - 1
        return at >= 0 and position < his[at]

    def reference(self, position: int) -> tuple[dt.date | None, str]:
        """The date the text at `position` was written, and where that came from."""
        _, _, begins, days = self._indexed()
        at = bisect.bisect_right(begins, position) - 1
        if at >= 0:
            return dt.date.fromordinal(days[at]), "dateline"
        return self.date, "post date" if self.date else "none"

    def _indexed(self) -> tuple:
        """Sorted starts and ends of the own-date spans, and the datelines in order of offset,
        made on the first question, once the post is split."""
        if self._index is None:
            spans = merged(zip(self._own[0::2], self._own[1::2]))
            order = sorted(range(len(self._line_begins)), key=self._line_begins.__getitem__)
            self._index = (array(OFFSET, (lo for lo, _ in spans)), array(OFFSET, (hi for _, hi in spans)),
                           array(OFFSET, (self._line_begins[i] for i in order)), array(OFFSET, (self._line_days[i] for i in order)))
        return self._index


@functools.lru_cache(maxsize=1024)  # a line repeated down a page ("Geneva, 5 May 2027 – …") is read once
def _full_date(text: str) -> tuple[dt.date, Mention] | None:
    """The date if `text` is a complete date with day, month and year, else None."""
    if not _YEAR_DIGITS.search(text):
        return None  # most lines: no year, no full date, no need to look for dates at all
    mentions, _ = find_mentions(text)
    if len(mentions) != 1 or mentions[0].last is not None:
        return None
    first = mentions[0].first
    if first is None or first.year is None or first.day is None:
        return None
    try:
        return dt.date(first.year, first.month, first.day), mentions[0]
    except ValueError:
        return None


def _date_line(line: str) -> dt.date | None:
    """The date of a line that holds nothing but a date ("January 30, 2026")."""
    stripped = line.strip()
    if not 6 <= len(stripped) <= 80:
        return None
    rest = _DATE_LINE_PREFIX.sub("", stripped)
    parsed = _full_date(rest)
    if parsed is None:
        return None
    date, mention = parsed
    before, after = rest[:mention.begin], rest[mention.end:]
    # "Istanbul, 2 December 2026" (a place first) and "12 January 2026 by admin | News"
    # (an author or category after) are date lines too.
    if before.strip() and not _PLACE_PREFIX.fullmatch(before):
        return None
    return date if not after.strip(" .") or _BYLINE.fullmatch(after) or _STAMP_TAIL.fullmatch(after) else None


def _title_like(line: str) -> bool:
    stripped = line.strip()
    return 3 <= len(stripped) <= 250 and not stripped.startswith(("http", "•", "-", "*")) and not stripped.endswith(":")


def split_posts(text: str) -> list[Post]:
    """Posts of `text` in order; a text without date lines is a single post.

    >>> [(p.title, p.date) for p in split_posts("Call for nominations\\n\\nMarch 3, 2026\\n\\nBody.\\n")]
    [('Call for nominations', datetime.date(2026, 3, 3))]
    """
    posts: list[Post] = []
    last_date_end = -1  # where the last date line ends
    for match in _DATE_LINE_SHAPE.finditer(text):
        pos, line = match.start(), match.group()
        date = _date_line(line)
        if date is None or _HOURS_BELOW.match(text, match.end()) or _TIMED_ENTRY_BELOW.match(text, match.end()):
            # a date with the hours under it ("4:00-5:30pm CEST"), or with a list of what happens
            # at which hour ("- 14.00 Uhr – Eröffnung"), is a day of a schedule
            continue
        above = _line_above(text, pos)
        if above is not None and LABEL_LINE.match(above[1]):
            continue  # "Deadline" / "Date:" on the line above: an announced date, not a post's
        title = above if above is not None and _title_like(above[1]) else None
        # Nothing but a caption between two date lines: the second dates the same post.
        inner = posts and not _NONBLANK.search(text, last_date_end, title[0] if title is not None else pos)
        if not inner and title is None and _announced_above(text, pos, date):
            # An event listing's entry ends with its day again ("Tuesday, July 13, 2021 - 02:00"):
            # no day to read, and no writing date for the entries below it.
            if not posts:
                posts.append(Post(0, len(text), _first_title(text), None))
            posts[-1].add_own_date(pos, match.end())
            continue
        if inner or title is None:
            if posts:  # a second date right under a post's date line is that post's dateline
                posts[-1].add_dateline(pos, date)
            else:
                posts.append(Post(0, len(text), _first_title(text), date))
        else:
            posts.append(Post(title[0], len(text), title[1].strip(), date))
        posts[-1].add_own_date(pos, match.end())
        last_date_end = match.end()
    if not posts:
        posts = [Post(0, len(text), _first_title(text), None)]
    posts[0].begin = 0
    for before, after in zip(posts, posts[1:]):
        before.end = after.begin
    for post in posts:
        for line in find_datelines(text, post.begin, post.end):
            post.add_dateline(line.begin, line.date)
            post.add_own_date(line.mention_begin, line.mention_end)
    return posts


def _announced_above(text: str, pos: int, date: dt.date) -> bool:
    """True when `date` is written in full in the paragraphs just above `pos`: a date line
    under the text that announces that day repeats it, as a listing's entry ends with the
    day it lists; it does not say when what follows was written."""
    mentions, _ = find_mentions(text[max(0, pos - _ABOVE):pos])
    return any(m.last is None and m.full_date == date for m in mentions)


_ABOVE = 1500


def _line_above(text: str, pos: int) -> tuple[int, str] | None:
    """(offset, line) of the line just above the line at `pos` (up to two blank lines may
    separate them)."""
    end = pos - 1  # the line break that ends the line above
    for _ in range(3):
        if end < 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip():
            return start, line
        end = start - 1
    return None


def _first_title(text: str) -> str | None:
    for line in _head_lines(text, 5):
        if line.strip():
            stripped = line.strip()
            return stripped if _title_like(stripped) and not stripped.endswith(".") and len(stripped) < 160 else None
    return None


def _head_lines(text: str, count: int):
    """The first `count` lines of `text`, without splitting the rest of it."""
    start = 0
    for _ in range(count):
        end = text.find("\n", start)
        yield text[start:] if end < 0 else text[start:end]
        if end < 0:
            return
        start = end + 1


def find_datelines(text: str, begin: int, end: int) -> Iterator[Dateline]:
    """Paragraphs of text[begin:end] that open with "Place, Date –" or "Date:", in order."""
    for match in _PARAGRAPH_HEAD.finditer(text, begin, end):  # `begin` starts a line
        head = _DATELINE.match(match.group())
        if head is None or _date_line(_line_at(text, match.start())):
            continue  # a line that is nothing but a date and a time is `split_posts`'s to judge
        parsed = _full_date(head.group("date"))
        if parsed is None:
            continue
        date, mention = parsed
        if len([w for w in re.findall(r"[^\W\d_]+", head.group("date")[:mention.begin]) if not w.isupper()]) > 1:
            continue  # "Registration before 4 March 2027: …" announces the date ("GENEVA (4 March 2027) –" dates its paragraph)
        at = match.start() + head.start("date")
        yield Dateline(match.start(), date, at + mention.begin, at + mention.end)


def _line_at(text: str, start: int) -> str:
    """The line that starts at `start`, or "" when it is longer than a date line may be."""
    end = text.find("\n", start, start + 100)
    if end < 0:
        end = len(text) if len(text) - start <= 100 else start
    return text[start:end]


def document_month(text: str) -> dt.date | None:
    """A month named in the document's first lines ("Newsletter MARCH 2017"), as its first day."""
    lines = [line for line in text[:1000].split("\n") if line.strip()][:4]
    head = "\n".join(line for line in lines if len(line.strip()) <= 80)
    for mention in find_mentions(head)[0]:
        first = mention.first
        if first is not None and first.year is not None:
            return dt.date(first.year, first.month, 1)
    return None
