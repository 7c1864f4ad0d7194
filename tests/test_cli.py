"""The command line: output, exit codes and messages for users' mistakes."""

import datetime as dt
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main

TODAY = dt.date(2026, 11, 24)
POST = ("Call for applications: Shelter programme\n\nNovember 20, 2026\n\n"
        "Applications are open until 15 January 2027. Write to shelter@example.org.\n")


def _run(argv, capsys):
    code = main(argv, today=TODAY)
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_prints_yaml(tmp_path, capsys):
    source = tmp_path / "post.txt"
    source.write_text(POST, encoding="utf-8")
    code, out, err = _run(["extract", str(source)], capsys)
    assert code == 0 and err == ""
    [item] = yaml.safe_load(out)["opportunities"]
    assert item["kind"] == "deadline" and item["start"] == "2027-01-15" and item["all_day"] is True
    assert list(item)[:4] == ["id", "kind", "subtype", "title"]
    assert item["sources"][0]["document"] == str(source)


def test_output_file_is_written_whole(tmp_path, capsys):
    source, out_path = tmp_path / "post.txt", tmp_path / "out" / "items.yaml"
    source.write_text(POST, encoding="utf-8")
    code, out, _ = _run(["extract", str(source), "-o", str(out_path)], capsys)
    assert code == 0 and out == ""
    assert yaml.safe_load(out_path.read_text())["opportunities"][0]["contact"] == "shelter@example.org"
    assert [p.name for p in out_path.parent.iterdir()] == ["items.yaml"]  # no temporary file left


def test_dash_as_output_means_standard_output(tmp_path, capsys, monkeypatch):
    source = tmp_path / "post.txt"
    source.write_text(POST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(["extract", str(source), "-o", "-"], capsys)
    assert code == 0 and yaml.safe_load(out)["opportunities"]
    assert not (tmp_path / "-").exists()


def test_output_to_a_pipe_is_written_into_it_not_replaced(tmp_path, capsys):
    """`-o /dev/null` or `-o /dev/stdout`: a pipe or a device is written to as it is. Renaming a
    new file over it (the atomic write a regular file gets) would put a plain file in its place,
    for /dev/null as root for every program on the machine. A FIFO stands in for the device."""
    source, pipe = tmp_path / "post.txt", tmp_path / "items.pipe"
    source.write_text(POST, encoding="utf-8")
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # a reader waiting, as a shell's would be
    try:
        code, out, err = _run(["extract", str(source), "-o", str(pipe)], capsys)
        assert code == 0 and out == "" and err == ""
        assert stat.S_ISFIFO(os.stat(pipe).st_mode)
        assert yaml.safe_load(os.read(reader, 1 << 16))["opportunities"][0]["start"] == "2027-01-15"
    finally:
        os.close(reader)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["items.pipe", "post.txt"]  # no temporary file left


def test_same_input_same_bytes(tmp_path, capsys):
    source = tmp_path / "post.txt"
    source.write_text(POST * 3, encoding="utf-8")
    first = _run(["extract", str(source)], capsys)[1]
    assert first == _run(["extract", str(source)], capsys)[1]


def test_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(POST.encode())))
    code, out, _ = _run(["extract", "-"], capsys)
    assert code == 0 and "2027-01-15" in out


def test_published_is_the_reference_for_undated_text(tmp_path, capsys):
    source = tmp_path / "a.txt"
    source.write_text("The court will hear the appeal on 17 March.", encoding="utf-8")
    code, out, _ = _run(["extract", str(source), "--published", "2027-02-01"], capsys)
    assert yaml.safe_load(out)["opportunities"][0]["start"] == "2027-03-17"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["extract", "x.txt", "--published", "2026-02-31"], "not a date"),
        (["extract", "x.txt", "--tz", "Mars/Olympus"], "not an IANA time zone"),
        (["extract", "x.txt", "--lang", "english!"], "the extractor reads ar, be, bg, cs, da, de, en, es"),
        (["extract", "x.txt", "--lang", "xx"], "not 'xx'; leave --lang out to detect the language"),
        (["extract", "x.txt", "--max-mb", "-1"], "not a size from 1 to 200 MB: '-1'"),
        (["extract", "x.txt", "--max-mb", "100000000"], "not a size from 1 to 200 MB"),
        (["extract", "x.txt", "--max-mb", "0"], "not a size from 1 to 200 MB"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv, today=TODAY)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.timeout(20)
def test_a_pipe_as_input_is_refused_not_waited_on(tmp_path, capsys):
    fifo = tmp_path / "feed.txt"
    os.mkfifo(fifo)
    code, _, err = _run(["extract", str(fifo)], capsys)
    assert code == 1 and "is a pipe or a device, not a text file" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.7\x00\x01\x02binary", "binary"),
        (bytes(range(256)) * 10, "binary"),
    ],
)
def test_binary_input_fails_cleanly(tmp_path, capsys, content, message):
    source = tmp_path / "doc.pdf"
    source.write_bytes(content)
    code, out, err = _run(["extract", str(source)], capsys)
    assert code == 1 and message in err and "Traceback" not in err
    assert yaml.safe_load(out) == {"opportunities": []}


def test_missing_file_and_good_file(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(POST, encoding="utf-8")
    code, out, err = _run(["extract", str(tmp_path / "missing.txt"), str(good)], capsys)
    assert code == 1 and "no such file" in err
    assert len(yaml.safe_load(out)["opportunities"]) == 1  # the good file is not lost


def test_failed_job_leaves_previous_output_untouched(tmp_path, capsys):
    out_path = tmp_path / "items.yaml"
    out_path.write_text("previous: true\n")
    source = tmp_path / "bin.dat"
    source.write_bytes(b"\x00" * 100)
    code, _, _ = _run(["extract", str(source), "-o", str(out_path)], capsys)
    assert code == 1 and out_path.read_text() == "previous: true\n"


def test_too_large_file_is_refused(tmp_path, capsys):
    source = tmp_path / "big.txt"
    source.write_text("word " * 300_000)
    code, _, err = _run(["extract", str(source), "--max-mb", "1"], capsys)
    assert code == 1 and "larger than 1 MB" in err


def test_empty_and_non_utf8_input_warn(tmp_path, capsys):
    empty, latin = tmp_path / "empty.txt", tmp_path / "latin.txt"
    empty.write_text("")
    latin.write_bytes("Date limite : 30 avril 2027 pour les candidatures. Réf. été".encode("cp1252"))
    code, out, err = _run(["extract", str(empty), str(latin)], capsys)
    assert code == 0
    assert "empty document" in err and "not valid UTF-8" in err
    assert yaml.safe_load(out)["opportunities"][0]["start"] == "2027-04-30"


def test_module_entry_point_runs(tmp_path):
    source = tmp_path / "post.txt"
    source.write_text(POST, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "extract", str(source)], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=60)
    assert done.returncode == 0 and "opportunities:" in done.stdout


PAGES = Path(__file__).parent / "data" / "webpages"


def test_html_page_is_read_as_its_main_text_not_as_markup(tmp_path, capsys):
    """Read as plain text, this page gave the title '<!DOCTYPE html>' and the page's own address."""
    code, out, err = _run(["extract", str(PAGES / "ngo-call.html")], capsys)
    [item] = yaml.safe_load(out)["opportunities"]
    assert code == 0 and (item["kind"], item["subtype"], item["start"]) == ("deadline", "nomination", "2027-01-15")
    assert item["url"] == "https://harbour-rights.example.org/news/lantern-award-2027/apply/form.html"
    assert item["sources"][0]["post_title"] == "Call for nominations: Lantern Award 2027"
    assert item["contact"] == "lantern@harbour-rights.example.org" and "<" not in item["evidence"]
    assert err == (f"warning: {PAGES / 'ngo-call.html'}: publication date 2026-11-02 from the page's "
                   '<meta property="article:published_time"> (--published overrides it)\n')


# page, options: the items' (kind, start, url), and the warnings about the page
HTML_CASES = [
    ("jsonld-hearing.html", [], [("hearing", "2026-03-17", None)],
     ["publication date 2026-03-02 from the page's JSON-LD datePublished "
      "(--published overrides it)"]),
    ("jsonld-hearing.html", ["--published", "2027-02-01"], [("hearing", "2027-03-17", None)],
     ["--published 2027-02-01 used, not the page's 2026-03-02 from the page's JSON-LD "
      "datePublished"]),
    ("jsonld-hearing.html", ["--published", "2026-03-02"], [("hearing", "2026-03-17", None)], []),
    ("appel-cp1252.html", [], [("deadline", "2027-02-12", "https://ligue-rivieres.example.fr/appels/formulaire/2027")],
     ["publication date 2026-11-05 from the page's <meta name=\"date\"> (--published overrides it)"]),
    ("form-only.html", [], [("deadline", "2026-12-04", "https://safe-monitors.example.org/training/")],
     ["little or no main text found (95 characters: a form or a tiny page?); "
      "the page's visible text is read instead",
      "no publication date in the page's markup; pass --published if undated passages need one"]),
    ("title-tags.html", [], [("hearing", "2027-02-09T09:30+00:00", "https://trial-watch.example.org/observe/")],
     ["publication date 2026-11-12 from a <time> element of the page (--published overrides it)"]),
    ("undated.html", ["-q"], [("deadline", "2027-01-30", None)], []),
]


@pytest.mark.parametrize("name, options, items, warnings", HTML_CASES)
def test_html_pages(name, options, items, warnings, capsys):
    code, out, err = _run(["extract", str(PAGES / name), *options], capsys)
    found = yaml.safe_load(out)["opportunities"]
    assert code == 0 and [(i["kind"], i["start"], i["url"]) for i in found] == items
    assert err.splitlines() == [f"warning: {PAGES / name}: {warning}" for warning in warnings]
    for item in found:
        assert not set("<>") & set(item["title"] + (item["sources"][0]["post_title"] or ""))


def test_html_on_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((PAGES / "appel-cp1252.html").read_bytes())))
    code, out, err = _run(["extract", "-"], capsys)
    [item] = yaml.safe_load(out)["opportunities"]
    assert code == 0 and item["start"] == "2027-02-12" and item["sources"][0]["document"] == "<stdin>"
    assert item["title"].startswith("Résidence pour défenseures des droits – ")
    assert err.startswith("warning: <stdin>: publication date 2026-11-05")


def test_html_by_content_whatever_the_name(tmp_path, capsys):
    source = tmp_path / "saved-page.txt"
    source.write_bytes((PAGES / "ngo-call.html").read_bytes())
    code, out, _ = _run(["extract", str(source), "--published", "2026-11-02"], capsys)
    [item] = yaml.safe_load(out)["opportunities"]
    assert code == 0 and item["url"].endswith("/apply/form.html") and "<" not in item["title"]


@pytest.mark.parametrize("name, content, code, message", [
    ("scan.html", b"%PDF-1.7\x00\x01\x02binary", 1, "error: {}: looks like a binary file"),
    ("hostile.html", b"<!DOCTYPE html><html><body>" + b"<![CDATA[>" * 50_000 + b"<div>" * 50_000, 0, ""),
    ("nul.html", b"<html><body><p>Apply by 5 May 2027.\x00</p>" + b"\x00" * 5000, 0, ""),
])
def test_hostile_or_wrong_html_ends_cleanly(tmp_path, capsys, name, content, code, message):
    source = tmp_path / name
    source.write_bytes(content)
    got, out, err = _run(["extract", str(source)], capsys)
    assert got == code and message.format(source) in err and "Traceback" not in err
    assert all(line.startswith(("warning: ", "error: ")) for line in err.splitlines())
    assert "opportunities:" in out


def test_html_through_the_module_entry_point_logs_nothing_else(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bot", "extract", str(PAGES / "form-only.html"),
                           str(PAGES / "ngo-call.html")], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=60)
    assert done.returncode == 0 and "opportunities:" in done.stdout
    assert done.stderr and all(line.startswith("warning: ") for line in done.stderr.splitlines())


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from bot import cli

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert cli._progress(3) is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert cli._progress(1) is None
    assert cli._progress(3) is not None


@pytest.mark.parametrize("argv, warned", [
    (["serve", "--host", "0.0.0.0"], True),
    (["serve", "--host", "0.0.0.0", "--base-url", "https://calendar.example.org"], False),
    (["serve"], False),
])
def test_serve_on_a_public_address_without_its_name_warns(tmp_path, capsys, monkeypatch, argv, warned):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.append(options))
    code, _, err = _run(argv + ["--store", str(tmp_path)], capsys)
    assert code == 0 and started[0]["http"] == "bot.web.guard:GuardedProtocol"
    assert ("PUBLIC_BASE_URL" in err) == warned
