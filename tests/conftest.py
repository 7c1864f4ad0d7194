"""Shared fixtures: a fixed clock, so no test depends on the day it runs."""

import datetime as dt

import pytest

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def today() -> dt.date:
    return TODAY
