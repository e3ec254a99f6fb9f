"""The jurisdictions the corpus covers, one module each, and lookups over them.

Adding a jurisdiction: a module here defining its `Jurisdiction` (how its statutes are cited, how a question
names it), its place in `REGISTRY` below, and a corpus manifest in corpora/*.toml naming its code. The order
of `REGISTRY` is the order of every listing: the choices offered, the jurisdictions a question names, the
citation patterns tried.
"""

from __future__ import annotations

from research.jurisdictions import us_co, us_dc, us_federal, us_hi
from research.jurisdictions.base import SECTION, Jurisdiction

REGISTRY: tuple[Jurisdiction, ...] = (
    us_dc.JURISDICTION,
    us_hi.JURISDICTION,
    us_co.JURISDICTION,
    us_federal.JURISDICTION,
)
JURISDICTIONS: tuple[str, ...] = tuple(j.code for j in REGISTRY)
FEDERAL = us_federal.JURISDICTION.code

_BY_CODE = {j.code: j for j in REGISTRY}

__all__ = ["FEDERAL", "JURISDICTIONS", "REGISTRY", "SECTION", "Jurisdiction", "get", "known"]


def get(code: str) -> Jurisdiction:
    """The jurisdiction of `code` ("US-DC"); KeyError naming the known codes when there is none."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown jurisdiction {code!r}; known: {', '.join(JURISDICTIONS)}") from None


def known(code: str) -> bool:
    """Whether `code` is a registered jurisdiction."""
    return code in _BY_CODE
