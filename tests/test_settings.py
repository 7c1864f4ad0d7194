"""Settings: one schema, a file for settings, the environment for secrets; errors name the key and file."""

from pathlib import Path

import pytest

from bot import settings

EXAMPLE = Path(__file__).parent.parent / "config" / "settings.example.yaml"


def _write(tmp_path, text):
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file():
    loaded = settings.load(environ={})
    assert loaded.chats.deadline_leads == ["14d", "3d", "1d", "morning"] and loaded.token is None
    assert loaded.database_url.startswith("sqlite:///")


def test_the_example_file_shows_every_key_and_is_current():
    assert EXAMPLE.read_text(encoding="utf-8") == settings.example()
    assert settings.load(EXAMPLE, environ={}) == settings.load(environ={})


def test_environment_overrides_and_secrets():
    env = {"TELEGRAM_BOT_TOKEN": "123456:SECRET-token", "DATABASE_URL": "postgresql+psycopg://u:pw@db/hrd",
           "ADMIN_IDS": "11, 22", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
           "PUBLIC_BASE_URL": "https://cal.example.org"}
    loaded = settings.load(environ=env)
    assert loaded.token.get_secret_value() == "123456:SECRET-token"
    assert loaded.telegram.admin_ids == [11, 22] and loaded.server.public_base_url == "https://cal.example.org"
    assert "SECRET" not in repr(loaded) and "pw@" not in repr(loaded) and "SECRET" not in str(loaded.model_dump())


@pytest.mark.parametrize("text, message", [
    ("chats:\n  timezone: Mars/Olympus\n", "settings.yaml (or the environment): chats.timezone: 'Mars/Olympus' is not an IANA time zone"),
    ("chats:\n  deadline_leads: [14d, soon]\n", "chats.deadline_leads: 'soon' is not a lead time"),
    ("chats:\n  digest: hourly\n", "chats.digest: Input should be 'off', 'daily' or 'weekly'"),
    ("delivery:\n  overall_per_second: 100\n", "delivery.overall_per_second: Input should be less than or equal to 30"),
    ("telegram:\n  colour: red\n", "telegram.colour: unknown key"),
    ("token: 123:abc\n", "token: secrets are read from the environment only"),
    ("telegram:\n  api_base_url: http://api.telegram.org/bot\n", "telegram.api_base_url: 'http://api.telegram.org/bot' must start with https://"),
    ("telegram:\n  api_base_url: http://10.0.0.5:8081/bot\n", "http:// is allowed only to this machine"),
    ("telegram:\n  api_base_url: ftp://127.0.0.1/bot\n", "must start with https://"),
    ("chats: [\n", "settings.yaml:2: malformed YAML"),
    ("chats: &c {timezone: UTC}\nserver: *c\n", "settings.yaml:2: malformed YAML: YAML aliases (*name) are not allowed here"),
    ("- a list\n", "expected a mapping of settings"),
])
def test_errors_name_the_key_and_the_file(tmp_path, text, message):
    with pytest.raises(settings.SettingsError) as caught:
        settings.load(_write(tmp_path, text), environ={})
    assert message in str(caught.value) and "settings.yaml" in str(caught.value)


def test_a_named_file_must_exist(tmp_path):
    with pytest.raises(settings.SettingsError, match="no such settings file"):
        settings.load(tmp_path / "missing.yaml", environ={})


@pytest.mark.parametrize("address", ["https://api.telegram.org/bot", "http://127.0.0.1:8081/bot",
                                     "http://localhost:8081/bot", "http://[::1]:8081/bot", "http://127.0.0.2/bot"])
def test_the_bot_api_address_may_be_plain_http_only_to_this_machine(address):
    assert settings.load(environ={"TELEGRAM_API_BASE_URL": address}).telegram.api_base_url == address
