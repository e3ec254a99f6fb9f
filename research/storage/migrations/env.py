"""Alembic environment: runs the app's migrations against the URL set by `research.storage.database.upgrade`."""

from alembic import context
from sqlalchemy import create_engine, pool

from research.storage.tables import Base

config = context.config


def run_migrations() -> None:
    """Apply migrations online, in one transaction per migration run."""
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # upgrade() always sets it; alembic run by hand without it would fail in create_engine
        raise RuntimeError("no sqlalchemy.url: run migrations through research.storage.database.upgrade")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
