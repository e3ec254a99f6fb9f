"""Signed-in browser sessions of the app, so that reloading the page (F5) keeps its user signed in.

Streamlit keeps a session's state only while its browser tab stays connected: a reload opens a new, signed-out
session. A sign-in therefore also starts a browser session whose random secret the browser keeps in a cookie for as
long as the browser runs; a new connection that presents it resumes the sign-in while the session has been used
within the idle limit (`[auth] session_minutes`). Only the secret's SHA-256 is stored (it is 32 random bytes, so a
fast hash makes a stolen table useless); signing out ends the session, and a disabled account resumes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import User
from research.storage.tables import BrowserSessionRow, UserRow, utc, utc_now

TOUCH_EVERY = timedelta(minutes=1)  # a session's last use is written at most this often, not at every click


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SessionStore:
    """Start, resume, keep alive and end browser sessions."""

    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions

    def start(self, user: User) -> str:
        """A new session of `user`; its secret (for the cookie), which is not stored."""
        secret = secrets.token_urlsafe(32)
        now = utc_now()
        with self._sessions.begin() as session:
            session.add(BrowserSessionRow(user_id=user.id, secret_hash=_digest(secret), created_at=now,
                                          last_seen_at=now))
        return secret

    def resume(self, secret: str, idle_limit: timedelta) -> User | None:
        """The user of the session `secret` names, marked used now; None when it is unknown, ended, unused for longer
        than `idle_limit` (which ends it) or its account is disabled."""
        with self._sessions.begin() as session:
            found = session.execute(select(BrowserSessionRow, UserRow)
                                    .join(UserRow, UserRow.id == BrowserSessionRow.user_id)
                                    .where(BrowserSessionRow.secret_hash == _digest(secret))).first()
            if found is None:
                return None
            row, account = found
            now = utc_now()
            if row.ended_at is None and now - utc(row.last_seen_at) > idle_limit:
                row.ended_at = now
            if row.ended_at is not None or account.disabled:
                return None
            row.last_seen_at = now
            return account.to_user()

    def touch(self, secret: str) -> None:
        """Mark the session used now (written at most once per TOUCH_EVERY)."""
        now = utc_now()
        with self._sessions.begin() as session:
            row = session.scalars(select(BrowserSessionRow)
                                  .where(BrowserSessionRow.secret_hash == _digest(secret))).first()
            if row is not None and row.ended_at is None and now - utc(row.last_seen_at) >= TOUCH_EVERY:
                row.last_seen_at = now

    def end(self, secret: str) -> None:
        """End the session (signing out); nothing happens for an unknown or ended one."""
        with self._sessions.begin() as session:
            row = session.scalars(select(BrowserSessionRow)
                                  .where(BrowserSessionRow.secret_hash == _digest(secret))).first()
            if row is not None and row.ended_at is None:
                row.ended_at = utc_now()
