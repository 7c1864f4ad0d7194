"""A guard on the feed server's connections: uvicorn's HTTP protocol with three bounds it lacks.

A request's head (request line and headers) must arrive whole within `head_seconds` of the
connection opening or of its first byte, and within `head_bytes`; uvicorn times out only idle
keep-alive connections, so a client that sends one header line every few seconds (slowloris)
held its connection, and its file descriptor, for ever. And at most `connections` are open at
once: past that, the connection that has waited longest for its head is closed to make room,
so a crowd of slow clients cannot lock out the calendar apps that ask and go.

Used as uvicorn's `http` protocol (`GuardedProtocol`, or `guarded(Limits(...))` in tests).
"""

from __future__ import annotations

import asyncio
import functools
import resource
from dataclasses import dataclass

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Calendar apps send heads of a few hundred bytes, at once; a browser's, with cookies, a few KB.
HEAD_BYTES = 16 * 1024
HEAD_SECONDS = 10.0
CONNECTIONS = 2000
SPARE_FILES = 64  # descriptors kept for the store, the database and logs when connections are capped
REFUSED = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
           b"retry-after: 5\r\nconnection: close\r\ncontent-length: 12\r\n\r\ntoo crowded\n")
TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
             b"connection: close\r\ncontent-length: 24\r\n\r\nrequest head too large.\n")


@dataclass(frozen=True)
class Limits:
    head_seconds: float = HEAD_SECONDS
    head_bytes: int = HEAD_BYTES
    connections: int = CONNECTIONS


def open_files(wanted: int = 65536) -> int:
    """Raise this process's limit of open files towards `wanted` (up to the hard limit): Docker
    and systemd often start services at 1,024, which a thousand clients exhaust. The limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass  # not allowed here: the cap on connections below follows the limit we have
    return soft


@functools.cache  # read once per process and limits: it is asked at every new connection
def connection_cap(limits: Limits) -> int:
    """The most connections to keep open: the limit asked, and room for the files we need.
    Servers raise their open-files limit (`open_files`) before they accept connections."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return limits.connections if soft == resource.RLIM_INFINITY else max(1, min(limits.connections, soft - SPARE_FILES))


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with the head bounds and the connection cap above."""

    limits = Limits()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self.head_timer: asyncio.TimerHandle | None = None
        self.head_since, self.head_bytes = 0.0, 0
        super().connection_made(transport)
        if len(self.connections) > connection_cap(self.limits) and not self._make_room():
            transport.write(REFUSED)
            transport.close()
            return
        self._await_head()

    def data_received(self, data: bytes) -> None:
        if self.head_timer is not None or self.cycle is None or self.cycle.response_complete:
            self.head_bytes += len(data)
            if self.head_bytes > self.limits.head_bytes:
                self._stop_waiting()
                self.transport.write(TOO_LARGE)
                self.transport.close()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._await_head()

    def on_headers_complete(self) -> None:
        self._stop_waiting()
        self.head_bytes = 0
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        if self.head_timer is None:
            self.head_since = self.loop.time()
            self.head_timer = self.loop.call_later(self.limits.head_seconds, self._too_slow)

    def _stop_waiting(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _too_slow(self) -> None:
        self.head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> bool:
        """Close the connection that has waited longest for a head (a slow one, or an idle
        keep-alive one, whose client simply reconnects); False if every other one is busy."""
        spare = [c for c in self.connections if c is not self and c._spare()]
        if not spare:
            return False
        oldest = min(spare, key=lambda c: c.head_since)
        oldest._stop_waiting()
        oldest.transport.close()
        return True

    def _spare(self) -> bool:
        idle = self.cycle is None or self.cycle.response_complete
        return not self.transport.is_closing() and (self.head_timer is not None or idle)


def guarded(limits: Limits) -> type[GuardedProtocol]:
    """The protocol class with other limits (tests use short ones)."""
    return type("GuardedProtocol", (GuardedProtocol,), {"limits": limits})
