"""The environment every entry point sets before loading a model: offline, and quiet about it.

Model weights come from installed packages, never from a hub, and Chroma sends no telemetry. Log lines below
RESEARCH_LOG_LEVEL (WARNING by default) are not printed, even those of a library that sets its own logger to DEBUG
(bm25s does).
"""

from __future__ import annotations

import logging
import os

OFFLINE_DEFAULTS = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error", "ANONYMIZED_TELEMETRY": "False"}


def stay_offline() -> None:
    """Set the offline defaults where the environment does not say otherwise."""
    for name, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)


def configure_logging(fmt: str = "%(levelname)s %(name)s: %(message)s") -> None:
    """Print log records from RESEARCH_LOG_LEVEL up, whatever level a library gave its own logger."""
    level = os.environ.get("RESEARCH_LOG_LEVEL", "WARNING").upper()
    root = logging.getLogger()
    present = list(root.handlers)  # a host's own handlers (a test runner's) keep their levels
    logging.basicConfig(level=level, format=fmt)
    for handler in root.handlers:
        if handler not in present:
            handler.setLevel(level)  # a record a library's logger passes on is checked by the handler alone
