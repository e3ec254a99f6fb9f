"""Hawaii: the Hawaii Revised Statutes."""

from __future__ import annotations

import re

from research.jurisdictions.base import SECTION, Jurisdiction

JURISDICTION = Jurisdiction(
    code="US-HI",
    name="Hawaii",
    statute_citations=(
        re.compile(r"(?:\bHRS|\bHaw(?:aii|\.)\s*Rev(?:ised|\.)\s*Stat(?:utes|\.)?)\s*" + SECTION, re.I),
    ),
    place_names=r"hawai['ʻ]?i|\bhrs\b|\bhaw\.|honolulu|\bmaui\b|\boahu\b|\bkauai\b|\bkailua\b|\bkaneohe\b|\bhilo\b|"
                r"\bkona\b|waikiki|\blanai\b|\bmolokai\b|\bpearl city\b|\bwaipahu\b",
    follow_up_name=r"hawai",
    code_name="HRS",
    division="chapter",
    example_citation="HRS § 521-44",
    courts=("haw", "hawapp", "hid"),
    part_heading_records=True,  # a Part heading stands alone as a record above the Part's first section
)
