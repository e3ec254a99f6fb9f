"""The jurisdiction registry: one module per jurisdiction, and each one complete."""

from pathlib import Path

import pytest

import research.jurisdictions as jurisdictions
from research.answer.scope import named_jurisdictions
from research.corpus.citations import authority_keys, find_statute_citations
from research.corpus.sources import load_manifests
from research.jurisdictions import FEDERAL, JURISDICTIONS, REGISTRY, Jurisdiction

MANIFESTS = Path(__file__).resolve().parents[1] / "corpora"


def test_registry_order_and_codes():
    assert JURISDICTIONS == ("US-DC", "US-HI", "US-CO", "US-federal")
    assert JURISDICTIONS == tuple(j.code for j in REGISTRY)
    assert len(set(JURISDICTIONS)) == len(JURISDICTIONS)
    assert FEDERAL == "US-federal"


def test_registry_codes_are_the_jurisdictions_the_manifests_name():
    named = {m.jurisdiction for m in load_manifests(MANIFESTS)}
    assert set(JURISDICTIONS) == named


def test_get_looks_up_by_code():
    for jurisdiction in REGISTRY:
        assert jurisdictions.get(jurisdiction.code) is jurisdiction
        assert jurisdictions.known(jurisdiction.code)
    assert not jurisdictions.known("US-XX")
    with pytest.raises(KeyError, match="US-XX"):
        jurisdictions.get("US-XX")


@pytest.mark.parametrize("jurisdiction", REGISTRY, ids=lambda j: j.code)
def test_each_jurisdiction_recognises_a_citation_of_its_own_form(jurisdiction: Jurisdiction):
    citation = jurisdiction.example_citation
    assert any(pattern.fullmatch(citation) for pattern in jurisdiction.statute_citations)
    matches = find_statute_citations(f"See {citation} for the rule.")
    assert len(matches) == 1
    assert matches[0].key.startswith(jurisdiction.code + "|")
    assert authority_keys(jurisdiction.code, "statute", [citation]) == [matches[0].key]
    for other in REGISTRY:
        if other is not jurisdiction:
            assert not any(pattern.search(citation) for pattern in other.statute_citations), other.code


@pytest.mark.parametrize("jurisdiction", REGISTRY, ids=lambda j: j.code)
def test_each_jurisdiction_is_named_by_its_name(jurisdiction: Jurisdiction):
    assert named_jurisdictions(f"What does {jurisdiction.name} law say?") == (jurisdiction.code,)
