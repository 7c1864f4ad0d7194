"""The feed server's hot path: whole feeds answered without Starlette's router, exactly as the
router would answer them, and store changes found by a scan off the request path."""

import datetime as dt
import os
import threading

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot import store
from bot.web import create_app
from bot.web.catalog import Catalog

TODAY = dt.date(2026, 11, 24)


def _record(rid, kind="deadline", start="2027-01-15", **extra):
    record = {"id": rid, "kind": kind, "subtype": "nomination" if kind == "deadline" else "trial",
              "title": f"Item {rid[-4:]}", "start": start, "end": None, "location": "Geneva",
              "url": "https://example.org", "evidence": "text", "status": "confirmed", "sequence": 0,
              "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-20T08:30:00+00:00"}
    record.update(extra)
    return record


@pytest.fixture
def root(tmp_path):
    records = {r["id"]: r for r in (_record("2027-01-15-deadline-000000000a"),
                                    _record("2026-12-16-hearing-000000000b", kind="hearing", start="2026-12-16"))}
    store.Store(tmp_path).save(records, set(records))
    return tmp_path


def _answer(response):
    return response.status_code, list(response.headers.items()), response.content


def test_whole_feeds_are_answered_as_the_router_would(root):
    app = create_app(root, today=lambda: TODAY, rescan_every=0)

    async def usual(scope, receive, send):  # the way every other request goes
        await Starlette.__call__(app, scope, receive, send)

    fast, slow = TestClient(app), TestClient(usual)
    etag = fast.get("/calendars/all.ics", headers={"Accept-Encoding": "identity"}).headers["etag"]
    since = fast.get("/calendars/all.ics").headers["last-modified"]
    variants = [{}, {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "identity"}, {"If-None-Match": "*"},
                {"If-None-Match": etag, "Accept-Encoding": "identity"}, {"If-None-Match": f'W/{etag}, "x"'},
                {"If-None-Match": '"other"', "If-Modified-Since": since}, {"If-Modified-Since": since},
                {"If-Modified-Since": "not a date"}]
    for path in ("/calendars/all.ics", "/calendars/hearings.ics", "/calendars/nope.ics", "/calendars/all.ics?kind=hearing"):
        for method in ("GET", "HEAD"):
            for headers in variants:
                ours = fast.request(method, path, headers=headers)
                assert _answer(ours) == _answer(slow.request(method, path, headers=headers)), (method, path, headers)
    assert app.middleware_stack is not None  # the query and the bad name went the usual way


def test_the_shortcut_skips_the_middleware_stack(root):
    app = create_app(root, today=lambda: TODAY, rescan_every=0)
    assert TestClient(app).get("/calendars/all.ics").status_code == 200
    assert app.middleware_stack is None  # built on the first request that goes the usual way


def _scans_finish():
    for thread in threading.enumerate():
        if thread.name == "store-scan":
            thread.join(5)


def test_changes_are_found_by_a_scan_aside_and_applied_by_the_next_request(root):
    clock = [0.0]
    catalog = Catalog(root, lambda: TODAY, rescan_every=1.0, monotonic=lambda: clock[0], scan_aside=True)
    catalog.refresh()  # the first read happens in the request
    assert len(catalog.records) == 2 and catalog.signature is not None
    added = _record("2027-03-01-event-000000000c", kind="event", start="2027-03-01")
    store.Store(root).save({added["id"]: added}, {added["id"]})
    catalog.refresh()
    assert len(catalog.records) == 2  # within rescan_every: not looked at
    clock[0] = 1.5
    catalog.refresh()
    _scans_finish()
    catalog.refresh()
    assert len(catalog.records) == 3 and catalog.error is None
    (root / "deadlines" / "2027-01-20-deadline-00000000ff.yaml").write_text("id: [broken\n")
    clock[0] = 3.0
    catalog.refresh()
    _scans_finish()
    catalog.refresh()
    assert len(catalog.records) == 3 and "malformed YAML" in catalog.error


def test_each_worker_process_gets_its_options_from_the_environment(root, monkeypatch):
    from bot.cli import served_app

    monkeypatch.setenv("HRD_SERVE_STORE", str(root))
    monkeypatch.setenv("HRD_SERVE_BASE_URL", "https://cal.example.org")
    client = TestClient(served_app())
    assert client.get("/healthz").json()["items"] == 2
    assert "webcal://cal.example.org/calendars/all.ics" in client.get("/").text


def test_a_file_replaced_with_its_old_size_and_time_is_still_seen(root):
    """`Store.save` writes a new file and renames it over the old one: a new inode, whatever its
    size and modification time (tools that copy files with their times keep both)."""
    catalog = Catalog(root, lambda: TODAY, rescan_every=0)
    catalog.refresh()
    path = root / "deadlines" / "2027-01-15-deadline-000000000a.yaml"
    before = path.stat()
    edited = _record("2027-01-15-deadline-000000000a", title="Item 000b")  # same length as "Item 000a"
    store.Store(root).save({edited["id"]: edited}, {edited["id"]})
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    catalog.refresh()
    assert catalog.records[edited["id"]]["title"] == "Item 000b"


def test_a_broken_edit_keeps_that_item_in_the_feeds_and_the_other_edits_arrive(root):
    client = TestClient(create_app(root, today=lambda: TODAY, rescan_every=0))
    assert b"Item 000a" in client.get("/calendars/all.ics").content
    (root / "deadlines" / "2027-01-15-deadline-000000000a.yaml").write_text("title: [half-edited\n")
    moved = _record("2026-12-16-hearing-000000000b", kind="hearing", start="2026-12-16", title="Item 000b (moved)")
    store.Store(root).save({moved["id"]: moved}, {moved["id"]})
    feed = client.get("/calendars/all.ics").content
    assert b"Item 000a" in feed and b"Item 000b (moved)" in feed
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["items"] == 2
    assert health.json()["error"].startswith("deadlines/2027-01-15-deadline-000000000a.yaml:")
