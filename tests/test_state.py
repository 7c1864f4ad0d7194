"""The bot's state layer (bot/state.py) on SQLite and PostgreSQL.

Every test runs twice: on a fresh SQLite file, and on PostgreSQL in a fresh schema of its own
(chosen through search_path, dropped afterwards), so runs never see each other's rows. The
PostgreSQL half is skipped, with the reason, when the server is not reachable; set
HRD_TEST_POSTGRES to another URL to use a different server.
"""

import datetime as dt
import os
import re
import shutil
import subprocess
import threading
import traceback

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot import state as st
from databases import BACKENDS, database as _database

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
GROUP, OTHER = -1001234567890, 987654321
ITEM = "2026-12-01-deadline-3c0f1a2b4d"
HEAD = "0004"  # the newest revision in bot/migrations/versions


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    with _database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def settings_state(request, tmp_path_factory):
    """One migrated database per backend for the settings tables: their cases change one
    chat's settings and check them, independently of each other and of order."""
    with _database(request.param, tmp_path_factory.mktemp("settings")) as url:
        st.migrate(url)
        engine = st.open_engine(url)
        state = st.State(engine)
        state.ensure_chat(GROUP, "supergroup", NOW, {"timezone": "Europe/Kyiv"})
        yield state
        engine.dispose()


@pytest.fixture
def engines(url):
    made = []

    def make():
        made.append(st.open_engine(url))
        return made[-1]
    yield make
    for engine in made:
        engine.dispose()


@pytest.fixture
def state(url, engines):
    st.migrate(url)
    return st.State(engines())


@pytest.fixture
def group(state):
    return state.ensure_chat(GROUP, "supergroup", NOW, {"timezone": "Europe/Kyiv"})


def _tables(engine):
    return set(sa.inspect(engine).get_table_names())


# --- schema ----------------------------------------------------------------------------------

def test_migrate_from_empty_creates_schema_and_again_is_a_no_op(url, engines):
    engine = engines()
    assert _tables(engine) == set()
    st.migrate(url)
    assert _tables(engine) == {"alembic_version", "chats", "item_prefs", "ledger", "feed_tokens", "bot_meta"}
    st.State(engine).ensure_chat(GROUP, "group", NOW)
    st.migrate(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(HEAD,)]
    assert st.State(engine).chat(GROUP) is not None


def test_concurrent_migrations_wait_for_each_other(url, engines):
    errors = []

    def run():
        try:
            st.migrate(url)
        except Exception as err:  # collected: a thread's exception would otherwise vanish
            errors.append(err)
    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with engines().connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(HEAD,)]


def test_models_match_the_migration(url, state):
    with state.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, st.Base.metadata) == []
    command.check(st.alembic_config(url))  # alembic's own check, through env.py's URL path


BROKEN_REVISION = '''
import sqlalchemy as sa
from alembic import op

revision, down_revision, branch_labels, depends_on = "9999", "{head}", None, None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("chats") as batch:
        batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))
    raise RuntimeError("revision 9999 failed")
'''


def test_a_failing_revision_leaves_the_database_as_it_was(url, engines, tmp_path, monkeypatch):
    st.migrate(url)
    st.State(engines()).ensure_chat(GROUP, "group", NOW)
    migrations = tmp_path / "migrations"
    shutil.copytree(st.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    head = max(p.name.split("_")[0] for p in (migrations / "versions").glob("[0-9]*.py"))
    (migrations / "versions" / "9999_broken.py").write_text(BROKEN_REVISION.replace("{head}", head))
    monkeypatch.setattr(st, "MIGRATIONS", migrations)
    with pytest.raises(RuntimeError, match="9999 failed"):
        st.migrate(url)
    engine = engines()
    assert "half_done" not in _tables(engine)
    assert "extra" not in {c["name"] for c in sa.inspect(engine).get_columns("chats")}
    assert st.State(engine).chat(GROUP) is not None


def test_chats_hold_no_personal_data(state):
    # A guard for "store the minimum": a new column here must be argued for, not slipped in.
    columns = {c["name"] for c in sa.inspect(state.engine).get_columns("chats")}
    assert columns == {"id", "type", "active", "created", *st.SETTINGS}
    assert not columns & {"title", "name", "first_name", "last_name", "username", "text"}


def test_foreign_keys_cascade(state, group):
    state.set_pref(GROUP, ITEM, "follow")
    state.claim(GROUP, f"remind:{ITEM}:1d", ITEM, NOW)
    state.new_token(GROUP, NOW)
    with state.engine.begin() as conn:
        conn.execute(sa.delete(st.Chat).where(st.Chat.id == GROUP))
    assert state.prefs(GROUP) == {} and state.claimed_keys() == set()
    with state.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(st.FeedToken)).scalar() == 0


def test_engine_is_set_up_for_its_backend(url, state):
    with state.engine.connect() as conn:
        if state.engine.dialect.name == "sqlite":
            pragmas = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                       for p in ("journal_mode", "foreign_keys", "busy_timeout", "secure_delete")}
            assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10000,
                               "secure_delete": 1}
            for suffix in ("", "-wal", "-shm"):  # owner-only: the files list who uses the bot
                assert os.stat(state.engine.url.database + suffix).st_mode & 0o077 == 0
        else:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
            assert schema.startswith("test_state_")
    assert state.engine.hide_parameters


@pytest.mark.parametrize("bad", ["sqlite://", "sqlite:///:memory:", "mysql://u@h/db"])
def test_unusable_urls_are_refused(url, bad):
    with pytest.raises(ValueError):
        st.open_engine(bad)


# --- chats and settings ----------------------------------------------------------------------

def test_new_chat_gets_defaults_then_keeps_its_settings(state):
    defaults = {"timezone": "America/Bogota", "digest": "weekly"}
    chat = state.ensure_chat(GROUP, "group", NOW, defaults)
    assert (chat.type, chat.active, chat.created) == ("group", True, NOW)
    assert (chat.timezone, chat.digest, chat.kinds, chat.deadline_leads, chat.quiet_start) == (
        "America/Bogota", "weekly", [], ["14d", "3d", "1d"], None)
    state.update_settings(GROUP, digest="daily")
    again = state.ensure_chat(GROUP, "supergroup", NOW + dt.timedelta(days=1), {"digest": "off"})
    assert (again.type, again.digest, again.created) == ("supergroup", "daily", NOW)


SETTINGS_ROUND_TRIP = [
    # field, value given, value stored
    ("timezone", "Asia/Kolkata", "Asia/Kolkata"),
    ("kinds", ["hearing", "deadline", "hearing"], ["hearing", "deadline"]),
    ("kinds", [], []),
    ("keywords", [" fellowship ", "Grant", "grant", "appel à candidatures"],
     ["fellowship", "Grant", "appel à candidatures"]),
    ("deadline_leads", ("30d", "7d", "morning"), ["30d", "7d", "morning"]),
    ("event_leads", ["1d", "1h", "15m"], ["1d", "1h", "15m"]),
    ("digest", "weekly", "weekly"),
    ("digest_hour", 0, 0),
    ("digest_weekday", 6, 6),
    ("thread_id", 42, 42),
    ("thread_id", None, None),
]


@pytest.mark.parametrize(("field", "given", "stored"), SETTINGS_ROUND_TRIP)
def test_settings_round_trip(settings_state, field, given, stored):
    state = settings_state
    assert getattr(state.update_settings(GROUP, **{field: given}), field) == stored
    assert getattr(state.chat(GROUP), field) == stored


def test_quiet_hours_round_trip_as_a_pair(state, group):
    state.update_settings(GROUP, quiet_start="22:30", quiet_end="07:00")
    assert (state.chat(GROUP).quiet_start, state.chat(GROUP).quiet_end) == ("22:30", "07:00")
    state.update_settings(GROUP, quiet_start=None, quiet_end=None)
    assert state.chat(GROUP).quiet_start is None


INVALID_SETTINGS = [
    # fields, the field the error must name
    ({"language": "fr"}, "language"),
    ({"active": False}, "active"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"timezone": None}, "timezone"),
    ({"kinds": "event"}, "kinds"),
    ({"kinds": ["webinar"]}, "kinds"),
    ({"keywords": ["ok", ""]}, "keywords"),
    ({"keywords": ["x" * 65]}, "keywords"),
    ({"keywords": [f"w{i}" for i in range(51)]}, "keywords"),
    ({"deadline_leads": ["2 weeks"]}, "deadline_leads"),
    ({"deadline_leads": ["0d"]}, "deadline_leads"),
    ({"event_leads": ["400d"]}, "event_leads"),
    ({"digest": "hourly"}, "digest"),
    ({"digest_hour": 24}, "digest_hour"),
    ({"digest_hour": "8"}, "digest_hour"),
    ({"digest_hour": True}, "digest_hour"),
    ({"digest_weekday": -1}, "digest_weekday"),
    ({"quiet_start": "25:00", "quiet_end": "07:00"}, "quiet_start"),
    ({"quiet_start": "22:00"}, "quiet_end"),
    ({"quiet_end": "7:00"}, "quiet_end"),
    ({"quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_end"),
    ({"thread_id": 0}, "thread_id"),
    ({"digest": "daily", "digest_hour": 99}, "digest_hour"),
]


@pytest.mark.parametrize(("fields", "named"), INVALID_SETTINGS)
def test_invalid_settings_are_refused_naming_the_field(settings_state, fields, named):
    state = settings_state
    before = state.chat(GROUP)
    with pytest.raises(ValueError, match=rf"^{named}: "):
        state.update_settings(GROUP, **fields)
    after = state.chat(GROUP)
    assert [getattr(after, f) for f in st.SETTINGS] == [getattr(before, f) for f in st.SETTINGS]


def test_chat_creation_is_validated_too(state):
    with pytest.raises(ValueError, match="^type: "):
        state.ensure_chat(GROUP, "forum", NOW)
    with pytest.raises(ValueError, match="^digest_hour: "):
        state.ensure_chat(GROUP, "group", NOW, {"digest_hour": -3})
    with pytest.raises(ValueError, match="^now: "):
        state.ensure_chat(GROUP, "group", dt.datetime(2026, 11, 24, 9, 30))
    assert state.chat(GROUP) is None
    with pytest.raises(LookupError):
        state.update_settings(GROUP, digest="daily")


def test_deactivated_chats_leave_active_chats_until_they_return(state):
    for chat_id in (OTHER, GROUP, 5):
        state.ensure_chat(chat_id, "private" if chat_id > 0 else "supergroup", NOW)
    assert state.deactivate(OTHER) and not state.deactivate(404)
    assert [c.id for c in state.active_chats()] == [GROUP, 5]
    assert state.chat(OTHER).active is False
    state.ensure_chat(OTHER, "private", NOW)
    assert [c.id for c in state.active_chats()] == [GROUP, 5, OTHER]


# --- item choices ----------------------------------------------------------------------------

def test_item_prefs_follow_mute_snooze_and_clear(state, group):
    later = NOW + dt.timedelta(days=3)
    state.set_pref(GROUP, ITEM, "follow")
    state.set_pref(GROUP, "2027-01-15-hearing-0a1b2c3d4e", "mute")
    state.set_pref(GROUP, ITEM, "follow", snooze_until=later)
    prefs = state.prefs(GROUP)
    assert {k: (p.state, p.snooze_until) for k, p in prefs.items()} == {
        ITEM: ("follow", later), "2027-01-15-hearing-0a1b2c3d4e": ("mute", None)}
    state.set_pref(GROUP, ITEM, None, snooze_until=later)
    assert state.prefs(GROUP)[ITEM].state is None
    state.set_pref(GROUP, ITEM, None)
    assert set(state.prefs(GROUP)) == {"2027-01-15-hearing-0a1b2c3d4e"}


def test_item_prefs_refuse_bad_state_and_unknown_chat(state, group):
    with pytest.raises(ValueError, match="^state: "):
        state.set_pref(GROUP, ITEM, "star")
    with pytest.raises(LookupError):
        state.set_pref(OTHER, ITEM, "follow")
    assert state.prefs(OTHER) == {}


# --- the ledger ------------------------------------------------------------------------------

def test_claim_is_exactly_once_per_chat_and_key(state, group):
    state.ensure_chat(OTHER, "private", NOW)
    key = f"remind:{ITEM}:3d"
    assert [state.claim(GROUP, key, ITEM, NOW), state.claim(GROUP, key, ITEM, NOW)] == [True, False]
    assert state.claim(OTHER, key, ITEM, NOW)
    assert state.claim(GROUP, "digest:2026-11-24", None, NOW)
    assert state.claimed_keys() == {(GROUP, key), (OTHER, key), (GROUP, "digest:2026-11-24")}
    assert state.claimed_keys([OTHER]) == {(OTHER, key)}
    assert state.claimed_keys([]) == set()
    with pytest.raises(LookupError):
        state.claim(404, key, ITEM, NOW)


def _race(claimers, key):
    """Each claimer tries the same key at the same moment; the list of who won."""
    barrier = threading.Barrier(len(claimers))
    results = [None] * len(claimers)

    def run(i):
        barrier.wait()
        results[i] = claimers[i](GROUP, key, ITEM, NOW)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(claimers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("engine_count", [1, 2])
def test_claim_race_has_one_winner(state, group, engines, engine_count):
    states = [state] + [st.State(engines()) for _ in range(engine_count - 1)]
    claimers = [states[i % engine_count].claim for i in range(8)]
    for n in range(3):
        results = _race(claimers, f"notice:{ITEM}:{n}")
        assert sorted(results) == [False] * 7 + [True], results


def test_mark_sent_release_and_stale_claims(state, group):
    early, late = "remind:a:14d", "remind:b:1d"
    state.claim(GROUP, early, "a", NOW)
    state.claim(GROUP, late, "b", NOW + dt.timedelta(minutes=10))
    cutoff = NOW + dt.timedelta(minutes=5)
    assert state.stale_claims(cutoff) == []  # claimed, never handed over: not "maybe arrived"
    assert state.mark_sending(GROUP, early) and state.mark_sending(GROUP, late)
    assert not state.mark_sending(GROUP, early)  # once
    assert [(r.key, r.claimed_at) for r in state.stale_claims(cutoff)] == [(early, NOW)]
    assert state.mark_sent(GROUP, early, 5512, NOW + dt.timedelta(minutes=11))
    assert state.stale_claims(cutoff + dt.timedelta(hours=1))[0].key == late
    assert not state.release(GROUP, early)  # a sent message is never owed again
    assert state.release(GROUP, late) and not state.release(GROUP, late)
    assert state.claim(GROUP, late, "b", NOW + dt.timedelta(hours=2))
    assert not state.mark_sent(GROUP, "remind:never:1d", 1, NOW)


def test_claims_never_handed_over_are_given_back_at_start_up(state, group):
    state.claim(GROUP, "remind:a:1d", "a", NOW)                  # crashed before the hand-over
    state.claim(GROUP, "remind:b:1d", "b", NOW)
    state.mark_sending(GROUP, "remind:b:1d")                     # crashed while sending
    state.claim(GROUP, "remind:c:1d", "c", NOW)
    state.mark_sending(GROUP, "remind:c:1d")
    state.mark_sent(GROUP, "remind:c:1d", 9, NOW)                # answered
    state.claim(GROUP, "remind:d:1d", "d", NOW + dt.timedelta(minutes=2))  # this run's own claim
    assert state.release_unsent(NOW + dt.timedelta(minutes=1)) == 1
    assert state.claimed_keys() == {(GROUP, "remind:b:1d"), (GROUP, "remind:c:1d"), (GROUP, "remind:d:1d")}
    assert [r.key for r in state.stale_claims(NOW + dt.timedelta(minutes=1))] == ["remind:b:1d"]
    assert not state.mark_sending(GROUP, "remind:a:1d")  # the crashed run's sender must not send it now
    assert state.claim(GROUP, "remind:a:1d", "a", NOW + dt.timedelta(minutes=3))  # the next plan may


def test_an_upgrade_keeps_the_ledger_and_allows_only_known_states(url, engines):
    command.upgrade(st.alembic_config(url), "0002")
    engine = engines()
    old = st.State(engine)
    old.ensure_chat(GROUP, "group", NOW)
    columns = [sa.column(name, type_) for name, type_ in (("chat_id", sa.BigInteger), ("key", sa.String),
               ("item_id", sa.String), ("state", sa.String), ("claimed_at", st.UTCDateTime))]
    with engine.begin() as conn:  # a claim as the code of revision 0002 made it
        conn.execute(sa.insert(sa.table("ledger", *columns)).values(
            chat_id=GROUP, key="remind:a:1d", item_id="a", state="claimed", claimed_at=NOW))
    st.migrate(url)
    state = st.State(engine)
    assert state.claimed_keys() == {(GROUP, "remind:a:1d")} and state.mark_sending(GROUP, "remind:a:1d")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.update(st.Ledger).values(state="lost"))


def test_sent_and_failed_rows_keep_their_record(state, group):
    state.claim(GROUP, "remind:a:1d", "a", NOW)
    state.claim(GROUP, "remind:b:1d", "b", NOW)
    state.mark_sent(GROUP, "remind:a:1d", 77, NOW + dt.timedelta(seconds=2))
    assert state.mark_failed(GROUP, "remind:b:1d")
    assert not state.mark_failed(GROUP, "remind:a:1d")
    with state._session() as session:
        rows = {r.key: r for r in session.scalars(sa.select(st.Ledger))}
    assert (rows["remind:a:1d"].state, rows["remind:a:1d"].message_id) == ("sent", 77)
    assert rows["remind:a:1d"].sent_at == NOW + dt.timedelta(seconds=2)
    assert (rows["remind:b:1d"].state, rows["remind:b:1d"].sent_at) == ("failed", None)
    assert state.stale_claims(NOW + dt.timedelta(days=1)) == []


# --- forgetting ------------------------------------------------------------------------------

def _populate(state, chat_id, chat_type):
    state.ensure_chat(chat_id, chat_type, NOW)
    state.set_pref(chat_id, ITEM, "mute")
    state.set_pref(chat_id, "2027-01-15-hearing-0a1b2c3d4e", "follow")
    for key in (f"remind:{ITEM}:3d", f"remind:{ITEM}:1d", "digest:2026-11-24"):
        state.claim(chat_id, key, ITEM, NOW)
    return [state.new_token(chat_id, NOW), state.new_token(chat_id, NOW)]


def test_forget_removes_everything_about_one_chat_and_nothing_else(state):
    gone, kept = _populate(state, GROUP, "group"), _populate(state, OTHER, "private")
    counts = state.forget(GROUP)
    assert counts == {"chats": 1, "item_prefs": 2, "ledger": 3, "feed_tokens": 2}
    assert state.chat(GROUP) is None and state.prefs(GROUP) == {}
    assert state.claimed_keys([GROUP]) == set()
    assert [state.chat_for_token(t) for t in gone + kept] == [None, None, OTHER, OTHER]
    assert len(state.prefs(OTHER)) == 2 and len(state.claimed_keys([OTHER])) == 3
    assert state.forget(GROUP) == dict.fromkeys(counts, 0)


def test_a_state_folder_the_bot_makes_stays_out_of_git(tmp_path):
    """A network keeps its store in git beside the bot's state: `git add -A` must not take the
    subscriber list along."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (the image's test stage)")
    repo = tmp_path / "network-calendar"
    (repo / "calendars").mkdir(parents=True)
    (repo / "calendars" / "item.yaml").write_text("id: x\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    url = f"sqlite:///{repo / 'state' / 'bot.sqlite3'}"
    st.migrate(url)
    st.State(st.open_engine(url)).engine.dispose()
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    staged = subprocess.run(["git", "-C", str(repo), "diff", "--cached", "--name-only"], check=True,
                            capture_output=True, text=True).stdout.split()
    assert (repo / "state" / "bot.sqlite3").exists() and staged == ["calendars/item.yaml"]


def test_forgotten_values_do_not_linger_in_the_sqlite_files(tmp_path):
    """SQLite only: its files are what a seized laptop gives away (PostgreSQL reclaims deleted
    rows with VACUUM, on a server the operator runs)."""
    with _database("sqlite", tmp_path) as url:
        st.migrate(url)
        state = st.State(st.open_engine(url))
    token = _populate(state, GROUP, "group")[0]
    state.forget(GROUP)
    state.engine.dispose()
    folder = os.path.dirname(state.engine.url.database)
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as f:
            assert token.encode() not in f.read(), name


# --- feed tokens -----------------------------------------------------------------------------

def test_tokens_are_unguessable_and_revocable(state, group):
    tokens = {state.new_token(GROUP, NOW) for _ in range(20)}
    assert len(tokens) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", t) for t in tokens)  # 192 random bits
    assert {state.chat_for_token(t) for t in tokens} == {GROUP}
    assert state.chat_for_token("not-a-token") is None and state.chat_for_token("x" * 500) is None
    assert state.revoke_tokens(GROUP, NOW) == 20 and state.revoke_tokens(GROUP, NOW) == 0
    assert {state.chat_for_token(t) for t in tokens} == {None}
    assert state.live_token(GROUP) is None
    fresh = state.new_token(GROUP, NOW + dt.timedelta(hours=1))
    assert state.chat_for_token(fresh) == GROUP and state.live_token(GROUP) == fresh
    with pytest.raises(LookupError):
        state.new_token(OTHER, NOW)


def test_tokens_stay_out_of_reprs_and_errors(state, group, monkeypatch):
    token = state.new_token(GROUP, NOW)
    with state._session() as session:
        assert token not in repr(session.get(st.FeedToken, token))
    # A collision cannot happen in practice; if it did, PostgreSQL would quote the key.
    monkeypatch.setattr(st.secrets, "token_urlsafe", lambda _n: token)
    with pytest.raises(RuntimeError) as caught:
        state.new_token(GROUP, NOW)
    assert token not in "".join(traceback.format_exception(caught.value))
    assert state.engine.hide_parameters


# --- time ------------------------------------------------------------------------------------

def test_timestamps_come_back_aware_utc(state):
    kyiv = dt.timezone(dt.timedelta(hours=2))
    now = dt.datetime(2026, 11, 24, 11, 30, 15, 123456, tzinfo=kyiv)
    state.ensure_chat(GROUP, "group", now)
    state.set_pref(GROUP, ITEM, "follow", snooze_until=now + dt.timedelta(days=1))
    state.claim(GROUP, "remind:a:1d", "a", now)
    state.mark_sent(GROUP, "remind:a:1d", 1, now)
    state.claim(GROUP, "remind:b:1d", "b", now)
    token = state.new_token(GROUP, now)
    state.revoke_tokens(GROUP, now)
    with state._session() as session:
        stamps = [state.chat(GROUP).created, state.prefs(GROUP)[ITEM].snooze_until,
                  *[v for r in state.stale_claims(now + dt.timedelta(1)) for v in (r.claimed_at,)],
                  session.get(st.Ledger, (GROUP, "remind:a:1d")).sent_at,
                  session.get(st.FeedToken, token).revoked]
    assert all(s.tzinfo is UTC for s in stamps), stamps
    assert stamps[0] == now and stamps[0].hour == 9 and stamps[0].microsecond == 123456
    assert stamps[1] == now + dt.timedelta(days=1)


def test_naive_times_are_refused(state, group):
    naive = dt.datetime(2026, 11, 24, 9, 30)
    calls = [lambda: state.claim(GROUP, "k", None, naive),
             lambda: state.mark_sent(GROUP, "k", 1, naive),
             lambda: state.stale_claims(naive),
             lambda: state.new_token(GROUP, naive),
             lambda: state.revoke_tokens(GROUP, naive),
             lambda: state.set_pref(GROUP, ITEM, "mute", snooze_until=naive)]
    for call in calls:
        with pytest.raises(ValueError, match="aware datetime"):
            call()
    assert state.claimed_keys() == set()


def test_bulk_reads_for_a_broadcast(state, group):
    state.ensure_chat(OTHER, "private", NOW)
    state.set_pref(GROUP, ITEM, "follow")
    state.set_pref(OTHER, ITEM, "mute")
    assert {chat: set(prefs) for chat, prefs in state.all_prefs().items()} == {GROUP: {ITEM}, OTHER: {ITEM}}
    for chat in (GROUP, OTHER):
        state.claim(chat, f"remind:{ITEM}:1d", ITEM, NOW)
    state.claim(OTHER, f"remind:{ITEM}:3d", ITEM, NOW)
    assert state.claimed_for([f"remind:{ITEM}:1d"]) == {(GROUP, f"remind:{ITEM}:1d"), (OTHER, f"remind:{ITEM}:1d")}
    assert state.claimed_for([]) == set()


def test_meta_values_round_trip(state):
    assert state.meta("last_tick") is None
    state.set_meta("last_tick", "2026-11-24T09:30:00+00:00")
    state.set_meta("last_tick", "2026-11-24T09:31:00+00:00")
    assert state.meta("last_tick") == "2026-11-24T09:31:00+00:00"


def test_active_chats_as_plain_rows(state, group):
    state.ensure_chat(OTHER, "private", NOW)
    state.deactivate(OTHER)
    [row] = state.active_chat_rows()
    assert (row.id, row.type, row.timezone, row.created) == (GROUP, "supergroup", "Europe/Kyiv", NOW)
    assert row.kinds == () and row.deadline_leads == ("14d", "3d", "1d") and row.created.tzinfo is not None
