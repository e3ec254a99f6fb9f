"""The District of Columbia: the D.C. Code."""

from __future__ import annotations

import re

from research.jurisdictions.base import SECTION, Jurisdiction

JURISDICTION = Jurisdiction(
    code="US-DC",
    name="District of Columbia",
    statute_citations=(
        re.compile(r"\bD\.?\s?C\.?\s+(?:Official\s+)?Code(?:\s+Ann\.?)?\s*" + SECTION, re.I),
    ),
    place_names=r"d\.\s?c\.|district of columbia|\bdc\b",
    follow_up_name=r"d\.c\.",
    code_name="D.C. Code",
    division="title",
    example_citation="D.C. Code § 42-3505.01",
    courts=("dc", "dcd"),
)
