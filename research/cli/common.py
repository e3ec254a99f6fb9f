"""What the command modules share: exit codes and the index of this process's settings."""

from __future__ import annotations

EXIT_USAGE = 2
EXIT_FAILURE = 1


def open_index():
    """The index of this process's settings."""
    from research.wiring import default_index

    return default_index()


def app_database():
    """The app database of this process's settings."""
    from research.wiring import open_app_database

    return open_app_database(open_index().settings)


def new_password(args, whose: str) -> str:
    """A new account's password: from standard input with --password-stdin, else asked twice at the terminal."""
    import getpass
    import sys

    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("no new password: pass it on standard input with --password-stdin, or run at a terminal")
    password = getpass.getpass(f"New password for {whose}: ")
    if getpass.getpass("Again: ") != password:
        raise ValueError("the two passwords differ")
    return password


def sign_in_password(name: str) -> str:
    """The password of the user a command acts as: RESEARCH_PASSWORD, or asked at the terminal."""
    import getpass
    import os
    import sys

    if os.environ.get("RESEARCH_PASSWORD"):
        return os.environ["RESEARCH_PASSWORD"]
    if not sys.stdin.isatty():
        raise ValueError(f"no password for {name}: set RESEARCH_PASSWORD, or run at a terminal")
    return getpass.getpass(f"Password for {name}: ")


def signed_in(args, database=None):
    """The user named by --as, signed in with their password (RESEARCH_PASSWORD or a prompt); ValueError when
    the command needs --as and it is missing."""
    name = getattr(args, "as_user", None)
    if not name:
        raise ValueError("this command acts as a user: add --as NAME (password from RESEARCH_PASSWORD or a prompt)")
    database = database or app_database()
    return database.accounts.sign_in(name, sign_in_password(name))


def workspace(args):
    """The signed-in user's walled workspace (research.storage.database.Workspace)."""
    database = app_database()
    return database.workspace(signed_in(args, database))
