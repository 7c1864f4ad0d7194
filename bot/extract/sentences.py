"""Sentence boundaries around a position, found lazily so a 1 MB line costs no more than a short one."""

from __future__ import annotations

import bisect
import re
from array import array

from .spans import OFFSET

_LIMIT = 400  # a "sentence" longer than this is clipped: evidence stays readable, windows stay bounded
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Ms|Mrs|Dr|Prof|St|No|Nos|Art|Arts|para|Vol|vs|etc|e\.g|i\.e|U\.S|U\.N|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun|a\.m|p\.m|approx|Ref|ref|Inc|Ltd|Co|Av|Sr|Sra|Mme|Mlle|Dra|r|г|гг|р)|\b[A-Z])\.$"
)
_END = re.compile(r"[.!?](?=[\"”’)\]]?\s)|\n")


def _is_boundary(text: str, match: re.Match) -> bool:
    if match.group() == "\n":
        return True
    return not _ABBREVIATIONS.search(text, max(0, match.start() - 8), match.end())


def bounds(text: str, begin: int, end: int, floor: int = 0, ceiling: int | None = None,
           fence: tuple[int, int] | None = None, ends: "SentenceEnds | None" = None) -> tuple[int, int]:
    """(start, stop) of the sentence holding text[begin:end], within [floor, ceiling). A side
    with no sentence end within `_LIMIT` characters is a run-on (a list of dates with no full
    stop, a page flattened to one line): it is cut there, or at `fence` when that is nearer.
    `ends`, the text's `SentenceEnds`, saves scanning for them when many dates ask."""
    ceiling = len(text) if ceiling is None else ceiling
    left_floor = max(floor, begin - _LIMIT)
    start = (ends or _Scanned(text)).last_in(left_floor, begin)
    if start < 0:
        start = left_floor if fence is None or left_floor == floor else max(left_floor, min(fence[0], begin))
    right_ceiling = min(ceiling, end + _LIMIT)
    stop = (ends or _Scanned(text)).first_in(end, right_ceiling)
    if stop < 0:
        stop = right_ceiling if fence is None or right_ceiling == ceiling else min(right_ceiling, max(fence[1], end))
    while start < begin and text[start].isspace():
        start += 1
    return start, stop


class _Scanned:
    """Sentence ends found by scanning the span asked about: for a date or two."""

    def __init__(self, text: str):
        self.text = text

    def last_in(self, lo: int, hi: int) -> int:
        """Where the sentence after the last end in text[lo:hi] starts, or -1."""
        start = -1
        for match in _END.finditer(self.text, lo, hi):
            if _is_boundary(self.text, match):
                start = match.end()
        return start

    def first_in(self, lo: int, hi: int) -> int:
        """Where the first sentence end in text[lo:hi] stops its sentence, or -1."""
        for match in _END.finditer(self.text, lo, hi):
            if _is_boundary(self.text, match):
                return match.end() if match.group() != "\n" else match.start()
        return -1


class SentenceEnds(_Scanned):
    """The sentence ends of a text, found a block at a time as dates ask about them, for the
    many dates of one document: each asks about 400 characters either side, and a text full
    of dates would scan each stretch many times over. A block holds each end's offset and
    how far its look-ahead reads ("." needs the space after it), so an end is found in a
    span exactly when scanning that span would find it."""

    _BLOCK, _KEPT = 1 << 14, 8

    def __init__(self, text: str):
        super().__init__(text)
        self.blocks: dict[int, tuple[array, array]] = {}

    def last_in(self, lo: int, hi: int) -> int:
        found = [at for at, need in self._ends(lo, hi) if need <= hi]
        return found[-1] + 1 if found else -1

    def first_in(self, lo: int, hi: int) -> int:
        for at, need in self._ends(lo, hi):
            if need <= hi:
                return at if self.text[at] == "\n" else at + 1
        return -1

    def _ends(self, lo: int, hi: int):
        """(offset, end of what its pattern read) of each sentence end in [lo, hi), in order."""
        for index in range(lo // self._BLOCK, (max(lo, hi - 1)) // self._BLOCK + 1):
            offsets, needs = self._block(index)
            first, last = bisect.bisect_left(offsets, lo), bisect.bisect_left(offsets, hi)
            yield from zip(offsets[first:last], needs[first:last])

    def _block(self, index: int) -> tuple[array, array]:
        found = self.blocks.get(index)
        if found is None:
            if len(self.blocks) >= self._KEPT:
                del self.blocks[next(iter(self.blocks))]  # the oldest: dates are read in order
            lo = index * self._BLOCK
            hi = min(len(self.text), lo + self._BLOCK)
            found = self.blocks[index] = (array(OFFSET), array(OFFSET))
            for match in _END.finditer(self.text, lo, min(len(self.text), hi + 2)):  # "." then a quote, a space
                if match.start() >= hi:
                    break
                if _is_boundary(self.text, match):
                    found[0].append(match.start())
                    found[1].append(_read_to(self.text, match.start()))
        return found


def _read_to(text: str, at: int) -> int:
    """The end of what `_END` reads to match at `at`: the "\n", or the "." with the quote and
    the space after it."""
    if text[at] == "\n":
        return at + 1
    return at + 2 if text[at + 1].isspace() else at + 3
