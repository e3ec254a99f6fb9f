"""Bearer tokens of the HTTP API: issued to a user, shown once, stored as their SHA-256, revocable, expiring.

A token is 32 random bytes, so a fast hash is enough to make a stolen table useless (unlike passwords, nothing
about it can be guessed). A token acts as its user exactly as a signed-in session does: the user's role and
matters are read at every request, so disabling the account or taking it off a matter applies at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import AccessDenied, Permission, SignInFailed, User
from research.storage.audit import AuditLog
from research.storage.tables import ApiTokenRow, UserRow, utc, utc_now

TOKEN_PREFIX = "rsk_"


@dataclass(frozen=True)
class ApiToken:
    """A token as listed (never the secret)."""

    id: int
    user: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        """'active', 'expired' or 'revoked'."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= utc_now():
            return "expired"
        return "active"


def secret_digest(secret: str) -> str:
    """What is stored of a random secret (an API token, a browser session's): its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenStore:
    """Issue, list, revoke and check API tokens."""

    def __init__(self, sessions: sessionmaker[Session], audit: AuditLog):
        self._sessions = sessions
        self._audit = audit

    def create(self, user: User, expires_in: timedelta | None, label: str = "") -> tuple[ApiToken, str]:
        """A new token for `user` (issued by that user, signed in): the listing and the secret, shown only now."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            self._account(session, user)
            now = utc_now()
            row = ApiTokenRow(user_id=user.id, token_hash=secret_digest(secret), label=label.strip()[:200],
                              created_at=now, expires_at=now + expires_in if expires_in else None)
            session.add(row)
            session.flush()
            self._audit.append(session, user.name, "API token created", "", token_id=row.id,
                               expires_at=row.expires_at.isoformat() if row.expires_at else None)
            return self._listed(row, user.name), secret

    def tokens(self, user: User) -> list[ApiToken]:
        """The user's tokens (an admin's call lists everyone's), oldest first."""
        with self._sessions() as session:
            account = self._account(session, user)
            query = select(ApiTokenRow, UserRow.name).join(UserRow, UserRow.id == ApiTokenRow.user_id)
            if not account.can(Permission.MANAGE_USERS):
                query = query.where(ApiTokenRow.user_id == user.id)
            return [self._listed(row, name) for row, name in session.execute(query.order_by(ApiTokenRow.id))]

    def revoke(self, token_id: int, by: User) -> None:
        """Revoke a token (its owner, or an admin); LookupError when there is no such token of theirs."""
        with self._sessions.begin() as session:
            account = self._account(session, by)
            row = session.get(ApiTokenRow, token_id)
            if row is None or (row.user_id != by.id and not account.can(Permission.MANAGE_USERS)):
                raise LookupError(f"No API token {token_id} of yours.")
            if row.revoked_at is None:
                row.revoked_at = utc_now()
            self._audit.append(session, by.name, "API token revoked", "", token_id=token_id)

    def user_of(self, secret: str) -> User:
        """The user a bearer token acts as; SignInFailed when it is unknown, expired, revoked or its account is
        disabled (which of these is not said)."""
        refused = SignInFailed("The API token is not valid (unknown, expired or revoked).")
        if not secret.startswith(TOKEN_PREFIX):
            raise refused
        with self._sessions() as session:
            found = session.execute(select(ApiTokenRow, UserRow).join(UserRow, UserRow.id == ApiTokenRow.user_id)
                                    .where(ApiTokenRow.token_hash == secret_digest(secret))).first()
            if found is None:
                raise refused
            row, account = found
            expired = row.expires_at is not None and utc(row.expires_at) <= utc_now()
            if row.revoked_at is not None or expired or account.disabled:
                raise refused
            return account.to_user()

    @staticmethod
    def _account(session: Session, user: User) -> User:
        row = session.get(UserRow, user.id)
        if row is None or row.disabled:
            raise AccessDenied(f"The account {user.name!r} is disabled or no longer exists.")
        return row.to_user()

    @staticmethod
    def _listed(row: ApiTokenRow, name: str) -> ApiToken:
        return ApiToken(row.id, name, row.label, utc(row.created_at), utc(row.expires_at), utc(row.revoked_at))
