"""Read the text a user hands us: a file or standard input, as bytes, decoded with care.

Binary files are refused, non-UTF-8 text is decoded with a warning, and nothing larger
than `max_bytes` is read into memory.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class InputError(Exception):
    """A document that cannot be read as text; the message is meant for the user."""


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    warnings: tuple[str, ...] = ()


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


def decode(name: str, data: bytes) -> Document:
    """Text of `data`: UTF-8 (with or without BOM, UTF-16 with BOM), else Windows-1252 with a warning."""
    if _looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: looks like a binary file, not text (PDF, image or archive?)")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return Document(name, _normalise(data.decode(codec, errors="replace")))
    try:
        return Document(name, _normalise(data.decode("utf-8")))
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        return Document(name, _normalise(text), (f"{name}: not valid UTF-8 (byte {exc.start}); read as Windows-1252",))


def _normalise(text: str) -> str:
    if "\r" not in text:
        return text  # the usual case; a copy of a 50 MB text is not free
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The document at `source` (a path, or "-" for standard input)."""
    document = decode("<stdin>" if source == "-" else source, _read_bytes(source, max_bytes))
    if not document.text.strip():
        return Document(document.name, document.text, document.warnings + (f"{document.name}: empty document",))
    return document
