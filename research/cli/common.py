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


def read_password(args, confirm: bool = False) -> str:
    """A password from standard input (--password-stdin), RESEARCH_PASSWORD, or a prompt at the terminal."""
    import getpass
    import os
    import sys

    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get("RESEARCH_PASSWORD") and not confirm:
        return os.environ["RESEARCH_PASSWORD"]
    if not sys.stdin.isatty():
        raise ValueError("no password: set RESEARCH_PASSWORD, pass --password-stdin, or run at a terminal")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Password again: ") != password:
        raise ValueError("the two passwords differ")
    return password


def signed_in(args, database=None):
    """The user named by --as, signed in with their password (RESEARCH_PASSWORD or a prompt); ValueError when
    the command needs --as and it is missing."""
    name = getattr(args, "as_user", None)
    if not name:
        raise ValueError("this command acts as a user: add --as NAME (password from RESEARCH_PASSWORD or a prompt)")
    database = database or app_database()
    return database.accounts.sign_in(name, read_password(args))


def workspace(args):
    """The signed-in user's walled workspace (research.storage.database.Workspace)."""
    database = app_database()
    return database.workspace(signed_in(args, database))
