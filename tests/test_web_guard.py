"""The feed server's connection guard (bot.web.guard), on a real uvicorn server over TCP on
127.0.0.1: oversized heads are refused, a crowd of slow clients cannot lock out a calendar
app, and a head that never completes is cut off (that last one with a stand-in for the
loop's timer, so no test waits for time to pass)."""

import asyncio
import socket

import pytest
import uvicorn

from bot.web import guard

HEAD = b"GET /feed HTTP/1.1\r\nHost: cal.example.org\r\nUser-Agent: Calendar/1.0\r\n\r\n"


def _app(held: asyncio.Event):
    async def app(scope, receive, send):
        if scope["path"] == "/hold":
            await held.wait()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})
    return app


@pytest.fixture
async def server():
    """(port, held) of a guarded server with small limits; `held` releases /hold requests."""
    held = asyncio.Event()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    limits = guard.Limits(head_seconds=60, head_bytes=2048, connections=5)
    config = uvicorn.Config(_app(held), lifespan="off", log_level="critical", http=guard.guarded(limits))
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve(sockets=[sock]))
    while not instance.started:
        await asyncio.sleep(0.001)
    yield sock.getsockname()[1], held
    held.set()
    instance.should_exit = True
    await task
    sock.close()


async def _ask(port: int, head: bytes = HEAD) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)
    answer = await reader.read(4096)
    writer.close()
    return answer


async def _open(port: int, start: bytes):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(start)
    await writer.drain()
    return reader, writer


HEADS = [  # (what a client sends, how the guard answers)
    (HEAD, b"HTTP/1.1 200"),
    (b"GET /feed HTTP/1.1\r\nHost: x\r\nCookie: " + b"a" * 1900 + b"\r\n\r\n", b"HTTP/1.1 200"),
    (b"GET /feed HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 3000 + b"\r\n\r\n", b"HTTP/1.1 431"),
    (b"GET /feed HTTP/1.1\r\n" + b"X-Many: b\r\n" * 400 + b"\r\n", b"HTTP/1.1 431"),
]


@pytest.mark.parametrize("head, expected", HEADS)
async def test_request_heads_past_the_size_limit_are_refused(server, head, expected):
    port, _ = server
    assert (await _ask(port, head)).startswith(expected)


async def test_slow_clients_at_the_cap_make_room_for_a_calendar_app(server):
    port, _ = server
    slow = [await _open(port, b"GET /feed HTTP/1.1\r\nHost: x\r\n") for _ in range(5)]  # heads never finished
    assert (await _ask(port)).startswith(b"HTTP/1.1 200")
    assert (await _ask(port)).startswith(b"HTTP/1.1 200")
    closed = [await reader.read(100) == b"" for reader, _ in slow[:2]]
    assert closed == [True, True]  # the two that had waited longest were let go
    for _, writer in slow:
        writer.close()


async def test_when_every_connection_is_busy_a_new_one_is_told_to_come_back(server):
    port, held = server
    busy = [await _open(port, b"GET /hold HTTP/1.1\r\nHost: x\r\n\r\n") for _ in range(5)]
    await asyncio.sleep(0)  # let the server take the five requests in
    for _ in range(100):
        answer = await _ask(port)
        if answer.startswith(b"HTTP/1.1 503"):
            break
        await asyncio.sleep(0.01)  # the server may not have read all five heads yet
    assert answer.startswith(b"HTTP/1.1 503") and b"retry-after: 5" in answer.lower()
    held.set()
    assert [(await reader.read(100)).startswith(b"HTTP/1.1 200") for reader, _ in busy] == [True] * 5
    for _, writer in busy:
        writer.close()


class _Loop:
    """The protocol's loop, as far as its timer goes: time stands still until a test moves it."""

    def __init__(self):
        self.now, self.timers, self.started = 1000.0, [], []

    def time(self):
        return self.now

    def call_later(self, delay, callback):
        handle = asyncio.TimerHandle(self.now + delay, callback, (), self)
        self.timers.append(handle)
        return handle

    def fire(self, until):
        self.now = until
        for handle in [h for h in self.timers if h.when() <= until and not h.cancelled()]:
            handle._run()

    def get_debug(self):
        return False

    def _timer_handle_cancelled(self, handle):
        pass

    def create_task(self, coroutine):
        """The request's task: noted, not run (nothing here runs the app)."""
        coroutine.close()
        self.started.append(coroutine)
        return _Task()


class _Task:
    def add_done_callback(self, callback):
        pass


class _Transport(asyncio.Transport):
    def __init__(self):
        super().__init__()
        self.closed, self.sent = False, b""

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8080)}.get(name, default)

    def write(self, data):
        self.sent += data

    def close(self):
        self.closed = True

    def is_closing(self):
        return self.closed

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


def _protocol(loop):
    async def app(scope, receive, send):
        pass
    limits = guard.Limits(head_seconds=10, head_bytes=2048, connections=5)
    config = uvicorn.Config(app, lifespan="off", http=guard.guarded(limits))
    protocol = guard.guarded(limits)(config=config, server_state=uvicorn.server.ServerState(), app_state={}, _loop=loop)
    transport = _Transport()
    protocol.connection_made(transport)
    return protocol, transport


@pytest.mark.parametrize("lines, seconds_between, cut_after", [
    ([], 0, 10),                                               # connects and says nothing
    ([b"GET /calendars/all.ics HTTP/1.1\r\n"] + [b"X-a: b\r\n"] * 5, 4, 10),  # one header line every 4 s
    ([b"G", b"E", b"T"], 3, 10),                              # a byte at a time
])
def test_a_head_that_does_not_arrive_in_time_is_cut_off(lines, seconds_between, cut_after):
    loop = _Loop()
    protocol, transport = _protocol(loop)
    start = loop.now
    for line in lines:
        if loop.now + seconds_between >= start + cut_after:
            break
        loop.fire(loop.now + seconds_between)
        protocol.data_received(line)
        assert not transport.closed
    loop.fire(start + cut_after - 0.01)
    assert not transport.closed
    loop.fire(start + cut_after)
    assert transport.closed


def test_a_complete_head_stops_the_clock():
    loop = _Loop()
    protocol, transport = _protocol(loop)
    loop.fire(loop.now + 9)
    protocol.data_received(HEAD)  # complete: the request goes to the app, and no timer is left
    assert len(loop.started) == 1 and protocol.head_timer is None
    loop.fire(loop.now + 60)
    assert not transport.closed
