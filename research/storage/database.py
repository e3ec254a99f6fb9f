"""The app database (SQLAlchemy): one engine and session factory, and the stores that share them.

SQLite in the data directory by default, PostgreSQL when RESEARCH_DATABASE_URL points to one. The schema
(`research/storage/tables.py`) is created and changed only by the Alembic migrations in
`research/storage/migrations`; opening the database upgrades it to the latest revision. Conversations and their
answers are kept by `ConversationStore`, attorney review of the answers by `ReviewStore`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from research.storage.conversations import ConversationStore
from research.storage.reviews import ReviewStore

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def upgrade(url: str) -> None:
    """Bring the database at `url` to the latest migration."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


class AppDatabase:
    """The app database: `conversations` (filing and history) and `reviews` (grades and approvals)."""

    def __init__(self, url: str, migrate: bool = True):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        if migrate:
            upgrade(url)
        self.engine = create_engine(url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.conversations = ConversationStore(sessions)
        self.reviews = ReviewStore(sessions)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
