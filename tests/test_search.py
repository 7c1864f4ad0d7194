"""One matcher for the bot and the web page: case and accents ignored, every word of a query."""

import datetime as dt

import pytest
from starlette.testclient import TestClient

from bot import reminders, search, store
from bot.web import create_app

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)


def _record(rid, title, location, **extra):
    return {"id": rid, "kind": "deadline", "subtype": "nomination", "title": title, "start": rid[:10], "end": None,
            "organizer": "Defenders Network", "location": location, "url": "https://example.org/x", "status": "confirmed",
            "sequence": 0, "changes": [], "first_seen": "2026-11-01T10:00:00+00:00",
            "updated": "2026-11-01T10:00:00+00:00"} | extra


RECORDS = {r["id"]: r for r in [
    _record("2026-12-10-deadline-00000000a1", "Résidence pour défenseures des droits", "Genève"),
    _record("2026-12-11-deadline-00000000a2", "Call for lawyers defending journalists in Türkiye", "İstanbul"),
    _record("2026-12-12-deadline-00000000a3", "Land rights fellowship", "Nairobi", tags=["LGBTI"]),
    _record("2026-12-13-deadline-00000000a4", "Grant for women defenders in Łódź", "Warsaw",
            evidence="Apply for the grant by 13 December."),
]}

# query, the items it finds (by the last two characters of their ids)
QUERIES = [
    ("defenseures", {"a1"}), ("DÉFENSEURES", {"a1"}), ("geneve", {"a1"}), ("turkiye", {"a2"}),
    ("istanbul", {"a2"}), ("lodz", {"a4"}), ("lgbti", {"a3"}), ("rights land", {"a3"}),
    ("land journalists", set()), ('"rights fellowship"', {"a3"}), ('"fellowship rights"', set()),
    ("women defenders", {"a4"}), ("defenders", {"a1", "a2", "a3", "a4"}), ("grant", {"a4"}), ("nairobi", {"a3"}), ("", {"a1", "a2", "a3", "a4"}),
]


def _web(tmp_path):
    root = tmp_path / "calendars"
    store.Store(root).save(RECORDS, set(RECORDS))
    return TestClient(create_app(root, today=lambda: NOW.date(), rescan_every=0))


@pytest.mark.parametrize("query, expected", QUERIES)
def test_the_bot_and_the_web_page_find_the_same_items(tmp_path, query, expected):
    bot = {r["id"][-2:] for r in reminders.upcoming(RECORDS, reminders.Chat(1), NOW, words=query or None)}
    listing = _web(tmp_path).get("/api/opportunities.json", params={"q": query} if query else {})
    assert listing.status_code == 200
    web = {item["id"][-2:] for item in listing.json()["opportunities"]}
    assert bot == web == expected


@pytest.mark.parametrize("keywords, expected", [
    (("defenseures",), {"a1"}), (("TURKIYE", "lodz"), {"a2", "a4"}), (("human rights",), set()),
    (("land rights",), {"a3"}),
])
def test_followed_words_match_as_search_does(keywords, expected):
    chat = reminders.Chat(1, keywords=keywords)
    assert {rid[-2:] for rid, r in RECORDS.items() if reminders.concerns(chat, r)} == expected


@pytest.mark.parametrize("text, folded", [
    ("Défenseures", "defenseures"), ("TÜRKİYE", "turkiye"), ("Łódź", "lodz"), ("Straße", "strasse"),
    ("  many   spaces ", "many spaces"), ("Ørsted", "orsted"), ("Dấu tiếng Việt", "dau tieng viet"),
    ("Правозащитники", "правозащитники"), ("المدافعين", "المدافعين"),
])
def test_fold(text, folded):
    assert search.fold(text) == folded
