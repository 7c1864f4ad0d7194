"""Text → dated opportunities. The one entry point is `extract`.

>>> import datetime as dt
>>> text = "Call for nominations\\n\\nJanuary 19, 2026\\n\\nThe deadline for nominations is 30 April 2026."
>>> [(o.kind, o.subtype, o.start.isoformat()) for o in extract(text, today=dt.date(2026, 1, 20)).opportunities]
[('deadline', 'nomination', '2026-04-30')]
"""

from __future__ import annotations

import datetime as dt

from .document import Context, Extraction, read

__all__ = ["extract", "Extraction"]


def extract(
    text: str,
    *,
    today: dt.date,
    name: str = "-",
    published: dt.date | None = None,
    lang: str | None = None,
    tz: str | None = None,
) -> Extraction:
    """Opportunities announced in `text`, merged and sorted by start.

    `published` is the reference date for passages without a date of their own; `today`
    (the caller's clock) is used only when the text gives no clue at all about its date.
    """
    from .language import detect

    context = Context(name=name, published=published, lang=lang or detect(text), tz=tz, today=today)
    return read(text, context)
