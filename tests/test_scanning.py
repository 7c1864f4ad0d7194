"""The fast paths of the extractor find what the plain ones would: patterns written as prefix
trees, cue patterns run on a lower-cased copy a piece at a time, run-on sentences cut at
their neighbouring dates, and an item whose sources are full left as it is."""

import dataclasses
import datetime as dt
import re

import pytest

from bot.extract import kinds
from bot.extract.branching import Unsupported, branched
from bot.extract.dates import MONTH, WEEKDAY, _alternation
from bot.extract.folding import fold, lowered
from bot.extract.lexicon import MONTHS, WEEKDAYS
from bot.extract.merge import MAX_SOURCES, _combine
from bot.extract.sentences import SentenceEnds, bounds
from bot.model import Opportunity, Source

# Our own sentences, in the languages and scripts the cue patterns cover.
SENTENCES = [
    "The DEADLINE for Nominations is 5 March 2027; Applications close on 9 April.",
    "Mahkeme duruşmayı 12 Mart 2027 tarihine erteledi. İstanbul'daki DAVA sürüyor.",
    "Der Prozess wird am 3. März fortgesetzt; die Bewerbungsfrist endet am 1. April. STRASSE, Straße.",
    "Суд ОТЛОЖИЛ заседание до 15 марта; Прием заявок продлится до 1 апреля.",
    "La AUDIENCIA se celebrará el 4 de marzo; el plazo para postulaciones vence el 1 de abril.",
    "L'audience est RENVOYÉE au 6 mars ; la date limite des candidatures est le 2 avril.",
    "أجلت المحكمة الجلسة إلى 7 مارس. آخر موعد للترشح هو 1 أبريل.",
    "Side Event at the 58th Session of the Human Rights Council (HRC58), Room XXIV, Q&A after.",
    "Send your CV by 5 May: WE ARE HOSTING a Webinar and the Trial resumes after the Ceremony.",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_fold_keeps_every_offset(text):
    assert len(fold(text)) == len(text)
    assert fold("İstanbul DEADLINE") == "İstanbul deadline"  # "İ" lowers to two characters: kept as it is


@pytest.mark.parametrize("family", sorted(kinds._FAMILIES))
@pytest.mark.parametrize("text", SENTENCES)
def test_lowered_patterns_find_what_ignorecase_finds(family, text):
    plain = kinds._FAMILIES[family]
    fast = lowered(plain)
    assert fast.flags & re.IGNORECASE == 0
    hits = [(m.start(), m.end(), m.lastgroup) for m in plain.finditer(text)]
    assert hits == [(m.start(), m.end(), m.lastgroup) for m in fast.finditer(fold(text))]


# Words that test the edges of the first-letter branches: a cue glued to a digit or an
# underscore (no word boundary), words that end in a cue ("…frist", "…verleihung") and start
# with another one, look-behinds ("was scheduled"), ordinals before "session", Arabic prefixes.
EDGES = [
    "5deadline _cv cv_ CV. x-CV, 12th session, 3rd Sessions, HRC60 and HRC 61; 2nd regular session.",
    "Anmeldefrist, Bewerbungsfrist, Frist, Einsendeschluss; Preisverleihung, Verleihung, Pressekonferenz.",
    "It was scheduled, then planned; were planned; scheduled anew; be released, was released.",
    "Die Hauptverhandlung, die Anhörung und die Verhandlung; Verhandlungen wurden vertagt.",
    "وبالحكم فالمحكمة والقضاء، أرجأت وأجلت التأجيل والجلسة",
    "will be awarded; se celebrarán, tendremos, auront lieu; yapılacak, gerçekleşecek.",
]


def _our_texts() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    return [path.read_text(encoding="utf-8") for path in sorted((root / "examples").glob("*.txt"))]


@pytest.mark.parametrize("family", sorted(kinds._FAMILIES))
def test_cue_patterns_branched_on_first_letters_find_what_the_plain_alternation_finds(family):
    plain, fast = lowered(kinds._FAMILIES[family]), kinds._FOLDED[family]
    for text in SENTENCES + EDGES + _our_texts():
        folded = fold(text)
        hits = [(m.start(), m.end(), m.lastgroup) for m in plain.finditer(folded)]
        found = [(m.start(), m.end()) for m in fast.finditer(folded)]
        assert found == [hit[:2] for hit in hits]
        if family == "kind":  # which cue: matched again where the hit starts
            assert [kinds._NAMED_KIND.match(folded, start).lastgroup for start, _ in found] == [hit[2] for hit in hits]


@pytest.mark.parametrize(
    "alternatives, text",
    [
        ([r"\bcv\b", "cvs"], "5cv _cv cv cvs"),  # the guard lets a digit stand before a word
        ([r"\w*frist", "fax", r"\w{2,}ing", r"\w+ung"], "frist anmeldefrist fax sing going ung Prüfung"),
        ([r"(?<!was )(?:scheduled|planned)", "was", r"(?<!\bbe )released"], "was scheduled; planned; be released, released"),
        ([r"(?:public )?hearings?", "[ií]tem", r"\d+(?:st|nd) session", "pub"], "public hearing; pub hearings ítem 21st session"),
        ([r"(?P<a>deadlines?)", r"(?P<b>dead\w*)"], "deadline deadwood"),
    ],
)
def test_branching_matches_what_the_alternation_matches(alternatives, text):
    guard = r"(?<![^\W\d_])(?=\w)"
    plain = re.compile(guard + "(?:" + "|".join(alternatives) + ")")
    fast = re.compile(guard + branched(alternatives))
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@pytest.mark.parametrize("alternative", [r"a*b", r"\w{,3}x", r"(?:a|b)+c", r"[^a]b", r"(?!x)y", r".x", r"(?<=a|bc)d"])
def test_branching_refuses_what_it_cannot_rewrite_exactly(alternative):
    with pytest.raises(Unsupported):
        branched([alternative])


def test_each_hit_is_named_the_cue_the_plain_pattern_names():
    # hits met again are named from memory (`Cues._cue`): the names equal a fresh match's
    for text in SENTENCES + EDGES + _our_texts():
        cues = kinds.Cues(text).scan(("kind",), [(0, len(text))])
        plain = [int(m.lastgroup[1:]) for m in lowered(kinds._ANY_KIND).finditer(fold(text))]
        assert list(cues.cues["kind"]) == plain


def test_the_dense_cue_families_are_branched_and_hold_no_groups():
    for family in ("kind", "retro", "marker"):
        fast = kinds._FOLDED[family]
        assert fast.pattern != lowered(kinds._FAMILIES[family]).pattern  # not the fallback
        assert fast.groups == 0


def test_lowered_keeps_escapes_and_group_names():
    pattern = lowered(re.compile(r"(?P<Cue>\W?Deadline)\B|\bCV\b", re.IGNORECASE))
    assert pattern.pattern == r"(?P<Cue>\W?deadline)\B|\bcv\b"


def test_cues_found_in_pieces_equal_one_pass_over_the_text():
    # Cue words straddling the 64 KB piece boundaries, in upper and lower case.
    unit = "Applications CLOSE on 5 May; the Hearing was ADJOURNED until then. "
    text = unit * (3 * kinds._CHUNK // len(unit) + 7)
    for boundary in (kinds._CHUNK, 2 * kinds._CHUNK):
        text = text[:boundary - 5] + " Deadline " + text[boundary + 5:]
    cues = kinds.Cues(text).scan(tuple(kinds._FAMILIES), [(3, len(text) - 2)])
    for family, plain in kinds._FAMILIES.items():
        expected = [(m.start(), m.end()) for m in plain.finditer(text, 3, len(text) - 2)]
        assert list(zip(cues.starts[family], cues.ends[family])) == expected, family


def test_alternation_is_a_prefix_tree_that_tries_the_longest_word_first():
    assert _alternation(["mar", "march", "may", "marzo"]) == "ma(?:r(?:ch|zo)?|y)"
    words = re.compile(rf"(?:{_alternation(['mar', 'march', 'marzo'])})", re.IGNORECASE)
    assert [m.group() for m in words.finditer("MARCH, marzo, Mar")] == ["MARCH", "marzo", "Mar"]


@pytest.mark.parametrize("table, pattern", [(MONTHS, MONTH), (WEEKDAYS, WEEKDAY)])
def test_every_calendar_word_is_matched_whole(table, pattern):
    whole = re.compile(rf"{pattern}", re.IGNORECASE)
    for words in table.values():
        for word in words:
            assert whole.fullmatch(word) or whole.fullmatch(word + "."), word


RUN_ON = " ".join(f"Deadline {day} May 2027 apply now" for day in range(1, 29))  # 1,000 characters, no full stop


@pytest.mark.parametrize(
    "text, date, expected",
    [
        # a run-on: cut at the third date either side
        (RUN_ON, "14 May 2027", "apply now Deadline 12 May 2027 apply now Deadline 13 May 2027 apply now Deadline 14 May 2027"
                                " apply now Deadline 15 May 2027 apply now Deadline 16 May 2027 apply now Deadline "),
        # a sentence that ends within 400 characters keeps all of its dates
        ("Hearings are set for 5 May, 9 June, 3 July, 8 August and 2 September 2027. Then a pause.",
         "8 August and 2 September 2027", "Hearings are set for 5 May, 9 June, 3 July, 8 August and 2 September 2027."),
    ],
)
def test_run_on_sentences_are_cut_at_their_neighbouring_dates(text, date, expected):
    from bot.extract.dates import mention_table

    table, _ = mention_table(text)
    index, mention = next((i, m) for i, m in table.indexed(0, len(text)) if m.text == date)
    start, stop = bounds(text, mention.begin, mention.end, 0, len(text), table.fence(index, 3))
    assert text[start:stop] == expected


def _item(confidence=0.7, url=None, sources=1, start=dt.date(2027, 5, 5)):
    return Opportunity(
        kind="deadline", subtype="job", title="Applications close", start=start, end=None, timezone=None,
        organizer=None, location=None, online=None, url=url, contact=None, reference=None,
        evidence="Applications close on 5 May 2027.", confidence=confidence,
        sources=tuple(Source("call.txt", None, None, (i * 40, i * 40 + 10)) for i in range(sources)),
    )


def test_an_item_with_full_sources_is_kept_as_it_is():
    kept = _item(sources=MAX_SOURCES)
    again = dataclasses.replace(_item(), sources=(Source("call.txt", None, None, (9000, 9010)),))
    assert _combine(kept, again) is kept


@pytest.mark.parametrize(
    "other, changed",
    [
        (_item(url="https://example.org/apply"), "url"),  # a field the kept reading lacks
        (_item(confidence=0.9), "confidence"),  # a surer reading
        (_item(start=dt.datetime(2027, 5, 5, 17, 0, tzinfo=dt.timezone.utc)), "start"),  # a clock time
    ],
)
def test_a_full_item_still_takes_what_a_new_reading_adds(other, changed):
    kept = _item(sources=MAX_SOURCES)
    combined = _combine(kept, other)
    assert getattr(combined, changed) == getattr(other, changed)
    assert len(combined.sources) == MAX_SOURCES


BOUNDARY_TEXTS = [
    'He said "It starts on 5 May." Then: "Why?" (Nobody knew.) Dr. Smith left at 3 p.m. on 6 May.\nNew line.',
    "Deadline 5 May 2027 apply now " * 40,
    "Nairobi, 5 May 2027 – The network will meet on 9 June 2027.\n" * 30,
    "Ends here.”\tNext one!\u00a0And\u2003this? Yes.” “Quoted.” End",
]


@pytest.mark.parametrize("text", BOUNDARY_TEXTS + _our_texts())
def test_sentence_ends_found_by_block_equal_a_scan_of_each_span(text):
    ends = SentenceEnds(text)
    ends._BLOCK = 64  # small blocks: sentences across block edges
    step = max(1, len(text) // 400)
    for begin in range(0, len(text) - 3, step):
        for floor, ceiling in ((0, len(text)), (max(0, begin - 30), min(len(text), begin + 33))):
            expected = bounds(text, begin, begin + 3, floor, ceiling)
            assert bounds(text, begin, begin + 3, floor, ceiling, ends=ends) == expected, begin
