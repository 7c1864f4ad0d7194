"""Read one document: split it into posts, find its dates, and keep those that announce
something a reader can still act on or attend."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import itertools
import re
from array import array
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..model import Opportunity, Source
from . import fields, language, titles
from .dates import MONTH, WEEKDAY, Mention, MentionTable, Partial, find_mentions, mention_table
from .branching import for_folded
from .folding import fold
from .headings import Headings, section_heading
from .kinds import KIND_REACH, Cues, Dated, announced_event, classify_kind, named_subtype, names_occasion, orientation
from .lexicon import PLACE_ZONES, place_zone
from .merge import Folded, day_of
from .posts import LABEL_LINE, LIST_MARK, Post, document_month, split_posts
from .resolution import resolve
from .sentences import SentenceEnds, bounds
from .spans import LONGEST, OFFSET, joined, merged
from .times import ClockTime, all_times, find_time, hours_after, stated_zone

_REPORTING = re.compile(
    r"\b(?:said|stated|reported|wrote|issued|published|announced|expressed|declared|warned|called|urged|released|sent|noted|told|"
    r"a déclaré|ont déclaré|a publié|declaró|informó|publicó|erklärte)\b",
    re.IGNORECASE,
)
_REPORTING_FOLDED = for_folded(_REPORTING)  # for `_reports`: a text full of dates asks at every one
_LOCAL_PLACE = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(PLACE_ZONES, key=len, reverse=True)) + r")\b", re.IGNORECASE)


_DATELINE_HEAD = re.compile(r"^[A-Z][^,.\n]{1,40}, [^–—\n]{6,40}? [–—-] (?=[A-Z])")  # "Nairobi, 28 November 2026 — "
_TIME_NEXT = re.compile(r"\s*(?:at|from|à|a las|um|alle|às)\s+\d{1,2}(?:[:.h]\d\d|\s?[ap]\.?m)", re.IGNORECASE)
_RUN_ON_DATES = 3  # dates either side of a date that bound its sentence when no full stop does
_FIELD_REACH = 4000  # characters either side of a date where its link, contact and organiser are looked for
_VENUE_REACH = 400  # characters either side of a dated sentence where its "Venue:" line may stand


@dataclass(frozen=True)
class Context:
    """What the reader knows about a document before reading its sentences."""

    name: str
    published: dt.date | None
    lang: str
    tz: str | None
    today: dt.date


@dataclass
class Extraction:
    """The opportunities read from one document, and what went wrong along the way."""

    opportunities: list[Opportunity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reference:
    """The date a passage is read against, and how it was found."""

    date: dt.date
    source: str  # dateline | post date | published | nearby date | later date | document month | year in text | clock
    latest_year: int | None = None  # the latest year the post writes, when its writing date is not known

    @property
    def is_writing_date(self) -> bool:
        return self.source in ("dateline", "post date", "published")


def read(text: str, context: Context) -> Extraction:
    """All opportunities in `text`, duplicates merged, sorted by start. They are folded
    together as they are read: a date repeated all along a long text is held once."""
    if len(text) > LONGEST:
        raise ValueError(f"a text of {len(text)} characters is longer than the extractor reads ({LONGEST})")
    mentions, warnings = mention_table(text, context.lang)
    anchors = _Anchors(text, mentions)
    month = document_month(text)
    posts = split_posts(text)
    folded = Folded()
    # Two passes, each over the least text it needs: kind cues and marker words near the
    # dates first, then tense cues over the sentences of the dates that had any.
    cues = Cues(text).scan(("kind", "marker"), _near(mentions))
    candidates = _Candidates(text, posts, mentions, cues)
    if candidates.blocks:  # a "Date:" line's block may name what it is further down ("Programme du forum")
        cues.extend(("kind", "marker"), _uncovered(sorted(candidates.blocks), mentions))
    cues.scan(("forward", "retro"), merged(_sentence_spans(candidates)))
    weighed, around = _Weighed(cues), _Around(text)
    for post, mention, dated in candidates:
        # The reference is looked up only for dates that pass the cheaper tests first.
        reference = functools.partial(_reference, post, mention, anchors, context, month)
        found = _read_mention(post, mention, dated, weighed, reference, context, around)
        if found and dated.labelled:  # "27 Mart Pazartesi" over "• … saat 09.55'te görülecek"
            found = _entries_below(post, mention, found, context, around) or found
        for item, role in found:
            folded.add(item, role)
        if found:
            follow = _follow_up(post, dated, found[0][0], context, around, candidates.ends)
            if follow is not None:
                folded.add(follow)
    return Extraction(folded.items(), warnings)


def _uncovered(blocks: list[tuple[int, int]], mentions: MentionTable) -> list[tuple[int, int]]:
    """The parts of `blocks` farther than `KIND_REACH` from every mention: what `_near` left out."""
    parts = []
    for lo, hi in merged(blocks):
        for index in mentions.span(lo - KIND_REACH - 1000, hi + KIND_REACH):
            near_lo, near_hi = max(0, mentions.begins[index] - KIND_REACH), mentions.ends[index] + KIND_REACH
            if near_lo > lo:
                parts.append((lo, min(hi, near_lo)))
            lo = max(lo, near_hi)
            if lo >= hi:
                break
        if lo < hi:
            parts.append((lo, hi))
    return parts


def _near(mentions: MentionTable):
    """The spans within `KIND_REACH` of the mentions, joined, in order."""
    return joined((max(0, begin - KIND_REACH), end + KIND_REACH) for begin, end in zip(mentions.begins, mentions.ends))


def _sentence_spans(candidates) -> list[tuple[int, int]]:
    """The spans of the candidates' sentences, each joined to the one before when they
    overlap (sentences of dates that share one), so there are few to sort."""
    spans: list[tuple[int, int]] = []
    for _, _, dated in candidates:
        if spans and spans[-1][0] <= dated.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], dated.stop))
        else:
            spans.append((dated.start, dated.stop))
    return spans


class _Candidates:
    """The dated sentences worth reading, held as columns of machine integers (the mention's
    index, its post, the sentence's bounds): a long text can have a great many, and finding
    them costs more than keeping them."""

    def __init__(self, text: str, posts: list[Post], mentions: MentionTable, cues: Cues):
        self.text, self.posts, self.mentions = text, posts, mentions
        self.indices, self.places = array(OFFSET), array(OFFSET)  # place: post index, negative when labelled
        self.starts, self.stops = array(OFFSET), array(OFFSET)
        self.blocks: list[tuple[int, int]] = []  # the labelled ones that reach beyond the cues scanned near their date
        self.ends = SentenceEnds(text)
        for at, mention, dated in _candidates(text, posts, mentions, cues, self.ends):
            if dated.labelled and (dated.start < mention.begin - KIND_REACH or dated.stop > mention.end + KIND_REACH):
                self.blocks.append((dated.start, dated.stop))
            self.indices.append(at[1])
            self.places.append(-at[0] - 1 if dated.labelled else at[0])
            self.starts.append(dated.start)
            self.stops.append(dated.stop)

    def __iter__(self):
        """(post, mention, dated sentence), in the order they were found."""
        for index, place, start, stop in zip(self.indices, self.places, self.starts, self.stops):
            mention = self.mentions[index]
            post = self.posts[place if place >= 0 else -place - 1]
            yield post, mention, Dated(self.text, start, stop, mention.begin, mention.end, labelled=place < 0)


def _candidates(text: str, posts: list[Post], mentions: MentionTable, cues: Cues, ends: SentenceEnds):
    """((post index, mention index), mention, dated sentence) for every mention that is not a
    post's own date and has a cue word near it (or stands on a labelled line)."""
    for post_index, post in enumerate(posts):
        for index, mention in mentions.indexed(post.begin, post.end):
            if post.is_own_date(mention.begin):
                continue
            block = _labelled_block(text, mention, post)
            if block:
                yield (post_index, index), mention, Dated(text, block[0], block[1], mention.begin, mention.end, labelled=True)
                continue
            if not cues.any_near(mention.begin, mention.end) and not hours_after(text, mention.end, post.end):
                continue  # no kind cue, no marker word, no hours anywhere near: nothing to read here
            # A run-on sentence is cut at the third date either side: a list of dates without
            # full stops gives each date the words around it, not 800 characters to read again.
            fence = mentions.fence(index, _RUN_ON_DATES)
            start, stop = bounds(text, mention.begin, mention.end, post.begin, post.end, fence, ends)
            yield (post_index, index), mention, Dated(text, start, stop, mention.begin, mention.end)


_END_LABEL = re.compile(r"[ \t•*-]*(?:ende|end|ends|end date|fin|fine|fim|окончание)[ \t]*:[ \t]*(?:\|[ \t]*)?", re.IGNORECASE)
_LIST_ITEM = re.compile(rf"[ \t]*{LIST_MARK}[ \t]+")
# an entry of a day's calendar that opens with its hour: "09.30 - The first hearing of …", "14:00 – Panel"
_HOUR_ENTRY = re.compile(r"[ \t]*\d{1,2}(?:[:.][ \t]?\d\d|h\d*)[ \t]*(?:[ap]\.?m\.?)?[ \t]*[-–—:][ \t]", re.IGNORECASE)
# What may stand before the date on a schedule line: a bullet, a short label ("Session 1 –"),
# an article and a weekday ("Le jeudi", "On Tuesday").
_LINE_HEAD = re.compile(
    rf"[ \t]*(?:[-•*·–▸►▪→][ \t]+)?(?:[\w’'.]+(?:[ \t][\w’'.]+){{0,3}}[ \t]*[–—:-][ \t]*)?"
    rf"(?:(?:on|le|el|am|il|the|from|du|del)[ \t]+)?(?:{WEEKDAY},?[ \t]+)?$",
    re.IGNORECASE,
)
_PLACE_NAME = r"[A-Z][^\W\d_]+(?:[ \t-][A-Z][^\W\d_]+){0,3}"  # "Kenya", "Burkina Faso"
_PLACE_OPEN = re.compile(rf"[ \t]*(?:[-•*·–][ \t]+)?{_PLACE_NAME}[ \t]*\([ \t]*")
_PLACE_CLOSE = re.compile(r"[ \t]*\)[ \t.:]*")
_PLACE_HEADING = re.compile(rf"\n[ \t]*{_PLACE_NAME}[ \t]*\([^\n)]{{3,30}}\)[ \t.:]*\n")  # the next one
_CLOCK_LINE = re.compile(r"[ \t]*(?:time:?\s*|heure\s*:?\s*|hora\s*:?\s*)?\d{1,2}(?:[:.h]\d\d|h|\s?[ap]\.?m)", re.IGNORECASE)


def _schedule_line(text: str, mention: Mention, line_start: int) -> bool:
    """A short line of a schedule: a list item ("- Dakar, 14–15 January 2027"), a line that
    opens with its date ("Wednesday 4 March 2026, 12:00–13:00 CET") or a place with its
    dates in brackets ("Kenya (7-8 March)", see `_place_heading`)."""
    line_end = text.find("\n", mention.end)
    line_end = len(text) if line_end < 0 else line_end
    if _LINE_HEAD.fullmatch(text, line_start, mention.begin) and text[line_start:mention.begin].strip()[:2] not in ("On", "on"):
        return True  # "Le jeudi 26 novembre 2026, de 14h à 15h30 …" under its heading
    return line_end - line_start <= 140 and bool(_LIST_ITEM.match(text, line_start))


def _tags_below(text: str, stop: int, limit: int) -> int:
    """Where a schedule entry ends: after the short lines under its date and hours that say
    what it is ("Online event", "Side event"), as an event listing prints them: two at most,
    each a few words without a digit that name an event or a hearing, and not a heading of the next entry
    (a line with a date follows those)."""
    for _ in range(2):
        below = stop + 1
        if text.startswith("\n", below):
            below += 1  # one blank line between them
        line_end = text.find("\n", below, min(limit, below + _TAG_LINE + 1))
        if line_end < 0 or not _TAG.fullmatch(text, below, line_end) or not names_occasion(text[below:line_end]):
            break
        if _DAY_MONTH.search(text, line_end, min(limit, line_end + 120)):
            break
        stop = line_end
    return stop


_TAG_LINE = 40
_TAG = re.compile(rf"[ \t]*[^\W\d_][^\d\n:]{{1,{_TAG_LINE}}}")
_DAY_MONTH = re.compile(rf"\d{{1,2}}\.?\s+(?:de\s+)?{MONTH}|{MONTH}\s+\d{{1,2}}", re.IGNORECASE)


def _intro_start(text: str, start: int, post: Post) -> int:
    """Where the context of a schedule begins: its paragraph, or the paragraph above when
    that one introduces it ("… three roundtables will be held:") or is a short heading. The
    schedule's other lines above it ("2 May 15:00 – 18:00", each its own paragraph) are
    passed over to reach the introduction they share."""
    floor = max(post.begin, start - 600)
    while start >= 2 and text[start - 2:start] == "\n\n":
        before = text.rfind("\n\n", floor, start - 2)
        above_start = before + 2 if before >= 0 else floor
        above = text[above_start:start - 2].rstrip()
        if not above.endswith(":") and len(above) > 250:
            break
        if _DETAIL_LINE.fullmatch(above) and above_start > floor:
            start = above_start  # "Countries under review: …" between an entry's name and its dates
            continue
        if above.endswith(":") or not _SCHEDULE_ENTRY.fullmatch(above) or above_start <= floor:
            return above_start
        start = above_start
    return start


# A paragraph that details an entry: "Countries under review: Bolivia, Chad.", "Speakers: …"
_DETAIL_LINE = re.compile(r"[^\W\d_][^\n:]{2,40}:[ \t][^\n]{1,200}")
# A paragraph that is one line of a schedule: a date and perhaps a time, a place, a label.
_SCHEDULE_ENTRY = re.compile(rf"[^\n]{{0,60}}(?:\d{{1,2}}\.?\s+(?:de\s+)?{MONTH}|{MONTH}\s+\d{{1,2}})[^\n]{{0,60}}", re.IGNORECASE)


def _labelled_block(text: str, mention: Mention, post: Post) -> tuple[int, int] | None:
    """The paragraph around a "Date: 12 March 2027" line, a date under a "Deadline" line or
    a schedule line, or None for other dates."""
    floor = max(post.begin, mention.begin - 140)
    line_start = text.rfind("\n", floor, mention.begin) + 1
    if not line_start:
        if floor > post.begin:
            return None  # a line longer than a label line
        line_start = post.begin  # the post's first line: "Wann: Dienstag, 28. Juli 2020" opening the text
    heading = _place_heading(text, mention, line_start, post)
    if heading:
        return heading
    labelled = LABEL_LINE.match(text, line_start, mention.begin)  # "Date: …": its block is what follows
    if not labelled and _schedule_line(text, mention, line_start):
        start = text.rfind("\n\n", max(post.begin, line_start - 400), line_start)
        start = start + 2 if start >= 0 else max(post.begin, line_start - 400)
        stop = text.find("\n", mention.end)
        stop = len(text) if stop < 0 else stop
        below = stop + 1
        while text.startswith(("\n", " \n"), below) and below < stop + 4:
            below = text.find("\n", below) + 1  # a blank line or two between the date and its hours
        if _CLOCK_LINE.match(text, below):  # the time on the line under the date
            after = text.find("\n", below)
            stop = len(text) if after < 0 else after
        return _intro_start(text, start, post), min(_tags_below(text, stop, post.end), post.end)
    if not labelled:
        if text[line_start:mention.begin].strip():
            return None
        above = text.rfind("\n", max(post.begin, line_start - 60), line_start - 1) + 1
        if not above or not LABEL_LINE.fullmatch(text, above, line_start - 1):
            return None
        line_start = above
    start = text.rfind("\n\n", max(post.begin, line_start - 400), line_start)
    stop = text.find("\n\n", mention.end, min(post.end, mention.end + 400))
    return (start + 2 if start >= 0 else max(post.begin, line_start - 400),
            stop if stop >= 0 else min(post.end, mention.end + 400))


def _place_heading(text: str, mention: Mention, line_start: int, post: Post) -> tuple[int, int] | None:
    """The block under a heading that is a place and its dates ("Kenya (7-8 March)"), as a
    programme of events in several countries lists them: what happens there is told below."""
    line_end = text.find("\n", mention.end)
    line_end = min(post.end, len(text) if line_end < 0 else line_end)
    if not (_PLACE_OPEN.fullmatch(text, line_start, mention.begin) and _PLACE_CLOSE.fullmatch(text, mention.end, line_end)):
        return None
    following = _PLACE_HEADING.search(text, line_end, min(post.end, line_end + 400))
    return line_start, following.start() if following else min(post.end, line_end + 400)


def _reference(post: Post, mention: Mention, anchors: "_Anchors", context: Context, month: dt.date | None) -> Reference:
    """The date the passage holding `mention` was written, or the best stand-in for it."""
    date, source = post.reference(mention.begin)
    if date is not None:
        return Reference(date, source)
    if context.published is not None:
        return Reference(context.published, "published")
    # a post's years are read once: every date of a post without a writing date asks
    if post.begin not in anchors.years:
        anchors.years[post.begin] = _latest_year(anchors.text, post, context.today)
    year = anchors.years[post.begin]
    nearby = anchors.near(mention, post, year - 1 if year else None)
    if nearby is not None:
        return Reference(nearby[0], "later date" if nearby[1] else "nearby date", year)
    if month is not None:
        return Reference(month, "document month", year)
    if year is not None:
        return Reference(dt.date(year, 1, 1), "year in text", year)
    return Reference(context.today, "clock")


_YEAR = re.compile(r"(?<![\d/.,:-])(20\d\d)(?![\d/-]|[.,:]\d)")


def _latest_year(text: str, post: Post, today: dt.date) -> int | None:
    """The latest year written in the post ("the 2027 edition", "© 2026"), ignoring targets far
    ahead ("by 2030"): a better guess at when it was written than the machine's clock."""
    years = [int(y) for y in _YEAR.findall(text, post.begin, min(post.end, post.begin + 50_000))]
    years += _session_years(text, post)
    years = [y for y in years if y <= today.year + 1]
    return max(years) if years else None


def _session_years(text: str, post: Post) -> list[int]:
    """The years of the Human Rights Council sessions the post names by number ("the 58th
    session", "HRC61", "60e session"): three a year, the 55th to the 57th in 2024. A text about
    a session is of its year, which a year-less date in it most likely has too."""
    numbers = (int(next(group for group in groups if group))
               for groups in _HRC_SESSION.findall(text, post.begin, min(post.end, post.begin + 50_000)))
    return [2024 + (n - 55) // 3 for n in numbers if 1 <= n <= 150]


_HRC_SESSION = re.compile(
    r"\bHRC[ -]?(\d{1,3})\b|\b(?:(\d{1,3})(?:st|nd|rd|th|e|ème|ª|º|\.)?\s+(?:regular\s+|ordinary\s+)?session\s+of\s+the\s+"
    r"(?:UN\s+|United Nations\s+)?Human Rights Council|(\d{1,3})(?:e|ème)\s+session\s+du\s+Conseil\s+des\s+droits\s+de\s+l['’]homme"
    r"|(\d{1,3})(?:º|ª|o)?\s+per[ií]odo\s+de\s+ses(?:iones|sões)\s+del?\s+Cons(?:ejo|elho)\s+de\s+Direitos|(\d{1,3})(?:º|°)?\s+sesi[oó]n\s+del\s+Consejo\s+de\s+Derechos)",
    re.IGNORECASE,
)


def _reports(text: str, position: int) -> bool:
    """True when a reporting verb ("said", "a déclaré") follows `position` within 120
    characters. The piece keeps the character before, for the word boundary."""
    start = max(0, position - 1)
    return _REPORTING_FOLDED.search(fold(text[start:position + 120]), position - start) is not None


class _Anchors:
    """Full dates of a document (day, month and year), to lend their year to year-less ones.
    Kept as columns of machine integers (days as ordinals): a long text may have many."""

    def __init__(self, text: str, mentions: MentionTable):
        self.text = text
        self.ends, self.begins, self.dates = array(OFFSET), array(OFFSET), array(OFFSET)
        self.statement = bytearray()
        self.years: dict[int, int | None] = {}  # a post's latest year, by where it begins (`_reference`)
        for m in mentions:
            full = m.full_date
            if full:
                self.ends.append(m.end)
                self.begins.append(m.begin)
                self.dates.append(full.toordinal())
                self.statement.append(_reports(text, m.end))

    def near(self, mention: Mention, post: Post, floor: int | None = None) -> tuple[dt.date, bool] | None:
        """The latest of the last few statement dates before `mention` ("On 14 November 2025,
        NGOs said"), else the nearest full date before it, else the nearest after it (in its
        post); and whether that one closes the list the mention is in ("5 May, 9 June and 2
        September 2027": after it, in the same sentence, with nothing but days between). A date
        of a year before `floor` is history ("the Armistice of 11 November 1918" in a 2019
        agenda) and lends no year."""
        low = dt.date(floor, 1, 1).toordinal() if floor and floor > 1 else 0
        last = bisect.bisect_right(self.ends, mention.begin)
        first = bisect.bisect_left(self.begins, post.begin)
        statements = [self.dates[i] for i in range(max(first, last - 12), last) if self.statement[i] and self.dates[i] >= low]
        if statements:
            return dt.date.fromordinal(max(statements[-3:])), False
        before = next((i for i in range(last - 1, max(first, last - 12) - 1, -1) if self.dates[i] >= low), None)
        if before is not None:
            return dt.date.fromordinal(self.dates[before]), False
        after = bisect.bisect_left(self.begins, mention.end)
        if after < len(self.dates) and self.begins[after] < post.end and self.dates[after] >= low:
            between = self.text[mention.end:self.begins[after]]
            return dt.date.fromordinal(self.dates[after]), len(between) <= 80 and _LIST_GAP.fullmatch(between) is not None
        return None


# what may stand between the days of a list: other days and months, commas, "and"
_LIST_GAP = re.compile(r"[^.;:!?\n()]*")
# what joins one date of a list to the next: a comma, "and", "or"
_LIST_JOIN = re.compile(r"\s*[,;]?\s*(?:(?:and|et|y|e|und|и|ve|i|en|&|or|ou|o|oder|или)\s+)?", re.IGNORECASE)


class _Weighed:
    """What `classify_kind` and `orientation` make of a dated sentence, kept by its words: a
    sentence met again (a footer in every post, a digest quoting one call twice, a list of
    dates without full stops) is weighed once, as the fields of a sentence are read once."""

    _MARGIN = (8, 64)  # characters either side that cue patterns may look at (lookbehinds, long cues)

    def __init__(self, cues: Cues):
        self.cues = cues
        self.kinds: dict[tuple, tuple] = {}
        self.orientations: dict[tuple, tuple] = {}
        self.last = (-1, 0.0)  # where the last date weighed for its tense ends, and its direction

    def in_list(self, text: str, mention: Mention, direction: float) -> float:
        """The direction of a date that continues a list ("set hearings for 5 May, 9 June and
        2 September"): its own when its words say something, else that of the date before it."""
        end, before = self.last
        if direction == 0 and before > 0 and 0 <= mention.begin - end <= 8 and _LIST_JOIN.fullmatch(text, end, mention.begin):
            direction = before
        self.last = (mention.end, direction)
        return direction

    def key(self, dated: Dated, title: str | None) -> tuple:
        lo = max(0, dated.start - self._MARGIN[0])
        return (dated.text[lo:dated.stop + self._MARGIN[1]], dated.start - lo, dated.begin - dated.start,
                dated.end - dated.start, dated.labelled, title)

    def kind(self, key: tuple, dated: Dated, title: str | None) -> tuple[str | None, str, int, bool]:
        return self._kept(self.kinds, key, classify_kind, dated, self.cues, title)

    def orientation(self, key: tuple, dated: Dated) -> tuple[float, bool]:
        return self._kept(self.orientations, key, orientation, dated, self.cues)

    @staticmethod
    def _kept(memo: dict, key: tuple, function, *args):
        found = memo.get(key)
        if found is None:
            if len(memo) >= 256:
                memo.clear()  # bounded: a long text of distinct sentences keeps only recent ones
            found = memo[key] = function(*args)
        return found


def _read_mention(post: Post, mention: Mention, dated: Dated, weighed: _Weighed, reference_of,
                  context: Context, around: _Around) -> list[tuple[Opportunity, str | None]]:
    """The opportunity a dated sentence announces and its role: "closing" when its date is
    when an event that starts earlier ends, "extension" when it is a deadline's new date;
    none when it announces nothing ahead; two when the date is two days ("on 11 and 13 March")."""
    found = _announced(post, mention, dated, weighed, reference_of, context, around)
    if found is None:
        return []
    item, role = found
    if not (item.kind != "deadline" and item.end is not None and mention.listed):
        return [found]
    apart = day_of(item.end) - day_of(item.start)
    if apart.days < 2:
        return [found]  # "on 5 and 6 March": two days running, one item
    # each day with the hours, when there are any ("on 11 and 13 March, 10:00-12:00")
    first_end = None if item.all_day or item.end - apart == item.start else item.end - apart
    second = dataclasses.replace(item, start=item.start + apart, end=None if item.all_day else item.end)
    return [(dataclasses.replace(item, end=first_end), role), (second, role)]


# How many days a meeting lasts, said of the meeting ("a two-day webinar", "zweitägige Konferenz")
_LASTING = re.compile(
    r"\b(?:(?P<en>two|three|four|five|[2-5])[- ]day\b"
    r"|(?:de|di|of) (?P<ro>deux|trois|quatre|cinq|dos|tres|cuatro|cinco|dois|três|quatro|due|tre|quattro|cinque|[2-5])"
    r" (?:jours|días|dias|giorni|days)\b"
    r"|(?P<de>zwei|drei|vier|fünf)tägig|(?P<nl>twee|drie|vier|vijf)daags|(?P<ru>двух|тр[её]х|четыр[её]х|пяти)дневн"
    r"|(?P<uk>дво|три|чотири|п['’]яти)денн|(?P<pl>dwu|trzy|cztero|pięcio)dniow|(?P<tr>iki|üç|dört|beş) günlük)",
    re.IGNORECASE,
)
_AFTER_WORD = re.compile(r"\b(?:after|following|since|après|depuis|tras|después de|após|depois de|dopo|nach|после|po)\b\W+(?:\w+\W+)?$", re.IGNORECASE)
_LASTING_NUMBERS = {word: n for n, words in enumerate((
    "", "", "two 2 deux dos dois due zwei twee двух дво dwu iki",
    "three 3 trois tres três tre drei drie трех трёх три trzy üç",
    "four 4 quatre cuatro quatro quattro vier четырех четырёх чотири cztero dört",
    "five 5 cinq cinco cinque fünf vijf пяти п'яти п’яти pięcio beş")) for word in words.split()}


def _lasting(text: str, mention: Mention, dated: Dated) -> int:
    """The number of days the date's clause says its meeting lasts, or 0."""
    lo, hi = max(dated.start, mention.begin - 80), min(dated.stop, mention.end + 80)
    # within the date's own clause: not "the two-day hearing ended on …; the verdict is due on …"
    # nor "adjourned after a three-day hearing, the trial resumes on …"
    lo = max(lo, *(text.rfind(mark, lo, mention.begin) + 1 for mark in ";,"))
    hi = min([hi] + [at for at in (text.find(mark, mention.end, hi) for mark in ";,") if at >= 0])
    found = _LASTING.search(text, lo, hi)
    if found and _AFTER_WORD.search(text, max(lo, found.start() - 16), found.start()):
        return 0  # "after the two-day visit"
    return _LASTING_NUMBERS.get(next(filter(None, found.groups())).lower(), 0) if found else 0


def _announced(post: Post, mention: Mention, dated: Dated, weighed: _Weighed, reference_of,
               context: Context, around: _Around) -> tuple[Opportunity, str | None] | None:
    key = weighed.key(dated, post.title)
    kind, subtype, distance, role = weighed.kind(key, dated, post.title)
    # "Beginn: 29. November, 13.00 Uhr" then "Ende: 30. November, 14.00 Uhr": the second is when
    # the first ends, however far the word that names the event (a closing day alone is dropped)
    if dated.labelled and _END_LABEL.match(dated.text, dated.text.rfind("\n", 0, mention.begin) + 1, mention.begin):
        role = "closing"
    if kind is None or (distance > KIND_REACH and not (role == "closing" and kind == "event")):
        return None
    direction, superseded = weighed.orientation(key, dated)
    direction = weighed.in_list(dated.text, mention, direction)
    # "initially scheduled for Monday 10 March, it will take place a week later": the new day
    later = _later_by(dated.text, mention.end, dated.stop) if superseded else None
    if later:
        direction, superseded = 2.0, False
    if direction == 0 and not superseded and distance <= 60 and _ahead_of_writing(mention, reference_of()):
        direction = 0.5  # no tense cue either way ("Am 3. Dezember stellen wir … vor"): a later date is ahead
    # A month is no day to put in a calendar: a deadline "until January" says when something
    # runs, not when to act by, and only a clearly announced event may span a whole month.
    if superseded or direction <= 0 or (mention.month_only and (direction < 2 or kind == "deadline")):
        return None
    if (mention.relative_days is not None and mention.relative_days <= 0 and (direction < 2 or distance > 30)
            and not (mention.relative_days == 0 and _TIME_NEXT.match(dated.text, mention.end))):
        return None  # "updated today", "said yesterday": the writing date; "today at 16:00" is an announcement
    reference = reference_of()
    # Read against the machine's clock only for want of any clue, a text is as likely old as
    # new: no lean towards the future then.
    days = resolve(mention, reference.date, 0 if reference.source == "clock" else direction, _year_hint(mention, reference))
    if days is None:
        return None
    first, last = days
    if later:
        first, last = first + later, last and last + later
    if kind == "deadline" and last is not None:
        first, last = last, None  # a window for applications closes on its last day
    elif last is None and subtype != "verdict" and (lasting := _lasting(dated.text, mention, dated)) > 1:
        last = first + dt.timedelta(days=lasting - 1)  # "a two-day webinar starts on Thursday"
    if reference.is_writing_date and (last or first) < reference.date:
        return None
    if mention.has_year and reference.latest_year and (last or first).year < reference.latest_year - 1:
        return None  # "Am 10. Dezember 1948 proklamierte …" in a text of 2023: history, whatever the tense
    reading = Reading(kind, subtype, first, last, distance, direction, reference)
    return _build(post, mention, dated, reading, context, around), role if role != "closing" or last is None else None


def _entries_below(post: Post, mention: Mention, found: list, context: Context, around: _Around) -> list:
    """The items of a court or event calendar whose day stands on a line of its own and whose
    entries are the list items under it, each with its hour ("27 March, Monday" over "• The
    third hearing of … at 09:55", "• … at 10:00"): one item per hour, on that day; none when
    the list gives no hours. An entry without an hour is no item of its own: the day's item
    would fold into the first timed one of its post, as one post naming a day twice names one
    thing (a known loss, see the README)."""
    item, role = found[0]
    if len(found) > 1 or role or not item.all_day or item.end is not None:
        return []
    text, day = mention.source, item.start
    line_end = text.find("\n", mention.end, post.end)
    if line_end < 0 or len(text[mention.end:line_end].strip()) > 40:
        return []  # the date ends its line, or nearly ("27 Mart Pazartesi")
    entries, start = [], line_end + 1
    while start < min(post.end, line_end + 6000):
        stop = text.find("\n", start, post.end)
        stop = post.end if stop < 0 else stop
        line = text[start:stop]
        if line.strip():
            if not (_LIST_ITEM.match(line) or _HOUR_ENTRY.match(line)):
                break  # the list ends: the next day's heading, or the text goes on
            hour = _HOUR_ENTRY.match(line)
            clock = find_time(line) if hour is None else find_time(re.sub(r"[.\s]+", ":", hour.group().strip(" \t-–—:")))
            if clock is not None:
                at = Mention(start + clock.begin, start + clock.begin, text, Partial(day.month, day.day, day.year))
                subtype = named_subtype(line, item.kind) or item.subtype  # "• The trial of … continues at 14:00"
                reading = Reading(item.kind, subtype, day, None, 0, 1.0, Reference(day, "nearby date"))
                entries.append((_build(post, at, Dated(text, start, stop, at.begin, at.end), reading, context, around, clock), None))
        start = stop + 1
    return entries


def _year_hint(mention: Mention, reference: Reference) -> int | None:
    """The year to read a year-less date in, when the text gives one: its only year, or for a
    date before the first full date after it, the year that puts it on or before that date
    ("on 5 May, 9 June and 2 September 2027": all in 2027; "on 3 December and 14 January 2027")."""
    if reference.source == "year in text":
        return reference.date.year
    if reference.source != "later date" or mention.first is None or mention.first.month is None:
        return None
    later = reference.date
    day = mention.first.day or 1
    return later.year if (mention.first.month, day) <= (later.month, later.day) else later.year - 1


def _follow_up(post: Post, dated: Dated, item: Opportunity, context: Context, around: _Around,
               ends: SentenceEnds) -> Opportunity | None:
    """The event that a sentence soon after an event's names with its hour but no day: "A
    press conference will be held on 22 March … This conference will be followed by a
    presentation of the report at 6:30 pm." It is on the same day, and less sure."""
    if item.kind != "event" or item.end is not None and day_of(item.end) != day_of(item.start):
        return None
    text, start, found = dated.text, dated.stop, None
    for _ in range(3):  # the next three sentences, until one gives a day of its own
        paragraphs = 0
        while start < post.end and text[start] in " \t\n.":
            paragraphs += text[start] == "\n"
            start += 1
        if start >= post.end or paragraphs > 3:
            return None
        stop = bounds(text, start, start + 1, post.begin, post.end, ends=ends)[1]
        # across a paragraph only what says it follows ("This conference will be followed by …")
        found = _followed(text[start:stop], paragraphs >= 2)
        if found is not None:
            break
        start = stop
    if found is None or found == _DATED:
        return None  # none, or a sentence with a day of its own comes first
    subtype, clock_at = found
    day = day_of(item.start)
    at = Mention(start + clock_at, start + clock_at, text, Partial(day.month, day.day, day.year))
    follow = Dated(text, start, stop, at.begin, at.end)
    reading = Reading("event", subtype, day, None, 0, 1.0, Reference(day, "nearby date"))
    built = _build(post, at, follow, reading, context, around)
    if built.start == day:
        return None
    if isinstance(item.start, dt.datetime):  # the same day at the same place: the first event's zone
        zone = item.start.tzinfo
        built = dataclasses.replace(built, start=built.start.replace(tzinfo=zone), timezone=item.timezone,
                                    end=built.end.replace(tzinfo=zone) if isinstance(built.end, dt.datetime) else built.end)
    return dataclasses.replace(built, confidence=min(built.confidence, 0.55))


_DATED = ("dated", 0)


@functools.lru_cache(maxsize=256)  # a text that repeats a paragraph asks the same question
def _followed(sentence: str, new_paragraph: bool) -> tuple[str, int] | None:
    """(subtype, offset of its hour) when `sentence` announces an event by its hour alone,
    `_DATED` when it gives a day of its own, else None."""
    if find_mentions(sentence)[0]:
        return _DATED
    if len(sentence) > 400 or not any(c.isdigit() for c in sentence):
        return None
    clock = find_time(sentence)
    subtype = announced_event(sentence, follows=new_paragraph) if clock is not None else None
    return (subtype, clock.begin) if subtype else None


def _later_by(text: str, position: int, stop: int) -> dt.timedelta | None:
    """How much later than the date just read the sentence puts it ("… will take place a week
    later", "two days later", "une semaine plus tard"), or None."""
    match = _LATER.search(text, position, stop)
    if match is None:
        return None
    count = _COUNTS.get(match.group("n").lower(), None) if not match.group("n").isdigit() else int(match.group("n"))
    if not count or count > 60:
        return None
    return dt.timedelta(days=count * (7 if match.group("unit").lower().startswith(("week", "sem")) else 1))


_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "une": 1, "un": 1, "deux": 2, "trois": 3, "una": 1, "uno": 1, "dos": 2, "tres": 3}
_LATER = re.compile(r"\b(?P<n>a|one|two|three|une|un|deux|trois|una|uno|dos|tres|\d{1,2})\s+(?P<unit>days?|weeks?|jours?|semaines?|días?|semanas?)"
                    r"\s+(?:later|plus tard|después|más tarde)\b", re.IGNORECASE)


def _ahead_of_writing(mention: Mention, reference: Reference) -> bool:
    """True when the text's writing date is known and the mention falls after it. A weekday
    alone ("appeared in court on Thursday") says nothing: it is read as the next one whatever
    the tense, so only "next Thursday" and its kin are ahead by their own words."""
    if not reference.is_writing_date:
        return False
    if mention.next_weekday is not None and not mention.says_next:
        return False
    days = resolve(mention, reference.date, 1)
    return days is not None and days[0] > reference.date


@dataclass(frozen=True)
class Reading:
    """What the extractor made of one dated sentence, before the fields are read."""

    kind: str
    subtype: str
    first: dt.date
    last: dt.date | None
    distance: int  # characters between the date and the cue that decided its kind
    direction: float  # how clearly the date lies ahead
    reference: Reference


def _build(post: Post, mention: Mention, dated: Dated, reading: Reading, context: Context, around: _Around,
           clock: ClockTime | None = None) -> Opportunity:
    text, sentence = dated.text, dated.sentence
    # Fields are looked for near the date, not in the whole post: a long post costs no more.
    lo, hi = max(post.begin, mention.begin - _FIELD_REACH), min(post.end, mention.end + _FIELD_REACH)
    post_text = around.window(lo, hi, reading.kind)
    post_head = around.head(post)
    where = fields.location(reading.kind, _lines_from(text, dated, mention, post), None) if reading.kind != "deadline" else None
    where = where or fields.location(reading.kind, sentence, post.title)
    if where is None and reading.kind != "deadline":
        where = around.venue(max(post.begin, dated.start - _VENUE_REACH), min(post.end, dated.stop + _VENUE_REACH))
    elif where is None and reading.subtype == "job":
        where = fields.location("deadline", post_head[:1500], None)  # "… is recruiting … for its Nairobi office"
    clock = clock or _clock_near(sentence, mention.begin - dated.start, mention.end - dated.start) or _clock_next(text, dated, post)
    if clock is None and reading.kind != "deadline":
        clock = _only_clock(sentence)  # "will start at 10:00 at the Palais de Justice in Paris on 3 March"
    if clock is None:
        begin_at, end_at, zone_name = reading.first, reading.last, None  # all day: no zone to look for
    else:
        place_text = f"{where or ''}\n{sentence}\n{post.title or ''}\n{post_head[:300]}"
        if clock.zone is None:  # "All times are CET" in a sentence of its own, after or at the top
            stated = stated_zone(text[dated.stop:min(post.end, dated.stop + 600)]) or stated_zone(post_head[:1500])
            clock = dataclasses.replace(clock, zone=stated) if stated else clock
        begin_at, end_at, zone_name = _timed(reading.first, reading.last, clock, place_text, context.tz)
    evidence = _evidence(sentence)
    kind, subtype = reading.kind, reading.subtype
    heading, section = section_heading(text, post, dated.start)
    headings = (around.headings.above(post, heading, mention.begin), heading)
    title = titles.title(kind, subtype, headings, evidence, mention.text, around.language(section, context.lang), where)
    confidence = _confidence(mention, reading)
    source = Source(context.name, post.title, post.date, (mention.begin, mention.end))
    return Opportunity(
        kind=kind, subtype=subtype, title=title, start=begin_at, end=end_at, timezone=zone_name,
        # a court date has no organiser: whoever writes about it is not running it
        organizer=fields.organizer(sentence, post.title, post_head) if kind != "hearing" else None, location=where,
        online=fields.online(sentence, post_head if kind != "hearing" else ""),
        url=fields.url(sentence, post_text, mention.end - lo),
        contact=fields.contact(sentence, post_text, mention.end - lo, sign_on=kind == "deadline"),
        reference=fields.reference(sentence, post_text) if kind == "deadline" else None,
        evidence=evidence, confidence=confidence, sources=(source,),
    )


_ORDINAL_END = re.compile(r"(?<=[^\W\d_] )\d{1,3}\.$")


def _lines_from(text: str, dated: Dated, mention: Mention, post: Post) -> str:
    """The date's line and those under it up to a blank line ("Monday 8 March, 13:00" over
    "Room XXII, Palais des Nations"): where an entry of a programme names its room."""
    lo = max(dated.start, text.rfind("\n", dated.start, mention.begin) + 1)  # never past the sentence: a text may be one line
    hi = min(post.end, mention.end + 400)
    line_end = text.find("\n", mention.end, hi)
    ordinal = _ORDINAL_END.search(text, max(lo, dated.stop - 6), dated.stop)  # "İstanbul 14. Ağır Ceza": not an end
    if dated.stop < (line_end if line_end >= 0 else hi) and text[dated.stop:line_end].strip() and not ordinal:
        return text[lo:dated.stop]  # prose: the next sentence of the paragraph is about something else
    blank = text.find("\n\n", mention.end, hi)
    return text[lo:blank if blank >= 0 else hi]


class _Around:
    """What a date's fields are read from besides its sentence: the opening of its post, and
    the window around it where a link, an e-mail or a reference code may stand. Held for one
    document: a text full of dates asks at every date, and most windows hold none of them, so
    the places where one might stand are found once."""

    def __init__(self, text: str):
        self.text = text
        self.head_of: tuple[int, str] = (-1, "")  # the last post's (begin, opening)
        self.hints: dict[str, tuple[array, array]] = {}
        self.languages: dict[int, str] = {}
        self.venues: tuple[list[int], list[str | None]] | None = None
        self.headings = Headings(text)

    def venue(self, lo: int, hi: int) -> str | None:
        """The place of the first venue line ("Venue: …") in text[lo:hi]."""
        if self.venues is None:
            found = list(fields.VENUE_LINE.finditer(self.text)) if ":" in self.text else []
            self.venues = ([m.start() for m in found], [fields.venue_line(m) for m in found])
        starts, places = self.venues
        first = bisect.bisect_left(starts, lo)
        return places[first] if first < len(starts) and starts[first] < hi else None

    def language(self, section: int, default: str) -> str:
        """The language of the section that starts at `section`: a digest in one language
        quotes posts in others, and a title is written in its post's language."""
        if section not in self.languages:
            if len(self.languages) >= 256:
                self.languages.clear()
            self.languages[section] = language.detect(self.text[section:section + 2000], default=default)
        return self.languages[section]

    def head(self, post: Post) -> str:
        if self.head_of[0] != post.begin:
            self.head_of = (post.begin, self.text[post.begin:min(post.end, post.begin + 5000)])
        return self.head_of[1]

    def window(self, lo: int, hi: int, kind: str) -> str:
        """text[lo:hi], or "" when it holds no link, no e-mail and (for a deadline) none of
        the words a reference code follows."""
        wanted = ("link", "reference") if kind == "deadline" else ("link",)
        return self.text[lo:hi] if any(self._within(name, lo, hi) for name in wanted) else ""

    def _within(self, name: str, lo: int, hi: int) -> bool:
        """True when a hint of `name` starts at or after `lo` and ends by `hi`."""
        if name not in self.hints:
            self.hints[name] = (array(OFFSET), array(OFFSET))
            for match in _HINTS[name].finditer(self.text):
                self.hints[name][0].append(match.start())
                self.hints[name][1].append(match.end())
        starts, ends = self.hints[name]
        first = bisect.bisect_left(starts, lo)
        return first < len(starts) and ends[first] <= hi  # hints never overlap: the first one decides


# What `fields.url` and `fields.contact` (a link or an e-mail) and `fields.reference` (a code
# after one of these words, in any case) cannot find anything without.
_HINTS = {"link": re.compile(r"http|@"), "reference": re.compile(r"ref|réf|vacancy|job|quot|citing|indica|angabe", re.IGNORECASE)}


@functools.lru_cache(maxsize=32)  # the dates of one sentence share its evidence
def _evidence(sentence: str) -> str:
    return _DATELINE_HEAD.sub("", re.sub(r"\s+", " ", sentence).strip())


@functools.lru_cache(maxsize=256)  # a sentence met again (and all its dates) is read once
def _clock_near(sentence: str, begin: int, end: int) -> ClockTime | None:
    """A clock time written just after the date ("10 February, from 3:00 to 5:00 PM (CET)")
    or just before it ("at 10:00 on 5 March")."""
    after = sentence[end:end + 150].split(";")[0]  # "closes on 3 March; the office opens at 9:00": another clause
    nxt = re.search(r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\s+\d{4})", after)
    clock = find_time(after[:nxt.start()] if nxt else after)
    if clock is not None:
        return clock
    before = sentence[max(0, begin - 45):begin]
    found = find_time(before)
    return found if found is not None and before[found.end:].strip(" ,") in ("on", "le", "el", "am", "", "of", "the", "on the") else None


@functools.lru_cache(maxsize=256)
def _only_clock(sentence: str) -> ClockTime | None:
    """The time of a sentence that gives one day and one time, wherever they stand in it. A
    deadline's sentence is not read so: "closes on 3 March; the office opens at 9:00"."""
    if len(list(itertools.islice(all_times(sentence), 2))) != 1 or len(find_mentions(sentence)[0]) != 1:
        return None
    return find_time(sentence)


_STARTS_AT = re.compile(
    r"\s*(?:The|It|This|Proceedings|Doors|La|El|Elle|Il)\b[^.\n\d]{0,60}?\b(?:starts?|begins?|opens?|commences?|will start|will begin|will open|will take place|will be held|commencera|débutera|comenzará|empezará|iniciará)\b"
    r"|\s*[^.\n\d]{0,60}?\b(?:начн[её]тся|начинается|откро[её]тся|стартует)\b",  # "Планируется, что заседание начнется в 11 утра"
    re.IGNORECASE,
)


def _clock_next(text: str, dated: Dated, post: Post) -> ClockTime | None:
    """The time given in the next sentence when it only says when the thing starts:
    "… adjourned to 16 December. The hearing will start at 10:00 local time." """
    if not _STARTS_AT.match(text, dated.stop, min(post.end, dated.stop + 100)):
        return None
    stop = bounds(text, dated.stop + 1, dated.stop + 2, post.begin, post.end)[1]
    return _time_of_next(text[dated.stop:stop])


@functools.lru_cache(maxsize=32)  # a text that repeats its sentences asks again and again
def _time_of_next(follow: str) -> ClockTime | None:
    if find_mentions(follow)[0]:
        return None  # the next sentence has a date of its own; its time belongs to that
    return find_time(follow)


def _zone_for(clock: ClockTime, place_text: str, default_tz: str | None) -> tuple[dt.tzinfo, str | None]:
    """The tzinfo to read `clock` in, and the zone name to report: the zone the text names,
    else that of the first place named in `place_text`, else `default_tz`, else UTC."""
    if clock.zone is not None:
        if clock.zone.iana and clock.zone.offset_minutes is None:
            return ZoneInfo(clock.zone.iana), clock.zone.iana
        offset = dt.timezone(dt.timedelta(minutes=clock.zone.offset_minutes))
        return offset, clock.zone.label
    named = _LOCAL_PLACE.search(place_text)
    if named:
        iana = place_zone(named.group(1))
        return ZoneInfo(iana), iana
    if default_tz:
        return ZoneInfo(default_tz), default_tz
    return dt.timezone.utc, None


def _timed(first: dt.date, last: dt.date | None, clock: ClockTime | None, place_text: str, default_tz: str | None):
    """(start, end, timezone): dates for all-day items, aware datetimes for timed ones."""
    if clock is None:
        return first, last, None
    tzinfo, name = _zone_for(clock, place_text, default_tz)
    hour, minute = (23, 59) if clock.end_of_day else (clock.hour, clock.minute)
    begin_at = dt.datetime(first.year, first.month, first.day, hour, minute, tzinfo=tzinfo)
    end_at = None
    if clock.end_hour is not None:
        day = last or first
        end_at = dt.datetime(day.year, day.month, day.day, clock.end_hour, clock.end_minute or 0, tzinfo=tzinfo)
        if end_at <= begin_at:
            end_at = None
    elif last is not None:
        end_at = dt.datetime(last.year, last.month, last.day, hour, minute, tzinfo=tzinfo)
    return _fixed(begin_at), _fixed(end_at) if end_at else None, name


def _fixed(value: dt.datetime) -> dt.datetime:
    """Keep the wall time but express it with a plain UTC offset for ISO output."""
    return value.replace(tzinfo=dt.timezone(value.utcoffset()))


def _confidence(mention: Mention, reading: Reading) -> float:
    """How sure the reading is: explicit years, close cues and clear markers raise it; a year
    guessed from the machine's clock and month-only dates lower it."""
    score = 0.55
    # "tomorrow" read from the day the text was written is exact; a bare weekday ("on
    # Saturday": this week's or next?) or a relative word read against a stand-in date is not.
    exact_relative = mention.relative_days is not None and reading.reference.is_writing_date
    score += 0.15 if mention.has_year or exact_relative else 0.0
    score += 0.1 if reading.direction >= 2 else 0.0
    score += 0.1 if reading.distance <= 40 else 0.0
    if not mention.has_year and reading.reference.source == "clock":
        score -= 0.35
    elif not mention.has_year and reading.reference.source == "year in text":
        score -= 0.2
    if mention.month_only:
        score -= 0.2
    return round(max(0.05, min(0.99, score)), 2)
