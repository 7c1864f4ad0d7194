"""A saved web page (HTML) read as the text the extractor expects, with what its markup says.

`read` turns the bytes of a page into its main text, without navigation, menus, cookie banners,
side bars or footers (trafilatura finds the main text), headed by the page's title and a blank
line, as a post is in a plain text file. Links are written out as ``anchor text
(https://absolute.url/…)`` so that the extractor's url field can find them; relative links are
resolved against ``<base href>``, else the page's canonical address, its ``og:url`` or the
"saved from url" note a browser writes at the top of a saved page. The publication date comes
from the page's markup only: its ``<meta>`` tags (``article:published_time`` and the like), its
JSON-LD ``datePublished``, the date in its address, or a ``<time>`` element, read by htmldate;
never from the clock and never from dates in the running text, where deadlines are.

Nothing is fetched over the network: trafilatura and htmldate are handed a parsed tree, never
an address. A page where trafilatura finds no main text (a tiny page, a form) is read as its
visible text through the standard library's html.parser instead, with a warning.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

SUFFIXES = (".html", ".htm", ".xhtml")
SNIFF_BYTES = 1024
# What a page may open with: blanks, comments and an XML declaration, then one of these tags.
_HTML_START = re.compile(
    rb"(?:\s|<!--.{0,1000}?-->|<\?xml[^>]{0,200}>)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
CHARSET_BYTES = 8192  # where a charset declaration is looked for
_CHARSET = re.compile(
    rb"<meta[^>]{0,500}?charset\s*=\s*[\"']?\s*([a-z0-9_:.()-]{1,40})"
    rb"|<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([a-z0-9_.:-]{1,40})", re.I)
# Labels that browsers read as another encoding (the WHATWG Encoding Standard): a page that says
# ISO-8859-1 is read as Windows-1252, one that says UTF-16 without a BOM as UTF-8.
_BROWSER_CODEC = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254",
                  "utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8"}
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]{1,2000}?)\s*-->", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000\ufffe\uffff]")  # what lxml refuses, and our mark
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # HTML white space; a no-break space stays
_RELATIVE = "\ue000"  # marks a relative link that nothing resolves (a private-use character)
_TAG = re.compile(r"<[^<>]{0,2000}>")
MAX_URL = 2000  # a longer link is left out of the text (no page needs one; a hostile page might)
MAX_TITLE = 300
# Less main text than this and trafilatura itself falls back on a rough dump of the page without
# its links; its visible text, links and all, serves better then (250 is trafilatura's own bound).
MIN_MAIN_TEXT = 250
# trafilatura's time grows with the square of a page's elements (40,000: some 7 s here, 80,000:
# 30 s); a larger page is read as its visible text. Past MAX_PAGE_CHARS no tree is built at all
# (a parsed page takes some 40 times its size in memory).
MAX_ELEMENTS = 40_000
MAX_PAGE_CHARS = 20_000_000
EARLIEST = dt.date(1995, 1, 1)  # no web page was published before this (htmldate's bound too)
LATEST = dt.date(9999, 12, 31)  # the bound when the caller gives no `latest`: never the clock
_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "readability")


@dataclass(frozen=True)
class Webpage:
    """What `read` makes of a page: `text` is the title, a blank line, then the main text."""

    text: str
    title: str | None = None
    base_url: str | None = None
    published: dt.date | None = None
    published_from: str | None = None  # where the date was read, for the user
    charset: str = "utf-8"
    warnings: tuple[str, ...] = ()


def has_suffix(name: str) -> bool:
    """Whether a file name says HTML.

    >>> has_suffix("call.HTM"), has_suffix("call.txt")
    (True, False)
    """
    return name.lower().endswith(SUFFIXES)


def looks_like_html(data: bytes) -> bool:
    """Whether `data` opens as an HTML page (after any BOM, blanks, comments or XML declaration).

    >>> looks_like_html(b"\\xef\\xbb\\xbf  <!DOCTYPE html><title>x</title>"), looks_like_html(b"<header> is a tag")
    (True, False)
    """
    head = data[:SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data[:2 * SNIFF_BYTES].decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return _HTML_START.match(head) is not None


def decode(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """(text, codec, warnings) of a page's bytes: its BOM, else the charset its markup declares,
    else UTF-8, else Windows-1252 with a warning. Labels are read as browsers read them.

    >>> decode('<meta charset="iso-8859-1"><p>d\\xe9fenseur \\x80'.encode("latin-1"))[:2]
    ('<meta charset="iso-8859-1"><p>défenseur €', 'cp1252')
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), codec, ()
    declared = _declared_codec(data[:CHARSET_BYTES])
    if declared is not None and declared[1] != "utf-8":
        label, codec = declared
        try:
            return data.decode(codec), codec, ()
        except UnicodeDecodeError as exc:
            return data.decode(codec, errors="replace"), codec, (
                f"not valid {label} as it declares (byte {exc.start}); unreadable bytes replaced",)
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError as exc:
        said = "declares UTF-8 but is" if declared else "declares no charset and is"
        return data.decode("cp1252", errors="replace"), "cp1252", (
            f"{said} not valid UTF-8 (byte {exc.start}); read as Windows-1252",)


def _declared_codec(head: bytes) -> tuple[str, str] | None:
    """(label, Python codec) of the charset the page's markup declares, if Python knows it."""
    for match in _CHARSET.finditer(head):
        label = (match.group(1) or match.group(2)).decode("ascii").lower()
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            continue
        return label, _BROWSER_CODEC.get(codec, codec)
    return None


@contextmanager
def _quiet_libraries():
    """The libraries log what they skip at WARNING and ERROR; what matters is said by `read`'s
    own warnings, so their loggers are silenced while it runs, and restored after."""
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def read(data: bytes | str, *, latest: dt.date | None = None) -> Webpage:
    """The page in `data` as text for the extractor, with its title, address and publication date.

    `latest` is the last day a publication date may fall on (the caller's today; one day more is
    allowed for time zones): a later date in the markup is no publication date.
    """
    html, charset, warnings = decode(data) if isinstance(data, bytes) else (data, "utf-8", ())
    if _CONTROL.search(html):
        html = _CONTROL.sub("", html)
    latest = min(latest + dt.timedelta(days=1), LATEST) if latest and latest < LATEST else LATEST
    base = published = published_from = title = body = None
    if len(html) > MAX_PAGE_CHARS:
        warnings += (f"{len(html):,} characters, more than the {MAX_PAGE_CHARS:,} whose markup is read for "
                     "the main text and the date: read as its visible text",)
    elif html.strip():
        with _quiet_libraries():
            try:
                from trafilatura import load_html  # imported here: only pages need trafilatura

                tree = load_html(html)
                if tree is not None:
                    base = _base_url(tree, html)
                    _resolve_links(tree, base)
                    published, published_from = _published(tree, base, latest)
                    if (elements := sum(1 for _ in tree.iter())) > MAX_ELEMENTS:
                        warnings += (f"{elements} elements, more than the {MAX_ELEMENTS} read for the main text "
                                     "in good time: read as its visible text",)
                    else:
                        title, body = _main_text(tree, latest)
                        if len(body or "") < MIN_MAIN_TEXT:
                            warnings += (f"little or no main text found ({len(body or '')} characters: a form or "
                                         "a tiny page?); the page's visible text is read instead",)
                            body = None
                else:
                    warnings += ("no HTML markup found; read as its visible text",)
            except Exception as exc:  # noqa: BLE001 -- lxml or a library on a hostile page: say so, read on
                warnings += (f"the page's markup could not be read for its main text ({type(exc).__name__}); "
                             "read as its visible text",)
    if not body:
        title, body = _VisibleText(base).read(html)
    if body and (relative := body.count(_RELATIVE)):
        body = body.replace(_RELATIVE, "")
        warnings += (f"{relative} relative link(s) in the text and no address in the page (<base href>, "
                     "canonical or og:url) to resolve them against: their addresses are left out",)
    return Webpage(_with_title(title, body), title, base, published, published_from, charset, warnings)


def _with_title(title: str | None, body: str | None) -> str:
    if title and body:
        return f"{title}\n\n{body}\n"
    return f"{title or body}\n" if title or body else ""


def _main_text(tree, latest: dt.date) -> tuple[str | None, str | None]:
    """(title, main text) as trafilatura finds them; no text when it finds none."""
    from trafilatura import bare_extraction

    # Its own date search runs too (for its metadata): bounded here, so that it never reads the clock.
    window = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d",
              "min_date": EARLIEST.isoformat(), "max_date": latest.isoformat()}
    found = bare_extraction(tree, with_metadata=True, include_links=True, include_comments=False,
                            include_tables=True, include_images=False, date_extraction_params=window)
    if found is None or found.body is None:
        return None, None
    title = _clean_title(found.title)
    return title, _render(found.body, title) or None


def _absolute(url: str | None) -> str | None:
    """`url` if it is an http(s) address of sensible length, else None."""
    url = (url or "").strip()
    if len(url) > MAX_URL:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # an address urllib cannot split ("http://[::1")
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _join(base: str | None, href: str | None) -> str | None:
    try:
        return _absolute(urljoin(base, href or "") if base else href)
    except ValueError:
        return None


def _is_relative(href: str) -> bool:
    """A link to resolve against the page's address ("form.html", "/apply", "//host/x")."""
    return bool(href) and not href.startswith("#") and not _SCHEME.match(href)


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,30}:", re.I)


def _base_url(tree, html: str) -> str | None:
    """The address relative links are resolved against: <base href>, else the canonical link,
    else og:url, else the "saved from url" note of a browser's saved copy."""
    page = None
    for link in tree.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            page = _join(None, link.get("href"))
            break
    if page is None:
        for meta in tree.iterfind(".//meta[@content]"):
            if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
                page = _join(None, meta.get("content"))
                break
    if page is None and (saved := _SAVED_FROM.search(html, 0, 4096)):
        page = _join(None, saved.group(1))
    base = tree.find(".//base[@href]")
    if base is not None and (href := (base.get("href") or "").strip()):
        return _join(page, href) or page
    return page


def _resolve_links(tree, base: str | None) -> None:
    """Every <a href> made absolute against `base` (trafilatura would resolve a relative link
    against the site's root only); mailto: links keep their address, relative links without a
    base stay as they are."""
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href[:7].lower() == "mailto:":
            anchor.set("href", "mailto:" + unquote(href[7:].split("?")[0]))
        elif _absolute(href):
            continue
        elif _is_relative(href) and base and (url := _join(base, href)):
            anchor.set("href", url)
        elif _is_relative(href) and not base:
            continue
        else:  # "#top", javascript:, tel:, data:, overlong
            anchor.attrib.pop("href", None)


def _published(tree, base: str | None, latest: dt.date) -> tuple[dt.date | None, str | None]:
    """The page's publication date from its markup, and where it was read.

    htmldate's layers are asked one at a time, strongest first, so that the user can be told
    which one answered; its search of the running text is never used, since a call's deadline
    or a hearing's date there is no publication date.
    """
    from htmldate.core import examine_header, examine_time_elements
    from htmldate.extractors import extract_url_date, json_search
    from htmldate.utils import Extractor

    options = Extractor(extensive=False, original=True, format="%Y-%m-%d",
                        max=dt.datetime(latest.year, latest.month, latest.day),
                        min=dt.datetime(EARLIEST.year, EARLIEST.month, EARLIEST.day))
    # A date no <meta> tag holds came from htmldate's reserves (a copyright year read as 1 January,
    # a date in og:url): too rough, or asked again below.
    layers = (
        (lambda: examine_header(tree, options), lambda found: _meta_named(tree, found)),
        (lambda: json_search(tree, options), lambda found: "the page's JSON-LD datePublished"),
        (lambda: extract_url_date(base, options), lambda found: f"the page's address ({base})"),
        (lambda: examine_time_elements(tree, options), lambda found: "a <time> element of the page"),
    )
    for layer, where in layers:
        found = layer()
        if found and (source := where(found)):
            try:
                return dt.date.fromisoformat(found), source
            except ValueError:
                continue
    return None, None


def _meta_named(tree, found: str) -> str | None:
    """Which <meta> tag holds the date `found`, as the user would look for it."""
    for meta in tree.iterfind(".//meta"):
        value = (meta.get("content") or meta.get("datetime") or "").replace("-", "").replace("/", "")
        if found.replace("-", "") in value:
            for attribute in ("property", "name", "itemprop", "http-equiv", "pubdate"):
                if meta.get(attribute):
                    return f'the page\'s <meta {attribute}="{_clean(meta.get(attribute))[:60]}">'
    return None


def _clean_title(title: str | None) -> str | None:
    """One line, no markup (a <title> may hold tags as text), at most MAX_TITLE characters."""
    if not title:
        return None
    title = _clean(_TAG.sub(" ", title).replace("<", " ").replace(">", " "))
    return title[:MAX_TITLE].strip() or None


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


# trafilatura's body: <p>, <head>, <list>/<item>, <table>/<row>/<cell>, <quote>, <code>, inline
# <hi>, <ref target>, <del>, <lb/>. Blocks are separated by a blank line, a heading by a single
# line break from what it heads, as in the plain text files the extractor reads.
_CONTAINERS = frozenset({"body", "div", "quote", "item", "cell", "list", "table", "row", "doc", "main"})
_LEAVES = frozenset({"p", "head", "quote", "code", "item", "cell"})
_BLOCKS = _CONTAINERS | _LEAVES


def _render(body, title: str | None) -> str:
    blocks = _blocks(body)
    if blocks and title and blocks[0][1].lower() == title.lower():
        blocks = blocks[1:]  # the page's heading repeats its title
    out: list[str] = []
    for index, (kind, text) in enumerate(blocks):
        if index:
            out.append("\n" if blocks[index - 1][0] == "head" else "\n\n")
        out.append(text)
    return "".join(out).strip()


def _blocks(body) -> list[tuple[str, str]]:
    """(kind, text) of each block under `body`, in order, walked without recursion: a hostile
    page may nest deep."""
    blocks: list[tuple[str, str]] = []
    stack: list = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, str):  # the text after a container, between blocks
            if text := _clean(node):
                blocks.append(("p", text))
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "list":
            lines = [line for item in node.iterchildren("item") if (line := _inline(item))]
            if lines:
                blocks.append(("list", "\n".join(f"- {line}" for line in lines)))
        elif tag == "table":
            rows = (" | ".join(c for cell in row.iterchildren("cell") if (c := _inline(cell)))
                    for row in node.iter("row"))
            if rows := [row for row in rows if row]:
                blocks.append(("list", "\n".join(rows)))
        elif tag in _LEAVES and not any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in node):
            if text := _inline(node):
                blocks.append(("head" if tag == "head" else "p", text))
        elif tag in _BLOCKS or node is body:  # its own text, then its blocks
            if node is not body and node.tail:
                stack.append(node.tail)
            stack.extend(reversed(list(node)))
            if text := _clean(node.text):
                blocks.append(("p", text))
            continue
        elif tag and tag not in ("graphic", "lb"):  # inline markup between blocks
            if text := _inline(node):
                blocks.append(("p", text))
        if node is not body and node.tail:
            stack.append(node.tail)
    return blocks


def _inline(node) -> str:
    """The text of `node` and all inside it, links written out, <lb/> as a line break."""
    parts: list[str] = []
    stack: list = [(node, False)]
    while stack:
        item, closing = stack.pop()
        tag = item.tag if isinstance(item.tag, str) else ""
        if closing:
            if tag == "ref" and (shown := _link(item)):
                parts.append(shown)
            if item is not node and item.tail:
                parts.append(_SPACE.sub(" ", item.tail))
            continue
        if tag == "lb":
            parts.append("\n")
        elif tag != "graphic" and item.text:
            parts.append(_SPACE.sub(" ", item.text))
        stack.append((item, True))
        stack.extend((child, False) for child in reversed(list(item)))
    lines = (_clean(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _link(ref) -> str | None:
    """" (url)" to follow a link's anchor text, unless the text already says it."""
    target = (ref.get("target") or "").strip()
    shown = _clean("".join(ref.itertext()))
    if target.startswith("mailto:"):
        address = target[7:]
        return f" ({address})" if "@" in address and address not in shown else None
    url = _absolute(target)
    if url is None and _is_relative(target):
        return _RELATIVE  # counted and taken out by `read`, which says so
    if url is None or url in shown or url.split("://", 1)[1].rstrip("/") == shown.rstrip("/"):
        return None
    return f" ({url})"


class _VisibleText(HTMLParser):
    """Text a browser would show, through the standard library's parser: no script, style or
    template; blocks on lines of their own; links written out as on the main path."""

    SKIPPED = frozenset({"script", "style", "template", "svg", "math", "noscript"})
    BLOCKS = frozenset({
        "address", "article", "aside", "blockquote", "br", "button", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "label", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "select",
        "summary", "table", "textarea", "tr", "ul"})
    LINES = frozenset({"br", "li", "tr", "option", "dt", "dd", "label"})  # a line break, not a paragraph

    def __init__(self, base: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.base, self.page = base, None
        self.skipping = 0
        self.in_title = False
        self.links: list[tuple[str, int]] = []  # open <a>: (href, where its text starts in parts)

    def read(self, html: str) -> tuple[str | None, str | None]:
        try:
            self.feed(_defused(html))
            self.close()
        except (AssertionError, ValueError, RecursionError):  # html.parser's complaints on broken markup
            pass
        title = _clean_title("".join(self.title))
        paragraphs = [_clean_lines(p) for p in re.split(r"\n[ \t\r\f\v]*\n", "".join(self.parts))]
        paragraphs = [p for p in paragraphs if p]
        if paragraphs and title and paragraphs[0].lower() == title.lower():
            paragraphs = paragraphs[1:]
        return title, "\n\n".join(paragraphs) or None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
            return
        named = dict(attrs)
        if tag == "title":
            self.in_title = True
        elif tag == "base" and self.base is None:
            self.base = _join(None, named.get("href"))
        elif tag == "link" and "canonical" in (named.get("rel") or "").lower().split():
            self.page = self.page or _join(None, named.get("href"))
        elif tag == "a" and not self.skipping:
            self.links.append(((named.get("href") or "").strip(), len(self.parts)))
        if tag in self.BLOCKS:
            self.parts.append("\n" if tag in self.LINES else "\n\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag not in self.SKIPPED and tag != "a":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag == "title":
            self.in_title = False
        elif tag == "a" and self.links and not self.skipping:
            href, start = self.links.pop()
            shown = _clean("".join(self.parts[start:]))
            if href.lower().startswith("mailto:"):
                address = unquote(href[7:].split("?")[0])
                if "@" in address and address not in shown:
                    self.parts.append(f" ({address})")
            elif _absolute(href) or _is_relative(href) and (self.base or self.page):
                url = _join(self.base or self.page, href)
                if url and url not in shown:
                    self.parts.append(f" ({url})")
            elif _is_relative(href):
                self.parts.append(_RELATIVE)
        if tag in self.BLOCKS:
            self.parts.append("\n" if tag in self.LINES else "\n\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        (self.title if self.in_title else self.parts).append(_SPACE.sub(" ", data))


def _clean_lines(text: str) -> str:
    lines = (_clean(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_UNTERMINATED_TAG = re.compile(r"<(?=[^<>]*(?:<|\Z))")


def _defused(html: str) -> str:
    """`html` with every markup opener that is never closed written as text ("&lt;").

    html.parser of Python releases before mid-2025 (3.11.7 here) rescans the rest of the page for
    each unterminated tag, comment or marked section when it reaches the end: 134 s for a hostile
    page of 3 MB, and the square of that for larger ones. A browser shows such an opener as text
    or hides the rest of the page; the visible text loses little either way.
    """
    html = _UNTERMINATED_TAG.sub("&lt;", html)
    for opener, closer in (("<!--", "-->"), ("<![", "]>")):
        last = html.rfind(closer)
        start = html.find(opener, last + 1 if last >= 0 else 0)
        if start >= 0:
            html = html[:start] + html[start:].replace(opener, "&lt;" + opener[1:])
    return html
