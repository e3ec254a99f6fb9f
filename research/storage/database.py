"""The app database (SQLAlchemy): one engine and session factory, and the stores that share them.

SQLite in the data directory by default, PostgreSQL when RESEARCH_DATABASE_URL points to one. The schema
(`research/storage/tables.py`) is created and changed only by the Alembic migrations in
`research/storage/migrations`; opening the database upgrades it to the latest revision.

`accounts` (users, sign-in, matters, memberships), `tokens` (of the HTTP API), `browser_sessions` (of the app) and
`audit` (the trail) are the database's own; everything filed under a matter is reached only through
`workspace(user)`, whose stores (conversations, reviews, documents) are walled to the matters that user belongs
to. A new SQLite file and the uploads directory are created readable by their owner only.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import create_engine, delete, event, select
from sqlalchemy.orm import sessionmaker

from research.domain.accounts import Matter, NotAMember, Permission, User
from research.storage.accounts import AccountStore, SignInPolicy
from research.storage.audit import AuditLog, AuditRecord
from research.storage.conversations import ConversationStore
from research.storage.documents import DocumentStore
from research.storage.releases import ReleaseStore
from research.storage.reviews import ReviewStore
from research.storage.sessions import BrowserSessionStore
from research.storage.tables import (
    AnswerRow,
    CitationRow,
    ConversationRow,
    DocumentPassageRow,
    DocumentRow,
    GradeRow,
    MembershipRow,
    UserRow,
)
from research.storage.tokens import TokenStore
from research.storage.walls import Wall

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def upgrade(url: str) -> None:
    """Bring the database at `url` to the latest migration."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


@dataclass(frozen=True)
class Workspace:
    """What one signed-in user may see and do: each store is walled to the matters they belong to."""

    user: User
    conversations: ConversationStore
    reviews: ReviewStore
    documents: DocumentStore
    accounts: AccountStore
    audit: AuditLog

    def matters(self) -> list[Matter]:
        """The matters the user belongs to, by name."""
        return self.accounts.matters_of(self.user)

    def audit_records(self, matter: str | None, export_format: str) -> list[AuditRecord]:
        """A matter's audit records for a member or an admin (every matter's: admins only), noting the export in
        the trail."""
        user = self.accounts.refreshed(self.user)
        if matter is None:
            user.require(Permission.MANAGE_USERS)
        elif not user.can(Permission.MANAGE_MATTERS) and matter not in {m.name for m in self.matters()}:
            raise NotAMember(user.name, matter)
        records = list(self.audit.records(None if matter is None else [matter]))
        self.audit.record(user.name, "audit exported", matter or "", records=len(records), format=export_format)
        return records


def audit_key(path: Path) -> bytes:
    """The audit trail's key, kept in a file beside (not in) the database; created, owner-only, when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


class AppDatabase:
    """The app database: `accounts`, `audit`, and `workspace(user)` for everything filed under matters."""

    def __init__(self, url: str, files_dir: Path, key: bytes, migrate: bool = True,
                 policy: SignInPolicy | None = None, hasher: PasswordHasher | None = None,
                 reviews_required: int = 1):
        if url.startswith("sqlite:///"):
            _owner_only_file(Path(url.removeprefix("sqlite:///")))
        if migrate:
            upgrade(url)
        # pre-ping: a connection the server dropped (a restart, terminated backends) is replaced, not handed out
        self.engine = create_engine(url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.connect():  # WAL creates its side files now, with the process's umask: narrow them
                pass
            for side in ("-wal", "-shm"):
                side_file = Path(url.removeprefix("sqlite:///") + side)
                if side_file.exists():
                    side_file.chmod(0o600)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.files_dir = files_dir
        files_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.audit = AuditLog(self._sessions, key)
        self.accounts = AccountStore(self._sessions, self.audit, policy, hasher)
        self.tokens = TokenStore(self._sessions, self.audit)
        self.browser_sessions = BrowserSessionStore(self._sessions, self.audit)
        self.releases = ReleaseStore(self._sessions, self.audit)
        self.reviews_required = reviews_required

    def workspace(self, user: User) -> Workspace:
        """The walled stores acting for `user` (whose account is re-read at every action)."""
        wall = Wall(user)
        return Workspace(user, ConversationStore(self._sessions, wall, self.audit),
                         ReviewStore(self._sessions, wall, self.audit, self.reviews_required),
                         DocumentStore(self._sessions, wall, self.audit, self.files_dir), self.accounts, self.audit)

    def delete_matter(self, name: str, by: User) -> None:
        """Delete a matter and everything filed under it: conversations, answers, grades, documents and their
        files, memberships (by an admin); the audit trail keeps the fact and what it was."""
        from research.storage.accounts import UnknownMatter
        from research.storage.tables import MatterRow

        with self._sessions.begin() as session:
            actor = session.get(UserRow, by.id)
            if actor is None:
                raise UnknownMatter(f"No matter named {name!r}.")
            actor.to_user().require(Permission.MANAGE_MATTERS)
            matter = session.scalar(select(MatterRow).where(MatterRow.name == name.strip()))
            if matter is None:
                raise UnknownMatter(f"No matter named {name!r}.")
            conversations = select(ConversationRow.id).where(ConversationRow.matter_id == matter.id)
            answers = select(AnswerRow.id).where(AnswerRow.conversation_id.in_(conversations))
            files = list(session.scalars(select(DocumentRow.stored_name).where(DocumentRow.matter_id == matter.id)))
            counts = {"answers": len(list(session.scalars(answers))), "documents": len(files)}
            session.execute(delete(GradeRow).where(GradeRow.answer_id.in_(answers)))
            session.execute(delete(CitationRow).where(CitationRow.answer_id.in_(answers)))
            session.execute(delete(AnswerRow).where(AnswerRow.id.in_(answers)))
            session.execute(delete(ConversationRow).where(ConversationRow.matter_id == matter.id))
            session.execute(delete(DocumentPassageRow).where(DocumentPassageRow.matter_id == matter.id))
            session.execute(delete(DocumentRow).where(DocumentRow.matter_id == matter.id))
            session.execute(delete(MembershipRow).where(MembershipRow.matter_id == matter.id))
            session.delete(matter)
            self.audit.append(session, by.name, "matter deleted", matter.name, **counts)
        for stored_name in files:
            (self.files_dir / stored_name).unlink(missing_ok=True)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


def _owner_only_file(path: Path) -> None:
    """Create the SQLite file (and its directory) readable by the owner only, before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
