"""What the command modules share: exit codes and the index of this process's settings."""

from __future__ import annotations

EXIT_USAGE = 2
EXIT_FAILURE = 1


def open_index():
    """The index of this process's settings."""
    from research.wiring import default_index

    return default_index()
