"""Alembic environment. Revisions in versions/ never import the live models; only this file
does, for ``alembic revision --autogenerate`` and the models-equal-migrations test."""

from __future__ import annotations

from alembic import context

from qualcode.db import make_engine
from qualcode.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    if connection.dialect.name != "sqlite":
        _migrate(connection)
        return
    # Batch mode rebuilds a table (create a copy, drop the original, rename): with foreign keys
    # on, dropping the original would cascade-delete every row that refers to it (a downgrade of
    # a column on projects would empty documents, codes and codings). The pragma only takes
    # effect outside a transaction, so it is set on the driver connection before Alembic begins,
    # and the keys are checked and switched back on afterwards.
    raw = connection.connection.driver_connection
    if connection.in_transaction():
        connection.commit()
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        _migrate(connection)
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # Batch mode recreates tables on SQLite, which cannot ALTER most things in place.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
