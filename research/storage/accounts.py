"""Accounts and matters: users with argon2-hashed passwords, rate-limited sign-in, matters and their members.

Only an admin manages users, matters and memberships (the first admin is added when there is no user yet);
every change is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from research.domain.accounts import (
    AccessDenied,
    Matter,
    NotAMember,
    Permission,
    Role,
    SignInFailed,
    User,
    checked_name,
)
from research.storage.audit import AuditLog
from research.storage.sessions import end_sessions_of
from research.storage.tables import AuditRow, MatterRow, MembershipRow, SignInAttemptRow, UserRow, utc, utc_now


class UnknownUser(LookupError):
    """No account has this name."""


class UnknownMatter(LookupError):
    """No matter has this name."""


@dataclass(frozen=True)
class SignInPolicy:
    """How passwords and failed sign-ins are handled."""

    min_password_chars: int = 8
    max_failures: int = 5  # failed sign-ins under one name within `lockout` before it is refused
    lockout: timedelta = timedelta(minutes=15)


class AccountStore:
    """Users, sign-in, matters and memberships."""

    def __init__(self, sessions: sessionmaker[Session], audit: AuditLog, policy: SignInPolicy | None = None,
                 hasher: PasswordHasher | None = None):
        self._sessions = sessions
        self._audit = audit
        self.policy = policy or SignInPolicy()
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = self._hasher.hash("not a password of anyone")

    # users
    def has_users(self) -> bool:
        """Whether any account exists (the app asks for a first admin until one does)."""
        with self._sessions() as session:
            return (session.scalar(select(func.count(UserRow.id))) or 0) > 0

    def add_user(self, name: str, role: Role | str, password: str, by: User | None) -> User:
        """A new account; `by` must be an admin, or None for the first account, which must be an admin."""
        name = checked_name(name, "user name")
        role = Role(role)
        self._check_password(password)
        with self._sessions.begin() as session:
            if by is None:
                if session.scalar(select(func.count(UserRow.id))):
                    raise AccessDenied("Only an admin may add users; sign in as one (--as NAME).")
                if role != Role.ADMIN:
                    raise ValueError("The first account must be an admin (--role admin).")
            else:
                self._require(session, by, Permission.MANAGE_USERS)
            if session.scalar(select(UserRow.id).where(func.lower(UserRow.name) == name.lower())):
                raise ValueError(f"A user named {name!r} already exists.")
            row = UserRow(name=name, role=role, password_hash=self._hasher.hash(password), disabled=False,
                          created_at=utc_now())
            session.add(row)
            session.flush()
            self._audit.append(session, by.name if by else name, "user added", "", user=name, role=str(role))
            return row.to_user()

    def users(self) -> list[User]:
        """Every account, by name."""
        with self._sessions() as session:
            return [r.to_user() for r in session.scalars(select(UserRow).order_by(UserRow.name))]

    def user(self, name: str) -> User:
        """The account of `name` (UnknownUser when there is none)."""
        with self._sessions() as session:
            return self._row(session, name).to_user()

    def refreshed(self, user: User) -> User:
        """The account as it is now (its role or disabled flag may have changed since sign-in)."""
        with self._sessions() as session:
            row = session.get(UserRow, user.id)
            if row is None:
                raise AccessDenied(f"The account {user.name!r} no longer exists.")
            return row.to_user()

    def set_disabled(self, name: str, disabled: bool, by: User) -> User:
        """Disable (or enable again) an account; a disabled account cannot sign in or do anything."""
        with self._sessions.begin() as session:
            self._require(session, by, Permission.MANAGE_USERS)
            row = self._row(session, name)
            if row.id == by.id and disabled:
                raise ValueError("An admin cannot disable their own account.")
            row.disabled = disabled
            if disabled:  # enabling it again later must not revive a browser left signed in
                end_sessions_of(session, row.id, utc_now())
            self._audit.append(session, by.name, "user disabled" if disabled else "user enabled", "", user=row.name)
            return row.to_user()

    def reset_password(self, name: str, password: str, by: User) -> None:
        """Set a new password for `name` (an admin for anyone, a user for themself)."""
        self._check_password(password)
        with self._sessions.begin() as session:
            row = self._row(session, name)
            if row.id != by.id:
                self._require(session, by, Permission.MANAGE_USERS)
            row.password_hash = self._hasher.hash(password)
            end_sessions_of(session, row.id, utc_now())  # a browser signed in with the old password signs in again
            self._audit.append(session, by.name, "password reset", "", user=row.name)

    def sign_in(self, name: str, password: str, now: datetime | None = None) -> User:
        """The account whose name and password these are; SignInFailed otherwise, without saying which was wrong,
        and for every attempt once a name has had `max_failures` failures within `lockout`."""
        now = now or utc_now()
        name = (name or "").strip()[:100]
        with self._sessions.begin() as session:
            since = now - self.policy.lockout
            last_success = session.scalar(select(func.max(SignInAttemptRow.at)).where(
                SignInAttemptRow.name == name.lower(), SignInAttemptRow.succeeded.is_(True)))
            if last_success is not None and utc(last_success) > since:
                since = utc(last_success)
            failures = session.scalar(select(func.count(SignInAttemptRow.id)).where(
                SignInAttemptRow.name == name.lower(), SignInAttemptRow.succeeded.is_(False),
                SignInAttemptRow.at > since))
            if (failures or 0) >= self.policy.max_failures:
                self._audit.append(session, name, "sign-in refused", "", reason="too many failed sign-ins")
                minutes = int(self.policy.lockout.total_seconds() // 60)
                failed = SignInFailed(f"Too many failed sign-ins for this name; try again in {minutes} minutes.")
            else:
                row = session.scalar(select(UserRow).where(func.lower(UserRow.name) == name.lower()))
                ok = self._verify(row.password_hash if row else self._dummy_hash, password or "")
                ok = ok and row is not None and not row.disabled
                session.add(SignInAttemptRow(name=name.lower(), succeeded=ok, at=now))
                self._audit.append(session, name, "sign-in" if ok else "sign-in failed", "")
                if ok and row is not None:
                    if self._hasher.check_needs_rehash(row.password_hash):
                        row.password_hash = self._hasher.hash(password)
                    return row.to_user()
                failed = SignInFailed("Wrong name or password, or the account is disabled.")
        # outside the transaction, so that the failed attempt and its audit record are kept
        raise failed

    def record_sign_out(self, user: User, reason: str = "signed out") -> None:
        """Audit the end of a session (signed out, or expired after inactivity)."""
        self._audit.record(user.name, "sign-out", "", reason=reason)

    # matters
    def add_matter(self, name: str, members: list[str], by: User) -> Matter:
        """A new matter with its first members."""
        name = checked_name(name, "matter name")
        with self._sessions.begin() as session:
            self._require(session, by, Permission.MANAGE_MATTERS)
            if session.scalar(select(MatterRow.id).where(func.lower(MatterRow.name) == name.lower())):
                raise ValueError(f"A matter named {name!r} already exists.")
            if session.scalar(select(AuditRow.id).where(func.lower(AuditRow.matter) == name.lower()).limit(1)):
                # the trail files records by matter name: a new matter of a deleted one's name would let its
                # members export the old matter's records
                raise ValueError(f"A matter named {name!r} existed and was deleted; its audit records keep the "
                                 "name: choose another name.")
            row = MatterRow(name=name, created_at=utc_now())
            session.add(row)
            session.flush()
            users = [self._row(session, m) for m in members]
            for user in users:
                session.add(MembershipRow(matter_id=row.id, user_id=user.id))
            self._audit.append(session, by.name, "matter added", name, members=[u.name for u in users])
            return row.to_matter()

    def add_members(self, matter: str, names: list[str], by: User) -> None:
        """Add users to a matter (those already members are left as they are)."""
        with self._sessions.begin() as session:
            self._require(session, by, Permission.MANAGE_MATTERS)
            row = self._matter_row(session, matter)
            present = set(session.scalars(select(MembershipRow.user_id).where(MembershipRow.matter_id == row.id)))
            added = []
            for name in names:
                user = self._row(session, name)
                if user.id not in present:
                    session.add(MembershipRow(matter_id=row.id, user_id=user.id))
                    present.add(user.id)
                    added.append(user.name)
            self._audit.append(session, by.name, "members added", row.name, members=added)

    def remove_member(self, matter: str, name: str, by: User) -> None:
        """Take a user off a matter: from then on they see none of it."""
        with self._sessions.begin() as session:
            self._require(session, by, Permission.MANAGE_MATTERS)
            row = self._matter_row(session, matter)
            user = self._row(session, name)
            session.execute(delete(MembershipRow).where(MembershipRow.matter_id == row.id,
                                                        MembershipRow.user_id == user.id))
            self._audit.append(session, by.name, "member removed", row.name, member=user.name)

    def members(self, matter: str, by: User) -> list[User]:
        """The members of a matter (asked by an admin or by a member)."""
        with self._sessions() as session:
            row = self._matter_row(session, matter)
            users = [UserRow.to_user(u) for u in session.scalars(
                select(UserRow).join(MembershipRow, MembershipRow.user_id == UserRow.id)
                .where(MembershipRow.matter_id == row.id).order_by(UserRow.name))]
            if not by.can(Permission.MANAGE_MATTERS) and by.id not in {u.id for u in users}:
                raise NotAMember(by.name, row.name)
            return users

    def matters(self, by: User) -> list[Matter]:
        """Every matter's name (for an admin managing them; their contents stay behind the walls)."""
        with self._sessions() as session:
            self._require(session, by, Permission.MANAGE_MATTERS)
            return [r.to_matter() for r in session.scalars(select(MatterRow).order_by(MatterRow.name))]

    def matters_of(self, user: User) -> list[Matter]:
        """The matters a user belongs to, by name."""
        with self._sessions() as session:
            return [r.to_matter() for r in session.scalars(
                select(MatterRow).join(MembershipRow, MembershipRow.matter_id == MatterRow.id)
                .where(MembershipRow.user_id == user.id).order_by(MatterRow.name))]

    # helpers
    def _check_password(self, password: str) -> None:
        if len(password or "") < self.policy.min_password_chars:
            raise ValueError(f"A password must have at least {self.policy.min_password_chars} characters.")

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def _require(session: Session, by: User, permission: Permission) -> None:
        row = session.get(UserRow, by.id)
        if row is None:
            raise AccessDenied(f"The account {by.name!r} no longer exists.")
        row.to_user().require(permission)

    @staticmethod
    def _row(session: Session, name: str) -> UserRow:
        row = session.scalar(select(UserRow).where(func.lower(UserRow.name) == (name or "").strip().lower()))
        if row is None:
            raise UnknownUser(f"No user named {name!r}.")
        return row

    @staticmethod
    def _matter_row(session: Session, name: str) -> MatterRow:
        row = session.scalar(select(MatterRow).where(func.lower(MatterRow.name) == (name or "").strip().lower()))
        if row is None:
            raise UnknownMatter(f"No matter named {name!r}.")
        return row

