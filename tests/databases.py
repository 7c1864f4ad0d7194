"""Empty databases for tests: a new SQLite file, or a new schema in the PostgreSQL at
127.0.0.1:5432 (database `test`; HRD_TEST_POSTGRES overrides). When PostgreSQL is not reachable
the test is skipped with the reason; with REQUIRE_POSTGRES=1 (CI) it fails instead, so a test
that claims to run on both databases cannot quietly run on one."""

import contextlib
import functools
import os
import secrets

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("HRD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


@functools.cache
def _pg_admin() -> tuple[sa.Engine | None, str]:
    url = sa.make_url(PG_URL)
    where = f"{url.host}:{url.port or 5432} (database {url.database})"
    engine = sa.create_engine(url, poolclass=sa.NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as err:  # any failure to reach the server means: skip, saying why
        return None, f"PostgreSQL not reachable at {where}: {str(err).strip().splitlines()[0]}"
    return engine, ""


@contextlib.contextmanager
def database(backend, folder):
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'state' / 'bot.db'}"
        return
    admin, reason = _pg_admin()
    if admin is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (REQUIRE_POSTGRES=1 is set, so this is an error, not a skip)", pytrace=False)
        pytest.skip(reason)
    schema = f"test_state_{secrets.token_hex(6)}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
