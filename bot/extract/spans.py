"""Character spans of a text: merging overlapping ones so each part is scanned once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

# The typecode of the arrays that hold offsets into a text (and days as ordinals): a C int,
# four bytes. Texts are capped far below 2**31 characters (`extract --max-mb` at most 200 MB,
# `read` refuses longer), and a text dense with dates holds several such columns per date.
OFFSET = "i"
LONGEST = 2**31 - 1


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` sorted, with overlapping and touching ones joined.

    >>> merged([(5, 9), (0, 3), (2, 4), (9, 12)])
    [(0, 4), (5, 12)]
    """
    return list(joined(sorted(spans)))


def joined(spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """`spans`, which come in order of their start, with overlapping and touching ones
    joined as they come: a text's many spans are never all held at once.

    >>> list(joined([(0, 3), (2, 4), (5, 9), (9, 12)]))
    [(0, 4), (5, 12)]
    """
    current = None
    for lo, hi in spans:
        if current is not None and lo <= current[1]:
            current = (current[0], max(current[1], hi))
            continue
        if current is not None:
            yield current
        current = (lo, hi)
    if current is not None:
        yield current
