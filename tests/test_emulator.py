"""The bot against an independent Bot API emulator, not our own fake (bot/telegram/fakeapi.py).

The emulator is the npm package telegram-test-api, pinned in tests/emulator/package.json and
started by tests/emulator/serve.js (which says what it corrects in the emulator's answers and why).
The bot runs as a real process, `python -m bot run`, configured only through the environment
(TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, DATABASE_URL); a user talks to it through the
emulator's own client routes. Install the emulator with

    npm ci --prefix tests/emulator

Without node or that install these tests skip; with REQUIRE_EMULATOR=1 (CI) they fail instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot import store

HERE = Path(__file__).resolve().parent
EMULATOR = HERE / "emulator"
LAUNCHER = EMULATOR / "serve.js"
ROOT = HERE.parent
TOKEN = "123456:EMULATOR-test-token"
ALICE = 501
# What our bot may call; every one is a method of the published Bot API.
BOT_API_METHODS = {"getMe", "setMyCommands", "deleteWebhook", "getUpdates", "sendMessage", "editMessageText",
                   "answerCallbackQuery", "getChatMember", "sendDocument", "logOut", "close"}
WAIT = 15.0  # seconds for any one answer; the whole test takes a few


def _node() -> str:
    """The node binary, or a skip (a failure under REQUIRE_EMULATOR=1) saying how to install."""
    node = shutil.which("node")
    missing = ("node is not on PATH (install Node.js first)" if node is None else
               "tests/emulator/node_modules is missing" if not (EMULATOR / "node_modules" / "telegram-test-api").is_dir()
               else None)
    if missing:
        reason = f"Bot API emulator not available: {missing}; install it with `npm ci --prefix tests/emulator`"
        if os.environ.get("REQUIRE_EMULATOR") == "1":
            pytest.fail(reason + " (REQUIRE_EMULATOR=1 is set, so this is an error, not a skip)", pytrace=False)
        pytest.skip(reason)
    return node


class Emulator:
    """A running telegram-test-api and a user of it (the emulator's client routes)."""

    def __init__(self, url: str, process: subprocess.Popen):
        self.url, self.process = url, process
        self.http = httpx.Client(base_url=url, timeout=5, trust_env=False)  # never through a proxy

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL must be: the bot calls <base_url><token>/<method>."""
        return f"{self.url}/bot"

    def _user(self) -> dict:
        return {"botToken": TOKEN, "from": {"id": ALICE, "is_bot": False, "first_name": "Alice"},
                "date": int(time.time())}

    def command(self, text: str) -> None:
        name = text.split(" ", 1)[0]
        message = self._user() | {"chat": {"id": ALICE, "type": "private", "first_name": "Alice"}, "text": text,
                                  "entities": [{"offset": 0, "length": len(name), "type": "bot_command"}]}
        assert self.http.post("/sendCommand", json=message).json()["ok"]

    def press(self, message: dict, data: str) -> None:
        """The user presses the inline button with `data` under the bot's `message`."""
        shown = {"message_id": message["id"], "date": int(time.time()), "text": message["text"],
                 "chat": {"id": ALICE, "type": "private", "first_name": "Alice"},
                 "from": {"id": 666, "is_bot": True, "first_name": "Bot"}}
        assert self.http.post("/sendCallback", json=self._user() | {"message": shown, "data": data}).json()["ok"]

    def sent(self) -> list[dict]:
        """Every message the bot sent to Alice, as it is now (edits applied), oldest first."""
        history = self.http.post("/getUpdatesHistory", json={"token": TOKEN}).json()["result"]
        out = []
        for entry in history:
            message = entry.get("message") or {}
            if str(message.get("chat_id")) != str(ALICE):
                continue  # a user's message or button press, or another chat
            keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            out.append({"id": entry["messageId"], "text": message.get("text", ""),
                        "buttons": [(b["text"], b.get("callback_data")) for row in keyboard for b in row]})
        return out

    def close(self) -> None:
        self.http.close()

    def calls(self) -> dict[str, dict[str, int]]:
        """{Bot API method: {HTTP status: count}} of the requests so far (counted by serve.js)."""
        return self.http.get("/_launcher/calls").json()


@contextlib.contextmanager
def emulator(tmp_path: Path, *options: str):
    """serve.js on a free 127.0.0.1 port, stopped (and if need be killed) on the way out."""
    node = _node()
    log = tmp_path / "emulator.log"
    with log.open("w") as errors:
        process = subprocess.Popen([node, str(LAUNCHER), *options, "127.0.0.1"], cwd=EMULATOR, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=errors, text=True)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(WAIT)
        line = process.stdout.readline() if ready else ""
        if not line:
            process.kill()
            process.wait(5)
            raise AssertionError(f"the emulator did not start within {WAIT} s:\n{log.read_text()}")
        with contextlib.closing(Emulator(f"http://127.0.0.1:{json.loads(line)['port']}", process)) as running:
            yield running
    finally:
        if process.poll() is None:
            process.stdin.close()  # serve.js exits when its stdin closes; SIGTERM too
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _record(rid: str, start: dt.date, title: str) -> dict:
    """A stored deadline, in the shape tests/test_bot.py uses."""
    return {"id": rid, "kind": "deadline", "subtype": "nomination", "title": title, "start": start.isoformat(),
            "end": None, "timezone": None, "organizer": "Defenders Network", "location": "Geneva",
            "url": "https://example.org/call", "evidence": "text", "status": "confirmed", "sequence": 0,
            "changes": [], "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-01T10:00:00+00:00"}


def _store(root: Path) -> list[str]:
    """Seven deadlines from 3 to 9 days ahead of the real clock, which the bot process uses."""
    today = dt.datetime.now(dt.timezone.utc).date()
    records = {}
    for n in range(7):
        day = today + dt.timedelta(days=3 + n)
        record = _record(f"{day.isoformat()}-deadline-00000e{n:04d}", day, f"Emulator call {n + 1}")
        records[record["id"]] = record
    store.Store(root).save(records, set(records))
    return [r["title"] for r in records.values()]


@contextlib.contextmanager
def bot_process(tmp_path: Path, api: Emulator):
    """`python -m bot run` as its own process, configured through the environment only."""
    root = tmp_path / "calendars"
    if not root.exists():
        _store(root)
    env = {k: v for k, v in os.environ.items()
           if k not in {"TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "DATABASE_URL", "ADMIN_IDS", "PUBLIC_BASE_URL"}}
    no_proxy = ",".join(filter(None, ["127.0.0.1", os.environ.get("NO_PROXY") or os.environ.get("no_proxy")]))
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'state.sqlite3'}", "NO_PROXY": no_proxy, "no_proxy": no_proxy,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    log = tmp_path / "bot.log"
    with log.open("w") as out:
        # cwd: a directory without config/settings.yaml, so only the environment configures it
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--store", str(root), "--no-feeds"],
                                   cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def _until(check, what: str, process: subprocess.Popen, log: Path):
    """Poll `check()` until it returns something truthy; fail early if the bot process died."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if process.poll() is not None:
            raise AssertionError(f"the bot exited ({process.returncode}) while waiting for {what}:\n{log.read_text()}")
        time.sleep(0.05)
    raise AssertionError(f"no {what} within {WAIT} s; bot log:\n{log.read_text()}")


def test_bot_works_against_telegram_test_api(tmp_path):
    with emulator(tmp_path) as api, bot_process(tmp_path, api) as (process, log):

        def say(text: str) -> dict:
            before = len(api.sent())
            api.command(text)
            return _until(lambda: api.sent()[before:], f"answer to {text}", process, log)[0]

        def press(message: dict, data: str) -> dict:
            assert data in [d for _, d in message["buttons"]], (data, message["buttons"])
            api.press(message, data)
            edited = lambda: next((m for m in api.sent() if m["id"] == message["id"] and m != message), None)  # noqa: E731
            return _until(edited, f"edit after pressing {data}", process, log)

        # The update waits in the emulator until the bot's first getUpdates: no start-up sleep.
        welcome = say("/start")
        assert "I store only this chat's id and settings" in welcome["text"]
        assert ("Time zone", "set:tz") in welcome["buttons"] and len(welcome["buttons"]) == 6

        first = say("/upcoming")
        assert first["text"].startswith("<b>Next items you follow</b> (1–5 of 7)"), first["text"]
        assert first["text"].index("Emulator call 1") < first["text"].index("Emulator call 5")
        assert "Emulator call 6" not in first["text"]
        assert first["buttons"] == [("More ▶", "pg:5:5::")]

        helped = say("/help")
        assert helped["text"].startswith("<b>Commands</b>") and "/upcoming" in helped["text"]

        more = press(first, "pg:5:5::")
        assert "(6–7 of 7)" in more["text"] and "Emulator call 7" in more["text"]
        assert "Emulator call 1" not in more["text"]
        assert more["buttons"] == [("◀ Earlier", "pg:0:5::")]

        zones = press(welcome, "set:tz")
        assert zones["text"].startswith("<b>Settings</b>\nTime zone: UTC")
        assert ("✅ UTC", "tz:UTC") in zones["buttons"] and ("▫️ Africa/Nairobi", "tz:Africa/Nairobi") in zones["buttons"]
        nairobi = press(zones, "tz:Africa/Nairobi")
        assert "Time zone: Africa/Nairobi" in nairobi["text"]
        assert ("✅ Africa/Nairobi", "tz:Africa/Nairobi") in nairobi["buttons"]

        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(10)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the bot did not stop within 10 s of SIGTERM:\n{log.read_text()}") from None
        output = log.read_text()
        assert code == 0, output
        calls = api.calls()

    # Only standard Bot API methods reached the emulator, all through TELEGRAM_API_BASE_URL.
    assert set(calls) <= BOT_API_METHODS, calls
    for method in ("getMe", "deleteWebhook", "getUpdates", "sendMessage", "editMessageText", "answerCallbackQuery"):
        assert set(calls.get(method, {})) == {"200"}, (method, calls)
    assert calls["sendMessage"]["200"] == 3 and calls["editMessageText"]["200"] == 3
    # The emulator has no setMyCommands (HTTP 500 "API method 'setMyCommands' is not supported");
    # the bot logs that and goes on, as it must with any start-up call but getMe.
    assert calls["setMyCommands"] == {"500": 1}, calls
    assert "setMyCommands failed (NetworkError); commands still work" in output
    assert "handler error" not in output and "Traceback" not in output, output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


def test_bot_stops_with_an_error_against_the_emulator_as_is(tmp_path):
    """Without serve.js's corrections the emulator's getMe has no `is_bot`, which the Bot API
    requires: python-telegram-bot cannot read it, and the bot must exit non-zero at once instead
    of hanging (and still print no token). If this starts to pass getMe, the pinned emulator was
    fixed: see which corrections in serve.js are still needed."""
    with emulator(tmp_path, "--as-is") as api, bot_process(tmp_path, api) as (process, log):
        try:
            code = process.wait(WAIT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the bot kept running against the unreadable getMe:\n{log.read_text()}") from None
        output = log.read_text()
        assert api.calls().get("getMe") == {"200": 1}
    assert code != 0, output
    assert "is_bot" in output, output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
