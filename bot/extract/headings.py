"""The lines that say what a part of a text is about: a post's title, a newsletter's
headings, a programme's numbered entries. A date's title is read from the nearest one."""

from __future__ import annotations

import bisect
import re

from .dates import MONTH, WEEKDAY
from .posts import LIST_MARK, Post


_HEADING = re.compile(r"\n\n[ \t]*([^\n]{12,150}?)[ \t]*\n")


def section_heading(text: str, post: Post, position: int) -> tuple[str | None, int]:
    """What the item is about, and where the section under it starts: the post's title for
    an archive post; for a long text without posts (a newsletter, several statements), the
    nearest heading above the sentence."""
    if post.date is not None or post.end - post.begin < 3000:
        return post.title, post.begin
    floor = max(post.begin, position - 3000)
    headings = [m for m in _HEADING.finditer(text, floor, position + 1) if _is_heading(m.group(1))]
    return (headings[-1].group(1), headings[-1].start(1)) if headings else (None, post.begin)


# A line after a blank one, or a numbered entry, that may head a part of a post.
_SUBHEADING = re.compile(rf"(?:\A|\n[ \t]*\n)[ \t]*(?:(?P<entry>\d{{1,2}}[.)])|{LIST_MARK})?[ \t]*(?P<line>[^\n]{{6,120}})(?=\n)")
# A line that is (or holds) a date or an hour: what it heads is that date's, not a part of the post.
_DATE_LINE = re.compile(rf"\W*(?:\d|{WEEKDAY}|{MONTH})|.*(?:\d\s?(?:[:.h]\d\d|[ap]\.?m\b)|\b\d{{1,2}}\.?\s+(?:de\s+)?{MONTH}|{MONTH}\s+\d{{1,2}}\b)", re.IGNORECASE)
_SUBHEADING_REACH = 1500
_LABELLED = re.compile(r"^\W*[^\W\d_]+(?:\s[^\W\d_]+)?\s*:\s*(?:\S+\s){0,2}\S*\d")  # "Date: Thursday 10 December"
_GENERIC = frozenset(
    "how to apply who can nominate eligibility timeline key dates practical information about the prize award "
    "programme contact more details background what we offer requirements selection process deadline deadlines "
    "note notes registration register application applications nominations nominate and for of in a an our your "
    "criteria procedure documents required submission submissions next steps important useful links faq".split())


def _subheading_form(line: str, numbered: bool) -> str | None:
    """"named" for a line that names what its part of a post is about (a numbered entry, "2.
    Women defenders and the right to protest", or "Training: documenting violations safely"),
    "plain" for a short line that may ("What we offer": the post's own title says more, unless
    it is a newsletter's), None for a sentence, a label with its value or a date line."""
    stripped = line.strip()
    words = re.findall(r"[^\W\d_]+", stripped.lower())
    if (not 2 <= len(words) <= 15 or stripped.endswith((".", ",", ";", ":", "?", "!")) or _LABELLED.match(stripped)
            or _DATE_LINE.match(stripped) or re.search(r"\d[\d,.]{3,}\d(?<!\b\d{4})", stripped)
            or stripped.startswith(("http", "•", "-", "*", "Read more", "©")) or set(words) <= _GENERIC):
        return None
    label = re.match(r"([^:–—]{2,40}?)\s*[:–—]\s+\w", stripped)
    if numbered or label and not _FIELD_LABEL.search(label.group(1)):
        return "named"
    return "plain"


_FIELD_LABEL = re.compile(r"(?i:\b(?:by|par|por|von|from|contact|e-?mail|salary|salaire|salario|gehalt|ref|reference|"
                          r"where|when|venue|location|lieu|fecha|date|time|heure|hora))$")
_DIGEST = re.compile(r"(?i:newsletter|digest|bulletin|lettre d'information|lettre d’information|boletín|boletim|"
                     r"rundbrief|notiziario|информационный бюллетень|дайджест|نشرة|weekly|monthly|hebdo|mensuel)")


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return (len(stripped.split()) >= 3 and not stripped.endswith((".", ":", ";", ","))
            and not stripped.isupper() and not stripped.startswith(("http", "•", "-", "*", "“", '"')))


class Headings:
    """The part headings of one text, found once and looked up by position."""

    def __init__(self, text: str):
        self.text = text
        self.ends: list[int] = []
        self.lines: list[tuple[str, str]] | None = None

    def above(self, post: Post, heading: str | None, position: int) -> str | None:
        """The nearest line above `position` in the post that heads a part of it ("Training:
        documenting violations safely", "2. Women defenders and the right to protest"): a
        digest or a list of side events says what each date is about there, not in its title."""
        if self.lines is None:  # found once, when a date first asks: most texts never do
            found = [(m, _subheading_form(m.group("line"), bool(m.group("entry")))) for m in _SUBHEADING.finditer(self.text)]
            found = [(m, form) for m, form in found if form]
            self.ends, self.lines = [m.end("line") for m, _ in found], [(m.group("line").strip(), form) for m, form in found]
        ends, lines = self.ends, self.lines
        index = bisect.bisect_right(ends, position) - 1
        if index < 0 or ends[index] <= max(post.begin, position - _SUBHEADING_REACH) or lines[index][0] == heading:
            return None
        line, form = lines[index]
        # under a newsletter's title every part is about something else: a plain line heads it
        return line if form == "named" or _DIGEST.search(heading or "") else None
