"""Find date expressions in text: single dates, ranges, month-only dates, relative words.

The finder is regex-first and linear in the text: every pattern is a bounded sequence of
alternatives with no nested quantifiers, so hostile input ("1 1 1 …", long digit runs,
thousands of month names) cannot make it backtrack. English spans are read by our own
tables; spans in other languages are normalised by dateparser (`_foreign_day_month`).
The year of a year-less mention is chosen later, in `resolve`, once the context is known.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import heapq
import re
from array import array
from dataclasses import dataclass, field, replace

from .folding import fold, lowered_source
from .lexicon import MONTHS, WEEKDAYS
from .spans import OFFSET, joined


@dataclass(slots=True)  # plain slots: a frozen init costs a setattr per field, and there are many mentions
class Partial:
    """A calendar date that may lack its year (or its day, for month precision)."""

    month: int
    day: int | None = None
    year: int | None = None
    weekday: int | None = None


@dataclass(slots=True)  # plain slots: a frozen init costs a setattr per field, and there are many mentions
class Mention:
    """One date expression found in the text, with character offsets into it."""

    begin: int
    end: int
    source: str = field(repr=False)  # the whole text: a copy of each date's words would cost more
    first: Partial | None
    last: Partial | None = None  # the end of a range
    relative_days: int | None = None  # "tomorrow" = 1
    next_weekday: int | None = None  # "next Monday" = 0
    lang: str = "en"
    numeric: bool = False
    listed: bool = False  # two days named as a list ("March 11 and 13"), not a span

    @property
    def text(self) -> str:
        return self.source[self.begin:self.end]

    @property
    def says_next(self) -> bool:
        """True for "next Thursday" and its kin: a weekday alone ("on Thursday") may be today's."""
        return bool(_NEXT_WORD.search(self.text))

    @property
    def has_year(self) -> bool:
        return self.first is not None and self.first.year is not None

    @property
    def month_only(self) -> bool:
        return self.first is not None and self.first.day is None

    @property
    def full_date(self) -> dt.date | None:
        """The first day when the mention gives day, month and year ("5 May 2027"), else None."""
        first = self.first
        if first is None or first.year is None or first.day is None:
            return None
        return dt.date(first.year, first.month, first.day)


def _alternation(words) -> str:
    """A pattern matching any of `words`, the longest first, written as a tree of shared
    prefixes: the regex engine tries alternatives one by one, and a text dense with dates
    tries the month and weekday words at nearly every position, so 300 words in a row cost
    five times what their 40 first letters do.

    >>> _alternation(["mar", "march", "may"])
    'ma(?:r(?:ch)?|y)'
    """
    tree: dict = {}
    for word in set(words):
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _branches(tree)


def _branches(node: dict) -> str:
    ends = "" in node
    branches = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and not ends else f"(?:{'|'.join(branches)})"
    return body + "?" if ends else body  # greedy: the longer word is tried first


_MONTH_WORDS = {w: n for table in MONTHS.values() for w, n in table.items()}
_MONTH_LANG = {w: lang for lang, table in reversed(MONTHS.items()) for w in table}
_FULL_NAMES = {"march", "april", "may", "june", "july", "mars", "avril", "mai", "juin", "enero", "marzo", "abril", "mayo", "junio", "julio", "maio", "junho", "julho", "março", "marco", "juni", "juli", "märz", "maerz", "aout", "août"}
_WEEKDAY_WORDS = {w: n for table in WEEKDAYS.values() for w, n in table.items()}

MONTH = (rf"(?:{_alternation(w for w in _MONTH_WORDS if len(w) > 5 or w in _FULL_NAMES)}"
         rf"|(?:{_alternation(w for w in _MONTH_WORDS if len(w) <= 5 and w not in _FULL_NAMES)})\.?)")
WEEKDAY = rf"(?:{_alternation(_WEEKDAY_WORDS)})\.?"
_MONTH_WORD = re.compile(rf"(?<!\w){MONTH}(?!\w)", re.IGNORECASE)
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th|er|ème|eme|º|°|o\b)?"
YEAR = r"(?:19|20)\d\d"
# where a year ends: a word boundary, or a clock time glued to it when a page's line break was
# lost on the way to text ("11 February 202111:00am-1:00pm")
_YEAR_END = r"(?:\b|(?=(?:[01]?\d|2[0-3]):[0-5]\d(?!\d)))"
_W = r"[ \t\u00a0]"  # spaces inside a date never cross a line
_OF = rf"(?:{_W}+(?:of|de|del|di|du|do|da|dell'|della|من شهر){_W}+|{_W}*|-(?=[а-яё]))"  # "10-сентябрга" (Kyrgyz)
_YEAR_TAIL = rf"(?:,?{_W}*(?:de{_W}+|del{_W}+|of{_W}+)?(?P<y>{YEAR}){_YEAR_END})?"
_WD = rf"(?:(?P<wd>{WEEKDAY}),?{_W}+(?:the{_W}+|le{_W}+|el{_W}+|den{_W}+)?)?"
_DASH = r"(?:-|–|—|/)"
_TO = rf"(?:{_W}*{_DASH}{_W}*|{_W}+(?:to|till|until|through|thru|and|&|au|al|a|bis|e|y|et|à|hasta|jusqu'au|по|до|do){_W}+)"

_PATTERNS = {
    # 21st and 22nd of February 2017 / 5 to 9 January 2026 / du 5 au 9 janvier
    "d-d-m": rf"(?<![\w.,/-])(?=[^\W_]){_WD}(?P<d1>{DAY}){_TO}(?P<d2>{DAY})\.?{_OF}(?P<m>{MONTH}){_YEAR_TAIL}",
    # 24 February to 4 April 2025
    "d-m-d-m": rf"(?<![\w.,/-])(?=[^\W_]){_WD}(?P<d1>{DAY})\.?{_OF}(?P<m1>{MONTH}){_TO}(?P<d2>{DAY})\.?{_OF}(?P<m>{MONTH}){_YEAR_TAIL}",
    # February 10-12, 2026
    "m-d-d": rf"\b(?=[^\W\d_]){_WD}(?P<m>{MONTH}){_W}+(?P<d1>{DAY}){_TO}(?P<d2>{DAY})\b{_YEAR_TAIL}",
    # February 24 to April 4, 2025
    "m-d-m-d": rf"\b(?=[^\W\d_]){_WD}(?P<m1>{MONTH}){_W}+(?P<d1>{DAY}){_TO}(?P<m>{MONTH}){_W}+(?P<d2>{DAY})\b{_YEAR_TAIL}",
    # Friday, 6 February 2026 / 30 avril 2026 / 30 de abril de 2026 / 15. März
    "d-m": rf"(?<![\w.,/-])(?=[^\W_]){_WD}(?P<d>{DAY})\.?{_OF}(?P<m>{MONTH})(?![\w-]){_YEAR_TAIL}"
           rf"(?:,?{_W}+(?P<wa>{WEEKDAY})(?![\w-]))?",  # "27 Mart Pazartesi", "27 марта, понедельник"
    # Friday, February 6, 2026 / November 24
    "m-d": rf"\b(?=[^\W\d_]){_WD}(?P<m>{MONTH}){_W}+(?:the{_W}+)?(?P<d>{DAY})\b(?![.,]\d|:\d|{_W}*(?:%|percent|per{_W}cent))(?:{_W}*,?{_W}*(?P<y>{YEAR}){_YEAR_END})?",
    # March 2026 (month precision)
    "m-y": rf"\b(?P<m>{MONTH}),?{_W}+(?:de{_W}+|del{_W}+)?(?P<y>{YEAR})\b",
    # 2026-04-30
    "iso": r"(?<![\w.:/-])(?P<y>(?:19|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\w/-]|\.\d)",
    # 30.04.2026 / 30/04/2026 / 04/30/2026
    "numeric": r"(?<![\w.,:/-])(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)\d\d)(?![\w/-]|[.,]\d)",
    # "Closing date: 3/3/23": a two-digit year only right after a label's colon
    "short": r"(?:(?<=:)|(?<=:[ \t]))(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[0-3]?\d)(?P=sep)(?P<y2>\d\d)(?![\w/-]|[.,]\d)",
}
_ORDER = list(_PATTERNS)  # longer forms first: they win overlaps

# Brazilian news name a day by its weekday and its day of the month: "nesta terça-feira (27)"
_DAY_IN_BRACKETS = rf"(?:{_W}*\(\d{{1,2}}\))?"
_RELATIVE = (  # "tomorrow", "next Monday", "on Thursday"
    r"\b(?:(?P<dat>the day after tomorrow)|(?P<word>today|tonight|tomorrow|yesterday"
    r"|aujourd'hui|aujourd’hui|demain|hier|hoy|ayer|pasado mañana|heute|gestern|übermorgen"
    r"|oggi|domani|ieri|hoje|amanhã|ontem)"
    rf"|(?P<mañana>(?<!la )(?<!esta )(?<!por la )mañana(?! por| de)))\b{_DAY_IN_BRACKETS}"
    rf"|\b(?P<rel>next|this|coming|this coming|prochain|el próximo|este|nächsten|kommenden|nesta|neste|na próxima|no próximo|nesta próxima)"
    rf"{_W}+(?P<rwd>{WEEKDAY})\b{_DAY_IN_BRACKETS}"
    rf"|\b(?P<wd2>{WEEKDAY}){_W}+(?:next|prochain)\b"
    # "resumes on Thursday": a bare weekday, but not one that opens a full date ("Thursday 10 December")
    rf"|\b(?:on|le|el|am|il|this coming|na|op|w|we|в|во|no(?={_W}+(?:s[áa]bado|domingo))){_W}+(?P<bare>{WEEKDAY})\b(?![\s,]*(?:the\s+)?(?:\d|{MONTH})){_DAY_IN_BRACKETS}"
    # a day that opens its sentence as its subject: "Thursday sees the opening of …"
    rf"|(?:^|(?<=\n)|(?<=[.!?] ))(?P<subject>{WEEKDAY})(?={_W}+(?:sees|marks|will see|will mark|brings|will bring)\b)"
)
# What `_scan` runs: each pattern compiled for folded text only (case-insensitive by folding)
_LOWERED = {name: re.compile(lowered_source(p)) for name, p in {**_PATTERNS, "relative": _RELATIVE}.items()}
_NEXT_WORD = re.compile(r"\b(?:next|coming|prochain|próxim[oa]|nächsten|kommenden)\b", re.IGNORECASE)
_RELATIVE_DAYS = {
    "today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1, "aujourd'hui": 0, "aujourd’hui": 0,
    "demain": 1, "hier": -1, "hoy": 0, "ayer": -1, "mañana": 1, "pasado mañana": 2, "heute": 0,
    "gestern": -1, "übermorgen": 2, "oggi": 0, "domani": 1, "ieri": -1, "hoje": 0, "amanhã": 1,
    "ontem": -1,
}


def _day(token: str | None) -> int | None:
    if not token:
        return None
    return int(token[:2]) if token[:2].isdigit() else int(token[0])


def _month(token: str) -> int:
    return _MONTH_WORDS[token.rstrip(".").lower()]


def _plausible_month_word(token: str) -> bool:
    """English month names that are also other words must be capitalised ("may" and "march"
    are verbs, "jan" and "dec" short for other things); the others are month names in lower
    case too, as Swedish, Danish and Dutch write "15 april", "3 september"."""
    word = token.rstrip(".")
    return _MONTH_LANG.get(word.lower()) != "en" or word[0].isupper() or word.lower() not in _CAPITALISED_ONLY


_CAPITALISED_ONLY = {"may", "march", "august", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


def _weekday(match: re.Match) -> int | None:
    token = match.groupdict().get("wd") or match.groupdict().get("wa")
    return _WEEKDAY_WORDS[token.rstrip(".").lower()] if token else None


def _from_named(name: str, m: re.Match, lang: str, source: str, base: int) -> Mention | None:
    """The mention `m` found in a folded piece of `source` that starts at `base` (the text as
    written: English month names are told from verbs by their capital)."""
    groups = m.groupdict()
    month_tokens = [source[base + m.start(g):base + m.end(g)] for g in ("m1", "m") if groups.get(g)]
    if not all(_plausible_month_word(t) for t in month_tokens):
        return None
    year = int(groups["y"]) if groups.get("y") else None
    month = _month(groups["m"])
    weekday = _weekday(m)
    if name == "m-y":
        return Mention(base + m.start(), base + m.end(), source, Partial(month, None, year), lang=lang)
    if name in ("d-m", "m-d"):
        first = Partial(month, _day(groups["d"]), year, weekday)
        return Mention(base + m.start(), base + m.end(), source, first, lang=lang)
    first_month = _month(groups["m1"]) if groups.get("m1") else month
    first = Partial(first_month, _day(groups["d1"]), year, weekday)
    last = Partial(month, _day(groups["d2"]), year)
    return Mention(base + m.start(), base + m.end(), source, first, last, lang=lang, listed=_listed_not_ranged(m))


_CONJUNCTION = re.compile(r"\s(?:and|&|et|y|e)\s", re.IGNORECASE)


def _listed_not_ranged(m: re.Match) -> bool:
    """ "21st and 22nd" is a two-day span; "30 and 5" is a list of two dates."""
    between = m.string[m.end("d1"):m.start("d2")]
    if not _CONJUNCTION.search(between):
        return False
    if re.search(r"\b(?:between|entre|zwischen|tra)\s+(?:(?:the|os|as|los|las|les|den)\s+)?(?:days?|dias|días|jours|tagen)?\s*$",
                 m.string[max(0, m.start() - 24):m.start()], re.IGNORECASE):  # "entre os dias 24 e 27"
        return False
    return _day(m.group("d2")) != _day(m.group("d1")) + 1 or "m1" in m.groupdict() and m.group("m1")


def _from_numeric(name: str, m: re.Match, source: str, base: int) -> Mention | None:
    year = 2000 + int(m.group("y2")) if name == "short" else int(m.group("y"))
    if name == "iso":
        first = Partial(int(m.group("mo")), int(m.group("d")), year)
        return Mention(base + m.start(), base + m.end(), source, first, numeric=True)
    a, b = int(m.group("a")), int(m.group("b"))
    day, month = (b, a) if b > 12 and a <= 12 else (a, b)  # day first unless impossible
    if not 1 <= month <= 12 or day < 1:
        return None
    return Mention(base + m.start(), base + m.end(), source, Partial(month, day, year), numeric=True)


def _relative(name: str, m: re.Match, source: str, base: int) -> Mention:
    groups = m.groupdict()
    if groups.get("dat"):
        return Mention(base + m.start(), base + m.end(), source, None, relative_days=2)
    word = groups.get("word") or groups.get("mañana")
    if word:
        return Mention(base + m.start(), base + m.end(), source, None, relative_days=_RELATIVE_DAYS[word.lower()])
    token = groups.get("rwd") or groups.get("wd2") or groups.get("bare") or groups.get("subject")
    return Mention(base + m.start(), base + m.end(), source, None, next_weekday=_WEEKDAY_WORDS[token.rstrip(".").lower()])


def _validity_warning(mention: Mention) -> str | None:
    """Return a warning for impossible dates such as 31 February, else None."""
    for part in (mention.first, mention.last):
        if part is None or part.day is None:
            continue
        year = part.year if part.year is not None else 2024  # a leap year admits 29 February
        if part.day > calendar.monthrange(year, part.month)[1]:
            return f"impossible date {mention.text.strip()!r} skipped"
    return None


def find_mentions(text: str, lang: str = "en") -> tuple[list[Mention], list[str]]:
    """All date mentions in `text`, in order, without overlaps; plus warnings.

    >>> [m.text for m in find_mentions("Apply by Friday, 6 February 2026 or 7-10 April.")[0]]
    ['Friday, 6 February 2026', '7-10 April']
    """
    problems: dict[str, int] = {}
    mentions = list(_join_ranges(text, _found(text, lang, problems)))
    return mentions, _counted(problems)


def mention_table(text: str, lang: str = "en") -> tuple["MentionTable", list[str]]:
    """The mentions of `find_mentions`, stored compactly for reading a whole document."""
    problems: dict[str, int] = {}
    table = MentionTable(text, _join_ranges(text, _found(text, lang, problems)))
    return table, _counted(problems)


class MentionTable:
    """The mentions of a text as columns: offsets as machine integers, and what each mention
    says (its days, language…) as a shape shared by equal neighbours. A text that is dates
    from end to end has hundreds of thousands of mentions, and most say the same thing;
    `Mention` objects are made again as they are read."""

    def __init__(self, text: str, mentions):
        self.text = text
        self.begins, self.ends = array(OFFSET), array(OFFSET)
        self.shapes: list[tuple] = []
        recent: dict[tuple, tuple] = {}
        raw, kept = (), ()  # the last mention's own shape, and the shared one it stands for
        for mention in mentions:
            self.begins.append(mention.begin)
            self.ends.append(mention.end)
            shape = (mention.first, mention.last, mention.relative_days, mention.next_weekday, mention.lang,
                     mention.numeric, mention.listed)
            # a date repeated all along a text is read once (`_found`), so its parts are the very same objects
            if not (raw and shape[0] is raw[0] and shape[1] is raw[1] and shape[2:] == raw[2:]):
                if len(recent) > 256:
                    recent.clear()
                raw, kept = shape, recent.setdefault(_shape_key(shape), shape)
            self.shapes.append(kept)

    def __len__(self) -> int:
        return len(self.begins)

    def __iter__(self):
        return self.between(0, len(self.text) + 1)

    def __getitem__(self, index: int) -> Mention:
        return Mention(self.begins[index], self.ends[index], self.text, *self.shapes[index])

    def between(self, lo: int, hi: int):
        """The mentions that start in [lo, hi), in order."""
        return (mention for _, mention in self.indexed(lo, hi))

    def indexed(self, lo: int, hi: int):
        """(index, mention) for the mentions that start in [lo, hi), in order."""
        for index in self.span(lo, hi):
            yield index, self[index]

    def span(self, lo: int, hi: int) -> range:
        """The indices of the mentions that start in [lo, hi): no `Mention` is made for them."""
        return range(bisect.bisect_left(self.begins, lo), bisect.bisect_left(self.begins, hi))

    def fence(self, index: int, reach: int) -> tuple[int, int]:
        """(end of the `reach`-th mention before mention `index`, start of the `reach`-th
        after it), or the text's ends where there are fewer."""
        lo = self.ends[index - reach] if index >= reach else 0
        hi = self.begins[index + reach] if index + reach < len(self.begins) else len(self.text)
        return lo, hi


def _shape_key(shape: tuple) -> tuple:
    first, last, *rest = shape
    return (_partial_key(first), _partial_key(last), *rest)


def _partial_key(part: Partial | None):
    return None if part is None else (part.month, part.day, part.year, part.weekday)


def _found(text: str, lang: str, problems: dict[str, int]):
    """Mentions without overlaps, in order, tagged with their language, found lazily: a text
    of dates from end to end (one window, hundreds of thousands of mentions) never has all of
    them in memory. Where mentions overlap, the one that starts first wins (the longest of
    those); a tie goes to the word window over the digit window, then the earlier window and
    pattern. A match is read only when it is not overlapped (most matches of a dense text
    are), and what its words say is kept: a date repeated all along a text is read once.
    Impossible dates are left out and counted in `problems`."""
    kept_end = -1
    readings: dict[tuple, tuple | None] = {}
    for match, (read, name, args, base) in _in_order(text, lang):
        begin = base + match.start()
        if begin < kept_end:
            continue
        end = base + match.end()
        # a range form also reads the words before it ("between the days 24 and 27")
        key = (name, text[begin:end], text[max(0, begin - 24):begin] if name in _RANGES else None)
        reading = readings.get(key, _UNREAD)
        if reading is _UNREAD:
            if len(readings) >= 1024:
                readings.clear()  # bounded: a long text of distinct dates keeps only recent ones
            reading = readings[key] = _reading(read(name, match, *args, text, base), lang)
        if reading is None:
            continue  # not a date after all ("may 5" the verb): the next match may be
        kept_end = end
        problem, shape = reading
        if problem:
            problems[problem] = problems.get(problem, 0) + 1
        else:
            yield Mention(begin, kept_end, text, *shape)


_UNREAD = object()


def _reading(mention: Mention | None, lang: str) -> tuple[str | None, tuple] | None:
    """(why the date is impossible or None, what the mention says), or None for no date."""
    if mention is None:
        return None
    problem = _validity_warning(mention)
    tagged = mention if problem else _with_language(mention, lang)
    return problem, (tagged.first, tagged.last, tagged.relative_days, tagged.next_weekday, tagged.lang,
                     tagged.numeric, tagged.listed)


def _in_order(text: str, lang: str):
    """Every match of every window and pattern, ordered by (start, longest first, word
    windows first, window, pattern). A window's scans start only when the matches before
    it are out, so only the windows around the current position are open. The patterns run
    case-sensitively on a lower-cased copy of each window, twice as fast as IGNORECASE
    (`folding`); the matches are read against the text as written."""
    windows = _windows(text)
    upcoming = next(windows, None)
    heap: list = []
    while heap or upcoming is not None:
        while upcoming is not None and (not heap or upcoming[0] <= heap[0][0][0]):
            for rank, scan in enumerate(_scans(text, upcoming, lang)):
                _push(heap, (upcoming[2], upcoming[0], rank), scan)
            upcoming = next(windows, None)
        if heap:
            _, order, match, scan = heapq.heappop(heap)
            _push(heap, order, scan)
            yield match, scan[1]


def _push(heap: list, order: tuple, scan: tuple) -> None:
    """Put the next match of `scan` ((matches, (read, name, args, base))) on the heap."""
    match = next(scan[0], None)
    if match is not None:
        start = scan[1][3] + match.start()
        heapq.heappush(heap, ((start, match.start() - match.end()), order, match, scan))


def _scans(text: str, window: tuple[int, int, bool], lang: str) -> list:
    """One lazy scan per pattern that may match in `window`, in the order that breaks ties.
    They share the window folded to lower case, with what the patterns look back at before
    it: a copy of the window, not of the whole text, which may be large and dense."""
    lo, hi, numeric = window
    base = max(0, lo - _BEHIND)
    piece = fold(text[base:hi])
    if numeric:
        return [_scan(_from_numeric, name, piece, base, lo, ()) for name in ("iso", "numeric", "short")]
    scans = [_scan(_from_named, name, piece, base, lo, (lang,)) for name in _patterns_for(text, lo, hi)]
    return scans + [_scan(_relative, "relative", piece, base, lo, ())]


_BEHIND = 32  # characters before a window that a pattern may look back at ("(?<!por la )", a range's 24)


def _scan(read, name: str, piece: str, base: int, lo: int, args: tuple) -> tuple:
    """(the matches in the window, which runs from `lo` to the end of `piece`; (how to read
    them, pattern name, extra arguments, offset of `piece` in the text))."""
    return _LOWERED[name].finditer(piece, lo - base), (read, name, args, base)


def _counted(problems: dict[str, int]) -> list[str]:
    """Each warning once, with how often it came up: a pasted page that repeats one bad date a
    thousand times must not bury the other warnings.

    >>> _counted({"impossible date '30 February' skipped": 3, "x": 1})
    ["impossible date '30 February' skipped (3 times)", 'x']
    """
    return [problem if n == 1 else f"{problem} ({n} times)" for problem, n in problems.items()]


_TOKEN = re.compile(r"[^\W\d_]{3,}(?:-feira)?")
_NUMERIC_HINT = re.compile(r"\d[./-]\d")
_BREAK = re.compile(r"[^\w.,'’-]")
# a window opens at a month's first word: "تشرين الأول" (October in the Levant) is two
_TRIGGERS = {w.split()[0] for w in _MONTH_WORDS} | set(_WEEKDAY_WORDS) | {w.split()[-1] for w in _RELATIVE_DAYS} | {"aujourd"}
_NAMED = [name for name in _ORDER if name not in ("iso", "numeric", "short")]
_REACH = 48  # characters a date expression may extend either side of its month or weekday word


_RANGE_HINT = re.compile(r"[-–—/&]|\b(?:to|till|until|through|thru|and|au|al|a|bis|e|y|et|à|hasta|jusqu|по|до|do)\b", re.IGNORECASE)
_YEAR_HINT = re.compile(r"(?:19|20)\d\d")
_RANGES = ("d-d-m", "d-m-d-m", "m-d-d", "m-d-m-d")


def _patterns_for(text: str, lo: int, hi: int) -> list[str]:
    """The named patterns worth running on text[lo:hi]: no range forms without a range word,
    no month-year form without a year."""
    names = list(_NAMED)
    if not _RANGE_HINT.search(text, lo, hi):
        names = [n for n in names if n not in _RANGES]
    if not _YEAR_HINT.search(text, lo, hi):
        names.remove("m-y")
    return names


def _windows(text: str):
    """(lo, hi, numeric) slices of `text` that may hold a date, in order of `lo`: around
    month, weekday and relative words, and around digit groups like 30.04 or 2026-04.
    Scanning only these keeps the full patterns off the rest of the text, which is most of it."""
    words = ((max(0, m.start() - _REACH), m.end() + _REACH) for m in _TOKEN.finditer(text)
             if m.group().lower() in _TRIGGERS)
    digits = ((max(0, m.start() - 12), m.end() + 12) for m in _NUMERIC_HINT.finditer(text))
    return heapq.merge((_widened(text, span, False) for span in joined(words)),
                       (_widened(text, span, True) for span in joined(digits)))


def _widened(text: str, span, numeric: bool):
    """Move the window's end to a word break, so no match is cut inside a word."""
    stop = _BREAK.search(text, min(len(text), span[1]))
    return span[0], stop.start() if stop else len(text), numeric


def _with_language(mention: Mention, lang: str) -> Mention:
    """Tag the mention with the language of its month word, normalising foreign spans."""
    if mention.numeric or mention.first is None:
        return mention if mention.lang == lang else replace(mention, lang=lang)
    month_word = _MONTH_WORD.search(mention.text)  # a whole word: "mar" is not the start of "martedì"
    if month_word is None:
        return replace(mention, lang=lang)
    word = month_word.group().rstrip(".").lower()
    if word in MONTHS["en"] and mention.lang == "en":
        return mention
    word_lang = _MONTH_LANG[word] if word not in MONTHS.get(lang, {}) else lang
    if word_lang == "en":
        return replace(mention, lang="en")
    checked = _foreign_day_month(mention.first, word, word_lang)
    return replace(mention, lang=word_lang, first=checked)


def _foreign_day_month(part: Partial, word: str, lang: str) -> Partial:
    """The month of a non-English month word in its own language (the tables come from
    dateparser's locale data; the same word can name another month elsewhere: "listopad")."""
    month = MONTHS.get(lang, {}).get(word) or _dateparser_month(word, lang)
    return replace(part, month=month) if month else part


@functools.lru_cache(maxsize=512)
def _dateparser_month(word: str, lang: str) -> int | None:
    import dateparser  # imported lazily: it costs about half a second to load

    result = dateparser.parse(
        f"15 {word} 2001", languages=[lang],
        settings={"RELATIVE_BASE": dt.datetime(2001, 1, 1), "PARSERS": ["absolute-time"]},
    )
    return result.month if result else None


_JOIN = re.compile(
    r"^(?:\s*(?:-|–|—|to|till|until|through|thru|au|al|bis|hasta|jusqu'au|jusqu’au|a)\s*)$"
    # "opens on 23 February and will run until 2 April"
    r"|^,?\s+and\s+(?:will\s+)?(?:run|runs|last|lasts|continue|continues|end|ends|close|closes)\s+(?:until|till|to|through|on)\s+$",
    re.IGNORECASE,
)


def _join_ranges(text: str, mentions):
    """Merge "<date> to <date>" and "from <date> until <date>" into one range mention."""
    prev = None
    for mention in mentions:
        if (
            prev is not None and prev.last is None and mention.last is None
            and prev.first is not None and mention.first is not None
            and not prev.month_only and not mention.month_only
            and mention.begin - prev.end <= 40
            and not text[prev.end:mention.begin].isspace()  # spaces alone join nothing: the usual case
            and _JOIN.match(text[prev.end:mention.begin])
        ):
            first = prev.first if prev.first.year is not None else replace(prev.first, year=mention.first.year)
            prev = replace(prev, end=mention.end, first=first, last=mention.first)
            continue
        if prev is not None:
            yield prev
        prev = mention
    if prev is not None:
        yield prev
