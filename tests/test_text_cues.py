"""The quoted words and named subsections a query asks of a statute's text (research.search.text_cues), and how the
retriever weighs them."""

import pytest

from research.search.text_cues import TextCues, normalised, part_labels, text_cues
from tests.conftest import invented_statute


@pytest.mark.parametrize("query, phrases, labels", [
    ('Indecent exposure is not "criminal sexual conduct"; offenders are not “sex offenders” here.',
     ("criminal sexual conduct", "sex offenders"), set()),
    ("Notice under subsection (b)(2) and paragraph (6) of [SECTION] was late.", (), {"b", "6"}),
    ("Subparagraphs (A) and (B) apply; see clause (iv).", (), {"A", "iv"}),
    ('The "lantern" and the "Lantern" rule, under subsection (a).', ("lantern",), {"a"}),
    ("Goats may graze (within reason) in section 4 parks.", (), set()),
    ('An unclosed "quotation never ends', (), set()),
    ('Empty quotes "    " say nothing.', (), set()),
])
def test_text_cues_are_the_quoted_phrases_and_the_outermost_label_of_each_named_part(query, phrases, labels):
    cues = text_cues(query)
    assert cues.phrases == phrases
    assert cues.labels == labels
    assert bool(cues) == bool(phrases or labels)


@pytest.mark.parametrize("cues, text, share, has_parts", [
    (TextCues(("sex offenders", "criminal sexual conduct")), "Sex offenders shall register.", 0.5, False),
    (TextCues(("sex offenders",)), "A sex offender shall register.", 0.0, False),
    (TextCues((), frozenset({"b", "6"})), "(a) One.\n(b) Two:\n  (6) Six.", 0.0, True),
    (TextCues((), frozenset({"c"})), "(a) One.\n(b) Two.", 0.0, False),
    (TextCues((), frozenset({"A"})), "(a) One.", 0.0, False),
])
def test_a_text_holds_quoted_phrases_verbatim_and_has_named_parts_by_their_labels(cues, text, share, has_parts):
    assert cues.quoted_share(normalised(text)) == share
    assert cues.has_named_parts(part_labels(text)) is has_parts


def test_normalised_text_keeps_letters_and_digits_in_single_spaced_lowercase_words():
    assert normalised("  Sex-Offenders’ \n registry, § 846E-1(a)!") == "sex offenders registry 846e 1 a"


def test_statutes_holding_the_quoted_words_or_the_named_subsection_rise_and_say_why(catalogue):
    from research.index.lexical import LexicalIndex
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    store, chunks, directory = catalogue([
        invented_statute(1, "A lantern keeper keeps lanterns lit; a lantern keeper keeps lantern oil.",
                         "Lantern keepers"),
        invented_statute(2, "(a) Every lantern keeper shall register.\n(b) A registered keeper of lanterns may "
                            "sell oil.", "Registration of keepers"),
        invented_statute(3, "The keeper of a lighthouse lantern is a public officer.", "Lighthouse keepers")])
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.text) for c in chunks])
    fetched = store.authorities(["us-dc:dc-code:97-2", "us-dc:dc-code:97-9"])  # the texts the cues are sought in
    assert list(fetched) == ["us-dc:dc-code:97-2"] and fetched["us-dc:dc-code:97-2"].text.startswith("(a) Every")

    def hits(query, **config):
        retriever = build_retriever(store, lexical, directory, RetrievalConfig(**config))
        return retriever.search(query, k=3)

    plain = [h.authority_id for h in hits("A lantern keeper keeps lantern oil.")]
    assert plain[0] == "us-dc:dc-code:97-1"
    named = hits("Under subsection (b), a lantern keeper keeps lantern oil.")
    assert named[0].authority_id == "us-dc:dc-code:97-2" and "named subsection" in named[0].matched_by
    assert [h.authority_id for h in hits("Under subsection (b), a lantern keeper keeps lantern oil.",
                                         part_weight=0)][0] == "us-dc:dc-code:97-1"
    quoted = hits('A lantern keeper keeps lantern oil as a "public officer".')
    assert quoted[0].authority_id == "us-dc:dc-code:97-3" and "quoted words" in quoted[0].matched_by
    assert all("quoted words" not in h.matched_by for h in quoted[1:])
    assert [h.authority_id for h in hits('A lantern keeper keeps lantern oil as a "public officer".',
                                         cue_depth=0)] == [h.authority_id for h in hits(
                                             "A lantern keeper keeps lantern oil as a public officer.")]
