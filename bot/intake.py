"""Read the text a user hands us: a file or standard input, as bytes, decoded with care.

Binary files are refused, non-UTF-8 text is decoded with a warning, and nothing larger
than `max_bytes` is read into memory. A web page (a name ending in .html, .htm or .xhtml, or
bytes that open as HTML) is read as its main text with its links, and with the publication
date its markup gives (`bot.webpage`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

from . import webpage

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class InputError(Exception):
    """A document that cannot be read as text; the message is meant for the user."""


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    warnings: tuple[str, ...] = ()
    published: dt.date | None = None  # the publication date the document gives (a web page's markup)
    published_from: str | None = None  # where that date was read, for the user
    html: bool = False  # read as a web page


def _read_bytes(source: str, max_bytes: int) -> bytes:
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(source)
        if path.is_dir():
            raise InputError(f"{source}: is a directory, not a text file")
        if path.exists() and not path.is_file():  # opening a FIFO would wait for a writer for ever
            raise InputError(f"{source}: is a pipe or a device, not a text file (use - to read standard input)")
        try:
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except FileNotFoundError:
            raise InputError(f"{source}: no such file") from None
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise InputError(f"{source}: larger than {max_bytes // (1024 * 1024)} MB; split it or raise --max-mb")
    return data


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > len(sample) * 0.05


def decode(name: str, data: bytes, *, today: dt.date | None = None) -> Document:
    """Text of `data`: UTF-8 (with or without BOM, UTF-16 with BOM), else Windows-1252 with a warning.

    A web page is read as its main text (`bot.webpage.read`); `today` bounds the publication
    date its markup may give.
    """
    page = webpage.looks_like_html(data)
    if not page and _looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: looks like a binary file, not text (PDF, image or archive?)")
    if page or webpage.has_suffix(name):
        return _page(name, data, today)
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return Document(name, _normalise(data.decode(codec, errors="replace")))
    try:
        return Document(name, _normalise(data.decode("utf-8")))
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        return Document(name, _normalise(text), (f"{name}: not valid UTF-8 (byte {exc.start}); read as Windows-1252",))


def _page(name: str, data: bytes, today: dt.date | None) -> Document:
    try:
        page = webpage.read(data, latest=today)
    except (RecursionError, MemoryError):
        raise InputError(f"{name}: a web page too deeply nested or too large to read; "
                         "save it as text (or lower its size) and try again") from None
    return Document(name, _normalise(page.text), tuple(f"{name}: {w}" for w in page.warnings),
                    page.published, page.published_from, html=True)


def _normalise(text: str) -> str:
    if "\r" not in text:
        return text  # the usual case; a copy of a 50 MB text is not free
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(source: str, max_bytes: int = DEFAULT_MAX_BYTES, *, today: dt.date | None = None) -> Document:
    """The document at `source` (a path, or "-" for standard input)."""
    document = decode("<stdin>" if source == "-" else source, _read_bytes(source, max_bytes), today=today)
    if not document.text.strip():
        return dataclasses.replace(document, warnings=document.warnings + (f"{document.name}: empty document",))
    return document
