"""Lead times: one grammar and one limit, wherever a lead time is read."""

import datetime as dt

import pytest

from bot import cli, leads, reminders, settings
from bot import state as st

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.timezone.utc)

# lead, accepted, part of the error when refused
LEADS = [
    ("14d", True, ""), ("1d", True, ""), ("6h", True, ""), ("30m", True, ""), ("morning", True, ""),
    ("366d", True, ""), ("8784h", True, ""), ("9999m", True, ""),
    ("367d", False, "more than 366 days"), ("500d", False, "more than 366 days"), ("9999h", False, "more than 366 days"),
    ("10000d", False, "not a lead time"), ("0d", False, "not a lead time"), ("2w", False, "not a lead time"),
    ("", False, "not a lead time"), ("-1d", False, "not a lead time"), ("morningish", False, "not a lead time"),
    ("1 d", False, "not a lead time"),
]


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('leads') / 'state.sqlite3'}"
    st.migrate(url)
    state = st.State(st.open_engine(url))
    state.ensure_chat(7, "private", NOW)
    yield state
    state.engine.dispose()


def _settings_file(tmp_path, lead):
    path = tmp_path / "settings.yaml"
    path.write_text(f"chats:\n  deadline_leads: ['{lead}', 1d]\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lead, accepted, why", LEADS)
def test_settings_chats_and_the_plan_agree_on_every_lead(tmp_path, state, lead, accepted, why):
    places = {
        "settings file": lambda: settings.load(_settings_file(tmp_path, lead), environ={}),
        "stored chat": lambda: state.update_settings(7, deadline_leads=[lead]),
        "plan": lambda: reminders.due_time({"id": "x", "kind": "deadline", "start": "2027-12-01"}, lead,
                                           reminders.Chat(7)),
    }
    for place, read in places.items():
        if accepted:
            read()
        else:
            with pytest.raises(ValueError, match=why):
                read()


def test_a_default_the_settings_file_gives_is_stored_for_a_new_chat(tmp_path, state):
    loaded = settings.load(_settings_file(tmp_path, "366d"), environ={})
    row = state.ensure_chat(8, "private", NOW, {"deadline_leads": list(loaded.chats.deadline_leads)})
    assert list(row.deadline_leads) == ["366d", "1d"]


def test_a_refused_lead_in_the_settings_file_stops_start_up_with_the_key_and_the_file(tmp_path, capsys):
    code = cli.main(["run", "--config", str(_settings_file(tmp_path, "500d"))])
    err = capsys.readouterr().err
    assert code == 2 and "settings.yaml" in err and "chats.deadline_leads" in err and "'500d' is more than 366 days" in err
    assert "Traceback" not in err


def test_a_list_keeps_one_of_each_and_at_most_eight():
    assert leads.checked(["3d", "1d", "3d"]) == ["3d", "1d"]
    with pytest.raises(ValueError, match="at most 8"):
        leads.checked([f"{n}d" for n in range(1, 10)])
