"""The Telegram bot's state: the chats it serves and their settings, per-item choices, the ledger
of messages it owes, and calendar-feed tokens.

Privacy. Our users are at risk, so the state holds the minimum: a chat's numeric id, its type and
the settings it chose. Never names, usernames or message text. `forget` removes every row about a
chat in one transaction; on SQLite deleted pages are overwritten (`secure_delete`) and the
write-ahead log is truncated afterwards, so the data does not linger in the files.

At least once, at most twice. `claim` (or `take`) inserts a ledger row with INSERT … ON
CONFLICT on the (chat_id, key) primary key: whoever inserts the row owns the message, however
many threads or processes race. The sender calls `mark_sending` at the moment the request is
written (and sends only if that worked; it counts the copy), then `mark_sent`; `release` when
the send definitely failed, so that a later run retries; `mark_unclear` when the answer cannot
prove whether the copy arrived (a 5xx, a timeout after the write): the row then owes one more
copy, which a later `take` claims (it says so, and the sender marks that copy as a repeat);
`mark_failed` to give up. At start-up, `release_unsent` gives back the claims a crash left
before their write (nothing left the process), and `reopen_sending` makes those left while
sending unclear (one more copy), or failed when they were already the second copy.

Time. Nothing here reads the clock: callers pass `now`. Timestamps go in aware and come back
aware UTC on SQLite and PostgreSQL alike; naive datetimes are refused.

Nothing happens at import time: engines are made by `open_engine`, the schema by `migrate`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from collections import namedtuple
import os
import re
import secrets
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import cast as sa_cast
from sqlalchemy import (
    JSON, BigInteger, CheckConstraint, DateTime, Engine, ForeignKey, Index, MetaData, SmallInteger,
    String, create_engine, delete, event, make_url, select, update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from . import leads, zones

MIGRATIONS = Path(__file__).with_name("migrations")
UTC = dt.timezone.utc

CHAT_TYPES = ("private", "group", "supergroup", "channel")
KINDS = ("deadline", "event", "hearing")
DIGESTS = ("off", "daily", "weekly")
PREF_STATES = ("follow", "mute")
LEDGER_STATES = ("claimed", "sending", "sent", "failed", "unclear")
MAX_COPIES = 2  # an unclear first copy is sent once more, never a third time

# Settings a new chat gets unless the caller's defaults say otherwise. Tuples: never shared lists.
DEFAULTS: Mapping[str, Any] = {
    "timezone": "UTC", "kinds": (), "keywords": (), "deadline_leads": ("14d", "3d", "1d"),
    "event_leads": ("1d", "1h"), "digest": "off", "digest_hour": 8, "digest_weekday": 0,
    "quiet_start": None, "quiet_end": None, "thread_id": None,
}

# Bounds that keep one chat's row small whatever a user sends.
MAX_KEYWORDS, MAX_KEYWORD_LEN, MAX_LEADS = 50, 64, leads.MOST
_HHMM = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")
_PG_MIGRATION_LOCK = 0x68726463  # any constant; serialises concurrent migrate() calls

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# --- types and models -------------------------------------------------------------------------

class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        value = _utc(value)
        # SQLite has no zoned type and would store the wall clock as written: store UTC, naive.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _chat_fk() -> Any:
    return ForeignKey("chats.id", ondelete="CASCADE")


class Chat(Base):
    """A chat the bot serves: its Telegram id, type and settings. Nothing about its people."""

    __tablename__ = "chats"
    __table_args__ = (
        CheckConstraint(_in("type", CHAT_TYPES), name="type"),
        CheckConstraint(_in("digest", DIGESTS), name="digest"),
        CheckConstraint("digest_hour BETWEEN 0 AND 23", name="digest_hour"),
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="digest_weekday"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool]
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    kinds: Mapped[list[str]] = mapped_column(JSON)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    deadline_leads: Mapped[list[str]] = mapped_column(JSON)
    event_leads: Mapped[list[str]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(8))
    digest_hour: Mapped[int] = mapped_column(SmallInteger)
    digest_weekday: Mapped[int] = mapped_column(SmallInteger)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<Chat {self.id} {self.type}{'' if self.active else ' inactive'}>"


JSON_SETTINGS = ("kinds", "keywords", "deadline_leads", "event_leads")
ChatRow = namedtuple("ChatRow", [c.name for c in Chat.__table__.columns])


@functools.lru_cache(maxsize=4096)
def _json_tuple(text: str | None) -> tuple:
    return tuple(json.loads(text)) if text else ()


class ItemPref(Base):
    """A chat's choice about one item: follow or mute it (state may be None), or snooze it."""

    __tablename__ = "item_prefs"
    __table_args__ = (CheckConstraint(_in("state", PREF_STATES), name="state"),)

    chat_id: Mapped[int] = mapped_column(BigInteger, _chat_fk(), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(8))
    snooze_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Ledger(Base):
    """One message the bot owes a chat, keyed e.g. "remind:<item>:<lead>", "digest:<day>"."""

    __tablename__ = "ledger"
    __table_args__ = (
        CheckConstraint(_in("state", LEDGER_STATES), name="state"),
        Index("ix_ledger_state_claimed_at", "state", "claimed_at"),
        Index("ix_ledger_key", "key"),
    )

    chat_id: Mapped[int] = mapped_column(BigInteger, _chat_fk(), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    item_id: Mapped[str | None] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(8))
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    copies: Mapped[int] = mapped_column(SmallInteger, server_default="0")  # requests written


class Meta(Base):
    """The bot's own bookkeeping, e.g. when it last looked for owed messages. Nothing about chats."""

    __tablename__ = "bot_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class FeedToken(Base):
    """A secret calendar-feed address for one chat."""

    __tablename__ = "feed_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, _chat_fk(), index=True)
    created: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:  # the token is a secret: keep it out of logs and tracebacks
        return f"<FeedToken chat={self.chat_id} revoked={self.revoked}>"


# --- settings validation ----------------------------------------------------------------------
# Error messages name the field and the rule, never echo the value: it may be a user's text.

def _utc(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime) or value.utcoffset() is None:
        raise ValueError("expected an aware datetime (with a time zone)")
    return value.astimezone(UTC)


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or value not in zones.names():
        raise ValueError("expected an IANA time zone name such as 'Europe/Paris'")
    return value


def _strings(value: Any, limit: int) -> list[str]:
    # A bare string is iterable too; refusing it catches kinds="event" for ["event"].
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    if len(value) > limit:
        raise ValueError(f"at most {limit} entries")
    return list(dict.fromkeys(value))


def _kinds(value: Any) -> list[str]:
    kinds = _strings(value, len(KINDS))
    if not set(kinds) <= set(KINDS):
        raise ValueError(f"each kind must be one of {', '.join(KINDS)}")
    return kinds


def _keywords(value: Any) -> list[str]:
    words = [w.strip() for w in _strings(value, MAX_KEYWORDS)]
    if not all(0 < len(w) <= MAX_KEYWORD_LEN for w in words):
        raise ValueError(f"each keyword must be 1 to {MAX_KEYWORD_LEN} characters")
    first: dict[str, str] = {}  # "Grant" and "grant" are one keyword; the first spelling stays
    for word in words:
        first.setdefault(word.casefold(), word)
    return list(first.values())


def _leads(value: Any) -> list[str]:
    return leads.checked(_strings(value, MAX_LEADS))


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return value
    return check


def _int_range(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        # bool is an int subclass; True as an hour is a caller's mistake.
        if type(value) is not int or not low <= value <= high:
            raise ValueError(f"expected an integer from {low} to {high}")
        return value
    return check


def _hhmm(value: Any) -> str | None:
    if value is not None and not (isinstance(value, str) and _HHMM.match(value)):
        raise ValueError("expected None or a time 'HH:MM' (00:00 to 23:59)")
    return value


def _thread(value: Any) -> int | None:
    if value is not None and (type(value) is not int or value <= 0):
        raise ValueError("expected None or a positive integer (a forum topic id)")
    return value


_VALIDATORS: Mapping[str, Callable[[Any], Any]] = {
    "timezone": _timezone, "kinds": _kinds, "keywords": _keywords,
    "deadline_leads": _leads, "event_leads": _leads,
    "digest": _choice(DIGESTS), "digest_hour": _int_range(0, 23),
    "digest_weekday": _int_range(0, 6), "quiet_start": _hhmm, "quiet_end": _hhmm,
    "thread_id": _thread,
}
SETTINGS = tuple(_VALIDATORS)


def validate_settings(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Checked, normalised copies of settings; ValueError("<field>: <rule>") on the first bad."""
    clean = {}
    for name, value in fields.items():
        if name not in _VALIDATORS:
            raise ValueError(f"{name}: unknown setting (known: {', '.join(SETTINGS)})")
        try:
            clean[name] = _VALIDATORS[name](value)
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from None
    return clean


def _check_quiet(start: str | None, end: str | None) -> None:
    if (start is None) != (end is None):
        missing = "quiet_end" if end is None else "quiet_start"
        raise ValueError(f"{missing}: quiet hours need both ends")
    if start is not None and start == end:
        raise ValueError("quiet_end: must differ from quiet_start")


# --- engines and migrations -------------------------------------------------------------------

def open_engine(url: str | URL) -> Engine:
    """An engine for the bot: SQLite (a file, WAL, busy timeout, foreign keys) or PostgreSQL."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        _sqlite_file(url)
        engine = create_engine(url, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas(foreign_keys=True))
        return engine
    _require_postgresql(url)
    # Parameters hold chat ids and feed tokens: keep them out of error messages and logs.
    return create_engine(url, hide_parameters=True, pool_pre_ping=True)


def migration_engine(url: str | URL) -> Engine:
    """An engine for running migrations: one transaction that other migrators wait for."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        _require_postgresql(url)
        return create_engine(url, hide_parameters=True, poolclass=NullPool)
    _sqlite_file(url)
    engine = create_engine(url, hide_parameters=True, poolclass=NullPool)
    # Batch mode rebuilds tables by dropping them; with foreign keys on, the drop would cascade
    # into the child tables, so they stay off here and are checked before commit instead.
    event.listen(engine, "connect", _sqlite_pragmas(foreign_keys=False, driver_transactions=False))
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine


def alembic_config(url: str | URL | None = None) -> Any:
    """Alembic's Config for bot/migrations, built in code: no alembic.ini on disk."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # Config is a ConfigParser: a "%" in the URL (escapes, passwords) must be doubled.
        rendered = make_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def migrate(url: str | URL) -> None:
    """Bring the database at `url` to the newest schema (alembic upgrade head); no-op if current."""
    from alembic import command

    engine = migration_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            _check_foreign_keys(conn)
    finally:
        engine.dispose()


def _require_postgresql(url: URL) -> None:
    if url.get_backend_name() != "postgresql":
        name = url.get_backend_name()
        raise ValueError(f"unsupported database {name!r}: use sqlite or postgresql")


def _sqlite_pragmas(foreign_keys: bool, driver_transactions: bool = True) -> Callable[..., None]:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        if not driver_transactions:
            dbapi_conn.isolation_level = None  # the "begin" listener issues BEGIN itself
        # busy_timeout first: switching a new file to WAL takes a lock others must wait for.
        for pragma in ("busy_timeout=10000", "journal_mode=WAL", "synchronous=NORMAL",
                       "secure_delete=ON", f"foreign_keys={'ON' if foreign_keys else 'OFF'}"):
            dbapi_conn.execute(f"PRAGMA {pragma}").close()
    return on_connect


def _check_foreign_keys(conn: Any) -> None:
    if conn.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
        raise RuntimeError("migration left rows whose chat does not exist; rolled back")


def _sqlite_file(url: URL) -> None:
    """Refuse in-memory databases (each pooled connection would get its own); make the file."""
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") == "memory":
        raise ValueError("SQLite state needs a file: sqlite:///path/to/state.db")
    path = Path(database)
    if not url.query.get("uri") and not path.exists():
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _ignored_by_git(path.parent)
        _new_wal_file(path)


def _ignored_by_git(folder: Path) -> None:
    """A folder the bot made for its database keeps itself out of git: the README invites
    keeping the store in git, and one `git add -A` must not publish who uses the bot."""
    (folder / ".gitignore").write_text("# the bot's state: chat ids and feed tokens; never commit it\n*\n",
                                       encoding="utf-8")


def _new_wal_file(path: Path) -> None:
    """Create the database owner-only (it lists who uses the bot) and already in WAL mode, then
    link it into place: first connections racing to switch a fresh file to WAL get "locked"."""
    fd, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(draft)) as conn:
            conn.execute("PRAGMA journal_mode=WAL").close()
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(draft, path)
    finally:
        os.unlink(draft)


# --- the repository ---------------------------------------------------------------------------

class State:
    """The bot's reads and writes. Returned rows are detached snapshots: change them through
    these methods, not by assignment. Every method runs in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)
        inserts = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
        self._insert = inserts[engine.dialect.name]  # both have ON CONFLICT

    # chats

    def chat(self, chat_id: int) -> Chat | None:
        """The chat with this Telegram id, or None."""
        with self._session() as session:
            return session.get(Chat, chat_id)

    def ensure_chat(self, chat_id: int, type: str, now: dt.datetime,
                    defaults: Mapping[str, Any] | None = None) -> Chat:
        """The chat, created with `defaults` over DEFAULTS if new; marked active and its type kept
        current if it existed (a chat that writes to the bot can be written to again)."""
        _field("type", _choice(CHAT_TYPES), type)
        settings = validate_settings({**DEFAULTS, **(defaults or {})})
        _check_quiet(settings["quiet_start"], settings["quiet_end"])
        row = {"id": chat_id, "type": type, "active": True, "created": _field("now", _utc, now)}
        with self._session.begin() as session:
            session.execute(self._insert(Chat).values(**row, **settings)
                            .on_conflict_do_nothing(index_elements=["id"]))
            session.execute(update(Chat).where(Chat.id == chat_id).values(type=type, active=True))
            return session.get_one(Chat, chat_id)

    def update_settings(self, chat_id: int, **fields: Any) -> Chat:
        """Change settings; ValueError naming the field on an unknown field or bad value (and then
        nothing changes), LookupError for an unknown chat."""
        changes = validate_settings(fields)
        with self._session.begin() as session:
            chat = _existing(session.get(Chat, chat_id), chat_id)
            for name, value in changes.items():
                setattr(chat, name, value)
            _check_quiet(chat.quiet_start, chat.quiet_end)
            return chat

    def active_chats(self) -> list[Chat]:
        """Chats the bot may still write to, by id."""
        with self._session() as session:
            return list(session.scalars(select(Chat).where(Chat.active).order_by(Chat.id)))

    def active_chat_rows(self) -> list[ChatRow]:
        """The active chats as plain tuples, list settings as tuples: the light way to read
        100,000 of them (no ORM bookkeeping; equal settings decoded once and shared)."""
        table = Chat.__table__
        columns = [sa_cast(c, String).label(c.name) if c.name in JSON_SETTINGS else c for c in table.columns]
        decode = [c.name in JSON_SETTINGS for c in table.columns]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*columns).where(table.c.active).order_by(table.c.id))
            return [ChatRow._make([_json_tuple(v) if d else v for d, v in zip(decode, row)]) for row in rows]

    def deactivate(self, chat_id: int) -> bool:
        """Stop writing to a chat (Telegram said Forbidden); its settings stay. False if unknown."""
        stmt = update(Chat).where(Chat.id == chat_id).values(active=False)
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def forget(self, chat_id: int) -> dict[str, int]:
        """Delete every row about the chat, in one transaction; the count per table."""
        with self.engine.begin() as conn:
            counts = {model.__tablename__: conn.execute(
                delete(model).where(model.chat_id == chat_id)).rowcount
                for model in (ItemPref, Ledger, FeedToken)}
            counts["chats"] = conn.execute(delete(Chat).where(Chat.id == chat_id)).rowcount
        self._truncate_wal()
        return counts

    def _truncate_wal(self) -> None:
        # Old versions of the deleted pages survive in the write-ahead log until a checkpoint.
        # Best effort: a reader in progress can keep the log; the next checkpoint clears it.
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").close()

    # per-item choices

    def set_pref(self, chat_id: int, item_id: str, state: str | None,
                 snooze_until: dt.datetime | None = None) -> None:
        """Follow or mute an item and/or snooze it; state and snooze_until both None clears it."""
        if state is not None:
            _field("state", _choice(PREF_STATES), state)
        until = None if snooze_until is None else _field("snooze_until", _utc, snooze_until)
        where = (ItemPref.chat_id == chat_id) & (ItemPref.item_id == item_id)
        with self._known_chat(chat_id), self.engine.begin() as conn:
            if state is None and until is None:
                conn.execute(delete(ItemPref).where(where))
                return
            stmt = self._insert(ItemPref).values(
                chat_id=chat_id, item_id=item_id, state=state, snooze_until=until)
            conn.execute(stmt.on_conflict_do_update(
                index_elements=["chat_id", "item_id"],
                set_={"state": stmt.excluded.state, "snooze_until": stmt.excluded.snooze_until}))

    def all_prefs(self) -> dict[int, dict[str, ItemPref]]:
        """Every chat's choices, by chat id then item id, in one query."""
        out: dict[int, dict[str, ItemPref]] = {}
        with self._session() as session:
            for pref in session.scalars(select(ItemPref)):
                out.setdefault(pref.chat_id, {})[pref.item_id] = pref
        return out

    def meta(self, key: str) -> str | None:
        with self._session() as session:
            row = session.get(Meta, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        stmt = self._insert(Meta).values(key=key, value=value)
        with self.engine.begin() as conn:
            conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value}))

    def prefs(self, chat_id: int) -> dict[str, ItemPref]:
        """The chat's choices, by item id."""
        with self._session() as session:
            rows = session.scalars(select(ItemPref).where(ItemPref.chat_id == chat_id))
            return {pref.item_id: pref for pref in rows}

    # the ledger

    def claim(self, chat_id: int, key: str, item_id: str | None, now: dt.datetime) -> bool:
        """Take the message `key` for the chat: True for exactly one caller, across processes."""
        return self.take(chat_id, key, item_id, now) is not None

    def take(self, chat_id: int, key: str, item_id: str | None, now: dt.datetime) -> int | None:
        """`claim`, saying how many copies were already written: 0 for a new claim, 1 when it
        takes the one more copy an unclear row owes; None when someone else owns the key."""
        stmt = self._insert(Ledger).values(
            chat_id=chat_id, key=key, item_id=item_id, state="claimed",
            claimed_at=_field("now", _utc, now), copies=0)
        # The primary key arbitrates (a read-then-write would let two callers both win);
        # RETURNING yields a row only to the caller whose insert (or take-over) happened.
        stmt = stmt.on_conflict_do_update(index_elements=[Ledger.chat_id, Ledger.key],
                                          set_={"state": "claimed", "claimed_at": stmt.excluded.claimed_at},
                                          where=Ledger.state == "unclear")
        with self._known_chat(chat_id), self.engine.begin() as conn:
            won = conn.execute(stmt.returning(Ledger.copies)).first()
            return None if won is None else won[0]

    def mark_sent(self, chat_id: int, key: str, message_id: int | None, now: dt.datetime) -> bool:
        """Record that the claimed message went out; False if there is no such claim."""
        values = {"state": "sent", "sent_at": _field("now", _utc, now), "message_id": message_id}
        return self._update_ledger(chat_id, key, values)

    def mark_sending(self, chat_id: int, key: str) -> bool:
        """The claimed message's request is being written now (one more copy); False if the claim
        is gone (given back by a restarting instance: then it must not be sent from here)."""
        return self._update_ledger(chat_id, key, {"state": "sending", "copies": Ledger.copies + 1},
                                   Ledger.state == "claimed")

    def mark_unclear(self, chat_id: int, key: str) -> bool:
        """The copy being sent may or may not have arrived: owe one more copy if this was the
        first, else give up (never a third). True when one more copy is owed."""
        if self._update_ledger(chat_id, key, {"state": "unclear"}, Ledger.state == "sending",
                               Ledger.copies < MAX_COPIES):
            return True
        self.mark_failed(chat_id, key)
        return False

    def mark_failed(self, chat_id: int, key: str) -> bool:
        """Give up on a claimed message for good (it stays owed-and-skipped, not retried)."""
        return self._update_ledger(chat_id, key, {"state": "failed"}, Ledger.state.in_(("claimed", "sending")))

    def release(self, chat_id: int, key: str) -> bool:
        """Drop a claim whose send definitely failed (its copy, if written, was refused), so a
        later run retries. Never a sent one; one whose first copy was unclear goes back to owing
        its one more copy."""
        row = _ledger_row(chat_id, key)
        with self.engine.begin() as conn:
            conn.execute(update(Ledger).where(row, Ledger.state == "sending")
                         .values(state="claimed", copies=Ledger.copies - 1))
            claimed = row & (Ledger.state == "claimed")
            if conn.execute(update(Ledger).where(claimed, Ledger.copies > 0).values(state="unclear")).rowcount:
                return True
            return conn.execute(delete(Ledger).where(claimed)).rowcount == 1

    def claimed_keys(self, chat_ids: Iterable[int] | None = None) -> set[tuple[int, str]]:
        """(chat_id, key) of every ledger row, in any state; only these chats if given."""
        query = select(Ledger.chat_id, Ledger.key)
        if chat_ids is not None:
            query = query.where(Ledger.chat_id.in_(list(chat_ids)))
        with self.engine.connect() as conn:
            return {(chat_id, key) for chat_id, key in conn.execute(query)}

    def claimed_for(self, keys: Iterable[str]) -> set[tuple[int, str]]:
        """(chat_id, key) of the ledger rows with these keys, across chats (for a broadcast),
        leaving out unclear ones: they still owe a copy."""
        keys = sorted(set(keys))
        found: set[tuple[int, str]] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):  # bounded IN lists
                query = (select(Ledger.chat_id, Ledger.key).where(Ledger.key.in_(keys[start:start + 500]))
                         .where(Ledger.state != "unclear"))
                found.update((chat_id, key) for chat_id, key in conn.execute(query))
        return found

    def release_unsent(self, older_than: dt.datetime) -> int:
        """Give back the claims taken before `older_than` whose request was never written (a
        crash came between the claim and the write), so they are planned again; how many. A
        claim for the one more copy of an unclear message owes that copy again."""
        where = (Ledger.state == "claimed") & (Ledger.claimed_at < _field("older_than", _utc, older_than))
        with self.engine.begin() as conn:
            again = conn.execute(update(Ledger).where(where, Ledger.copies > 0).values(state="unclear")).rowcount
            return again + conn.execute(delete(Ledger).where(where)).rowcount

    def stale_claims(self, older_than: dt.datetime) -> list[Ledger]:
        """Messages written to the Bot API before `older_than` whose answer was never recorded
        (they may or may not have arrived), oldest first."""
        query = (select(Ledger).where(Ledger.state == "sending")
                 .where(Ledger.claimed_at < _field("older_than", _utc, older_than))
                 .order_by(Ledger.claimed_at, Ledger.chat_id, Ledger.key))
        with self._session() as session:
            return list(session.scalars(query))

    def reopen_sending(self, older_than: dt.datetime) -> tuple[int, int]:
        """After a crash, the messages whose request was written and never answered: a first
        copy owes one more (unclear), a second copy is given up (failed). (unclear, failed)"""
        where = (Ledger.state == "sending") & (Ledger.claimed_at < _field("older_than", _utc, older_than))
        with self.engine.begin() as conn:
            again = conn.execute(update(Ledger).where(where, Ledger.copies < MAX_COPIES)
                                 .values(state="unclear")).rowcount
            return again, conn.execute(update(Ledger).where(where).values(state="failed")).rowcount

    def _update_ledger(self, chat_id: int, key: str, values: dict[str, Any], *extra: Any) -> bool:
        with self.engine.begin() as conn:
            stmt = update(Ledger).where(_ledger_row(chat_id, key), *extra).values(**values)
            return conn.execute(stmt).rowcount == 1

    # feed tokens

    def new_token(self, chat_id: int, now: dt.datetime) -> str:
        """A new unguessable feed token for the chat (older ones stay valid until revoked)."""
        token = secrets.token_urlsafe(24)
        row = {"token": token, "chat_id": chat_id, "created": _field("now", _utc, now)}
        with self._known_chat(chat_id), self.engine.begin() as conn:
            conn.execute(self._insert(FeedToken).values(**row))
        return token

    def revoke_tokens(self, chat_id: int, now: dt.datetime) -> int:
        """Revoke every live token of the chat; how many were revoked."""
        stmt = (update(FeedToken).where(FeedToken.chat_id == chat_id, FeedToken.revoked.is_(None))
                .values(revoked=_field("now", _utc, now)))
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount

    def live_token(self, chat_id: int) -> str | None:
        """The chat's newest unrevoked token, to show its feed address again; None if none."""
        query = (select(FeedToken.token)
                 .where(FeedToken.chat_id == chat_id, FeedToken.revoked.is_(None))
                 .order_by(FeedToken.created.desc(), FeedToken.token).limit(1))
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def chat_for_token(self, token: str) -> int | None:
        """The chat id a live token belongs to; None when unknown or revoked."""
        if not isinstance(token, str) or len(token) > 64:
            return None
        live = (FeedToken.token == token) & FeedToken.revoked.is_(None)
        query = select(FeedToken.chat_id).where(live)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    @contextlib.contextmanager
    def _known_chat(self, chat_id: int) -> Iterator[None]:
        """Turn a missing chat into LookupError. Any other integrity error is re-raised bare:
        PostgreSQL's message quotes the offending key, which may be a feed token."""
        try:
            yield
        except IntegrityError as err:
            _existing(self.chat(chat_id), chat_id)
            error = type(err.orig).__name__
            raise RuntimeError(f"{error} writing state for chat {chat_id}") from None


def _ledger_row(chat_id: int, key: str) -> Any:
    return (Ledger.chat_id == chat_id) & (Ledger.key == key)


def _existing(chat: Chat | None, chat_id: int) -> Chat:
    if chat is None:
        raise LookupError(f"no chat {chat_id}; call ensure_chat first")
    return chat


def _field(name: str, check: Callable[[Any], Any], value: Any) -> Any:
    try:
        return check(value)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None
