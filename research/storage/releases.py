"""Which ingest the API nodes serve: the database records the published artifact version, and a node whose own
index files are of another version refuses to serve (research.api.server checks at readiness and per request).

The lexical indexes, the catalogue and the model files are immutable artifacts of one ingest, copied to every
node; mutable state lives only in the database (and a Chroma server). Publishing is an admin's act, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import Permission, User
from research.storage.audit import AuditLog
from research.storage.tables import IndexReleaseRow, utc, utc_now
from research.storage.walls import Wall


@dataclass(frozen=True)
class IndexRelease:
    """A published ingest."""

    version: str
    published_at: datetime
    published_by: str


class IndexMismatch(RuntimeError):
    """This node's index is not the published one."""


class ReleaseStore:
    """The published index version."""

    def __init__(self, sessions: sessionmaker[Session], audit: AuditLog):
        self._sessions = sessions
        self._audit = audit

    def published(self) -> IndexRelease | None:
        """The newest published release, or None before the first."""
        with self._sessions() as session:
            row = session.scalars(select(IndexReleaseRow).order_by(IndexReleaseRow.id.desc()).limit(1)).first()
            return None if row is None else IndexRelease(row.version, utc(row.published_at), row.published_by)

    def publish(self, version: str, by: User | None) -> IndexRelease:
        """Make `version` the one every node must serve (an admin; None: the first node of a new database)."""
        with self._sessions.begin() as session:
            if by is not None:
                Wall(by).allow(session, Permission.MANAGE_CORPUS)  # the account as it is now, as every store does
            name = by.name if by is not None else "first API node"
            row = IndexReleaseRow(version=version, published_at=utc_now(), published_by=name)
            session.add(row)
            self._audit.append(session, name, "index published", "", version=version)
            return IndexRelease(version, utc(row.published_at), name)

    def check(self, version: str) -> IndexRelease:
        """The release this node may serve: the published one when `version` is it (the first node of a new
        database publishes its own); IndexMismatch otherwise."""
        release = self.published() or self.publish(version, None)
        if release.version != version:
            raise IndexMismatch(f"this node's index is version {version}, the database's published index is "
                                f"{release.version} (published {release.published_at:%Y-%m-%d %H:%M} UTC by "
                                f"{release.published_by}): copy that ingest here, or publish this one with "
                                "`research index publish --as ADMIN`")
        return release
