"""One settings schema: defaults, types and help for every key, read from `config/settings.yaml`
and, for secrets and deployment addresses, from the environment.

Secrets never come from a file (a settings file gets committed, copied and pasted into issues);
`TELEGRAM_BOT_TOKEN` is read from the environment only and is hidden from every repr and log.
An error names the key and the file, e.g. `config/settings.yaml: reminders.deadline_leads.1: …`.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Literal, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from . import leads, yamlio
from .errors import SettingsError

DEFAULT_FILE = Path("config/settings.yaml")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone (e.g. Europe/Geneva, Africa/Nairobi, UTC)") from None
    return value


class Telegram(Section):
    api_base_url: str = Field("https://api.telegram.org/bot", description=(
        "Bot API address before the token (env TELEGRAM_API_BASE_URL); e.g. http://127.0.0.1:8081/bot "
        "for a local Bot API server"))
    admin_ids: list[int] = Field(default_factory=list, description="Telegram user ids allowed admin commands (env ADMIN_IDS, comma-separated)")
    poll_timeout: int = Field(30, ge=1, le=60, description="long-polling timeout in seconds")

    @field_validator("api_base_url")
    @classmethod
    def _token_stays_private(cls, value: str) -> str:
        """The token is part of every request's address: plain http only to this machine."""
        url = urlsplit(value)
        if url.scheme == "https" and url.hostname or url.scheme == "http" and _loopback(url.hostname):
            return value
        raise ValueError(f"{value!r} must start with https:// (the bot's token travels in it); http:// is "
                         "allowed only to this machine (127.0.0.1, ::1, localhost)")


class Chats(Section):
    """What a new chat starts with; every chat can change its own."""

    timezone: str = Field("UTC", description="time zone of a new chat (IANA name)")
    deadline_leads: list[str] = Field(["14d", "3d", "1d", "morning"], description=(
        "reminders before a deadline: 14d, 6h, 30m or morning, up to 366 days, at most 8"))
    event_leads: list[str] = Field(["1d", "1h"], description="reminders before an event or hearing (as above)")
    digest: Literal["off", "daily", "weekly"] = Field("off", description="digest of what is ahead")
    digest_hour: int = Field(8, ge=0, le=23, description="local hour of the digest")
    morning_hour: int = Field(9, ge=0, le=23, description="local hour of 'morning' and all-day reminders")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return _zone(value)

    @field_validator("deadline_leads", "event_leads")
    @classmethod
    def _lead_times(cls, values: list[str]) -> list[str]:
        return leads.checked(values)


class Delivery(Section):
    """Telegram's published limits; sends are paced below them so no chat is ever flood-banned."""

    overall_per_second: float = Field(30, gt=0, le=30, description="messages per second, all chats together")
    private_interval: float = Field(1.0, ge=1.0, description="seconds between messages to one private chat")
    group_per_minute: int = Field(20, gt=0, le=20, description="messages per minute to one group or channel")
    max_attempts: int = Field(5, ge=1, le=20, description="attempts per message on network errors before giving up")
    stagger_seconds: int = Field(900, ge=0, le=3600, description="digests spread over this many seconds after the hour")


class Server(Section):
    host: str = Field("127.0.0.1", description="feed server address")
    port: int = Field(8080, ge=0, le=65535, description="feed server port")
    public_base_url: str | None = Field(None, description="public address in feed links (env PUBLIC_BASE_URL)")


class Settings(Section):
    store: Path = Field(Path("calendars"), description="the curated store directory")
    database_url: str = Field("sqlite:///state/bot.sqlite3", repr=False, description="SQLAlchemy URL of the bot's state (env DATABASE_URL)")
    telegram: Telegram = Telegram()
    chats: Chats = Chats()
    delivery: Delivery = Delivery()
    server: Server = Server()
    upcoming_page: int = Field(5, ge=1, le=20, description="items per /upcoming page")
    token: SecretStr | None = Field(None, exclude=True, description="TELEGRAM_BOT_TOKEN, from the environment only")


ENVIRONMENT = {
    "TELEGRAM_API_BASE_URL": ("telegram", "api_base_url"),
    "ADMIN_IDS": ("telegram", "admin_ids"),
    "DATABASE_URL": ("database_url",),
    "PUBLIC_BASE_URL": ("server", "public_base_url"),
}


def _from_env(data: dict, environ: Mapping[str, str]) -> dict:
    for name, path in ENVIRONMENT.items():
        value = environ.get(name)
        if not value:
            continue
        if name == "ADMIN_IDS":
            value = [part.strip() for part in value.split(",") if part.strip()]
        target = data
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    return data


def _read(path: Path, required: bool) -> dict:
    if not path.exists():
        if required:
            raise SettingsError(f"{path}: no such settings file")
        return {}
    try:
        data = yamlio.load(path.read_text(encoding="utf-8")) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise SettingsError(f"{path}:{mark.line + 1 if mark else '?'}: malformed YAML: {exc.problem}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: expected a mapping of settings")
    if "token" in data:
        raise SettingsError(f"{path}: token: secrets are read from the environment only (TELEGRAM_BOT_TOKEN)")
    return data


def _explain(exc: ValidationError, source: str) -> SettingsError:
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = "unknown key" if first["type"] == "extra_forbidden" else first["msg"].removeprefix("Value error, ")
    return SettingsError(f"{source}: {key}: {message}")


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from `path` (default config/settings.yaml, optional) overlaid by the environment."""
    environ = os.environ if environ is None else environ
    data = _from_env(_read(path or DEFAULT_FILE, required=path is not None), environ)
    token = environ.get("TELEGRAM_BOT_TOKEN") or None
    try:
        return Settings(**data, token=token)
    except ValidationError as exc:
        raise _explain(exc, str(path or DEFAULT_FILE) + " (or the environment)") from None


def example() -> str:
    """config/settings.example.yaml: every key with its default and help, generated from the schema."""
    lines = ["# Settings of the bot and feed server. Copy to config/settings.yaml and change what you need.",
             "# Secrets are never read from this file: set TELEGRAM_BOT_TOKEN in the environment.",
             "# Environment overrides: " + ", ".join(ENVIRONMENT) + "."]
    _describe(Settings(), Settings, lines, "")
    return "\n".join(lines) + "\n"


def _describe(value: BaseModel, model: type[BaseModel], lines: list[str], indent: str) -> None:
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        current = getattr(value, name)
        if isinstance(current, BaseModel):
            lines.append(f"{indent}{name}:")
            _describe(current, type(current), lines, indent + "  ")
            continue
        lines.append(f"{indent}# {field.description}")
        rendered = yaml.safe_dump({name: str(current) if isinstance(current, Path) else current},
                                  default_flow_style=True, width=200).strip()[1:-1]
        lines.append(f"{indent}{rendered}")
