"""Signed-in browser sessions of the app, so that reloading the page (F5) keeps its user signed in.

Streamlit keeps a session's state only while its browser tab stays connected: a reload opens a new, signed-out
session. A sign-in therefore also starts a browser session whose random secret the browser keeps in a cookie; a new
connection that presents it resumes the sign-in while the session is open: used within the idle limit (`[auth]
session_minutes`) and started less than MAX_AGE ago. Only the secret's SHA-256 is stored (it is 32 random bytes, so a
fast hash makes a stolen table useless). Signing out ends the session; disabling the account or resetting its
password ends all of the account's sessions (research.storage.accounts).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import User
from research.storage.audit import AuditLog
from research.storage.tables import BrowserSessionRow, UserRow, utc, utc_now
from research.storage.tokens import secret_digest

TOUCH_EVERY = timedelta(minutes=1)  # a session's last use is written at most this often, not at every click
MAX_AGE = timedelta(hours=12)  # a working day: a stolen cookie does not stay good for as long as it is used


def end_sessions_of(session: Session, user_id: int, now: datetime) -> None:
    """End every open browser session of an account (in the caller's transaction)."""
    session.execute(update(BrowserSessionRow)
                    .where(BrowserSessionRow.user_id == user_id, BrowserSessionRow.ended_at.is_(None))
                    .values(ended_at=now))


class BrowserSessionStore:
    """Start, resume, keep alive and end browser sessions."""

    def __init__(self, sessions: sessionmaker[Session], audit: AuditLog):
        self._sessions = sessions
        self._audit = audit

    def start(self, user: User) -> str:
        """A new session of `user`; its secret (for the cookie), which is not stored."""
        secret = secrets.token_urlsafe(32)
        now = utc_now()
        with self._sessions.begin() as session:
            session.add(BrowserSessionRow(user_id=user.id, secret_hash=secret_digest(secret), created_at=now,
                                          last_seen_at=now))
        return secret

    def resume(self, secret: str, idle_limit: timedelta) -> User | None:
        """The user of the session `secret` names, marked used now; None when it is unknown, ended, unused for longer
        than `idle_limit` or older than MAX_AGE (either ends it), or its account is disabled."""
        with self._sessions.begin() as session:
            row = self._open_row(session, secret, idle_limit)
            if row is None:
                return None
            account = session.get(UserRow, row.user_id)
            if account is None or account.disabled:
                return None
            row.last_seen_at = utc_now()
            # a reload is a sign-in without a password: recorded, so a stolen cookie leaves a trace
            self._audit.append(session, account.name, "sign-in", "", via="browser session", session_id=row.id)
            return account.to_user()

    def touch(self, secret: str, idle_limit: timedelta) -> bool:
        """Whether the session is still open (signed out in another tab, idle or too old: not); an open one is
        marked used now, written at most once per TOUCH_EVERY."""
        with self._sessions.begin() as session:
            row = self._open_row(session, secret, idle_limit)
            if row is None:
                return False
            now = utc_now()
            if now - utc(row.last_seen_at) >= TOUCH_EVERY:
                row.last_seen_at = now
            return True

    def end(self, secret: str) -> None:
        """End the session (signing out); nothing happens for an unknown or ended one."""
        with self._sessions.begin() as session:
            row = self._row(session, secret)
            if row is not None and row.ended_at is None:
                row.ended_at = utc_now()

    def _open_row(self, session: Session, secret: str, idle_limit: timedelta) -> BrowserSessionRow | None:
        """The session's row while it is open; one found idle or too old is ended."""
        row = self._row(session, secret)
        if row is None or row.ended_at is not None:
            return None
        now = utc_now()
        if now - utc(row.last_seen_at) > idle_limit or now - utc(row.created_at) > MAX_AGE:
            row.ended_at = now
            return None
        return row

    @staticmethod
    def _row(session: Session, secret: str) -> BrowserSessionRow | None:
        found = select(BrowserSessionRow).where(BrowserSessionRow.secret_hash == secret_digest(secret))
        return session.scalars(found).first()
