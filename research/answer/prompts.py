"""Prompt templates as versioned data files in `prompts/`, with declared variables.

A template names the variables it uses; rendering fails loudly when one is missing, when an
undeclared one is passed, or when the text uses a variable it does not declare.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path


class PromptError(ValueError):
    """A prompt file is malformed, or was rendered with the wrong variables."""


@dataclass(frozen=True)
class PromptTemplate:
    """A system and a user message with `{variable}` slots."""

    name: str
    version: str
    variables: tuple[str, ...]
    system: str
    user: str

    @classmethod
    def load(cls, prompts_dir: Path, name: str) -> PromptTemplate:
        """Read `prompts_dir/NAME.toml` and check that its text uses exactly its declared variables."""
        path = prompts_dir / f"{name}.toml"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            template = cls(data["name"], data["version"], tuple(data["variables"]), data["system"], data["user"])
        except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
            raise PromptError(f"{path}: cannot read prompt ({error})") from error
        used = _slots(template.system) | _slots(template.user)
        if used != set(template.variables):
            raise PromptError(f"{path}: text uses {sorted(used)} but declares {sorted(template.variables)}")
        return template

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) messages with every declared variable filled in."""
        missing = set(self.variables) - set(values)
        extra = set(values) - set(self.variables)
        if missing or extra:
            raise PromptError(f"prompt {self.version}: missing {sorted(missing)}, undeclared {sorted(extra)}")
        return self.system.format(**values), self.user.format(**values)


def _slots(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}
