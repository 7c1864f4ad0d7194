"""The Dockerfile, compose.yaml and the image's settings agree with each other and with the code:
the paths copied exist, the environment names are ones the settings read, the port and the state
path line up. (CI also builds and runs the image: .ci/image.)"""

import re
from pathlib import Path

import pytest
import yaml

from bot import settings

ROOT = Path(__file__).resolve().parent.parent


def instructions(name: str = "Dockerfile") -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / name).read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def stage(name: str) -> list[tuple[str, str]]:
    """The instructions of one build stage (FROM ... AS name up to the next FROM)."""
    found, out = False, []
    for op, args in instructions():
        if op == "FROM":
            found = args.split()[-1] == name
        elif found:
            out.append((op, args))
    return out


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def image_settings() -> settings.Settings:
    return settings.load(ROOT / "config" / "docker.yaml", environ={})


def test_every_copied_path_exists():
    sources = [args.split()[:-1] for op, args in instructions() if op == "COPY" and "--from" not in args]
    missing = [s for group in sources for s in group if not (ROOT / s).exists()]
    assert sources and missing == []


def test_the_run_stage_is_non_root_with_a_state_volume_and_a_health_check():
    ops = dict(stage("run"))
    assert ops["USER"] not in ("root", "0")
    assert '"/data"' in ops["VOLUME"]
    assert "/healthz" in ops["HEALTHCHECK"] and "CMD" in ops["HEALTHCHECK"]
    assert ops["CMD"] == '["python", "-m", "bot", "run"]'  # exec form: SIGTERM reaches the bot itself


def test_the_image_settings_load_and_listen_where_the_image_says():
    loaded, ops = image_settings(), dict(stage("run"))
    assert loaded.server.host == "0.0.0.0"
    assert ops["EXPOSE"] == str(loaded.server.port)
    assert f"127.0.0.1:{loaded.server.port}/healthz" in ops["HEALTHCHECK"]
    assert "DATABASE_URL=sqlite:////data/" in ops["ENV"]


def test_compose_passes_only_variables_the_settings_read():
    bot = compose()["services"]["bot"]
    assert set(bot["environment"]) <= set(settings.ENVIRONMENT) | {"TELEGRAM_BOT_TOKEN"}
    assert "state:/data" in bot["volumes"]
    port = image_settings().server.port
    assert f"{port}:{port}" in bot["ports"]


def test_the_postgres_service_is_optional_and_matches_the_readme():
    services = compose()["services"]
    assert services["postgres"]["profiles"] == ["postgres"] and "profiles" not in services["bot"]
    env = services["postgres"]["environment"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    url = f"postgresql+psycopg://{env['POSTGRES_USER']}:change-me@postgres/{env['POSTGRES_DB']}"
    assert url in readme


@pytest.mark.parametrize("needed", ["TELEGRAM_BOT_TOKEN", "PUBLIC_BASE_URL"])
def test_compose_names_its_secrets_and_addresses(needed):
    assert needed in compose()["services"]["bot"]["environment"]


def test_the_default_state_folder_and_the_token_file_are_ignored_by_git():
    """bot.sqlite3 holds chat ids and feed tokens, .env (where the README puts the token for
    compose) the bot's token; the store beside them is meant for git."""
    if not (ROOT / ".gitignore").exists():
        pytest.skip("not a checkout: no .gitignore here (the image's test stage)")
    default = Path(settings.Settings().database_url.removeprefix("sqlite:///"))
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert default.parts[0] == "state" and "/state/" in ignored and ".env" in ignored
