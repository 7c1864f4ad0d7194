"""The request the feed server answers most: a whole feed, /calendars/<feed>.ics, polled by every
subscribed calendar client every few hours and mostly answered "304 Not Modified" from the
Catalog's cache. Starlette's middleware and router cost more than that answer itself, so `App`
hands such requests (GET or HEAD, no query) straight to the route's own endpoint: the same
function, hence the same status, headers and body. Every other request takes the usual way.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send


class App(Starlette):
    """Starlette with one route, `shortcut`, answered without the middleware stack and router."""

    def __init__(self, *, shortcut: Route, **kwargs):
        super().__init__(**kwargs)
        self.shortcut = shortcut

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["query_string"] and scope["method"] in ("GET", "HEAD"):
            match, child = self.shortcut.matches(scope)
            if match is Match.FULL:
                try:
                    response = await self.shortcut.endpoint(Request({**scope, **child, "app": self}, receive))
                except Exception:  # noqa: BLE001 — nothing is sent yet: the usual way handles (and reports) it
                    response = None
                if response is not None:
                    await response(scope, receive, send)
                    return
        await super().__call__(scope, receive, send)
