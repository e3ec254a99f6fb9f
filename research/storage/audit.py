"""The audit trail: who did what, when, in which matter, as an append-only chain of keyed digests.

Each record's digest is an HMAC-SHA256, under the firm's audit key, of the previous record's digest and the
record's own fields (its id included), so editing, deleting or reordering any record breaks the chain from
there on, and forging a record needs the key, which is kept outside the database (docs/security.md). The head
row holds the count and last digest, so cutting records off the end is caught too. Appending locks the head
row, so concurrent writers form one chain; a unique previous digest makes a fork impossible even so.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from research.storage.tables import AuditHeadRow, AuditRow, utc, utc_now

GENESIS = "0" * 64  # the previous digest of the first record
HEAD_ID = 1
# detail keys whose values are secrets: never written, whatever a caller passes
SECRET_KEYS = frozenset({"password", "new_password", "token", "api_key", "secret", "password_hash"})


@dataclass(frozen=True)
class AuditRecord:
    """One audited event."""

    id: int
    at: datetime
    user: str
    action: str
    matter: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The record as exported (`research audit export`)."""
        return {"id": self.id, "at": self.at.isoformat(), "user": self.user, "action": self.action,
                "matter": self.matter, "detail": self.detail}


@dataclass(frozen=True)
class AuditCheck:
    """The result of verifying the chain: how many records, and the first bad one with what is wrong."""

    records: int
    first_bad: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        """True when no record was edited, deleted or reordered."""
        return self.first_bad is None and not self.problem


def _canonical(record_id: int, at: datetime, user: str, action: str, matter: str, detail: str) -> bytes:
    return json.dumps([record_id, utc(at).strftime("%Y-%m-%dT%H:%M:%S.%f"), user, action, matter, detail],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _without_secrets(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: ("[redacted]" if k.lower() in SECRET_KEYS else v) for k, v in detail.items()}


class AuditLog:
    """Appends to and checks the audit trail of the app database."""

    def __init__(self, sessions: sessionmaker[Session], key: bytes):
        if len(key) < 16:
            raise ValueError("The audit key must be at least 16 bytes.")
        self._sessions = sessions
        self._key = key

    def _digest(self, previous: str, canonical: bytes) -> str:
        return hmac.new(self._key, previous.encode("ascii") + b"\n" + canonical, hashlib.sha256).hexdigest()

    def append(self, session: Session, actor: str, action: str, matter: str = "", **detail: Any) -> None:
        """Append a record inside the caller's transaction (so the record and the action commit together)."""
        # the update takes the head row's lock first: a concurrent appender waits here, then reads our digest
        session.execute(update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID)
                        .values(records=AuditHeadRow.records + 1))
        previous = session.execute(select(AuditHeadRow.digest).where(AuditHeadRow.id == HEAD_ID)).scalar_one()
        text = json.dumps(_without_secrets(detail), sort_keys=True, ensure_ascii=False, default=str)
        at = utc_now()
        row = AuditRow(at=at, user=actor[:100], action=action[:50], matter=matter[:200], detail=text,
                       previous_digest=previous, digest="")
        session.add(row)
        session.flush()
        row.digest = self._digest(previous, _canonical(row.id, at, row.user, row.action, row.matter, text))
        session.execute(update(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).values(digest=row.digest))

    def record(self, actor: str, action: str, matter: str = "", **detail: Any) -> None:
        """Append a record in a transaction of its own."""
        with self._sessions.begin() as session:
            self.append(session, actor, action, matter, **detail)

    def records(self, matters: Iterable[str] | None = None) -> Iterator[AuditRecord]:
        """The records in order, of the given matters only when `matters` is given."""
        query = select(AuditRow).order_by(AuditRow.id)
        if matters is not None:
            query = query.where(AuditRow.matter.in_(list(matters)))
        with self._sessions() as session:
            for row in session.scalars(query):
                yield AuditRecord(row.id, utc(row.at), row.user, row.action, row.matter, json.loads(row.detail))

    def verify(self) -> AuditCheck:
        """Recompute the chain: the first record that was edited, deleted (or has one deleted before it) or
        reordered, or that records were cut off the end."""
        expected, count = GENESIS, 0
        with self._sessions() as session:
            for row in session.scalars(select(AuditRow).order_by(AuditRow.id)):
                if row.previous_digest != expected:
                    return AuditCheck(count, row.id, "the record before it was deleted, or records were reordered")
                canonical = _canonical(row.id, row.at, row.user, row.action, row.matter, row.detail)
                if not hmac.compare_digest(self._digest(expected, canonical), row.digest):
                    return AuditCheck(count, row.id, "the record was edited (its digest does not match)")
                expected, count = row.digest, count + 1
            head = session.get(AuditHeadRow, HEAD_ID)
            if head is None or head.records != count or head.digest != expected:
                held = head.records if head is not None else "no"
                return AuditCheck(count, None, f"the head records {held} records but the chain has {count}: "
                                               "records were deleted from the end")
        return AuditCheck(count)


def to_jsonl(records: Iterable[AuditRecord]) -> str:
    """Audit records as JSON lines."""
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records)


def to_csv(records: Iterable[AuditRecord]) -> str:
    """Audit records as CSV (the detail as a JSON column)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "user", "action", "matter", "detail"])
    for r in records:
        writer.writerow([r.id, r.at.isoformat(), r.user, r.action, r.matter,
                         json.dumps(r.detail, ensure_ascii=False, sort_keys=True)])
    return out.getvalue()
