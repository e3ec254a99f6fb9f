"""Integration: ingest a slice of the real D.C. Code from the mirror and find a known section."""

import pytest

from research.domain.answer import SupportStatus

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("question, expected", [
    ("My tenant keeps violating the lease. How much time must I give her to fix the violation before "
     "I can recover possession of the apartment?", "us-dc:dc-code:42-3505.01"),
    ("Can a defendant sued over advocacy on public issues file a special motion to dismiss, and by when?",
     "us-dc:dc-code:16-5502"),
    ("D.C. Code § 42-3505.02", "us-dc:dc-code:42-3505.02"),
])
def test_finds_known_section_for_plain_question(dc_slice_index, question, expected):
    hits = dc_slice_index.retriever().search(question, k=3)
    assert expected in [h.authority_id for h in hits]
    hit = next(h for h in hits if h.authority_id == expected)
    authority = dc_slice_index.store.authority(expected)
    assert authority.text[hit.chunk.start:hit.chunk.end] == hit.chunk.text


def test_extractive_answer_on_real_passages_quotes_the_deadline(dc_slice_index):
    answer = dc_slice_index.researcher().ask(
        "A developer sued our client for defamation over her testimony at a zoning hearing. Can she file a "
        "special motion to dismiss, and by when?", ("US-DC",))
    assert not answer.abstained
    cited = {c.authority_id for c in answer.citations}
    assert "us-dc:dc-code:16-5502" in cited
    store = dc_slice_index.store
    for citation in answer.citations:
        assert citation.status == SupportStatus.VERIFIED
        assert store.authority(citation.authority_id).text[citation.start:citation.end] == citation.quote
    assert any("45 days" in c.quote for c in answer.citations if c.authority_id == "us-dc:dc-code:16-5502")
    assert answer.citations[0].citation.startswith("D.C. Code § ")
