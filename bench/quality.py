"""Extraction quality on real texts, beyond the one F1 the shared scorer prints: precision and
recall by kind, and a reliability table (confidence bucket -> precision), which says whether a
confidence can decide what is published without review.

    python bench/quality.py                       # ../shared/corpus/dev/cases
    python bench/quality.py --gold DIR --today 2026-12-03

Matching is the shared scorer's own (`../shared/tools/score-extraction`, imported, not copied):
kind and start day equal, end day too when the gold has one, one-to-one, optional gold items
neither required nor false positives. Extraction runs in this process with the extractor's
public entry point, as `python -m bot extract FILE --published DATE` does. `--today` is the clock
for texts without a publication date (default: the real one, as the scorer's command uses).
Needs ../shared (third-party texts: measured here, never copied into the project).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.machinery
import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
KINDS = ("deadline", "event", "hearing")
FIELDS = ("location", "organizer", "reference", "contact", "url")
BUCKETS = ((0.8, 1.01), (0.6, 0.8), (0.4, 0.6), (0.0, 0.4))


def scorer():
    """The shared scorer as a module, for its `match` and `load_cases`."""
    path = SHARED / "tools" / "score-extraction"
    loader = importlib.machinery.SourceFileLoader("score_extraction", str(path))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def predicted(text_path: str, published, today: dt.date) -> list[dict]:
    from bot.extract import extract
    from bot.extract.merge import merge

    day = published if isinstance(published, dt.date) else (dt.date.fromisoformat(published) if published else None)
    text = Path(text_path).read_text(encoding="utf-8")
    return [item.to_dict() for item in merge(extract(text, today=today, published=day).opportunities)]


def _word_f1(ours: str, theirs: str) -> float:
    left, right = (set(re.findall(r"[^\W\d_]{3,}|\d{4}", t.casefold())) for t in (ours, theirs))
    common = len(left & right)
    return 0.0 if not common else 2 * common / (len(left) + len(right))


class Tally:
    """Counts by kind and by confidence bucket."""

    def __init__(self):
        self.tp, self.fp, self.fn = Counter(), Counter(), Counter()
        self.bucket_right, self.bucket_all = Counter(), Counter()
        self.title_scores: list[float] = []
        self.named = Counter()  # items that name a place, an organiser…

    def add(self, gold: list[dict], items: list[dict], score) -> None:
        _, false, missed, _ = score.match(gold, items)
        false_ids = {id(p) for p in false}
        for item in items:  # right: it matched a gold item (an optional one counts as right, not as tp)
            right = id(item) not in false_ids
            bucket = next(b for b in BUCKETS if b[0] <= float(item.get("confidence") or 0) < b[1])
            self.bucket_all[bucket] += 1
            self.bucket_right[bucket] += right
            self.fp[item.get("kind")] += not right
            self.named.update(f for f in FIELDS if item.get(f) is not None)
            self.named["items"] += 1
        for item in gold:
            if not item.get("optional"):
                self.tp[item.get("kind")] += 1
        for item in missed:
            self.tp[item.get("kind")] -= 1
            self.fn[item.get("kind")] += 1
        self._titles(gold, [item for item in items if id(item) not in false_ids])

    def _titles(self, gold: list[dict], found: list[dict]) -> None:
        """How much of each annotator's title a found item's title shares (word F1): names of
        prizes, cases and people found or not. Annotators often wrote in English about texts
        in other languages, so a title in the text's language loses its "what" words here."""
        unused = [g for g in gold if g.get("title")]
        for item in found:
            twin = next((g for g in unused if g.get("kind") == item.get("kind")
                         and str(g.get("start"))[:10] == str(item.get("start"))[:10]), None)
            if twin is not None:
                unused.remove(twin)
                self.title_scores.append(_word_f1(item.get("title") or "", twin["title"]))

    def rows(self):
        for kind in (*KINDS, None):
            tp, fp, fn = ((sum(c.values()) if kind is None else c[kind]) for c in (self.tp, self.fp, self.fn))
            p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
            yield kind or "all", tp, fp, fn, p, r, 2 * p * r / max(p + r, 1e-9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "corpus/dev/cases", help="directory of case files")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and false positive")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="the clock for texts without a publication date (default: today)")
    args = parser.parse_args(argv)
    if not args.gold.is_dir():
        print(f"bench: {args.gold} not found (the shared corpus lives beside the project)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    score, tally = scorer(), Tally()
    for case, text_path, published, gold, _ in score.load_cases(str(args.gold), None):
        items = predicted(text_path, published, args.today)
        tally.add(gold, items, score)
        if args.verbose:
            _, false, missed, _ = score.match(gold, items)
            for item in missed:
                print(f"{case} MISSED {item.get('kind')} {item.get('start')} {item.get('evidence', '')[:100]!r}")
            for item in false:
                print(f"{case} FALSE+ {item.get('kind')} {item.get('start')} {item.get('evidence', '')[:100]!r}")
    print(f"{'kind':<9}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>7}{'R':>7}{'F1':>7}")
    for kind, tp, fp, fn, p, r, f1 in tally.rows():
        print(f"{kind:<9}{tp:>5}{fp:>5}{fn:>5}{p:>7.2f}{r:>7.2f}{f1:>7.2f}")
    scores = tally.title_scores
    print(f"\ntitles: {sum(scores) / max(len(scores), 1):.2f} mean word F1 against the annotators' titles ({len(scores)} found items)")
    print(f"fields named, of {tally.named['items']} items: " + ", ".join(f"{f} {tally.named[f]}" for f in FIELDS))
    print("\nconfidence   items  right  precision")
    for bucket in BUCKETS:
        n, right = tally.bucket_all[bucket], tally.bucket_right[bucket]
        print(f"{bucket[0]:.1f}–{min(bucket[1], 1.0):.1f}   {n:>7}{right:>7}  {right / n if n else float('nan'):>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
