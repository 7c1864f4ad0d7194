"""Nothing private leaves: curators' notes, fingerprints and local paths stay in the store."""

import datetime as dt

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
