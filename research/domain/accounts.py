"""Who may do what: users, their roles, the matters they belong to, and the refusals when they may not.

Associates ask, see and export their matters' research; reviewers also grade, edit and approve; admins also
manage users, matters, memberships, documents and corpus sources. Every role sees only the matters its user
belongs to: an admin adds themself to a matter to see it, and that is audited like any other admin action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A user's role in the research team."""

    ASSOCIATE = "associate"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Permission(StrEnum):
    """Something a user may be allowed to do (within the matters they belong to)."""

    ASK = "ask"
    SEE = "see"
    EXPORT = "export"
    UPLOAD = "upload"
    GRADE = "grade"
    APPROVE = "approve"
    DELETE = "delete"
    MANAGE_USERS = "manage users"
    MANAGE_MATTERS = "manage matters"
    MANAGE_CORPUS = "manage corpus"


_ASSOCIATE = frozenset({Permission.ASK, Permission.SEE, Permission.EXPORT, Permission.UPLOAD})
_REVIEWER = _ASSOCIATE | {Permission.GRADE, Permission.APPROVE}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ASSOCIATE: _ASSOCIATE,
    Role.REVIEWER: _REVIEWER,
    Role.ADMIN: _REVIEWER | {Permission.DELETE, Permission.MANAGE_USERS, Permission.MANAGE_MATTERS,
                             Permission.MANAGE_CORPUS},
}

_NAME = re.compile(r"[\w][\w .'@&,()\-]{0,99}", re.UNICODE)


class AccessDenied(PermissionError):
    """The user may not do this (their role does not allow it, or the account is disabled)."""


class NotAMember(AccessDenied):
    """The user does not belong to the matter the record is filed under."""

    def __init__(self, user: str, matter: str | None = None):
        """`matter` is the name the user gave; None for a record reached by its id, whose matter's name is not
        told to someone outside it (a matter's name can be confidential: a client's, a deal's)."""
        if matter is None:
            super().__init__(f"{user} is not a member of matter of this record (its name is shown to members only)")
        else:
            super().__init__(f"{user} is not a member of matter {matter!r}")
        self.matter = matter


class SignInFailed(PermissionError):
    """Wrong name or password (which of the two is not said), or too many failed attempts."""


@dataclass(frozen=True)
class User:
    """A signed-in user (never with the password hash)."""

    id: int
    name: str
    role: Role
    disabled: bool = False

    def can(self, permission: Permission) -> bool:
        """Whether the user's role allows `permission` (an account that is disabled may do nothing)."""
        return not self.disabled and permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """AccessDenied unless the user may do `permission`."""
        if not self.can(permission):
            raise AccessDenied(f"{self.name} ({self.role}) may not {permission}")


@dataclass(frozen=True)
class Matter:
    """A client matter: every conversation, answer, grade, memo and document belongs to one."""

    id: int
    name: str


def checked_name(name: str, what: str = "name") -> str:
    """A user or matter name, stripped, or ValueError saying what is wrong with it: 1-100 characters of
    letters, digits, spaces and . ' @ & , ( ) - (so a name is never markup or a path)."""
    stripped = (name or "").strip()
    if not _NAME.fullmatch(stripped):
        raise ValueError(f"A {what} must be 1-100 letters, digits, spaces or . ' @ & , ( ) - and start with a "
                         f"letter or digit; got {name!r}.")
    return stripped
