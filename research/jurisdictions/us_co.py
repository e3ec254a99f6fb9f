"""Colorado: the Colorado Revised Statutes."""

from __future__ import annotations

import re

from research.jurisdictions.base import SECTION, Jurisdiction, with_outline

JURISDICTION = with_outline(Jurisdiction(
    code="US-CO",
    name="Colorado",
    statute_citations=(
        re.compile(r"(?:\bC\.\s?R\.\s?S\.?|\bCRS|\bColo(?:rado|\.)\s*Rev(?:ised|\.)\s*Stat(?:utes|\.)?)\s*" + SECTION,
                   re.I),
    ),
    place_names=r"colorado|\bc\.r\.s\.|\bcolo\.|\bdenver\b|\bboulder\b|\baurora\b|\bfort collins\b|\bpueblo\b|"
                r"\blakewood\b|\bgreeley\b|\bgrand junction\b|\bvail\b|\baspen\b",
    follow_up_name=r"colorado",
    code_name="C.R.S.",
    division="title",
    example_citation="C.R.S. § 6-1-1304",
    courts=("colo", "coloctapp", "cod"),
))
