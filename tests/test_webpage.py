"""Saved web pages (bot.webpage and its use by bot.intake): main text, links, title, date, charset.

The pages are in tests/data/webpages/ (written for these tests; see the README there) or below.
No test reads the clock: every call that bounds a date passes TODAY, and no test opens a socket.
"""

import datetime as dt
import socket
import time
from pathlib import Path

import pytest

from bot import intake, webpage

PAGES = Path(__file__).parent / "data" / "webpages"
TODAY = dt.date(2026, 11, 24)
BOUND = 10  # seconds for a hostile page: ten times what the slowest takes, far below a quadratic run


def page(head: str = "", body: str = "", *, doctype: str = "<!DOCTYPE html>") -> bytes:
    """A small page whose article is long enough for trafilatura to take it as the main text."""
    filler = ("<p>The network documents attacks on defenders of land and water in the valley and publishes "
              "a short note on each case, with the names of those who agreed to be named.</p>")
    return f"{doctype}<html><head><meta charset='utf-8'>{head}</head><body><article>{body}{filler}{filler}" \
           f"</article></body></html>".encode()


# file: what read() makes of it
FILES = {
    "ngo-call.html": dict(
        title="Call for nominations: Lantern Award 2027", published=dt.date(2026, 11, 2),
        source='<meta property="article:published_time">', charset="utf-8",
        present=["Nominations are open until 15 January 2027.",
                 "apply here (https://harbour-rights.example.org/news/lantern-award-2027/apply/form.html)"],
        absent=["cookies", "Donate", "About us", "All rights reserved", "Vigil held", "tracker", "Legal notice"],
        warnings=[]),
    "appel-cp1252.html": dict(
        title="Appel à candidatures : résidence pour défenseures des droits", published=dt.date(2026, 11, 5),
        source='<meta name="date">', charset="cp1252",
        present=["jusqu'au 12 février 2027", "bourse de 1 500 €",
                 "déposer une candidature (https://ligue-rivieres.example.fr/appels/formulaire/2027)",
                 "l'équipe de la résidence (residence@ligue-rivieres.example.fr)"],
        absent=["cookies", "Accueil", "Mentions légales", "Ã"],
        warnings=[]),
    "jsonld-hearing.html": dict(
        title="Appeal of the river defenders: hearing date set", published=dt.date(2026, 3, 2),
        source="JSON-LD datePublished", charset="utf-8",
        present=["The appeals court will hear the case on 17 March."],
        absent=["Trials", "Reports", "monitors trials", "schema.org"],
        warnings=[]),
    "title-tags.html": dict(
        title="Trial of the nine postponed to 2027", published=dt.date(2026, 11, 12),
        source="<time> element", charset="utf-8",
        present=["open on 9 February 2027 at 9:30", "join the mission (https://trial-watch.example.org/observe/)"],
        absent=["<", ">"],
        warnings=[]),
    "form-only.html": dict(
        title="Register: security training for community monitors", published=None, source=None, charset="utf-8",
        present=["Register by 4 December 2026 for the online security training "
                 "(https://safe-monitors.example.org/training/).", "Send"],
        absent=["never shown", "querySelector"],
        warnings=["little or no main text found (95 characters: a form or a tiny page?); "
                  "the page's visible text is read instead"]),
    "undated.html": dict(
        title="Small grants for defenders at risk", published=None, source=None, charset="utf-8",
        present=["accepted until 30 January 2027. Read the guidelines before writing"],
        absent=["Home", "guidelines.html"],
        warnings=["1 relative link(s) in the text and no address in the page (<base href>, canonical or og:url) "
                  "to resolve them against: their addresses are left out"]),
}


@pytest.mark.parametrize("name", FILES)
def test_saved_pages(name):
    want = FILES[name]
    got = webpage.read((PAGES / name).read_bytes(), latest=TODAY)
    assert got.title == want["title"]
    assert got.text.startswith(want["title"] + "\n\n") and got.text.count(want["title"]) == 1
    assert (got.published, got.charset) == (want["published"], want["charset"])
    assert (want["source"] or "") in (got.published_from or "")
    for text in want["present"]:
        assert text in got.text
    for text in want["absent"]:
        assert text not in got.text
    assert list(got.warnings) == want["warnings"]


@pytest.mark.parametrize("data, html", [
    (b"<!DOCTYPE html><html><p>x", True),
    (b"<!doctype HTML>", True),
    (b"\xef\xbb\xbf\n  <html lang='fr'>", True),
    (b"\t<HEAD><title>x</title>", True),
    (b"<body>text", True),
    (b"<!-- saved from url=(0031)https://rights.example.org/ -->\n<html>", True),
    (b"<?xml version='1.0' encoding='utf-8'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>", True),
    ("<!DOCTYPE html><html>".encode("utf-16"), True),
    (b"<header> is a tag; this is a note about it", False),
    (b"Call for nominations\n\n<html> tags are explained below", False),
    (b"<p>a fragment</p>", False),
    (b" " * 2000 + b"<html>", False),  # only the first KB is looked at
    (b"", False),
])
def test_sniffing(data, html):
    assert webpage.looks_like_html(data) is html


@pytest.mark.parametrize("data, text, codec, warning", [
    ("<meta charset=windows-1252><p>Défense €".encode("cp1252"), "<p>Défense €", "cp1252", None),
    ('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>\xe9\x80'.encode("latin-1"),
     "<p>é€", "cp1252", None),  # as browsers read it: ISO-8859-1 means Windows-1252
    ("\ufeff<meta charset=windows-1252><p>Défense".encode("utf-8"), "<p>Défense", "utf-8", None),  # the BOM wins
    ("<p>Défense".encode("utf-8"), "<p>Défense", "utf-8", None),
    ("<p>Défense".encode("cp1252"), "<p>Défense", "cp1252", "declares no charset and is not valid UTF-8"),
    ("<meta charset=utf-8><p>Défense".encode("cp1252"), "<p>Défense", "cp1252", "declares UTF-8 but is not valid"),
    ("<meta charset=klingon><p>Défense".encode("utf-8"), "<p>Défense", "utf-8", None),
    ("<?xml version='1.0' encoding='iso-8859-15'?><p>€uro".encode("iso-8859-15"), "<p>€uro", "iso8859-15", None),
    ("<meta charset=utf-16><p>Défense".encode("utf-8"), "<p>Défense", "utf-8", None),
])
def test_charset(data, text, codec, warning):
    decoded, got_codec, warnings = webpage.decode(data)
    assert decoded.endswith(text) and got_codec == codec
    assert (not warnings) if warning is None else (len(warnings) == 1 and warning in warnings[0])


@pytest.mark.parametrize("head, body, published, source", [
    ("<meta property='article:published_time' content='2026-10-20T10:00:00+02:00'>", "", "2026-10-20",
     "article:published_time"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-09-14"}</script>', "",
     "2026-09-14", "JSON-LD"),
    ("<link rel='canonical' href='https://rights.example.org/2026/08/03/statement/'>", "", "2026-08-03",
     "address (https://rights.example.org/2026/08/03/statement/)"),
    ("", "<p>Posted <time pubdate datetime='2026-07-01'>1 July</time></p>", "2026-07-01", "<time>"),
    # a date after today + 1 is no publication date
    ("<meta property='article:published_time' content='2027-05-01'>", "", None, None),
    ("<meta property='article:published_time' content='2026-11-25T23:00:00+13:00'>", "", "2026-11-25",
     "article:published_time"),  # today in a time zone ahead
    # dates in the running text are deadlines and hearings, not the page's date
    ("", "<p>Apply by 12 October 2026. The hearing of 3 March 2025 was adjourned.</p>", None, None),
    ("", "<h1>Statement of 4 May 2026</h1>", None, None),
    ("<meta itemprop='copyrightYear' content='2026'>", "", None, None),  # a year is no date (htmldate: 1 January)
    ("", "", None, None),
])
def test_publication_date_from_markup_only(head, body, published, source):
    got = webpage.read(page(head, body), latest=TODAY)
    assert got.published == (dt.date.fromisoformat(published) if published else None)
    assert (source or "") in (got.published_from or "") and (got.published_from is None) == (source is None)


def test_no_bound_is_no_clock():
    """Without `latest` no date is refused for lying ahead of the clock: the clock is never read."""
    got = webpage.read(page("<meta property='article:published_time' content='2090-01-02'>"))
    assert got.published == dt.date(2090, 1, 2)


LINKED = ("<p>Send the form (<a href='{href}'>apply here</a>) before the end of the month, "
          "or <a href='mailto:desk@rights.example.org?subject=call'>write to us</a>.</p>")


@pytest.mark.parametrize("head, href, shown", [
    ("<base href='https://rights.example.org/calls/2026/'>", "form.html",
     "apply here (https://rights.example.org/calls/2026/form.html)"),
    ("<base href='sub/'><link rel='canonical' href='https://rights.example.org/calls/'>", "form.html",
     "apply here (https://rights.example.org/calls/sub/form.html)"),  # a relative base, against the page's address
    ("<link rel='alternate canonical' href='https://rights.example.org/calls/one/'>", "../two/form.html",
     "apply here (https://rights.example.org/calls/two/form.html)"),
    ("<meta property='og:url' content='https://rights.example.org/calls/one/'>", "/apply?x=1&y=2",
     "apply here (https://rights.example.org/apply?x=1&y=2)"),
    ("", "https://other.example.org/apply", "apply here (https://other.example.org/apply)"),
    ("", "javascript:void(0)", "(apply here)"),
    ("", "#form", "(apply here)"),
    ("<base href='https://rights.example.org/'>", "http://[::1", "(apply here)"),  # no address urllib can read
    ("<base href='https://rights.example.org/'>", "/" + "x" * 3000, "(apply here)"),  # overlong: left out
])
def test_links_are_written_out_absolute(head, href, shown):
    got = webpage.read(page(head, LINKED.format(href=href)), latest=TODAY)
    assert shown in got.text
    assert "write to us (desk@rights.example.org)" in got.text


def test_saved_from_url_note_serves_as_address():
    data = b"<!-- saved from url=(0039)https://rights.example.org/calls/open/ -->\n" + page(
        body=LINKED.format(href="form.html"), doctype="")
    assert "apply here (https://rights.example.org/calls/open/form.html)" in webpage.read(data, latest=TODAY).text


def test_link_whose_text_is_its_address_is_not_repeated():
    body = "<p>Details at <a href='https://rights.example.org/call'>https://rights.example.org/call</a>.</p>"
    got = webpage.read(page(body=body), latest=TODAY)
    assert "Details at https://rights.example.org/call." in got.text


def test_nothing_goes_over_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a web page must be read offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for path in sorted(PAGES.glob("*.html")):
        assert webpage.read(path.read_bytes(), latest=TODAY).text


def test_blocks_are_paragraphs_and_headings_head_their_text():
    body = ("<h2>How to apply</h2><p>Fill in the form.<br>Attach two letters.</p>"
            "<ul><li>Deadline: 15 January 2027</li><li>Results: March 2027</li></ul>"
            "<table><tr><td>Round</td><td>Closes</td></tr><tr><td>First</td><td>1 May 2027</td></tr></table>")
    text = webpage.read(page("<title>Small grants</title>", body), latest=TODAY).text
    assert text.startswith("Small grants\n\nHow to apply\nFill in the form.\nAttach two letters.\n\n")
    assert "- Deadline: 15 January 2027\n- Results: March 2027" in text
    assert "Round | Closes\nFirst | 1 May 2027" in text


def test_libraries_stay_quiet(caplog):
    with caplog.at_level("DEBUG"):
        webpage.read(b"<html><body><p>x</p></body></html>", latest=TODAY)
        webpage.read(b"<html>", latest=TODAY)
    assert not [r for r in caplog.records if r.name.split(".")[0] in ("trafilatura", "htmldate", "courlan")]


SIZE = 1_000_000
HOSTILE = {
    "deep nesting": b"<html><body>" + b"<div>" * 100_000 + b"Apply by 5 May 2027" + b"</div>" * 100_000,
    "deep inline": b"<html><body><p>" + b"<b><i>" * 50_000 + b"Apply by 5 May 2027",
    # 2 MB of these took html.parser a minute before bot.webpage._defused
    "unterminated marked sections": b"<!DOCTYPE html><html><body>" + b"<![CDATA[>" * (2 * SIZE // 10),
    "unterminated comments": b"<html><body><p>Apply by 5 May 2027</p>" + b"<!-- >" * (SIZE // 6),
    "unterminated tags": b"<html><body>" + b"<a " * (SIZE // 3),
    "declarations": b"<html><body>" + b"<!" * SIZE,
    "angle brackets": b"<html><body>" + b"<" * SIZE,
    "NUL and control bytes": b"<html><body><p>Apply\x00 by\x01 5 May\x1b 2027</p>" + b"\x00\x07" * 1000,
    "unclosed script": b"<html><body><p>Apply by 5 May 2027</p><script>" + b"</scrip" * (SIZE // 7),
    "giant attribute": b"<html><body><p title='" + b"a" * SIZE + b"'>Apply by 5 May 2027</p>",
    "giant title": b"<html><head><title>" + b"Title <b>x</b> " * (SIZE // 15) + b"</title>",
    "many meta dates": b"<html><head>" + b"<meta name='date' content='not a date'>" * 20_000 + b"</head>",
    "undecodable": b"<html><body>" + bytes(range(128, 256)) * (SIZE // 128),
    "only a doctype": b"<!DOCTYPE html>",
    "empty": b"",
}


@pytest.mark.timeout(BOUND * 3)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_pages_are_read_without_error_in_bounded_time(name):
    start = time.monotonic()
    got = webpage.read(HOSTILE[name], latest=TODAY)
    assert time.monotonic() - start < BOUND
    assert all("\n" not in warning for warning in got.warnings)
    assert "\x00" not in got.text and (got.title is None or "<" not in got.title and ">" not in got.title)
    if b"Apply by 5 May 2027" in HOSTILE[name]:
        assert "5 May 2027" in got.text


def test_page_with_more_elements_than_the_bound_is_read_as_visible_text(monkeypatch):
    monkeypatch.setattr(webpage, "MAX_ELEMENTS", 20)
    got = webpage.read((PAGES / "ngo-call.html").read_bytes(), latest=TODAY)
    assert "Nominations are open until 15 January 2027." in got.text and "apply/form.html" in got.text
    assert got.published == dt.date(2026, 11, 2)  # the markup is still read for its date
    assert [w for w in got.warnings if "elements, more than the 20 read for the main text" in w]


def test_page_larger_than_the_bound_is_read_as_visible_text_without_a_tree(monkeypatch):
    monkeypatch.setattr(webpage, "MAX_PAGE_CHARS", 1000)
    got = webpage.read((PAGES / "ngo-call.html").read_bytes(), latest=TODAY)
    assert "Nominations are open until 15 January 2027." in got.text and got.published is None
    assert got.warnings[0].startswith("2,155 characters, more than the 1,000 whose markup is read")


def test_markup_the_parser_refuses_is_read_as_visible_text(monkeypatch):
    import trafilatura

    def refuse(*args, **kwargs):
        raise ValueError("not HTML")

    monkeypatch.setattr(trafilatura, "load_html", refuse)
    got = webpage.read((PAGES / "ngo-call.html").read_bytes(), latest=TODAY)
    assert "Nominations are open until 15 January 2027." in got.text
    assert got.warnings == ("the page's markup could not be read for its main text (ValueError); "
                            "read as its visible text",)


# intake: how a file or standard input comes to be read as a page
@pytest.mark.parametrize("name, data, html", [
    ("call.html", (PAGES / "ngo-call.html").read_bytes(), True),
    ("call.txt", (PAGES / "ngo-call.html").read_bytes(), True),  # sniffed
    ("<stdin>", (PAGES / "ngo-call.html").read_bytes(), True),
    ("fragment.htm", b"<p>Apply by <b>5 May 2027</b>.</p>", True),  # the name says so
    ("page.XHTML", b"<p>x</p>", True),
    ("notes.txt", b"Apply by 5 May 2027. <b> marks bold text.", False),
])
def test_intake_reads_pages_by_name_or_content(name, data, html):
    document = intake.decode(name, data, today=TODAY)
    assert document.html is html
    assert ("<" in document.text) is (not html)


def test_intake_still_refuses_binary_named_html():
    with pytest.raises(intake.InputError, match="looks like a binary file"):
        intake.decode("scan.html", b"%PDF-1.7\x00\x01\x02" * 100, today=TODAY)


def test_intake_keeps_its_old_callers_working():
    document = intake.decode("notes.txt", "Apply by 5 May 2027.".encode())
    assert document == intake.Document("notes.txt", "Apply by 5 May 2027.")
    assert (document.published, document.published_from, document.html) == (None, None, False)


def test_intake_carries_the_page_date_and_its_source(tmp_path):
    path = tmp_path / "hearing.html"
    path.write_bytes((PAGES / "jsonld-hearing.html").read_bytes())
    document = intake.read_document(str(path), today=TODAY)
    assert document.published == dt.date(2026, 3, 2) and "JSON-LD" in document.published_from
    assert document.text.startswith("Appeal of the river defenders: hearing date set\n\n")


def test_empty_page_is_an_empty_document(tmp_path):
    path = tmp_path / "empty.html"
    path.write_bytes(b"")
    assert intake.read_document(str(path), today=TODAY).warnings == (f"{path}: empty document",)
