"""Filtered views cost the server a render; a client cycling through `?q=` values must not
stall the others: equal filters share one cached render, renders run in a thread, and when
too many different ones wait the next is refused with 503 and Retry-After."""

import asyncio
import datetime as dt
import threading

import httpx
import pytest
from starlette.testclient import TestClient

from bot import store
from bot.web import budget, create_app
from bot.web.catalog import Body, Cache, Catalog
from bot.web.filters import Filters

TODAY = dt.date(2026, 11, 24)


def _record(n, title, location="Geneva", tags=()):
    rid = f"2027-01-{n:02d}-deadline-{n:010x}"
    return {"id": rid, "kind": "deadline", "subtype": "nomination", "title": title, "start": f"2027-01-{n:02d}",
            "end": None, "location": location, "url": "https://example.org", "evidence": title,
            "status": "confirmed", "sequence": 0, "tags": list(tags),
            "first_seen": "2026-11-01T10:00:00+00:00", "updated": "2026-11-20T08:30:00+00:00"}


@pytest.fixture
def root(tmp_path):
    records = [_record(1, "Défenseures award: nominations close", "Genève", ["women-hrds"]),
               _record(2, "Field officer post, Nairobi: applications close", "Nairobi"),
               _record(3, "Call for input on land defenders", "Online")]
    store.Store(tmp_path).save({r["id"]: r for r in records}, {r["id"] for r in records})
    return tmp_path


SAME_SELECTION = [  # each row: queries that select the same items, so must share one render
    ["q=number", "q=Number", "q=nUmber", "q=NUMBER"],
    ["q=defenseures", "q=Défenseures", "q=DEFENSEURES"],
    ["q=land defenders", "q=defenders land", "q=Land%20%20Defenders"],
    ["location=geneve", "location=Genève", "location=GENEVE"],
    ["tag=women-hrds", "tag=Women-HRDs"],
]


@pytest.mark.parametrize("queries", SAME_SELECTION)
def test_filters_that_select_alike_share_one_cached_render(root, monkeypatch, queries):
    from bot import ical

    renders = []
    real = ical.render
    monkeypatch.setattr(ical, "render", lambda *a, **k: renders.append(1) or real(*a, **k))
    app = create_app(root, today=lambda: TODAY, rescan_every=0)
    client = TestClient(app)
    answers = [client.get(f"/calendars/all.ics?{q}", headers={"Accept-Encoding": "identity"}) for q in queries]
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1 and len(renders) == 1


async def test_a_render_in_progress_does_not_hold_other_requests(root, monkeypatch):
    """While one filtered feed renders (held here until released), /healthz, a cached feed and
    the page's cached copy are answered. Rendered on the event loop, all of them waited."""
    from bot import ical

    release, events = threading.Event(), []
    real = ical.render

    def slow_render(*args, **kwargs):
        events.append("render started")
        release.wait(5)  # the bound only matters if the render blocks the loop (the old way)
        events.append("render finished")
        return real(*args, **kwargs)

    app = create_app(root, today=lambda: TODAY, rescan_every=0)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        await client.get("/calendars/all.ics")  # cached before the slow renders begin
        monkeypatch.setattr(ical, "render", slow_render)
        slow = asyncio.create_task(client.get("/calendars/all.ics?q=award"))
        while "render started" not in events:
            await asyncio.sleep(0)  # yields to the loop; no time needs to pass
        for path in ("/healthz", "/calendars/all.ics"):
            assert (await client.get(path)).status_code == 200
            events.append(f"{path} answered")
        release.set()
        assert (await slow).status_code == 200
    assert events == ["render started", "/healthz answered", "/calendars/all.ics answered", "render finished"]


async def test_too_many_different_renders_waiting_are_refused_with_retry_after(root, monkeypatch):
    from bot import ical

    release, started = threading.Event(), threading.Event()
    real = ical.render

    def held(*args, **kwargs):
        started.set()
        release.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(ical, "render", held)
    monkeypatch.setattr(budget, "WAITING", 3)
    app = create_app(root, today=lambda: TODAY, rescan_every=0)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        waiting = [asyncio.create_task(client.get(f"/calendars/all.ics?q={word}")) for word in ("award", "post", "land")]
        twin = asyncio.create_task(client.get("/calendars/all.ics?q=AWARD"))  # the same render as the first
        while not started.is_set():
            await asyncio.sleep(0)
        refused = await client.get("/calendars/all.ics?q=officer")
        release.set()
        answers = await asyncio.gather(*waiting, twin)
    assert refused.status_code == 503 and refused.headers["retry-after"] == str(budget.RETRY_AFTER)
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert answers[0].content == answers[3].content


def _body(size: int, tag: str) -> Body:
    return Body(tag.encode() * size, f'"{tag}"', "Tue, 24 Nov 2026 08:00:00 GMT",
                dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc))


def test_the_render_cache_is_bounded_in_bytes_and_drops_the_least_recently_used():
    cache = Cache(limit=1000)
    for n in range(10):
        cache.put(("feed", n), _body(300, str(n)))
        cache.get(("feed", 0))  # kept in use
    assert cache.size <= 1000 and cache.size == sum(len(b.data) for b in cache.bodies.values())
    assert set(cache.bodies) == {("feed", 0), ("feed", 8), ("feed", 9)}


def test_a_reload_makes_earlier_renders_unreachable(root):
    """A render that finishes after the store changed must not be served as the new one: the
    cache key carries the store's reading."""
    catalog = Catalog(root, lambda: TODAY, rescan_every=0)
    catalog.refresh()
    feed = next(f for f in __import__("bot.ical", fromlist=["FEEDS"]).FEEDS if f.slug == "all")
    before = catalog.feed(feed, Filters(), False)
    edited = _record(2, "Field officer post, Nairobi: applications extended", "Nairobi")
    store.Store(root).save({edited["id"]: edited}, {edited["id"]})
    catalog.refresh()
    after = catalog.feed(feed, Filters(), False)
    assert b"extended" in after.data and b"extended" not in before.data
