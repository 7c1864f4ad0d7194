"""Alembic environment for the bot's state (see bot.state.migrate).

There is no alembic.ini: `bot.state.alembic_config()` builds the Config in code. `migrate(url)`
hands over an open connection in `config.attributes["connection"]`, already inside the one
transaction the whole upgrade runs in. Alembic's own commands (a new revision with
`command.revision(alembic_config(url), message, autogenerate=True)`) pass only the URL.
"""

from alembic import context

from bot import state


def run(connection) -> None:
    # Batch mode lets future revisions alter SQLite tables (it rebuilds them); harmless elsewhere.
    context.configure(connection=connection, target_metadata=state.Base.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("offline (--sql) migrations are not supported; use bot.state.migrate(url)")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        return run(connection)
    engine = state.migration_engine(context.config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as connection:
            run(connection)
    finally:
        engine.dispose()


# pytest --doctest-modules imports every module under bot/; run only when alembic loads us.
if hasattr(context, "config"):
    main()
