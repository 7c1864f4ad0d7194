"""What of a stored item anyone may see: the JSON API, the feeds, the page and the bot's
messages show this and nothing more.

A store file also holds what only its curators should read: the internal reason an item was
withdrawn (it may say who is under threat), the fingerprints ingest uses to spot hand edits,
and the paths of the documents on the curator's own machine (which name the person and their
folders). Those stay in the store.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from .store import EXTRACTED_FIELDS

# What the extractor read from published text, and the store's public bookkeeping.
SHOWN = ("id", *EXTRACTED_FIELDS, "tags", "status", "sequence", "first_seen", "updated")


def record(stored: dict) -> dict:
    """The public view of a stored item.

    >>> record({"id": "x", "extracted": {"title": "ab12"}, "sources": [{"document": "/home/ana/leaks/call.txt",
    ...         "offsets": [3, 9]}], "changes": [{"at": "t", "what": "withdrawn", "note": "source at risk"}]})
    {'id': 'x', 'sources': [{'document': 'call.txt', 'offsets': [3, 9]}], 'changes': [{'at': 't', 'what': 'withdrawn'}]}
    """
    out = {key: stored[key] for key in SHOWN if key in stored}
    if "sources" in stored:
        out["sources"] = [source(s) for s in stored.get("sources") or [] if isinstance(s, dict)]
    if "changes" in stored:
        out["changes"] = [change(c) for c in stored.get("changes") or [] if isinstance(c, dict)]
    return out


def document(name: str) -> str:
    """A source document as the public may see it: a web address as it is, a file by its name
    only, never the folders above it.

    >>> document("/home/ana/Desktop/ngo/post.txt"), document(r"C:\\Users\\ana\\post.txt"), document("https://x.org/a/b")
    ('post.txt', 'post.txt', 'https://x.org/a/b')
    """
    text = str(name)
    if "://" in text:
        return text
    return PureWindowsPath(PurePosixPath(text).name).name


def source(entry: dict) -> dict:
    return {key: (document(value) if key == "document" else value) for key, value in entry.items()}


def change(entry: dict) -> dict:
    """A history entry without the curator's note; an old-style "withdrawn: <reason>" keeps
    only "withdrawn" (the reason was written for the curators)."""
    what = str(entry.get("what") or "")
    if what.startswith("withdrawn"):
        what = "withdrawn" + (f": {entry['reason']}" if entry.get("reason") else "")
    return {"at": entry.get("at"), "what": what}
