"""Federal law: the United States Code and the U.S. Supreme Court."""

from __future__ import annotations

import re

from research.jurisdictions.base import SECTION, Jurisdiction, with_outline

_AMENDMENTS = ("first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|thirteenth|"
               "fourteenth|fifteenth")

JURISDICTION = with_outline(Jurisdiction(
    code="US-federal",
    name="United States (federal)",
    statute_citations=(
        re.compile(r"\b(?P<title>\d+[A-Za-z]?)\s*U\.?\s?S\.?\s?C\.?(?:\s?A\.?)?\s*" + SECTION, re.I),
    ),
    place_names=rf"\bfederal\b|u\.s\.c\.|united states code|\bu\.s\. supreme court|supreme court of the united states|"
                rf"(?:u\.s\.|united states) constitution|\b(?:{_AMENDMENTS}) amendment\b",
    follow_up_name=r"federal",
    code_name="U.S. Code",
    division="title",
    example_citation="17 U.S.C. § 107",
    courts=("scotus", "us", "ca1", "ca2", "ca3", "ca4", "ca5", "ca6", "ca7", "ca8", "ca9", "ca10", "ca11", "cadc",
            "cafc"),
))
