"""Which of the selected jurisdictions a question is about, from the places and laws it names.

An associate who leaves every jurisdiction selected and asks about "a Maui tenant" wants Hawaii law,
not D.C.'s or Colorado's: searched everywhere, 41 of 58 answers to questions.dev cited another
state's law (evals/scope_eval.py, docs/decisions/0018). A question that names jurisdictions is searched
in those of the selection it names; one that names none keeps the selection. A case name ("Wolf v. Colorado") names
a party, not the law that governs, so it does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from research.corpus.citations import CASE_NAME
from research.jurisdictions import JURISDICTIONS, REGISTRY

# code -> the pattern of the places and laws that name it, in the registry's order (research.jurisdictions)
JURISDICTION_NAMES = {jurisdiction.code: jurisdiction.place_names for jurisdiction in REGISTRY}


def named_jurisdictions(text: str) -> tuple[str, ...]:
    """Jurisdictions whose places or laws `text` names, in the order of JURISDICTION_NAMES; case names
    are left out."""
    lowered = CASE_NAME.sub(" ", text).lower()
    return tuple(j for j, pattern in JURISDICTION_NAMES.items() if re.search(pattern, lowered))


@dataclass(frozen=True)
class Scope:
    """The jurisdictions to search and, when they differ from the selection, a notice saying why."""

    jurisdictions: tuple[str, ...]
    notice: str = ""


def question_scope(question: str, selected: tuple[str, ...]) -> Scope:
    """The selected jurisdictions (none selected = all) that `question` names, or the selection when it
    names none of them."""
    pool = selected or JURISDICTIONS
    named = named_jurisdictions(question)
    inside = tuple(j for j in pool if j in named)
    outside = [j for j in named if j not in pool]
    unselected = (f" The question also names {', '.join(outside)}, which is not selected."
                  if outside else "")
    if not inside or inside == pool:
        return Scope(selected, unselected.strip())
    left_out = [j for j in pool if j not in inside]
    pronoun = "them" if len(inside) > 1 else "it"
    return Scope(inside, f"Searched {', '.join(inside)} only, as the question names {pronoun}; left out "
                         f"{', '.join(left_out)}. Name a jurisdiction in the question to search it too.{unselected}")
