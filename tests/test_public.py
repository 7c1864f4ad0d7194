"""Nothing private leaves: curators' notes, fingerprints and local paths stay in the store."""

import datetime as dt

import pytest
from starlette.testclient import TestClient

from bot import store
from bot.cli import main
from bot.web import create_app

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)
RID = "2027-01-15-deadline-0123456789"
NOTE = "INTERNAL NOTE: organiser under threat, do not publish"
HOME = "/home/ana/Desktop/defenders-network/leaks"


def _extracted(path):
    item = {"id": RID, "kind": "deadline", "subtype": "nomination", "title": "Courage Award: nominations close",
            "start": "2027-01-15", "evidence": "Nominations close on 15 January 2027.", "confidence": 0.9,
            "sources": [{"document": f"{HOME}/award-call.txt", "post_title": None, "post_date": None, "offsets": [0, 10]}]}
    store.yamlio.write_atomic(path, store.yamlio.dump({"opportunities": [item]}))


def test_a_withdrawal_note_paths_and_fingerprints_stay_in_the_store(tmp_path):
    root, extracted = tmp_path / "calendars", tmp_path / "new.yaml"
    _extracted(extracted)
    assert main(["ingest", str(extracted), "--store", str(root)], now=NOW) == 0
    assert main(["withdraw", RID, "--store", str(root), "--reason", NOTE, "--public-reason", "the call was closed"],
                now=NOW + dt.timedelta(days=1)) == 0
    stored = (root / "deadlines" / f"{RID}.yaml").read_text(encoding="utf-8")
    assert NOTE in stored and HOME in stored  # the curators keep what they wrote
    client = TestClient(create_app(root, today=lambda: NOW.date(), rescan_every=0))
    shown = {
        "api": client.get("/api/opportunities.json").text,
        "feed": client.get("/calendars/all.ics").text,
        "one": client.get(f"/opportunities/{RID}.ics").text,
        "page": client.get("/").text,
    }
    for where, text in shown.items():
        assert "organiser under threat" not in text and "/home/" not in text and "Desktop" not in text, where
    [item] = client.get("/api/opportunities.json").json()["opportunities"]
    assert "extracted" not in item and item["sources"][0]["document"] == "award-call.txt"
    assert item["changes"][-1]["what"] == "withdrawn: the call was closed"
    assert "Source: award-call.txt" in shown["feed"].replace("\r\n ", "")


def test_health_names_a_broken_file_from_the_store_down(tmp_path):
    root = tmp_path / "calendars"
    (root / "deadlines").mkdir(parents=True)
    (root / "deadlines" / f"{RID}.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    answer = TestClient(create_app(root, today=lambda: NOW.date(), rescan_every=0)).get("/healthz")
    assert answer.status_code == 503 and str(tmp_path) not in answer.text
    assert f"deadlines/{RID}.yaml:2" in answer.json()["error"]


GOOD = ("id: 2027-01-20-deadline-00000000b1\nkind: deadline\ntitle: Fellowship call\nstart: '2027-01-20'\n"
        "status: confirmed\nsequence: 0\n")
BROKEN = {
    "malformed": b"id: 2027-01-15-deadline-0123456789\ntitle: [unclosed\n",
    "tab-indented": b"id: 2027-01-15-deadline-0123456789\nkind: deadline\n\ttitle: x\n",
    "not UTF-8": b"id: 2027-01-15-deadline-0123456789\nkind: deadline\ntitle: caf\xe9\nstart: '2027-01-15'\n",
    "start in words": b"id: 2027-01-15-deadline-0123456789\nkind: deadline\ntitle: x\nstart: next week\n",
    "title a list": b"id: 2027-01-15-deadline-0123456789\nkind: deadline\ntitle: [a, b]\nstart: '2027-01-15'\n",
    "tags a number": b"id: 2027-01-15-deadline-0123456789\nkind: deadline\ntitle: x\nstart: '2027-01-15'\ntags: 5\n",
    "unknown zone": b"id: 2027-01-15-deadline-0123456789\nkind: deadline\ntitle: x\nstart: '2027-01-15'\ntimezone: Mars/Olympus\n",
}


def _store_with(root, broken: bytes | None):
    (root / "deadlines").mkdir(parents=True, exist_ok=True)
    (root / "deadlines" / "2027-01-20-deadline-00000000b1.yaml").write_text(GOOD, encoding="utf-8")
    if broken is not None:
        (root / "deadlines" / f"{RID}.yaml").write_bytes(broken)


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_at_start_up_is_a_503_never_an_empty_calendar(tmp_path, name):
    _store_with(tmp_path / "calendars", BROKEN[name])
    client = TestClient(create_app(tmp_path / "calendars", today=lambda: NOW.date(), rescan_every=0))
    for path in ("/calendars/all.ics", "/calendars/deadlines.ics", "/api/opportunities.json", "/", f"/opportunities/{RID}.ics"):
        answer = client.get(path)
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "300", path
    health = client.get("/healthz")
    assert health.status_code == 503 and f"deadlines/{RID}.yaml" in health.json()["error"]


@pytest.mark.parametrize("name", BROKEN)
def test_a_bad_edit_while_serving_keeps_what_was_served(tmp_path, name):
    root = tmp_path / "calendars"
    _store_with(root, None)
    client = TestClient(create_app(root, today=lambda: NOW.date(), rescan_every=0))
    before = client.get("/calendars/all.ics")
    assert before.status_code == 200 and before.text.count("BEGIN:VEVENT") == 1
    (root / "deadlines" / "2027-01-20-deadline-00000000b1.yaml").write_bytes(BROKEN[name].replace(
        RID.encode(), b"2027-01-20-deadline-00000000b1"))
    after = client.get("/calendars/all.ics")
    assert after.status_code == 200 and after.text.count("BEGIN:VEVENT") == 1 and "Fellowship call" in after.text
    assert client.get("/healthz").status_code == 503
