"""How the words around a date decide its kind and whether it lies ahead."""

import pytest

from bot.extract.kinds import Cues, Dated, classify_kind, orientation

DATE = "5 March 2027"


def _dated(before: str, after: str = ".") -> tuple[Dated, Cues]:
    text = f"{before}{DATE}{after}"
    dated = Dated(text, 0, len(text), len(before), len(before) + len(DATE))
    return dated, Cues(text).scan(("kind", "forward", "retro", "marker"), [(0, len(text))])


@pytest.mark.parametrize(
    "before, kind, subtype",
    [
        ("Applications close on ", "deadline", "job"),
        ("Send your CV no later than ", "deadline", "job"),
        ("The deadline for nominations is ", "deadline", "nomination"),
        ("Please register by ", "deadline", "registration"),
        ("Organisations can sign on until ", "deadline", "sign-on"),
        ("Submissions to the Special Rapporteur are due on ", "deadline", "call-for-input"),
        ("Nominations close at 00:00 CET on ", "deadline", "nomination"),
        ("The side event will be held on ", "event", "side-event"),
        ("The online roundtable will take place on ", "event", "roundtable"),
        ("RSF will present the report at a press conference on ", "event", "press-conference"),
        ("The court of appeal will hear the case on ", "hearing", "appeal"),
        ("The trial was adjourned to ", "hearing", "trial"),
        ("The verdict is expected on ", "hearing", "verdict"),
        ("La date limite de dépôt des candidatures est le ", "deadline", "nomination"),
        ("La audiencia se celebrará el ", "hearing", "hearing"),
    ],
)
def test_kind_and_subtype(before, kind, subtype):
    dated, cues = _dated(before)
    assert classify_kind(dated, cues, None)[:2] == (kind, subtype)


@pytest.mark.parametrize(
    "before, after, ahead, superseded",
    [
        ("The hearing will resume on ", ".", True, False),
        ("The trial has been adjourned to ", ".", True, False),
        ("Applications are accepted until ", ".", True, False),
        ("The court set the next hearing for ", ".", True, False),
        ("The opening session, initially scheduled for ", ", has been moved.", False, True),
        ("The court postponed the hearing scheduled for ", ".", False, True),
        ("The hearing set for ", " was postponed.", False, True),
        ("The forum took place on ", ".", False, False),
        ("She was arrested on ", ".", False, False),
        ("He has been detained since ", ".", False, False),
        ("The experts issued a statement on ", ".", False, False),
        ("Authors will present their drafts at a workshop on ", ", hosted by the Centre.", True, False),
        ("Join our webinar with last year's winner on ", ".", True, False),
        ("RSF organised in Istanbul a training on ", ".", False, False),
        ("The hearing, which had been set for ", ", will now take place later.", False, True),
        ("The call for input closed on ", ".", False, False),
    ],
)
def test_direction(before, after, ahead, superseded):
    dated, cues = _dated(before, after)
    score, was_superseded = orientation(dated, cues)
    assert (score > 0, was_superseded) == (ahead, superseded)
