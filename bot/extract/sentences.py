"""Sentence boundaries around a position, found lazily so a 1 MB line costs no more than a short one."""

from __future__ import annotations

import re

_LIMIT = 400  # a "sentence" longer than this is clipped: evidence stays readable, windows stay bounded
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Ms|Mrs|Dr|Prof|St|No|Nos|Art|Arts|para|Vol|vs|etc|e\.g|i\.e|U\.S|U\.N|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun|a\.m|p\.m|approx|Ref|ref|Inc|Ltd|Co|Av|Sr|Sra|Mme|Mlle|Dra)|\b[A-Z])\.$"
)
_END = re.compile(r"[.!?](?=[\"”’)\]]?\s)|\n")


def _is_boundary(text: str, match: re.Match) -> bool:
    if match.group() == "\n":
        return True
    return not _ABBREVIATIONS.search(text, max(0, match.start() - 8), match.end())


def bounds(text: str, begin: int, end: int, floor: int = 0, ceiling: int | None = None) -> tuple[int, int]:
    """(start, stop) of the sentence holding text[begin:end], within [floor, ceiling)."""
    ceiling = len(text) if ceiling is None else ceiling
    left_floor = max(floor, begin - _LIMIT)
    start = left_floor
    for match in _END.finditer(text, left_floor, begin):
        if _is_boundary(text, match):
            start = match.end()
    stop = min(ceiling, end + _LIMIT)
    for match in _END.finditer(text, end, stop):
        if _is_boundary(text, match):
            stop = match.end() if match.group() != "\n" else match.start()
            break
    while start < begin and text[start].isspace():
        start += 1
    return start, stop
