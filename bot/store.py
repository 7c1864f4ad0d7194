"""The curated store: one YAML file per opportunity under `calendars/<kind>s/`, written
atomically, readable and editable by a person and reviewable in git (the Radicale/khal layout).

A stored item is the extractor's item plus what curation needs:

- `sequence`: bumped on every material change, so calendar clients take the update;
- `status`: confirmed | tentative | cancelled (items are withdrawn, never deleted);
- `first_seen`, `updated`: when the store learnt of it and when it last changed;
- `changes`: a readable history ("start moved from 2026-04-30 to 2026-05-15");
- `extracted`: a short fingerprint of each field as the extractor last wrote it. A field whose
  value no longer matches its fingerprint was edited by hand, and ingest leaves it alone.

`ingest` is a pure function of (stored items, extracted items, now); `Store` is the thin edge
that reads and writes the files.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import yamlio, zones
from .errors import StoreError

# Fields the extractor owns; a curator may override any of them by editing the file.
EXTRACTED_FIELDS = (
    "kind", "subtype", "title", "start", "end", "all_day", "timezone", "organizer", "location",
    "online", "url", "contact", "reference", "evidence", "confidence",
)
# Changes worth telling subscribers about (and bumping SEQUENCE for).
MATERIAL_FIELDS = ("kind", "title", "start", "end", "all_day", "timezone", "location", "url")
STATUSES = ("confirmed", "tentative", "cancelled")
KINDS = ("deadline", "event", "hearing")
_ID = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z]+-[0-9a-f]{10}$")


def fingerprint(value) -> str:
    """A short, stable digest of a field value as the extractor wrote it."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:8]


def _text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


@dataclass
class Change:
    """What one ingest did to one item, for the report and for change notices."""

    id: str
    action: str  # added | updated | unchanged | kept
    details: list[str] = field(default_factory=list)


def _normalise(item: dict) -> dict:
    """Extractor output as stored: dates as ISO text, so YAML round-trips them unchanged."""
    out = dict(item)
    for key in ("start", "end"):
        out[key] = _text(out.get(key))
    return out


def _key(item: dict) -> tuple:
    """What makes two readings the same opportunity even when its date moved."""
    title = re.sub(r"\W+", " ", str(item.get("title") or "").lower()).strip()
    return (item.get("kind"), item.get("subtype"), title)


def _new_record(item: dict, now: dt.datetime) -> dict:
    record = {key: item.get(key) for key in ("id", *EXTRACTED_FIELDS)}
    record.update(
        sources=item.get("sources") or [], status="confirmed", sequence=0,
        first_seen=now.isoformat(), updated=now.isoformat(), changes=[],
        extracted={key: fingerprint(item.get(key)) for key in EXTRACTED_FIELDS},
    )
    return record


def _describe(key: str, old, new) -> str:
    if key == "start":
        return f"start moved from {old} to {new}"
    if old is None:
        return f"{key} set to {new}"
    return f"{key} changed from {old} to {new}"


def _update(record: dict, item: dict, now: dt.datetime) -> Change:
    """Apply a new extraction to a stored record, keeping fields a curator edited."""
    change = Change(record["id"], "unchanged")
    material = False
    for key in EXTRACTED_FIELDS:
        new = item.get(key)
        stamp = record.get("extracted", {}).get(key)
        curated = stamp is not None and stamp != fingerprint(record.get(key))  # no stamp: the extractor's
        if curated or record.get(key) == new:
            continue
        change.details.append(_describe(key, record.get(key), new))
        material = material or key in MATERIAL_FIELDS
        record[key] = new
        record.setdefault("extracted", {})[key] = fingerprint(new)
    sources = record.get("sources") or []
    for source in item.get("sources") or []:
        if source not in sources:
            sources.append(source)
    record["sources"] = sources
    if change.details:
        change.action = "updated"
        record["updated"] = now.isoformat()
        record.setdefault("changes", []).append({"at": now.isoformat(), "what": "; ".join(change.details)})
        if material:
            record["sequence"] = int(record.get("sequence") or 0) + 1
    return change


def _source_keys(item: dict) -> set[tuple]:
    """Where an item was read: its kind and each (document, offsets) of its sources."""
    return {(item.get("kind"), source.get("document"), tuple(source.get("offsets") or ()))
            for source in item.get("sources") or [] if isinstance(source, dict)}


def _by_source(records: dict[str, dict], items: list[dict]) -> dict[tuple, str]:
    """Record ids by where they were read. A place that names one stored record and one
    incoming item is enough; where several share it (a list of two days, "on 11 and 13
    March", is two items read at one place), the place and the start day are."""
    found: dict[tuple, str] = {}
    shared: set[tuple] = set()
    for rid, record in records.items():
        for key in _source_keys(record):
            found[(*key, _text(record.get("start")))] = rid
            if found.setdefault(key, rid) != rid:
                shared.add(key)
    incoming = collections.Counter(key for item in items for key in _source_keys(item))
    return {key: rid for key, rid in found.items() if len(key) == 4 or key not in shared and incoming[key] == 1}


def _read_at(item: dict, by_source: dict[tuple, str]) -> str | None:
    """The stored record read where `item` was: same place, or same place and day."""
    for key in sorted(_source_keys(item), key=str):
        rid = by_source.get(key) or by_source.get((*key, item.get("start")))
        if rid:
            return rid
    return None


def ingest(records: dict[str, dict], items: list[dict], now: dt.datetime) -> tuple[dict[str, dict], list[Change]]:
    """Merge extracted `items` into stored `records`: by id, else by kind+subtype+title, else
    by where the item was read (the same document at the same offsets), so that a newer
    extractor that titles or dates an item differently updates it instead of adding a twin.

    Returns the new records and what happened to each incoming item. Nothing is deleted:
    stored items that no longer appear are left as they are.
    """
    out = copy.deepcopy(records)  # the caller's records stay as they were
    by_key = {_key(record): rid for rid, record in out.items()}
    # A curator may have retitled an item: it is still found by the title the extractor gave it.
    by_stamp = {(r.get("kind"), r.get("subtype"), r.get("extracted", {}).get("title")): rid for rid, r in out.items()}
    by_source = _by_source(out, items)
    changes = []
    for raw in items:
        item = _normalise(raw)
        rid = (item["id"] if item.get("id") in out else by_key.get(_key(item))
               or by_stamp.get((item.get("kind"), item.get("subtype"), fingerprint(item.get("title"))))
               or _read_at(item, by_source))
        if rid is None:
            out[item["id"]] = _new_record(item, now)
            by_key[_key(item)] = item["id"]
            changes.append(Change(item["id"], "added"))
            continue
        changes.append(_update(out[rid], item, now))
    return out, changes


class Store:
    """The YAML files under `root`: `<root>/<kind>s/<id>.yaml`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, record: dict) -> Path:
        if record.get("kind") not in KINDS or not _ID.match(str(record.get("id", ""))):
            raise StoreError(f"not a valid kind and id for a store path: {record.get('kind')!r}, {record.get('id')!r}")
        return self.root / f"{record['kind']}s" / f"{record['id']}.yaml"

    @contextlib.contextmanager
    def locked(self):
        """Hold the store for one read-modify-write (`ingest`, `withdraw`): two at once would
        each write back what they read, and one's changes would be lost."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.root, os.O_RDONLY)  # the folder itself: no lock file to commit
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield self
        finally:
            os.close(handle)  # closing releases the lock

    def load(self, parsed: dict | None = None, problems: list[str] | None = None) -> dict[str, dict]:
        """Every stored record by id; StoreError names the first file that cannot be read.

        `parsed` (file -> (stat key, record)), when given, holds what the last load read: files
        whose key is unchanged are not parsed again, and it is refilled after a load that worked.
        Parsing is the cost (0.1 ms a file, a second for 10,000); with it, an edit to one file
        re-parses that one. The key includes the inode because atomic writes replace the file.

        With `problems` (a list), a file that cannot be read does not stop the load: its last
        good version in `parsed` is kept (none: it is left out), and the error is added to
        `problems`. A running server thus keeps serving an item through a bad edit of its file,
        and still takes in the good edits to the others."""
        records, seen = {}, {}
        for path in sorted(p for kind in KINDS for p in (self.root / f"{kind}s").glob("*.yaml")):
            key = _stat_key(path) if parsed is not None else None
            known = parsed.get(path) if parsed is not None else None
            try:
                record = known[1] if known and known[0] == key else _checked(path, self._inside(path))
                if record["id"] in records:
                    raise StoreError(f"{path}: id {record['id']!r} is also in another folder; keep one file")
            except StoreError as exc:
                if problems is None:
                    raise
                problems.append(str(exc))
                if not known or known[1]["id"] in records:
                    continue
                key, record = known  # the old key: the file is read again at the next load
            seen[path] = (key, record)
            records[record["id"]] = record
        if parsed is not None:
            parsed.clear()
            parsed.update(seen)
        return records

    def _inside(self, path: Path):
        """The parsed file, if it is one of the store's own: a link out of the store is refused
        (a store shared in git must not make the server read, or `withdraw` write, elsewhere)."""
        if path.is_symlink() and not path.resolve().is_relative_to(self.root.resolve()):
            raise StoreError(f"{path}: a link to outside the store; replace it with the file itself")
        return load_yaml(path)

    def save(self, records: dict[str, dict], changed: set[str]) -> None:
        """Write the `changed` records, each atomically; move a file when its kind changed."""
        for rid in sorted(changed):
            record = records[rid]
            target = self.path(record)
            yamlio.write_atomic(target, yamlio.dump(record))
            for stale in (self.root / f"{kind}s" / f"{rid}.yaml" for kind in KINDS):
                if stale != target:
                    stale.unlink(missing_ok=True)


def withdraw(record: dict, now: dt.datetime, note: str | None = None, reason: str | None = None) -> dict:
    """The record marked cancelled, with its sequence bumped so calendars drop the event. `note`
    is for the curators (kept in the file, never published), `reason` for subscribers."""
    out = dict(record)
    if out.get("status") == "cancelled":
        return out
    out.update(status="cancelled", sequence=int(out.get("sequence") or 0) + 1, updated=now.isoformat())
    entry = {"at": now.isoformat(), "what": "withdrawn"}
    entry.update({k: v for k, v in (("reason", reason), ("note", note)) if v})
    out["changes"] = list(out.get("changes") or []) + [entry]
    return out


TEXT_FIELDS = ("title", "subtype", "organizer", "location", "url", "contact", "reference", "evidence", "timezone")


def _field_problem(record: dict) -> str | None:
    """What a hand edit broke, if anything: every reader (feeds, page, bot) may then trust the
    types. None when the record is sound."""
    wrong = next((k for k in TEXT_FIELDS if record.get(k) is not None and not isinstance(record[k], str)), None)
    if wrong:
        return f"{wrong} must be text, not {type(record[wrong]).__name__}"
    if not record.get("title"):
        return "title is missing"
    for key in ("start", "end"):
        if (record.get(key) is not None or key == "start") and not _is_moment(record.get(key)):
            return f"{key} {record.get(key)!r} is not a date (2027-01-15) or a time (2027-01-15T10:00+03:00)"
    tags = record.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        return "tags must be a list of words"
    if record.get("timezone") and record["timezone"] not in zones.names():
        return f"timezone {record['timezone']!r} is not an IANA time zone (e.g. Europe/Zurich)"
    if not (isinstance(record.get("sequence", 0), int) and record.get("sequence", 0) >= 0):
        return "sequence must be a whole number"
    return None


def _is_moment(value) -> bool:
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    try:
        dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")) if "T" in str(value) else dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def extracted_items(data, source: str) -> list[dict]:
    """The `opportunities:` list of an extractor output file, checked item by item."""
    items = data.get("opportunities") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise StoreError(f"{source}: expected a top-level 'opportunities:' list")
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise StoreError(f"{source}: item {index} is not a mapping")
        missing = [key for key in ("id", "kind", "title", "start") if not item.get(key)]
        if missing:
            raise StoreError(f"{source}: item {index} lacks {', '.join(missing)}")
        if not _ID.match(str(item["id"])):
            raise StoreError(f"{source}: item {index} has an invalid id {item['id']!r}")
        if item["kind"] not in KINDS:
            raise StoreError(f"{source}: item {index} has an unknown kind {item['kind']!r}")
    return items


def _stat_key(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None  # load_yaml reports it
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _checked(path: Path, record) -> dict:
    """`record` if it is a stored opportunity; StoreError naming `path` if not. The id and kind
    name the file's path when it is written again, so they must be what a path may hold."""
    if not isinstance(record, dict) or not _ID.match(str(record.get("id", ""))):
        raise StoreError(f"{path}: not an opportunity record (no valid 'id')")
    if record["id"] != path.stem:
        raise StoreError(f"{path}: its id {record['id']!r} is not its file name")
    if record.get("kind") not in KINDS:
        raise StoreError(f"{path}: kind must be one of {', '.join(KINDS)}, not {record.get('kind')!r}")
    problem = _field_problem(record)
    if problem:
        raise StoreError(f"{path}: {problem}")
    status = record.get("status", "confirmed")
    if status not in STATUSES:
        raise StoreError(f"{path}: status must be one of {', '.join(STATUSES)}, not {status!r}")
    return record


def load_yaml(path: Path):
    """Parsed YAML of `path`; StoreError with file and line when it is malformed."""
    try:
        return yamlio.load(Path(path).read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise StoreError(f"{where}: malformed YAML: {exc.problem or exc.context}") from None
    except UnicodeDecodeError:
        raise StoreError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
