"""Benchmark the extractor: throughput, scaling, peak memory and hostile input, each against a
target, with `dateparser.search_dates` timed on the same text in the same run as the baseline.

    python bench/extract.py            # 1 MB and 10 MB, baseline on the whole 1 MB (a few minutes)
    python bench/extract.py --quick    # 256 KB and 2.5 MB, baseline on 128 KB extrapolated

Each hostile input runs as `python -m bot extract FILE` in a fresh process, three times: its
best wall time must stay under 3 s (3 s per MB above 1 MB) on the reference machine, and its
highest peak RSS, less that of the same command on the input's first 16 KB (the interpreter and
the libraries the text makes it load), under 10 times the input. The reference machine is the one the 3 s was set on, where
`search_dates` read the seed corpus at `REFERENCE_BASELINE`; on another machine the limit is
scaled by this run's baseline (a machine twice as slow has 6 s); the seconds printed are as
measured, the limit beside them scaled.

Corpus: --corpus DIR (*.txt), else ../shared/corpus/seeds when present, else the project's own
examples/*.txt and the texts of tests/data/devset/*.yaml. Exit status 0 when every target holds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 24)
MB = 1024 * 1024
# search_dates on the shared seed corpus (MB/s) on the machine where the hostile inputs' 3 s
# was set (2026-12-03, 17:08). Machines here differ by more than twice from one session to
# the next (0.057 MB/s on another the same day), so a limit in plain seconds would pass or
# fail with the machine: it is scaled by this run's own baseline, like every target here.
REFERENCE_BASELINE = 0.151
# Each hostile input runs this many times: its time is the best run (what the code costs; the
# others measure what else the machine was doing), its memory the highest.
HOSTILE_RUNS = 3


def corpus_texts(directory: Path | None) -> list[str]:
    """The texts to repeat: --corpus, else the shared seeds, else our own examples and dev set."""
    import yaml

    if directory is None and (ROOT.parent / "shared/corpus/seeds").is_dir():
        directory = ROOT.parent / "shared/corpus/seeds"
    if directory is not None:
        return [p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt"))]
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    for case in sorted((ROOT / "tests/data/devset").glob("*.yaml")):
        texts.append(yaml.safe_load(case.read_text(encoding="utf-8"))["text"])
    return texts


def sized(texts: list[str], size: int) -> str:
    """The texts joined and repeated to `size` UTF-8 bytes, cut at a line break."""
    unit = "\n\n".join(texts) + "\n\n"
    text = unit * (size // len(unit.encode()) + 1)
    cut = text.encode()[:size].decode(errors="ignore")
    return cut[: cut.rfind("\n") + 1] or cut


def timed(function, *args, repeat: int = 1) -> float:
    """Best wall time of `repeat` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - started)
    return best


def run_extract(text: str) -> None:
    from bot.extract import extract

    extract(text, today=TODAY)


def run_baseline(text: str) -> None:
    from dateparser.search import search_dates

    search_dates(text, languages=["en"])


def cli_peak(text: str) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of `python -m bot extract` on `text`, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "corpus.txt"
        source.write_bytes(text.encode("utf-8"))  # as is: no newline translation
        script = (
            "import resource, subprocess, sys, time; t = time.perf_counter(); "
            f"subprocess.run([sys.executable, '-m', 'bot', 'extract', {str(source)!r}, '-q', '-o', {str(Path(tmp) / 'out.yaml')!r}], check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, time.perf_counter() - t)"
        )
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
        peak, seconds = done.stdout.split()
        return float(peak), float(seconds)


def hostile(size: int, texts: list[str]) -> dict[str, str]:
    """Inputs built to make a careless parser backtrack or blow up: `size` bytes each, but
    the newlines, which are ten times that."""
    def fill(unit: str, length: int = size) -> str:
        return (unit * (length // len(unit.encode()) + 1))[:length]

    return {
        "newlines": "\n" * (10 * size),
        "one line of deadlines": fill("Deadline 5 May 2027 apply now "),
        "award call, repeated": sized([award_call()], size),
        "digit run": fill("1234567890"),
        "1 1 1 …": fill("1 "),
        "month names": fill("January February March April May June July August September October November December "),
        "May 5 May 5 …": fill("May 5 "),
        "one line": sized(texts, size).replace("\n", " "),
        "separator soup": fill("12/12/12/12-12-12.12.12 "),
        "31 February": fill("31 February 2026 "),
        "dateline paragraphs": fill("Nairobi, 5 May 2027 – The network will meet its partners on 9 June 2027.\n"),
        # each date an event whose next sentence says when "the" next one takes place: the time
        # of a following sentence was looked for anew at every date (3.7 s, now a cached reading)
        "event sentences": fill("The conference will take place on 5 May 2027 in Geneva. "),
    }


def award_call() -> str:
    """The project's example award call (a dateline, a timed deadline, a session, a ceremony)."""
    return (ROOT / "examples/award-call.txt").read_text(encoding="utf-8")


def hostile_run(name: str, text: str, report: "Report", slower: float) -> dict:
    """Time and peak memory of `python -m bot extract` on `text`, checked against the targets,
    the time limit scaled by how much `slower` this machine is than the reference."""
    data = text.encode("utf-8")
    mb = len(data) / MB
    runs = [cli_peak(text) for _ in range(HOSTILE_RUNS)]
    peak, seconds = max(run[0] for run in runs), min(run[1] for run in runs)
    base, _ = cli_peak(data[:16 * 1024].decode(errors="ignore"))
    growth = max(0.0, peak - base)
    limit = 3 * max(1.0, mb) * slower  # what a 1 MB input may take on the reference machine, 3 s per MB above that
    report.check(f"hostile: {name} ({mb:.1f} MB), time", f"{seconds:.2f} s", f"< {limit:.1f} s", seconds < limit)
    report.check(f"hostile: {name}, peak RSS growth", f"{growth:.1f} MB", f"< {10 * mb:.1f} MB", growth < 10 * mb)
    return {"mb": mb, "seconds": seconds, "limit_seconds": limit, "reference_seconds": seconds / slower,
            "peak_mb": peak, "baseline_mb": base, "growth_mb": growth}


class Report:
    """Rows of figure, target and verdict, printed as a table."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, bool]] = []

    def check(self, name: str, value: str, target: str, ok: bool) -> None:
        self.rows.append((name, value, target, ok))
        print(f"{name:<52} {value:>14}   target {target:<12} {'PASS' if ok else 'FAIL'}", flush=True)

    @property
    def failed(self) -> int:
        return sum(not ok for *_, ok in self.rows)


def measure(args, report: Report) -> dict:
    texts = corpus_texts(args.corpus)
    if not texts:
        raise SystemExit("bench: no corpus texts found (give --corpus DIR)")
    small, large = (256 * 1024, int(2.5 * MB)) if args.quick else (MB, 10 * MB)
    baseline_kb = 128 if args.quick else args.baseline_kb
    text_small, text_large = sized(texts, small), sized(texts, large)
    run_extract(text_small[:20000])  # warm-up: imports and compiled patterns
    t_small = timed(run_extract, text_small, repeat=3)
    t_large = timed(run_extract, text_large)
    sample = text_small.encode()[: baseline_kb * 1024].decode(errors="ignore")
    t_sample = timed(run_baseline, sample)
    t_base = t_sample * len(text_small.encode()) / len(sample.encode())
    mb_small, mb_large = len(text_small.encode()) / MB, len(text_large.encode()) / MB
    note = "" if len(sample) >= len(text_small) else f" (from {baseline_kb} KB)"
    report.check(f"extract {mb_small:.2f} MB", f"{mb_small / t_small:.2f} MB/s", ">= 1 MB/s", mb_small / t_small >= 1)
    report.check(f"extract {mb_large:.2f} MB", f"{mb_large / t_large:.2f} MB/s", ">= 1 MB/s", mb_large / t_large >= 1)
    ratio = (t_large / mb_large) / (t_small / mb_small) * 10
    report.check("scaling: time(10x) / time(1x)", f"{ratio:.1f}x", "<= 12x", ratio <= 12)
    report.check(f"search_dates baseline{note}", f"{mb_small / t_base:.3f} MB/s", "(baseline)", True)
    report.check("speed-up over search_dates", f"{t_base / t_small:.0f}x", ">= 10x", t_base / t_small >= 10)
    peak, wall = cli_peak(text_large)
    report.check(f"CLI peak memory, {mb_large:.2f} MB input", f"{peak:.0f} MB", "< 200 MB", peak < 200)
    report.check(f"CLI wall time, {mb_large:.2f} MB input", f"{wall:.1f} s", "(info)", True)
    slower = machine_slowness(args.corpus, mb_small / t_base, report)
    figures = {"mb_small": mb_small, "seconds_small": t_small, "mb_large": mb_large, "seconds_large": t_large,
               "baseline_seconds_small": t_base, "peak_mb": peak, "cli_seconds": wall, "slower": slower, "hostile": {}}
    for name, text in hostile(small if args.quick else MB, texts).items():
        figures["hostile"][name] = hostile_run(name, text, report, slower)
    return figures


def machine_slowness(corpus: Path | None, baseline: float, report: Report) -> float:
    """How many times slower than the reference machine this one runs `search_dates` on the
    seed corpus (1.0 when the corpus is another: the reference was measured on the seeds)."""
    if corpus is not None or not (ROOT.parent / "shared/corpus/seeds").is_dir():
        report.check("time limits: not the seed corpus", "unscaled", "(info)", True)
        return 1.0
    slower = REFERENCE_BASELINE / baseline
    report.check("this machine, slower than the reference by", f"{slower:.2f}x", "(info)", True)
    return slower


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="directory of .txt files to build the corpus from")
    parser.add_argument("--quick", action="store_true", help="smaller sizes for a fast smoke run")
    parser.add_argument("--baseline-kb", type=int, default=1024, help="time search_dates on this many KB and extrapolate")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    report = Report()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {dt.date.today()}", flush=True)
    figures = measure(args, report)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    passed = len(report.rows) - report.failed
    print(f"bench extract: {passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
