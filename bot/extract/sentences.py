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


def bounds(text: str, begin: int, end: int, floor: int = 0, ceiling: int | None = None,
           fence: tuple[int, int] | None = None) -> tuple[int, int]:
    """(start, stop) of the sentence holding text[begin:end], within [floor, ceiling). A side
    with no sentence end within `_LIMIT` characters is a run-on (a list of dates with no full
    stop, a page flattened to one line): it is cut there, or at `fence` when that is nearer."""
    ceiling = len(text) if ceiling is None else ceiling
    left_floor = max(floor, begin - _LIMIT)
    start = -1
    for match in _END.finditer(text, left_floor, begin):
        if _is_boundary(text, match):
            start = match.end()
    if start < 0:
        start = left_floor if fence is None or left_floor == floor else max(left_floor, min(fence[0], begin))
    right_ceiling = min(ceiling, end + _LIMIT)
    stop = -1
    for match in _END.finditer(text, end, right_ceiling):
        if _is_boundary(text, match):
            stop = match.end() if match.group() != "\n" else match.start()
            break
    if stop < 0:
        stop = right_ceiling if fence is None or right_ceiling == ceiling else min(right_ceiling, max(fence[1], end))
    while start < begin and text[start].isspace():
        start += 1
    return start, stop
