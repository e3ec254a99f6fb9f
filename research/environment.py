"""The environment every entry point sets before loading a model: offline, and quiet about it.

Model weights come from installed packages, never from a hub, and Chroma sends no telemetry.
"""

from __future__ import annotations

import os

OFFLINE_DEFAULTS = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error", "ANONYMIZED_TELEMETRY": "False"}


def stay_offline() -> None:
    """Set the offline defaults where the environment does not say otherwise."""
    for name, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)
