"""The feed server: an ASGI app (Starlette) over the curated store.

Routes: / (the web page), /calendars/<feed>.ics (with filters), /opportunities/<id>.ics,
/api/opportunities.json, /healthz. Every route parses its input, asks the `Catalog`, and formats the answer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import ical, public
from . import page
from .budget import RETRY_AFTER, Budget, Busy
from .catalog import Body, Catalog, _body
from .fast import App
from .filters import ID, BadQuery, Filters

CALENDAR = "text/calendar; charset=utf-8"
CACHE_CONTROL = "public, max-age=300, must-revalidate"
# The page needs no script at all; saying so stops injected markup from running any.
# No script, no framing (a page that lists defenders' hearings must not be dressed up by another site).
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
ICON = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="2" width="14" height="13" rx="2" '
        b'fill="#fff" stroke="#0b4f9c" stroke-width="1.5"/><rect x="1" y="2" width="14" height="4" fill="#0b4f9c"/></svg>')
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FEEDS = {feed.slug: feed for feed in ical.FEEDS}
UNDATED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # pages and lists are sent without validators


def _not_modified(request: Request, body: Body) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since only when it is absent."""
    tags = request.headers.get("if-none-match")
    if tags is not None:
        return tags.strip() == "*" or body.etag in [t.strip().removeprefix("W/") for t in tags.split(",")]
    since = request.headers.get("if-modified-since")
    if since:
        from email.utils import parsedate_to_datetime

        try:
            return body.modified_at.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _send(request: Request, body: Body, media_type: str, gzipped: bool = False) -> Response:
    headers = {"ETag": body.etag, "Last-Modified": body.last_modified, "Cache-Control": CACHE_CONTROL,
               "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff"}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    if _not_modified(request, body):
        return Response(status_code=304, headers=headers)
    content = b"" if request.method == "HEAD" else body.data
    response = Response(content, media_type=media_type, headers=headers)
    response.headers["Content-Length"] = str(len(body.data))
    return response


def _filters(request: Request) -> Filters:
    if not request.scope["query_string"]:  # what calendar clients send; parsing nothing costs more than the answer
        return Filters()
    return Filters.parse(request.query_params.multi_items(), len(request.url.query))


def _wants_gzip(request: Request) -> bool:
    """Whether the client accepts gzip: named with a weight above zero (`gzip;q=0` refuses it).

    >>> [_wants_gzip(Request({"type": "http", "headers": [(b"accept-encoding", v)]}))
    ...  for v in (b"gzip, br", b"br, gzip;q=0", b"GZIP;q=0.5", b"identity", b"gzip;q=0.000")]
    [True, False, True, False, False]
    """
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        name, _, params = part.partition(";")
        if name.strip() == "gzip":
            params = params.strip()
            weight = params[2:] if params.startswith("q=") else "1"
            try:
                return float(weight) > 0
            except ValueError:
                return False
    return False


def _templates():
    from jinja2 import Environment, PackageLoader, select_autoescape

    # Autoescaping matters: titles and quotes come from text anyone can publish.
    return Environment(loader=PackageLoader("bot.web"), autoescape=select_autoescape(default=True))


def _inside(error: str | None, root: Path) -> str | None:
    """A store error as the public may read it: paths from the store's own folder on, never the
    machine's folders above it (they name the operator and their layout)."""
    if error is None:
        return None
    for prefix in {str(Path(root).resolve()), str(root)}:
        error = error.replace(prefix.rstrip("/") + "/", "")
    return error


def unnamed_address(host: str, base_url: str | None) -> str | None:
    """A warning when the server is reachable from other machines but was not told the address
    people use: subscribe links then follow each request's Host header, which anyone can set
    (the page is then never cached publicly), and the bot's own links name the listening address.

    >>> unnamed_address("127.0.0.1", None), unnamed_address("0.0.0.0", "https://cal.example.org")
    (None, None)
    >>> unnamed_address("0.0.0.0", None).split(";")[0]
    'the feed server listens on 0.0.0.0 but has no public address'
    """
    if base_url or host in ("127.0.0.1", "::1", "localhost"):
        return None
    return (f"the feed server listens on {host} but has no public address; set PUBLIC_BASE_URL (bot run) or "
            "--base-url (serve) to the address subscribers use, e.g. https://calendar.example.org, so that "
            "subscribe links do not depend on what each request claims")


def _page(catalog: Catalog, template, filters: Filters, today: dt.date, public: str, error: str | None) -> Body:
    shown = page.view(catalog.reading.matching(filters), filters, today, public)
    shown.error = error
    html = template.render(v=shown, title="Opportunities for human rights defenders")
    return _body(html.encode("utf-8"), UNDATED)


def _listing(catalog: Catalog, filters: Filters) -> Body:
    records = sorted(catalog.selected(filters), key=lambda r: (str(r.get("start")), r["id"]))
    data = json.dumps({"opportunities": [public.record(r) for r in records]}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    return _body(data, UNDATED)


def create_app(root: Path, *, today: Callable[[], dt.date], rescan_every: float = 1.0,
               base_url: str | None = None, personal: Callable[[str], object] | None = None) -> Starlette:
    """The ASGI app serving the store at `root`; `today` is the clock that sets feed windows;
    `base_url` is the public address used in subscribe links (default: the request's own);
    `personal(token)` gives the chat behind a /feeds/<token>.ics address (the bot passes it)."""
    catalog = Catalog(root, today, rescan_every, scan_aside=True)  # requests never wait on a scan
    budget = Budget()  # nor on a render: those run in a thread, within bounds
    template = _templates().get_template("page.html")

    def unreadable() -> Response | None:
        """503 while the store has never been read whole. An empty calendar with 200 would make
        every subscriber's app delete the events it has; a 503 makes it keep them and try
        later. (Once read, a bad edit keeps the last good version: see Catalog.)"""
        catalog.refresh()
        if catalog.signature is not None or not catalog.error:
            return None
        return PlainTextResponse("the calendar store cannot be read just now; its operator can see why at /healthz\n",
                                 503, headers={"Retry-After": "300", "Cache-Control": "no-store"})

    async def home(request: Request) -> Response:
        """The browsable list with filters and subscribe links; a bad filter is shown, not raised."""
        if (down := unreadable()) is not None:
            return down
        public = base_url or str(request.base_url)
        try:
            filters, error = _filters(request), None
        except BadQuery as exc:
            filters, error = Filters(), f"That filter was not understood: {exc}. Showing everything."
        key = ("page", catalog.reading.generation, filters, today(), public, error)
        html = await rendered(key, lambda: _page(catalog, template, filters, today(), public, error))
        # Without a configured base URL the subscribe links come from the request's Host header,
        # which anyone can set: such a page must not sit in a shared cache for others to get.
        caching = "public, max-age=60" if base_url else "private, max-age=60"
        return Response(html.data, status_code=400 if error else 200, media_type="text/html",
                        headers={"Cache-Control": caching, "Content-Security-Policy": CSP,
                                 "X-Content-Type-Options": "nosniff"})

    async def rendered(key: tuple, work: Callable[[], Body]) -> Body:
        """A body from the cache, else worked out in the render thread and kept."""
        body = catalog.cache.get(key)
        if body is None:
            body = await budget.run(key, work)
            catalog.cache.put(key, body)
        return body

    async def calendar(request: Request) -> Response:
        """A feed, optionally filtered: /calendars/deadlines.ics?subtype=nomination."""
        feed = FEEDS.get(request.path_params["name"])
        if feed is None:
            return PlainTextResponse(f"no such calendar; try {', '.join(f'{s}.ics' for s in FEEDS)}\n", 404)
        if (down := unreadable()) is not None:
            return down
        gzipped, filters = _wants_gzip(request), _filters(request)
        body = catalog.cached(feed, filters, gzipped)
        if body is None:
            body = await budget.run(catalog.key(feed, filters, gzipped), lambda: catalog.feed(feed, filters, gzipped))
        return _send(request, body, CALENDAR, gzipped)

    async def single(request: Request) -> Response:
        """One opportunity as its own .ics, for "add this one"."""
        rid = request.path_params["rid"]
        if not ID.match(rid):
            return PlainTextResponse("not an opportunity id\n", 404)
        if (down := unreadable()) is not None:
            return down
        body = catalog.single(rid)
        return _send(request, body, CALENDAR) if body else PlainTextResponse("no such opportunity\n", 404)

    async def mine(request: Request) -> Response:
        """A chat's own feed: what its filters, follows and mutes let through. The token is the
        only key, so unknown and revoked ones look the same: 404."""
        token = request.path_params["token"]
        chat = personal(token) if personal is not None and TOKEN.match(token) else None
        if chat is None:
            return PlainTextResponse("no such feed (it may have been revoked; ask the bot for /feeds)\n", 404)
        if (down := unreadable()) is not None:
            return down
        body = await budget.run(("mine", token), lambda: catalog.personal(chat))
        response = _send(request, body, CALENDAR)
        response.headers["Cache-Control"] = "private, max-age=300, must-revalidate"
        return response

    async def listing(request: Request) -> Response:
        """The items of the window as JSON, with the same filters as the feeds."""
        if (down := unreadable()) is not None:
            return down
        filters = _filters(request)
        key = ("json", catalog.reading.generation, filters.key, today())
        body = await rendered(key, lambda: _listing(catalog, filters))
        return Response(body.data, media_type="application/json", headers={"Cache-Control": CACHE_CONTROL})

    async def health(request: Request) -> Response:
        catalog.refresh()
        status = 503 if catalog.error else 200
        return JSONResponse({"status": "error" if catalog.error else "ok", "items": len(catalog.records),
                             "error": _inside(catalog.error, root)}, status_code=status)

    async def icon(request: Request) -> Response:
        return Response(ICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})

    async def bad_query(request: Request, exc: BadQuery) -> Response:
        return PlainTextResponse(f"bad query: {exc}\n", 400)

    async def busy(request: Request, exc: Busy) -> Response:
        return PlainTextResponse("busy working out other filtered views; try again in a few seconds\n", 503,
                                 headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"})

    feeds = Route("/calendars/{name}.ics", calendar, methods=["GET", "HEAD"])
    routes = [
        Route("/", home, methods=["GET", "HEAD"]),
        Route("/favicon.svg", icon, methods=["GET", "HEAD"]),
        feeds,
        Route("/opportunities/{rid}.ics", single, methods=["GET", "HEAD"]),
        Route("/feeds/{token}.ics", mine, methods=["GET", "HEAD"]),
        Route("/api/opportunities.json", listing, methods=["GET", "HEAD"]),
        Route("/healthz", health, methods=["GET", "HEAD"]),
    ]
    return App(routes=routes, exception_handlers={BadQuery: bad_query, Busy: busy}, shortcut=feeds)
