"""The web page at `/`: the pure view, the HTML over HTTP, and a real headless Chromium."""

import datetime as dt
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from starlette.testclient import TestClient

from bot import store
from bot.web import create_app, page
from bot.web.filters import Filters

TODAY = dt.date(2026, 11, 24)
ARTIFACTS = Path(__file__).parent / "artifacts"


def _record(rid, kind="deadline", start="2027-01-15", **extra):
    record = {"id": rid, "kind": kind, "subtype": {"deadline": "nomination", "event": "side-event"}.get(kind, "trial"),
              "title": f"Item {rid[-4:]}", "start": start, "end": None, "timezone": None, "location": "Geneva",
              "organizer": "Defenders Network", "url": "https://example.org/call", "contact": "call@example.org",
              "evidence": "Nominations close on 15 January 2027.", "status": "confirmed", "sequence": 0,
              "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-20T08:30:00+00:00"}
    record.update(extra)
    return record


RECORDS = [
    _record("2027-01-15-deadline-000000000a", title="Call for nominations: Courage Award"),
    _record("2026-12-16-hearing-000000000b", kind="hearing", start="2026-12-16T10:00+03:00",
            timezone="Africa/Nairobi", location="Nairobi", title="Appeal hearing of the Lamu land defenders"),
    _record("2026-12-03-event-000000000c", kind="event", start="2026-12-03T13:00+01:00", end="2026-12-03T14:30+01:00",
            timezone="Europe/Zurich", title="Side event: reprisals against defenders", location="Palais des Nations, Geneva"),
    _record("2026-12-01-event-000000000d", kind="event", start="2026-12-01", status="cancelled",
            title="Roundtable on SLAPPs (cancelled)"),
    _record("2026-11-10-deadline-000000000e", start="2026-11-10", title="Past call"),
    _record("2026-11-20-event-000000000f", kind="event", start="2026-11-20", end="2026-12-11",
            title="Forum running now", subtype="forum"),
    _record("2027-02-01-deadline-0000000010", start="2027-02-01", title="<script>alert(1)</script> & co",
            url="javascript:alert(1)", evidence="Quote with <b>markup</b>"),
]


@pytest.mark.parametrize("record, expected", [
    ({"start": "2027-01-15"}, "Fri 15 Jan 2027"),
    ({"start": "2027-02-22", "end": "2027-04-02"}, "Mon 22 Feb – Fri 2 Apr 2027"),
    ({"start": "2026-12-28", "end": "2027-01-02"}, "Mon 28 Dec 2026 – Sat 2 Jan 2027"),
    ({"start": "2026-12-16T10:00+03:00", "timezone": "Africa/Nairobi"}, "Wed 16 Dec 2026, 10:00 EAT (Nairobi), 07:00 UTC"),
    ({"start": "2026-12-03T13:00+01:00", "end": "2026-12-03T14:30+01:00", "timezone": "CET"},
     "Thu 3 Dec 2026, 13:00–14:30 CET, 12:00 UTC"),
    ({"start": "2027-03-31T23:59+02:00", "timezone": "Europe/Geneva"}, "Wed 31 Mar 2027, 23:59 UTC+02:00, 21:59 UTC"),
    ({"start": "2027-03-31T23:59+02:00", "timezone": "Europe/Zurich"}, "Wed 31 Mar 2027, 23:59 CEST (Zurich), 21:59 UTC"),
    ({"start": "2027-01-10T09:00+00:00", "timezone": "GMT"}, "Sun 10 Jan 2027, 09:00 GMT"),
    ({"start": "2027-01-10T09:00+00:00"}, "Sun 10 Jan 2027, 09:00 UTC"),
    ({"start": "2027-01-10T22:00-05:00", "end": "2027-01-11T01:00-05:00", "timezone": "America/New_York"},
     "Sun 10 Jan 2027, 22:00 – Mon 11 Jan 2027, 01:00 EST (New York), 03:00 UTC"),
])
def test_dates_are_shown_in_the_organisers_zone(record, expected):
    assert page.when_text(record) == expected


@pytest.mark.parametrize("day, expected", [
    (dt.date(2026, 11, 24), "today"), (dt.date(2026, 11, 25), "tomorrow"), (dt.date(2027, 1, 3), "in 40 days"),
    (dt.date(2026, 11, 23), "yesterday"), (dt.date(2026, 11, 1), "23 days ago"),
])
def test_relative_days(day, expected):
    assert page.relative_day(day, TODAY) == expected


@pytest.mark.parametrize("base, path, query, https, webcal", [
    ("https://cal.example.org", "/calendars/all.ics", "", "https://cal.example.org/calendars/all.ics",
     "webcal://cal.example.org/calendars/all.ics"),
    ("http://127.0.0.1:8080/", "/calendars/hearings.ics", "", "http://127.0.0.1:8080/calendars/hearings.ics",
     "webcal://127.0.0.1:8080/calendars/hearings.ics"),
    ("https://x.org/hrd/", "/calendars/all.ics", "kind=deadline&q=journalists",
     "https://x.org/hrd/calendars/all.ics?kind=deadline&q=journalists",
     "webcal://x.org/hrd/calendars/all.ics?kind=deadline&q=journalists"),
])
def test_subscribe_links(base, path, query, https, webcal):
    links = page.subscribe_links(base, path, query)
    assert (links.https, links.webcal) == (https, webcal)
    google = urlsplit(links.google)
    assert (google.netloc, google.path) == ("calendar.google.com", "/calendar/r")
    assert parse_qs(google.query)["cid"] == [webcal] and unquote(google.query) == f"cid={webcal}"


def test_view_groups_what_is_ahead_by_month():
    view = page.view(RECORDS, Filters(), TODAY, "https://cal.example.org")
    assert [m.title for m in view.months] == ["November 2026", "December 2026", "January 2027", "February 2027"]
    titles = [[i.record["title"] for i in m.items] for m in view.months]
    assert titles[1][0] == "Roundtable on SLAPPs (cancelled)" and "Past call" not in str(titles)
    running = view.months[0].items[0]
    assert running.record["title"] == "Forum running now" and running.relative == "now on"
    assert [f.links.https.rsplit("/", 1)[1] for f in view.feeds] == ["all.ics", "deadlines.ics", "events.ics", "hearings.ics"]
    assert view.filtered_feed is None and view.shown == view.total == 6


def test_view_filters_and_offers_the_filtered_feed():
    view = page.view(RECORDS, Filters(kind="event", q="reprisals"), TODAY, "https://cal.example.org")
    assert [i.record["id"] for m in view.months for i in m.items] == ["2026-12-03-event-000000000c"]
    assert view.filtered_feed.https == "https://cal.example.org/calendars/all.ics?kind=event&q=reprisals"


def test_view_is_capped_for_phones():
    many = [_record(f"2027-01-15-deadline-{n:010x}", title=f"Call {n}") for n in range(page.MAX_ITEMS + 5)]
    view = page.view(many, Filters(), TODAY, "https://x.org")
    assert (view.shown, view.total) == (page.MAX_ITEMS, page.MAX_ITEMS + 5)


def test_only_web_links_become_links():
    items = {i.record["id"]: i for m in page.view(RECORDS, Filters(), TODAY, "https://x.org").months for i in m.items}
    assert items["2027-02-01-deadline-0000000010"].url is None
    assert items["2027-01-15-deadline-000000000a"].url == "https://example.org/call"


@pytest.fixture
def root(tmp_path):
    records = {r["id"]: r for r in RECORDS}
    store.Store(tmp_path).save(records, set(records))
    return tmp_path


@pytest.fixture
def client(root):
    return TestClient(create_app(root, today=lambda: TODAY, rescan_every=0, base_url="https://cal.example.org"))


def test_page_over_http(client):
    response = client.get("/")
    html = response.text
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src" not in response.headers["content-security-policy"]  # no script may run at all
    assert '<html lang="en">' in html and 'name="viewport"' in html
    assert html.count('class="badge deadline">Deadline<') == 2 and 'class="badge hearing">Court date<' in html
    assert 'href="webcal://cal.example.org/calendars/deadlines.ics"' in html
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fcal.example.org%2Fcalendars%2Fhearings.ics" in html
    assert 'href="/opportunities/2026-12-16-hearing-000000000b.ics"' in html
    assert "10:00 EAT (Nairobi), 07:00 UTC" in html and "in 22 days" in html


def test_page_escapes_what_the_text_says(client):
    html = client.get("/").text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "javascript:" not in html and "&lt;b&gt;markup&lt;/b&gt;" in html


@pytest.mark.parametrize("query, status, needle", [
    ("?kind=hearing", 200, "Appeal hearing of the Lamu land defenders"),
    ("?kind=hearing", 200, "calendars/all.ics?kind=hearing"),
    ("?location=nairobi&q=lamu", 200, "Appeal hearing"),
    ("?q=nothing+like+this", 200, "Nothing ahead matches these filters."),
    ("?kind=party", 400, "That filter was not understood: kind must be one of"),
    ("?colour=red", 400, "unknown parameter"),
    ("?q=" + "x" * 500, 400, "longer than"),
])
def test_page_filters(client, query, status, needle):
    response = client.get("/" + query)
    assert response.status_code == status and needle in response.text
    assert "<form" in response.text  # a bad filter still leaves a usable page


def test_page_follows_the_store(client, root):
    assert "Newly stored call" not in client.get("/").text
    extra = _record("2027-03-01-deadline-0000000011", start="2027-03-01", title="Newly stored call")
    store.Store(root).save({extra["id"]: extra}, {extra["id"]})
    assert "Newly stored call" in client.get("/").text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        message = "Chromium not installed (apt-get install chromium); the page's browser test needs it"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_FLAGS)
        yield chromium
        chromium.close()


def _open(browser, url, **context):
    """A page with every console message and page error recorded."""
    tab = browser.new_context(**context).new_page()
    problems = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    tab.goto(url)
    return tab, problems


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_page_in_a_real_browser_on_a_phone(browser, root, serving):
    app = create_app(root, today=lambda: TODAY, rescan_every=0)
    with serving(app) as base:
        tab, problems = _open(browser, base + "/", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                              is_mobile=True, has_touch=True)
        assert tab.title() == "Opportunities for human rights defenders"
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off a phone screen
        host = base.split("://")[1]
        hrefs = tab.eval_on_selector_all("table.feeds a", "links => links.map(a => a.getAttribute('href'))")
        assert f"webcal://{host}/calendars/all.ics" in hrefs and f"{base}/calendars/events.ics" in hrefs
        assert f"https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F{host.replace(':', '%3A')}%2Fcalendars%2Fdeadlines.ics" in hrefs
        unlabelled = tab.evaluate("""[...document.querySelectorAll('input, select')]
            .filter(e => !(e.labels && e.labels.length)).map(e => e.name)""")
        assert unlabelled == []
        for selector in (".badge.deadline", ".badge.event", ".badge.hearing", "p.meta", "a"):
            colours = tab.eval_on_selector(selector, "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
            background = colours[1] if "rgba(0, 0, 0, 0)" not in colours[1] else "rgb(255, 255, 255)"
            assert _contrast(colours[0], background) >= 4.5, (selector, colours)
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "page-phone.png"), full_page=True)
        assert problems == []


def test_page_filter_form_and_add_this_one_in_a_real_browser(browser, root, serving):
    with serving(create_app(root, today=lambda: TODAY, rescan_every=0)) as base:
        tab, problems = _open(browser, base + "/", viewport={"width": 1280, "height": 900})
        tab.select_option("#kind", "hearing")
        tab.fill("#location", "Nairobi")
        tab.click("button[type=submit]")
        tab.wait_for_url("**/?kind=hearing*")
        assert tab.locator("ol.items > li").count() == 1
        assert "Appeal hearing of the Lamu land defenders" in tab.inner_text("ol.items")
        assert tab.input_value("#location") == "Nairobi"
        response = tab.request.get(base + tab.get_attribute("ol.items a[href$='.ics']", "href"))
        assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
        assert b"Appeal hearing of the Lamu land defenders" in response.body()
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "page-filtered.png"), full_page=True)
        assert problems == []
