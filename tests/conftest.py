"""Shared fixtures: a fixed clock, so no test depends on the day it runs."""

import contextlib
import datetime as dt
import socket
import threading
import time

import pytest

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@contextlib.contextmanager
def running(app):
    """Serve an ASGI app with uvicorn on a free 127.0.0.1 port in a thread; yields its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)  # waiting for the server to bind, not for time to pass
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def serving():
    """`with serving(app) as base_url:` runs the app on a real socket."""
    return running
