"""The feed server in-process (Starlette's test client) and once over a real socket."""

import datetime as dt
import gzip
import urllib.request

import pytest
from starlette.testclient import TestClient

from bot import store
from bot.web import create_app

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
                                    _record("2026-12-16-hearing-000000000b", kind="hearing", start="2026-12-16", location="Tunis"))}
    store.Store(tmp_path).save(records, set(records))
    return tmp_path


@pytest.fixture
def client(root):
    return TestClient(create_app(root, today=lambda: TODAY, rescan_every=0))


def test_feed_headers_and_body(client):
    response = client.get("/calendars/all.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["etag"].startswith('"') and response.headers["last-modified"] == "Fri, 20 Nov 2026 08:30:00 GMT"
    assert "max-age" in response.headers["cache-control"]
    assert response.text.count("BEGIN:VEVENT") == 2


def test_revalidation_gives_304(client):
    first = client.get("/calendars/all.ics")
    again = client.get("/calendars/all.ics", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get("/calendars/all.ics", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    stale = client.get("/calendars/all.ics", headers={"If-None-Match": '"other"', "If-Modified-Since": first.headers["last-modified"]})
    assert stale.status_code == 200  # If-None-Match decides when present


def test_head_has_headers_and_no_body(client):
    plain = {"Accept-Encoding": "identity"}
    response = client.head("/calendars/deadlines.ics", headers=plain)
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["content-length"]) == len(client.get("/calendars/deadlines.ics", headers=plain).content)


def test_gzip_when_accepted(client):
    response = client.get("/calendars/all.ics", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip" and response.headers["etag"].endswith('-gz"')
    assert "BEGIN:VCALENDAR" in response.text  # the client decompresses
    plain = client.get("/calendars/all.ics", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["etag"] != response.headers["etag"]


@pytest.mark.parametrize(
    "path, status",
    [
        ("/calendars/nope.ics", 404),
        ("/calendars/../../etc/passwd", 404),
        ("/calendars/%2e%2e%2fsecret.ics", 404),
        ("/opportunities/../../etc/passwd.ics", 404),
        ("/opportunities/2027-01-15-deadline-ffffffffff.ics", 404),
        ("/calendars/all.ics?foo=1", 400),
        ("/calendars/all.ics?kind=party", 400),
        ("/calendars/all.ics?kind=deadline&kind=event", 400),
        ("/calendars/all.ics?q=" + "x" * 101, 400),
        ("/calendars/all.ics?q=a%00b", 400),
        ("/calendars/all.ics?" + "&".join(f"q{i}=x" for i in range(300)), 400),
    ],
)
def test_bad_requests_get_a_clear_4xx(client, path, status):
    response = client.get(path)
    assert response.status_code == status and "Traceback" not in response.text


def test_filters(client):
    assert client.get("/calendars/all.ics?kind=hearing").text.count("BEGIN:VEVENT") == 1
    assert client.get("/calendars/all.ics?location=tunis").text.count("BEGIN:VEVENT") == 1
    assert client.get("/calendars/all.ics?q=item%20000a").text.count("BEGIN:VEVENT") == 1
    listed = client.get("/api/opportunities.json?subtype=nomination").json()["opportunities"]
    assert [r["id"] for r in listed] == ["2027-01-15-deadline-000000000a"]


def test_single_event_file(client):
    response = client.get("/opportunities/2026-12-16-hearing-000000000b.ics")
    assert response.status_code == 200 and response.text.count("BEGIN:VEVENT") == 1


def test_store_change_is_picked_up_live(client, root):
    before = client.get("/calendars/all.ics")
    record = _record("2027-03-01-event-000000000c", kind="event", start="2027-03-01",
                     updated="2026-11-23T09:00:00+00:00")
    store.Store(root).save({record["id"]: record}, {record["id"]})
    after = client.get("/calendars/all.ics", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.text.count("BEGIN:VEVENT") == 3
    assert after.headers["last-modified"] == "Mon, 23 Nov 2026 09:00:00 GMT"


def test_half_written_store_keeps_serving_and_health_says_so(client, root):
    assert client.get("/healthz").json() == {"status": "ok", "items": 2, "error": None}
    (root / "deadlines" / "2027-01-20-deadline-00000000ff.yaml").write_text("id: [broken\n")
    assert client.get("/calendars/all.ics").text.count("BEGIN:VEVENT") == 2
    health = client.get("/healthz")
    assert health.status_code == 503 and "malformed YAML" in health.json()["error"]


def test_real_socket(root, serving):
    with serving(create_app(root, today=lambda: TODAY)) as base:
        request = urllib.request.Request(f"{base}/calendars/all.ics", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200 and response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()).startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize("accept, gzipped", [
    ("gzip", True), ("br, gzip;q=0.5", True), ("gzip;q=0", False), ("br, gzip;q=0.000", False),
    ("identity", False), ("", False),
])
def test_gzip_only_when_accepted_with_a_weight(client, accept, gzipped):
    response = client.get("/calendars/all.ics", headers={"Accept-Encoding": accept})
    assert (response.headers.get("content-encoding") == "gzip") is gzipped


@pytest.mark.parametrize("path", ["/", "/calendars/all.ics", "/opportunities/2027-01-15-deadline-000000000a.ics"])
def test_no_sniffing_and_no_framing(client, path):
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    if path == "/":
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_a_page_built_from_the_host_header_is_not_cached_for_others(root):
    """Without --base-url the subscribe links echo the Host header, which anyone can set."""
    echoed = TestClient(create_app(root, today=lambda: TODAY, rescan_every=0))
    page = echoed.get("/", headers={"Host": "attacker.example"})
    assert "attacker.example" in page.text and page.headers["cache-control"].startswith("private")
    fixed = TestClient(create_app(root, today=lambda: TODAY, rescan_every=0, base_url="https://cal.example.org"))
    page = fixed.get("/", headers={"Host": "attacker.example"})
    assert "attacker.example" not in page.text and page.headers["cache-control"].startswith("public")


def test_the_feed_socket_sends_small_answers_at_once():
    import socket

    from bot.telegram.app import listener

    with listener("127.0.0.1", 0) as sock:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
