"""A matter's private documents: the file on disk, its text, and its passages' vectors, walled like the rest.

Walled: the store acts for one user, and a document, its text and its passages are read, searched and deleted only
within the matters that user belongs to (research/storage/walls.py); the public index never holds them. Adding
writes the file (owner-only) first and removes it again if the database rows cannot be written, so a failure
leaves nothing half-stored; deleting removes the rows and the file, and the audit keeps the fact.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import AccessDenied, Permission
from research.storage.audit import AuditLog
from research.storage.tables import DocumentPassageRow, DocumentRow, utc, utc_now
from research.storage.walls import Wall


class DocumentNotFound(LookupError):
    """No document has this id."""


@dataclass(frozen=True)
class StoredDocument:
    """A private document as stored: its text and page offsets are what its quotes refer to."""

    id: int
    matter: str
    filename: str
    media_type: str
    size: int
    pages: int
    text: str
    page_starts: tuple[int, ...]
    uploaded_by: str
    uploaded_at: datetime

    @property
    def authority_id(self) -> str:
        """The id its citations carry ("doc:12")."""
        return f"doc:{self.id}"


@dataclass(frozen=True)
class PassageHit:
    """A passage of a private document that matched a question, with its cosine similarity."""

    document: StoredDocument
    start: int
    end: int
    similarity: float


def document_id_of(authority_id: str) -> int | None:
    """12 for "doc:12"; None for a corpus authority."""
    prefix, _, number = authority_id.partition(":")
    return int(number) if prefix == "doc" and number.isdigit() else None


def private_file(path: Path, data: bytes) -> None:
    """Write `data` to a new file readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


class DocumentStore:
    """One user's view of the private documents of their matters."""

    def __init__(self, sessions: sessionmaker[Session], wall: Wall, audit: AuditLog, files_dir: Path):
        self._sessions = sessions
        self._wall = wall
        self._audit = audit
        self._files = files_dir

    def check_upload(self, matter: str) -> None:
        """NotAMember (or AccessDenied) unless the user may upload to the matter: checked before any parsing."""
        with self._sessions() as session:
            self._wall.enter_by_name(session, Permission.UPLOAD, matter)

    def add(self, matter: str, filename: str, data: bytes, media_type: str, text: str, page_starts: tuple[int, ...],
            spans: list[tuple[int, int]], vectors: np.ndarray) -> StoredDocument:
        """Store a parsed document of a matter the user belongs to, with its passages' (normalised) vectors."""
        if len(spans) != len(vectors) or not spans:
            raise ValueError("A document needs at least one passage, and one vector per passage.")
        with self._sessions.begin() as session:
            matter_row = self._wall.enter_by_name(session, Permission.UPLOAD, matter)
            stored_name = f"{matter_row.id}/{uuid.uuid4().hex}"
            path = self._files / stored_name
            private_file(path, data)
            try:
                row = DocumentRow(matter_id=matter_row.id, filename=filename, media_type=media_type,
                                  sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                                  pages=len(page_starts), text=text, page_starts=list(page_starts),
                                  stored_name=stored_name, uploaded_by=self._wall.user.name, uploaded_at=utc_now())
                session.add(row)
                session.flush()
                vectors = np.asarray(vectors, dtype=np.float32)
                for (start, end), vector in zip(spans, vectors, strict=True):
                    session.add(DocumentPassageRow(document_id=row.id, matter_id=matter_row.id, start=start, end=end,
                                                   vector=vector.tobytes()))
                self._audit.append(session, self._wall.user.name, "document uploaded", matter_row.name,
                                   document_id=row.id, filename=filename, sha256=row.sha256, size=len(data),
                                   passages=len(spans))
                session.flush()
                return _stored(row, matter_row.name)
            except BaseException:
                path.unlink(missing_ok=True)
                raise

    def documents(self, matter: str) -> list[StoredDocument]:
        """The documents of a matter the user belongs to, newest first."""
        with self._sessions() as session:
            matter_row = self._wall.enter_by_name(session, Permission.SEE, matter)
            rows = session.scalars(select(DocumentRow).where(DocumentRow.matter_id == matter_row.id)
                                   .order_by(DocumentRow.uploaded_at.desc(), DocumentRow.id.desc()))
            return [_stored(r, matter_row.name) for r in rows]

    def get(self, document_id: int) -> StoredDocument:
        """A document of the user's matters (DocumentNotFound, or NotAMember when it is another matter's)."""
        with self._sessions() as session:
            row = self._row(session, document_id, Permission.SEE)
            return _stored(row, self._wall.enter(session, Permission.SEE, row.matter_id).name)

    def search(self, matter: str, query_vector: np.ndarray, k: int = 3, min_similarity: float = 0.0
               ) -> list[PassageHit]:
        """The `k` passages of the matter's documents most like the question (cosine of normalised vectors)."""
        with self._sessions() as session:
            matter_row = self._wall.enter_by_name(session, Permission.SEE, matter)
            rows = session.execute(select(DocumentPassageRow.document_id, DocumentPassageRow.start,
                                          DocumentPassageRow.end, DocumentPassageRow.vector)
                                   .where(DocumentPassageRow.matter_id == matter_row.id)).all()
            if not rows:
                return []
            matrix = np.stack([np.frombuffer(r.vector, dtype=np.float32) for r in rows])
            similarity = matrix @ np.asarray(query_vector, dtype=np.float32)
            best = [i for i in np.argsort(-similarity)[:k] if similarity[i] >= min_similarity]
            documents = {r.id: _stored(r, matter_row.name) for r in session.scalars(
                select(DocumentRow).where(DocumentRow.id.in_({rows[i].document_id for i in best})))}
            return [PassageHit(documents[rows[i].document_id], rows[i].start, rows[i].end, float(similarity[i]))
                    for i in best]

    def delete(self, document_id: int) -> None:
        """Delete a document: its passages, its row and its file (by its uploader or an admin)."""
        with self._sessions.begin() as session:
            row = self._row(session, document_id, Permission.UPLOAD)
            matter = self._wall.enter(session, Permission.UPLOAD, row.matter_id)
            if row.uploaded_by != self._wall.user.name and not self._wall.allow(session, Permission.SEE).can(
                    Permission.DELETE):
                raise AccessDenied(f"{self._wall.user.name} may delete only the documents they uploaded.")
            path = self._files / row.stored_name
            session.execute(delete(DocumentPassageRow).where(DocumentPassageRow.document_id == row.id))
            session.delete(row)
            self._audit.append(session, self._wall.user.name, "document deleted", matter.name,
                               document_id=document_id, filename=row.filename, sha256=row.sha256)
        path.unlink(missing_ok=True)

    def _row(self, session: Session, document_id: int, permission: Permission) -> DocumentRow:
        row = session.get(DocumentRow, document_id)
        if row is None:
            self._wall.allow(session, permission)
            raise DocumentNotFound(f"no document {document_id}")
        self._wall.enter(session, permission, row.matter_id)
        return row


def _stored(row: DocumentRow, matter: str) -> StoredDocument:
    return StoredDocument(row.id, matter, row.filename, row.media_type, row.size, row.pages, row.text,
                          tuple(row.page_starts), row.uploaded_by, utc(row.uploaded_at))
