"""Rewrite a long list of cue alternatives as branches on their first letter.

Python's regex engine tries the alternatives of a pattern one after another at every
position. It rejects an alternative that opens with a plain letter at the cost of one
comparison, but 440 of them are still 440 comparisons at every word of the text, and an
alternative such as `\\w*frist` reads the whole word each time. Grouped by first letter
("d(?:eadlines?|ate limite|…)|c(?:losing date|…)|…"), a word is compared with some 40
letters and then only with the alternatives that can start with its own.

The rewrite finds exactly what the plain alternation finds, at the same offsets and with the
same alternative winning: within a letter's branch the alternatives keep their order, and an
alternative is expanded only in ways the engine itself would try in that order (an optional
group first with the group, then without; a group's alternatives in turn). A form it does
not know is refused (`Unsupported`) rather than guessed at: the caller keeps the plain
alternation then. It assumes what the cue scan guarantees: the match starts at a word
character that follows no word character.
"""

from __future__ import annotations

import re

from .folding import lowered_source

_SPECIAL = set(".^$*+?{}[]()|\\")
_DIGITS = "0123456789"


class Unsupported(ValueError):
    """A form the rewrite does not handle."""


def split_top(pattern: str) -> list[str]:
    """The top-level alternatives of `pattern`.

    >>> split_top(r"ab|(?:c|d)e|[|]f")
    ['ab', '(?:c|d)e', '[|]f']
    """
    parts, current, depth, in_class, index = [], [], 0, False, 0
    while index < len(pattern):
        char = pattern[index]
        step = 2 if char == "\\" else 1
        if char != "\\":
            if in_class:
                in_class = char != "]"
            elif char == "[":
                in_class = True
            elif char in "()":
                depth += 1 if char == "(" else -1
            elif char == "|" and depth == 0:
                parts.append("".join(current))
                current, index = [], index + 1
                continue
        current.append(pattern[index:index + step])
        index += step
    parts.append("".join(current))
    return parts


def firsts(alternative: str) -> list[tuple[str | None, str]]:
    r"""`alternative` as (first letter, what follows it) choices, in the order the engine
    tries them. The letter None stands for any word character: `\w*X` is that, then X
    itself, whose own first letter may open it too.

    >>> firsts(r"(?:public )?hearings?")
    [('p', 'ublic hearings?'), ('h', 'earings?')]
    >>> firsts(r"[ií]tem"), firsts(r"\d+th")[:2]
    ([('i', 'tem'), ('í', 'tem')], [('0', '\\d*th'), ('1', '\\d*th')])
    >>> firsts(r"\w*frist"), firsts(r"\w{3,}eront"), firsts(r"\bcv")
    ([(None, '\\w*frist'), ('f', 'rist')], [(None, '\\w{2,}eront')], [('c', '(?<!\\wc)v')])
    """
    if not alternative:
        raise Unsupported("an empty alternative")
    head = alternative[0]
    if alternative.startswith("\\b"):
        # before a word character (the scans' guard) a boundary is "no word character behind"
        choices = firsts("(?<!\\w)" + alternative[2:])
        if any(letter is not None and not (letter.isalnum() or letter == "_") for letter, _ in choices):
            raise Unsupported(f"a word boundary before a non-word character in {alternative[:12]!r}")
        return choices
    if alternative.startswith("\\w"):
        return _words(alternative)
    if alternative.startswith(("\\d+", "\\d")):
        rest = "\\d*" + alternative[3:] if alternative[2:3] == "+" else alternative[2:]
        return [(digit, rest) for digit in _DIGITS]
    if head == "[":
        return _class(alternative)
    if alternative.startswith(("(?:", "(?P<")):
        return _group(alternative)
    if alternative.startswith(("(?<!", "(?<=")):
        return _behind(alternative)
    if head in _SPECIAL:
        raise Unsupported(f"cannot branch on {alternative[:12]!r}")
    after = alternative[1:2]
    if after == "?":
        return [(head, alternative[2:])] + firsts(alternative[2:])
    if after and after in "*+{":
        raise Unsupported(f"a repeated first letter in {alternative[:12]!r}")
    return [(head, alternative[1:])]


def _words(alternative: str) -> list[tuple[str | None, str]]:
    r"""`\w*X`, `\w+X` and `\w{n,}X`, the first word character read."""
    more = re.match(r"\\w(\*|\+|\{(\d+),\})", alternative)
    if more is None:
        raise Unsupported(f"a word character in {alternative[:12]!r}")
    rest = alternative[more.end():]
    if more.group(1) == "*":
        return [(None, alternative)] + firsts(rest)
    least = 1 if more.group(1) == "+" else int(more.group(2))
    if least < 1:
        raise Unsupported(f"a word character in {alternative[:12]!r}")
    return [(None, ("\\w*" if least == 1 else f"\\w{{{least - 1},}}") + rest)]


def _class(alternative: str) -> list[tuple[str | None, str]]:
    close = alternative.index("]", 2)
    letters = alternative[1:close]
    if not letters or set(letters) & set("^-\\[]"):
        raise Unsupported(f"a character class {alternative[:close + 1]!r}")
    rest = alternative[close + 1:]
    if rest[:1] == "?":
        return [(letter, rest[1:]) for letter in letters] + firsts(rest[1:])
    if rest[:1] and rest[0] in "*+{":
        raise Unsupported(f"a repeated class in {alternative[:close + 2]!r}")
    return [(letter, rest) for letter in letters]


def closing(pattern: str, start: int = 0) -> int:
    """The index of the parenthesis that closes the one at `start`.

    >>> closing("(?:a|(b)[)])c")
    11
    """
    depth, index, in_class = 0, start, False
    while True:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                return index
        index += 1


def _group(alternative: str) -> list[tuple[str | None, str]]:
    """A group, named or not (the scan needs no names: see `branched`), perhaps optional."""
    index = closing(alternative)
    opening = 3 if alternative.startswith("(?:") else alternative.index(">") + 1
    inner, rest = alternative[opening:index], alternative[index + 1:]
    optional = rest[:1] == "?"
    if optional:
        rest = rest[1:]
    elif rest[:1] and rest[0] in "*+{":
        raise Unsupported(f"a repeated group in {alternative[:index + 2]!r}")
    choices = [choice for part in split_top(inner) for choice in firsts(part + rest)]
    return choices + firsts(rest) if optional else choices


def _behind(alternative: str) -> list[tuple[str | None, str]]:
    r"""A look-behind before the first letter: "(?<!was )s…" tried one letter later is
    "(?<!was s)…", the letter now inside what it looks back at.

    >>> firsts(r"(?<!was )(?:scheduled|planned)")
    [('s', '(?<!was s)cheduled'), ('p', '(?<!was p)lanned')]
    """
    index = closing(alternative)
    look, behind, rest = alternative[:4], alternative[4:index], alternative[index + 1:]
    if set(behind) & set("()|[]") or behind.endswith("\\"):
        raise Unsupported(f"a look-behind {alternative[:index + 1]!r}")
    choices = []
    for letter, after in firsts(rest):
        if letter is None:
            raise Unsupported(f"a look-behind before \\w* in {alternative[:index + 8]!r}")
        choices.append((letter, f"{look}{behind}{_escaped(letter)}){after}"))
    return choices


def branched(alternatives: list[str]) -> str:
    r"""One pattern for `alternatives` (tried in order), as branches on the first letter.
    It holds no capturing group: the engine resets every group at every position it tries,
    and a group per alternative in every branch made it slower than the plain alternation.

    >>> branched(["deadline", "(?:public )?debate", "date"])
    '(?:d(?:eadline|ebate|ate)|p(?:ublic debate))'
    >>> branched([r"\w*frist", "fax"])
    '(?:f(?:\\w*frist|rist|ax)|\\w(?:\\w*frist))'
    """
    entries = [choice for alternative in alternatives for choice in firsts(alternative)]
    keys = dict.fromkeys(letter for letter, _ in entries if letter is not None)
    # a word character opens every branch: its alternatives go in each, in their place
    parts = [_escaped(key) + f"(?:{'|'.join(rest for letter, rest in entries if letter in (key, None))})" for key in keys]
    anywhere = [rest for letter, rest in entries if letter is None]
    if anywhere:  # a word whose first letter opens no other alternative
        parts.append(f"\\w(?:{'|'.join(anywhere)})")
    return f"(?:{'|'.join(parts)})"


def _escaped(letter: str) -> str:
    return "\\" + letter if letter in _SPECIAL else letter


def for_folded(pattern: re.Pattern) -> re.Pattern:
    r"""`pattern` (IGNORECASE: look-arounds, one group of alternatives, perhaps a tail such as
    `\b`) for text that went through `fold`, its alternatives branched on their first
    letter: the same hits, two to three times faster on a text dense with words. Named groups
    are dropped (see `branched`); a pattern the rewrite does not know is only lowered.

    >>> for_folded(re.compile(r"\b(?:Said|Stated|Sent)\b", re.IGNORECASE)).pattern
    '\\b(?:s(?:aid\\b|tated\\b|ent\\b))'
    """
    source = lowered_source(pattern.pattern)
    flags = pattern.flags & ~re.IGNORECASE
    body = source.find("(?:")
    try:
        if body < 0 or set(source[:body]) & set("|"):
            raise Unsupported("no group of alternatives after the look-arounds")
        end = closing(source, body)
        tail = source[end + 1:]  # "(?:a|b)\b" is "a\b|b\b"
        if len(split_top(tail)) > 1:
            raise Unsupported("alternatives after the group")
        return re.compile(source[:body] + branched([part + tail for part in split_top(source[body + 3:end])]), flags)
    except Unsupported:
        return re.compile(source, flags)
