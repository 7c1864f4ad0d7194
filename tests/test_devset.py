"""The development set: realistic texts written by us, annotated by hand (tests/data/devset).

Each case is scored the way ../shared/tools/score-extraction scores the seed corpus: a predicted
item matches a gold item when kind and start day agree (and end day, when gold has one); optional
gold items are neither required nor counted as false positives. The set as a whole must reach
F1 ≥ 0.85, and no phrase listed under `not_opportunities` may come out as an item.
"""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.extract import extract

DEVSET = Path(__file__).parent / "data" / "devset"
CASES = sorted(DEVSET.glob("*.yaml"))
TODAY = dt.date(2026, 11, 24)


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _day(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _instant(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else None
    if isinstance(value, str) and "T" in value:
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else None
    return None


def _same_start(predicted, gold) -> bool:
    p, g = _instant(predicted), _instant(gold)
    if p and g and abs((p - g).total_seconds()) <= 60:
        return True
    return _day(predicted) == _day(gold)


def _agrees(item: dict, gold: dict) -> bool:
    if item["kind"] != gold["kind"] or not _same_start(item["start"], gold["start"]):
        return False
    return not _day(gold.get("end")) or _day(item["end"]) == _day(gold["end"])


def score(case: dict) -> tuple[int, list, list, list]:
    """(true positives, false positives, misses, wrong instants) of the extractor on one case."""
    published = _day(case.get("published"))
    items = [o.to_dict() for o in extract(case["text"], today=TODAY, published=published).opportunities]
    used, tp, missed, wrong_time = set(), 0, [], []
    for gold in case.get("opportunities") or []:
        hit = next((j for j, item in enumerate(items) if j not in used and _agrees(item, gold)), None)
        if hit is None:
            if not gold.get("optional"):
                missed.append(gold)
            continue
        used.add(hit)
        if not gold.get("optional"):
            tp += 1
            if _instant(gold["start"]) and not _same_start(items[hit]["start"], gold["start"]):
                wrong_time.append(gold)
            elif _instant(gold["start"]) and _instant(items[hit]["start"]) is None:
                wrong_time.append(gold)
    extra = [item for j, item in enumerate(items) if j not in used]
    return tp, extra, missed, wrong_time


def test_devset_f1():
    assert len(CASES) >= 50, f"tests/data/devset holds {len(CASES)} cases; the set has at least 50"
    totals = {"tp": 0, "fp": 0, "fn": 0, "timed": 0, "wrong_time": 0}
    report = []
    for path in CASES:
        case = _load(path)
        tp, extra, missed, wrong_time = score(case)
        totals["tp"] += tp
        totals["fp"] += len(extra)
        totals["fn"] += len(missed)
        totals["timed"] += sum(1 for g in case.get("opportunities") or [] if _instant(g["start"]) and not g.get("optional"))
        totals["wrong_time"] += len(wrong_time)
        report += [f"{path.name}: FALSE+ {i['kind']} {i['start']} {i['evidence'][:70]}" for i in extra]
        report += [f"{path.name}: MISSED {g['kind']} {g['start']} {g.get('title', '')}" for g in missed]
    tp, fp, fn = totals["tp"], totals["fp"], totals["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= 0.85, f"F1={f1:.2f} P={precision:.2f} R={recall:.2f}\n" + "\n".join(report)
    # Some annotated times come from another paragraph than the date; most must be exact.
    assert totals["wrong_time"] <= 0.15 * totals["timed"], totals


NEGATIVES = [p for p in CASES if _load(p).get("not_opportunities")]


def test_the_listed_non_opportunities_are_phrases_of_their_texts():
    """An annotated phrase that is not in its text would check nothing."""
    absent = [(p.name, phrase) for p in NEGATIVES for phrase in _load(p)["not_opportunities"]
              if phrase not in _load(p)["text"]]
    assert NEGATIVES and absent == []


def _spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every place the phrase stands in the text."""
    found, at = [], text.find(phrase)
    while at >= 0:
        found.append((at, at + len(phrase)))
        at = text.find(phrase, at + 1)
    return found


@pytest.mark.parametrize("path", NEGATIVES, ids=[p.stem for p in NEGATIVES])
def test_no_listed_non_opportunity_is_extracted(path):
    case = _load(path)
    text = case["text"]
    spans = [span for phrase in case["not_opportunities"] for span in _spans(text, phrase)]
    assert spans, "no listed phrase is in the text"
    result = extract(text, today=TODAY, published=_day(case.get("published")))
    leaked = [o.evidence for o in result.opportunities for source in o.sources
              for lo, hi in spans if source.offsets[0] < hi and lo < source.offsets[1]]
    assert leaked == []
