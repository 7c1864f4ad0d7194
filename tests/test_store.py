"""The curated store: ingest by stable id, change history, curator edits kept, nothing deleted."""

import datetime as dt
import os

import pytest
import yaml

from bot import store
from bot.cli import main

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.timezone.utc)
LATER = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)


def _item(**changes):
    item = {
        "id": "2027-01-15-deadline-0123456789", "kind": "deadline", "subtype": "nomination",
        "title": "Courage Award 2027: nominations close", "start": "2027-01-15", "end": None, "all_day": True,
        "timezone": None, "organizer": "Defenders Network", "location": None, "online": None,
        "url": "https://example.org/award", "contact": "award@example.org", "reference": None,
        "evidence": "The deadline for nominations is 15 January 2027.", "confidence": 0.9,
        "sources": [{"document": "a.txt", "post_title": "Courage Award", "post_date": "2026-12-01", "offsets": [10, 25]}],
    }
    item.update(changes)
    return item


def test_new_items_are_added_with_sequence_zero():
    records, changes = store.ingest({}, [_item()], NOW)
    [record] = records.values()
    assert [c.action for c in changes] == ["added"]
    assert record["sequence"] == 0 and record["status"] == "confirmed" and record["first_seen"] == NOW.isoformat()


def test_same_input_changes_nothing():
    records, _ = store.ingest({}, [_item()], NOW)
    again, changes = store.ingest(records, [_item()], LATER)
    assert [c.action for c in changes] == ["unchanged"] and again == records


def test_moved_deadline_keeps_its_id_bumps_sequence_and_says_so():
    records, _ = store.ingest({}, [_item()], NOW)
    moved = _item(id="2027-01-31-deadline-9876543210", start="2027-01-31")
    records, [change] = store.ingest(records, [moved], LATER)
    [record] = records.values()
    assert record["id"] == "2027-01-15-deadline-0123456789"  # the calendar UID must not change
    assert record["start"] == "2027-01-31" and record["sequence"] == 1 and record["updated"] == LATER.isoformat()
    assert change.details == ["start moved from 2027-01-15 to 2027-01-31"]
    assert record["changes"][-1]["what"] == "start moved from 2027-01-15 to 2027-01-31"


def test_minor_change_is_recorded_without_sequence_bump():
    records, _ = store.ingest({}, [_item()], NOW)
    records, [change] = store.ingest(records, [_item(confidence=0.7)], LATER)
    assert change.action == "updated" and next(iter(records.values()))["sequence"] == 0


def test_fields_a_curator_edited_are_kept():
    records, _ = store.ingest({}, [_item()], NOW)
    record = next(iter(records.values()))
    record["title"] = "Courage Award: nominations (edited by hand)"
    records, [change] = store.ingest(records, [_item(title="Courage Award 2027: nominations close!", start="2027-01-20")], LATER)
    record = next(iter(records.values()))
    assert record["title"] == "Courage Award: nominations (edited by hand)"
    assert record["start"] == "2027-01-20"


def test_a_newer_extractor_titling_an_item_otherwise_updates_it_by_where_it_was_read():
    """A new extractor may title and date an item differently (a better subject, a corrected
    year): read from the same place of the same document, it is the same item, not a twin."""
    records, _ = store.ingest({}, [_item()], NOW)
    retitled = _item(id="2028-01-15-deadline-5555555555", title="Defenders Network – Courage Award nominations",
                     start="2028-01-15")
    records, [change] = store.ingest(records, [retitled], LATER)
    [record] = records.values()
    assert change.action == "updated" and record["id"] == "2027-01-15-deadline-0123456789"
    assert record["title"] == "Defenders Network – Courage Award nominations" and record["start"] == "2028-01-15"


def test_two_items_read_at_one_place_stay_two():
    """"Hearings resume on 11 and 13 March": two items, one place in the text."""
    place = [{"document": "court.txt", "post_title": None, "post_date": None, "offsets": [40, 55]}]
    first = _item(id="2027-03-11-hearing-1111111111", kind="hearing", subtype="hearing", title="Bail hearings",
                  start="2027-03-11", sources=place)
    second = dict(first, id="2027-03-13-hearing-1313131313", start="2027-03-13", title="Bail hearings (13 March)")
    records, changes = store.ingest({}, [first, second], NOW)
    assert sorted(records) == ["2027-03-11-hearing-1111111111", "2027-03-13-hearing-1313131313"]
    retitled = dict(first, id="2027-03-11-hearing-7777777777", title="Bail hearings resume")
    again, changes = store.ingest(records, [retitled, second], LATER)
    assert sorted(again) == sorted(records) and [c.action for c in changes] == ["updated", "unchanged"]
    assert again["2027-03-11-hearing-1111111111"]["title"] == "Bail hearings resume"


def test_items_are_never_deleted():
    records, _ = store.ingest({}, [_item()], NOW)
    records, changes = store.ingest(records, [], LATER)
    assert len(records) == 1 and changes == []


def test_withdraw_cancels_and_bumps_sequence():
    records, _ = store.ingest({}, [_item()], NOW)
    record = store.withdraw(next(iter(records.values())), LATER, "organiser under threat", "call withdrawn")
    assert record["status"] == "cancelled" and record["sequence"] == 1
    assert record["changes"][-1] == {"at": LATER.isoformat(), "what": "withdrawn", "reason": "call withdrawn",
                                     "note": "organiser under threat"}


def _write_extracted(path, items):
    path.write_text(yaml.safe_dump({"opportunities": items}, sort_keys=False))


def test_ingest_command_round_trip(tmp_path, capsys):
    extracted, root = tmp_path / "items.yaml", tmp_path / "calendars"
    _write_extracted(extracted, [_item()])
    assert main(["ingest", str(extracted), "--store", str(root)], now=NOW) == 0
    assert "1 added" in capsys.readouterr().out
    path = root / "deadlines" / "2027-01-15-deadline-0123456789.yaml"
    assert yaml.safe_load(path.read_text())["title"] == "Courage Award 2027: nominations close"
    _write_extracted(extracted, [_item(start="2027-02-01")])
    assert main(["ingest", str(extracted), "--store", str(root)], now=LATER) == 0
    assert "start moved from 2027-01-15 to 2027-02-01" in capsys.readouterr().out
    assert sorted(p.name for p in root.rglob("*")) == ["2027-01-15-deadline-0123456789.yaml", "deadlines"]


def test_kind_change_moves_the_file(tmp_path):
    target = store.Store(tmp_path)
    records, changes = store.ingest({}, [_item()], NOW)
    target.save(records, {c.id for c in changes})
    record = records["2027-01-15-deadline-0123456789"]
    record["kind"] = "event"
    target.save(records, {record["id"]})
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.yaml")] == ["events/2027-01-15-deadline-0123456789.yaml"]


# A kilobyte that PyYAML would expand to 10**9 strings: nine levels of ten aliases each.
BOMB = "opportunities:\n- title: &a0 lol\n  l1: &a1 [" + ",".join(["*a0"] * 10) + "]\n" + "".join(
    f"  l{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]\n" for n in range(2, 10))


def test_an_alias_bomb_in_a_store_file_is_refused_at_once(tmp_path, capsys):
    root = tmp_path / "calendars"
    (root / "deadlines").mkdir(parents=True)
    bomb = root / "deadlines" / "2027-01-01-deadline-aaaaaaaaaa.yaml"
    bomb.write_text("id: 2027-01-01-deadline-aaaaaaaaaa\ntitle: &a0 lol\n" + "".join(
        f"l{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]\n" for n in range(1, 10)))
    with pytest.raises(store.StoreError, match=r"aaaaaaaaaa.yaml:3:\d+: malformed YAML: YAML aliases"):
        store.Store(root).load()
    assert len(BOMB) < 1024


def test_malformed_store_file_is_reported_with_line_and_nothing_is_written(tmp_path, capsys):
    extracted, root = tmp_path / "items.yaml", tmp_path / "calendars"
    (root / "deadlines").mkdir(parents=True)
    broken = root / "deadlines" / "2027-01-01-deadline-aaaaaaaaaa.yaml"
    broken.write_text("id: 2027-01-01-deadline-aaaaaaaaaa\ntitle: [unclosed\nkind: deadline\n")
    _write_extracted(extracted, [_item()])
    assert main(["ingest", str(extracted), "--store", str(root)], now=NOW) == 1
    err = capsys.readouterr().err
    assert f"{broken}:3:" in err and "malformed YAML" in err and "Traceback" not in err
    assert [p.name for p in root.rglob("*.yaml")] == [broken.name]


@pytest.mark.parametrize(
    "content, message",
    [
        ("opportunities: [\n", "malformed YAML"),
        ("- just a list\n", "expected a top-level 'opportunities:' list"),
        ("opportunities:\n- {kind: deadline}\n", "item 1 lacks id, title, start"),
        ("opportunities:\n- {id: ../../etc/passwd, kind: deadline, title: x, start: '2027-01-01'}\n", "invalid id"),
        (BOMB, "items.yaml:3:12: malformed YAML: YAML aliases (*name) are not allowed here"),
    ],
)
def test_bad_extracted_file_is_refused(tmp_path, capsys, content, message):
    extracted = tmp_path / "items.yaml"
    extracted.write_text(content)
    assert main(["ingest", str(extracted), "--store", str(tmp_path / "calendars")], now=NOW) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "calendars").exists()


def test_withdraw_command(tmp_path, capsys):
    extracted, root = tmp_path / "items.yaml", tmp_path / "calendars"
    _write_extracted(extracted, [_item()])
    main(["ingest", str(extracted), "--store", str(root)], now=NOW)
    assert main(["withdraw", "2027-01-15-deadline-0123456789", "--store", str(root)], now=LATER) == 0
    assert store.Store(root).load()["2027-01-15-deadline-0123456789"]["status"] == "cancelled"
    assert main(["withdraw", "2027-01-15-deadline-ffffffffff", "--store", str(root)], now=LATER) == 1


def test_deleting_a_fingerprint_hands_the_field_back_to_the_extractor():
    records, _ = store.ingest({}, [_item()], NOW)
    record = next(iter(records.values()))
    record["title"] = "Edited by hand"
    del record["extracted"]["title"]
    records, _ = store.ingest(records, [_item(title="Courage Award 2027: nominations close")], LATER)
    assert next(iter(records.values()))["title"] == "Courage Award 2027: nominations close"


def test_a_retitled_item_still_catches_its_moved_deadline():
    records, _ = store.ingest({}, [_item()], NOW)
    next(iter(records.values()))["title"] = "Edited by hand"
    records, [change] = store.ingest(records, [_item(id="2027-02-01-deadline-1111111111", start="2027-02-01")], LATER)
    assert len(records) == 1 and change.details == ["start moved from 2027-01-15 to 2027-02-01"]


def _stored(root, count=3):
    items = [_item(id=f"2027-01-1{n}-deadline-012345678{n}", title=f"Call {n}", start=f"2027-01-1{n}") for n in range(count)]
    records, changes = store.ingest({}, items, NOW)
    store.Store(root).save(records, {c.id for c in changes})
    return records


def test_a_reload_parses_only_the_files_that_changed(tmp_path, monkeypatch):
    records, parsed = _stored(tmp_path), {}
    target = store.Store(tmp_path)
    assert target.load(parsed) == records and len(parsed) == 3
    edited = dict(records["2027-01-11-deadline-0123456781"], title="Call 1 (deadline extended)")
    target.save({**records, edited["id"]: edited}, {edited["id"]})
    read = []
    monkeypatch.setattr(store, "load_yaml", lambda path, real=store.load_yaml: read.append(path.name) or real(path))
    again = target.load(parsed)
    assert read == ["2027-01-11-deadline-0123456781.yaml"]
    assert again == store.Store(tmp_path).load() and again[edited["id"]]["title"] == "Call 1 (deadline extended)"


def test_a_reload_sees_a_replaced_file_with_the_same_size_and_time(tmp_path):
    """Atomic writes replace the file: a new inode, even when size and mtime are copied over."""
    records, parsed = _stored(tmp_path), {}
    target = store.Store(tmp_path)
    target.load(parsed)
    path = target.path(records["2027-01-10-deadline-0123456780"])
    before = path.stat()
    edited = dict(records["2027-01-10-deadline-0123456780"], title="Call X")  # same length as "Call 0"
    target.save({**records, edited["id"]: edited}, {edited["id"]})
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert target.load(parsed)[edited["id"]]["title"] == "Call X"


def test_a_reload_drops_deleted_files_and_a_failed_one_changes_nothing(tmp_path):
    records, parsed = _stored(tmp_path), {}
    target = store.Store(tmp_path)
    target.load(parsed)
    target.path(records["2027-01-12-deadline-0123456782"]).unlink()
    assert sorted(target.load(parsed)) == ["2027-01-10-deadline-0123456780", "2027-01-11-deadline-0123456781"]
    broken = target.path(records["2027-01-10-deadline-0123456780"])
    broken.write_text("id: [unclosed\n")
    with pytest.raises(store.StoreError, match="malformed YAML"):
        target.load(parsed)
    assert len(parsed) == 2  # what the last good load read, untouched
    broken.write_text(yaml.safe_dump(records["2027-01-10-deadline-0123456780"]))
    assert sorted(target.load(parsed)) == ["2027-01-10-deadline-0123456780", "2027-01-11-deadline-0123456781"]


def test_an_ingest_and_a_withdraw_at_once_both_take_effect(tmp_path, monkeypatch):
    """Each reads the store, changes one item and writes it back: without the store's lock the
    second write would drop the first one's change. A slow read makes them overlap every time."""
    import threading
    import time

    root, extracted = tmp_path / "calendars", tmp_path / "new.yaml"
    _write_extracted(extracted, [_item()])
    assert main(["ingest", str(extracted), "--store", str(root)], now=NOW) == 0
    _write_extracted(extracted, [_item(location="Geneva")])
    load = store.Store.load

    def slow_load(self, parsed=None):
        records = load(self, parsed)
        time.sleep(0.2)  # a slow disk: the other command reads meanwhile, unless the lock holds it
        return records
    monkeypatch.setattr(store.Store, "load", slow_load)
    codes = []
    commands = [["ingest", str(extracted), "--store", str(root)],
                ["withdraw", "2027-01-15-deadline-0123456789", "--store", str(root), "--note", "closed"]]
    threads = [threading.Thread(target=lambda argv=argv: codes.append(main(argv, now=LATER))) for argv in commands]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    record = load(store.Store(root))["2027-01-15-deadline-0123456789"]
    assert codes == [0, 0] and (record["location"], record["status"]) == ("Geneva", "cancelled")


@pytest.mark.parametrize("name, content, message", [
    ("deadlines/2027-01-15-deadline-0123456789.yaml", "id: 2027-01-15-deadline-0123456789\nkind: ../../../x\n",
     "kind must be one of deadline, event, hearing, not '../../../x'"),
    ("deadlines/2027-01-15-deadline-0123456789.yaml", "id: 2027-01-15-deadline-0123456789\nkind: Deadline\n",
     "kind must be one of deadline, event, hearing, not 'Deadline'"),
    ("deadlines/2027-01-15-deadline-0123456789.yaml", "id: 2027-01-16-deadline-0123456789\nkind: deadline\n",
     "its id '2027-01-16-deadline-0123456789' is not its file name"),
    ("events/2027-01-15-deadline-0123456789.yaml", "id: 2027-01-15-deadline-0123456789\nkind: event\ntitle: x\nstart: 2027-01-15\n",
     "is also in another folder; keep one file"),
])
def test_paths_never_come_from_a_store_file_and_withdraw_changes_nothing_then(tmp_path, capsys, name, content, message):
    root = tmp_path / "store" / "calendars"
    (root / "deadlines").mkdir(parents=True)
    (root / "deadlines" / "2027-01-15-deadline-0123456789.yaml").write_text(
        "id: 2027-01-15-deadline-0123456789\nkind: deadline\ntitle: Courage Award\nstart: '2027-01-15'\n")
    (root / name).parent.mkdir(exist_ok=True)
    (root / name).write_text(content)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert main(["withdraw", "2027-01-15-deadline-0123456789", "--store", str(root)], now=LATER) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before


def test_a_link_out_of_the_store_is_refused(tmp_path):
    root, outside = tmp_path / "calendars", tmp_path / "elsewhere.yaml"
    (root / "deadlines").mkdir(parents=True)
    outside.write_text("id: 2027-01-15-deadline-0123456789\nkind: deadline\n")
    (root / "deadlines" / "2027-01-15-deadline-0123456789.yaml").symlink_to(outside)
    with pytest.raises(store.StoreError, match="a link to outside the store"):
        store.Store(root).load()


def test_written_files_are_readable_by_the_web_server_and_keep_a_chosen_mode(tmp_path):
    """mkstemp makes owner-only files: nginx, or the container's other user, could not read the
    feeds or the store. New files are 0644; a file an operator restricted stays as they set it."""
    root, extracted = tmp_path / "calendars", tmp_path / "new.yaml"
    _write_extracted(extracted, [_item()])
    assert main(["ingest", str(extracted), "--store", str(root)], now=NOW) == 0
    assert main(["build", "--store", str(root)], now=NOW) == 0
    item = root / "deadlines" / "2027-01-15-deadline-0123456789.yaml"
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in [item, *(root / "feeds").iterdir()]}
    assert set(modes.values()) == {"0o644"}, modes
    os.chmod(item, 0o640)
    assert main(["withdraw", "2027-01-15-deadline-0123456789", "--store", str(root)], now=LATER) == 0
    assert oct(item.stat().st_mode & 0o777) == "0o640"


BAD_EDITS = [  # (what a curator's edit left in the file, what the problem says)
    ("id: 2027-01-10-deadline-0123456780\ntitle: [unclosed\n", "malformed YAML"),
    ("id: 2027-01-10-deadline-0123456780\n\tkind: deadline\n", "malformed YAML"),
    (b"id: 2027-01-10-deadline-0123456780\ntitle: Caf\xe9\n", "not UTF-8"),
    ("{start: next week}", "not an opportunity record"),
]


@pytest.mark.parametrize("content, problem", BAD_EDITS)
def test_a_bad_edit_keeps_the_last_good_version_of_that_item_and_the_others_go_on(tmp_path, content, problem):
    records, parsed = _stored(tmp_path), {}
    target = store.Store(tmp_path)
    target.load(parsed)
    broken = target.path(records["2027-01-10-deadline-0123456780"])
    broken.write_bytes(content if isinstance(content, bytes) else content.encode())
    edited = dict(records["2027-01-11-deadline-0123456781"], title="Call 1 (deadline extended)")
    target.save({**records, edited["id"]: edited}, {edited["id"]})
    problems = []
    again = target.load(parsed, problems)
    assert again["2027-01-10-deadline-0123456780"] == records["2027-01-10-deadline-0123456780"]
    assert again[edited["id"]]["title"] == "Call 1 (deadline extended)" and len(again) == 3
    assert len(problems) == 1 and str(broken) in problems[0] and problem in problems[0]
    assert target.load(parsed, problems := []) == again and problems  # still broken: still said
    broken.write_text(yaml.safe_dump(dict(records["2027-01-10-deadline-0123456780"], title="Call 0 (fixed)")))
    assert target.load(parsed, problems := [])["2027-01-10-deadline-0123456780"]["title"] == "Call 0 (fixed)"
    assert problems == []


def test_a_file_broken_before_it_was_ever_read_is_left_out_and_named(tmp_path):
    _stored(tmp_path)
    (tmp_path / "deadlines" / "2027-01-13-deadline-0123456783.yaml").write_text("title: [unclosed\n")
    problems = []
    assert len(store.Store(tmp_path).load({}, problems)) == 3 and "malformed YAML" in problems[0]


def test_build_with_a_broken_file_names_every_one_and_keeps_the_last_feeds(tmp_path, capsys):
    records = _stored(tmp_path)
    out = tmp_path / "feeds"
    assert main(["build", "--store", str(tmp_path), "--out", str(out), "--today", "2026-12-01"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    for rid in ("2027-01-10-deadline-0123456780", "2027-01-12-deadline-0123456782"):
        store.Store(tmp_path).path(records[rid]).write_text("start: [next week\n")
    capsys.readouterr()
    assert main(["build", "--store", str(tmp_path), "--out", str(out), "--today", "2026-12-01"]) == 1
    err = capsys.readouterr().err
    assert err.count("malformed YAML") == 2 and "Traceback" not in err and "--skip-broken" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # subscribers keep what they had
    assert main(["build", "--store", str(tmp_path), "--out", str(out), "--today", "2026-12-01", "--skip-broken"]) == 0
    assert (out / "all.ics").read_bytes().count(b"BEGIN:VEVENT") == 1
