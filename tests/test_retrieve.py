"""Pure retrieval pieces: roll-up, fusion, the authority directory."""

import math

import bm25s
import numpy as np
import pytest

from research.corpus.analysis import analyse, pairs_of
from research.domain.ids import authority_of, is_text_chunk
from research.domain.types import SearchFilter
from research.index.directory import AuthorityDirectory
from research.index.lexical import LazyLexicalIndex, LexicalIndex
from research.search.fusion import (
    blend_opinion_evidence,
    fuse,
    penalise_long_opinions,
    rank_score,
    rerank_statutes,
    roll_up,
)
from tests.conftest import invented_statute


def test_roll_up_keeps_each_authority_at_its_best_chunk():
    ranked = [("a#1:x", 9.0), ("b#0:y", 8.0), ("a#0:z", 7.0), ("c#h:w", 6.0)]
    assert roll_up(ranked) == [("a", "a#1:x", 9.0), ("b", "b#0:y", 8.0), ("c", "c#h:w", 6.0)]


@pytest.mark.parametrize("entry, authority, text_chunk", [
    ("us-dc:dc-code:42-3505.01#3:ab12", "us-dc:dc-code:42-3505.01", True),
    ("us-hi:hrs:521-44#h:cd34", "us-hi:hrs:521-44", False),
    ("cl-cluster:107252#12:ef56", "cl-cluster:107252", True),
    ("cl-cluster:107252#a:cl-cluster:99@1530", "cl-cluster:107252", False),
])
def test_entry_ids_name_their_authority(entry, authority, text_chunk):
    assert authority_of(entry) == authority and is_text_chunk(entry) is text_chunk


def test_fuse_adds_rank_discounted_lexical_and_weighted_similarities():
    scores = fuse([(1.0, ["a", "b"]), (0.0, ["c"])], [(0.5, {"b": 0.8, "d": 0.6}), (0.0, {"a": 1.0})])
    assert scores["a"] == pytest.approx(1.0)
    assert scores["b"] == pytest.approx(1 / math.log2(3) + 0.4)
    assert scores["d"] == pytest.approx(0.3)
    assert scores["c"] == 0.0
    assert rank_score(0) > rank_score(1) > rank_score(10) > 0


@pytest.mark.parametrize("blend, expected", [
    (0.0, {"statute": rank_score(0), "op-a": rank_score(1), "op-b": 0.0}),
    (0.5, {"statute": rank_score(0), "op-a": 0.5 * rank_score(1) + 0.5 * rank_score(1), "op-b": 0.5 * rank_score(0)}),
    (1.0, {"statute": rank_score(0), "op-a": rank_score(1), "op-b": rank_score(0)}),
])
def test_opinion_lexical_evidence_blends_best_chunk_and_whole_opinion_on_the_statute_scale(blend, expected):
    evidence = blend_opinion_evidence(["statute", "op-a"], ["op-b", "op-a"], lambda a: a.startswith("op-"), blend)
    assert evidence == pytest.approx(expected)
    assert max(evidence.values()) <= rank_score(0)  # no opinion outranks the best statute by kind alone


@pytest.mark.parametrize("similarities, weight, expected", [
    ({}, 1.0, {"s1": 1.0, "op": 0.9, "s2": 0.8}),  # nothing to re-score: order and scores kept
    ({"s1": 0.5, "s2": 0.5}, 2.0, {"s1": 1.0, "op": 0.9, "s2": 0.8}),  # equal similarities move nothing
    ({"s1": 0.2, "s2": 0.6}, 1.0, {"s2": 1.0, "op": 0.9, "s1": 0.8}),  # s2 gains 0.2, s1 loses 0.2
    ({"s1": 0.2, "s2": 0.6}, 0.0, {"s1": 1.0, "op": 0.9, "s2": 0.8}),
    ({"s1": 0.9}, 5.0, {"s1": 1.0, "op": 0.9, "s2": 0.8}),  # one statute: its own mean, no bonus over opinions
])
def test_rerank_moves_statutes_by_their_passage_similarity_against_the_mean(similarities, weight, expected):
    reranked = rerank_statutes(["s1", "op", "s2"], {"s1": 1.0, "op": 0.9, "s2": 0.8}, similarities, weight)
    assert list(reranked) == list(expected)
    assert reranked == pytest.approx(expected)


def test_best_in_groups_names_each_groups_best_matching_document():
    index = LexicalIndex.build([
        ("a#0", "US-DC", "statute", "owls nest in barns"), ("a#1", "US-DC", "statute", "lantern permits for owls"),
        ("b#0", "US-DC", "statute", "goats graze"), ("c#0", "US-DC", "statute", "owls at night"),
    ])
    group = lambda doc_id: doc_id.split("#")[0]  # noqa: E731
    assert index.best_in_groups("lantern owls", {"a", "b"}, group) == {"a": "a#1"}  # b matches no query term
    assert index.best_in_groups("unheard-of words", {"a"}, group) == {}
    assert index.best_in_groups("owls", set(), group) == {}
    assert [index.group_sizes(group).get(g, 0) for g in ("a", "b", "z")] == [2, 1, 0]


@pytest.mark.parametrize("text, pairs", [
    ("statute of limitations", ["statut_limit"]),  # stopwords fall out before pairing, terms are stemmed
    ("The tenant shall pay rent under § 42-3505.01.", ["tenant_pay", "pay_rent", "rent_under", "under_42-3505.01"]),
    ("Rent", []),
    ("", []),
])
def test_pairs_join_neighbouring_analysed_terms(text, pairs):
    assert pairs_of(analyse(text)) == pairs


def test_a_pairs_index_finds_the_phrase_not_the_same_words_apart_and_keeps_its_analyser(tmp_path):
    docs = [("apart", "US-DC", "statute", "Limitations on grazing under this statute."),
            ("phrase", "US-DC", "statute", "The statute of limitations runs two years.")]
    assert {d for d, _ in LexicalIndex.build(docs).search("statute of limitations", 5)} == {"apart", "phrase"}
    pairs = LexicalIndex.build(docs, analyser="pairs")
    assert [d for d, _ in pairs.search("statute of limitations", 5)] == ["phrase"]
    pairs.save(tmp_path / "pairs")
    loaded = LexicalIndex.load(tmp_path / "pairs")
    assert loaded.analyser == "pairs" and [d for d, _ in loaded.search("statute of limitations", 5)] == ["phrase"]
    lazy = LazyLexicalIndex(tmp_path / "pairs")
    assert lazy._index is None  # nothing read until asked
    assert [d for d, _ in lazy.search("statute of limitations", 5)] == ["phrase"] and lazy.analyser == "pairs"
    assert lazy.loaded() is lazy.loaded()


def test_a_search_for_a_question_reads_no_statement_index(invented_index_env):
    from research.wiring import STATEMENT_INDEXES, default_index

    default_index().ingest(progress=False)
    index = default_index()
    index.retriever().search("How long does a tenant have to answer a notice?")
    lazy = {name: i for name, i in index.lexical_indexes.items() if name in STATEMENT_INDEXES}
    assert lazy and all(i._index is None for i in lazy.values())
    index.retriever().search("The landlord shall return the security deposit within 45 days.")  # a statement
    assert any(i._index is not None for i in lazy.values())


ENCODED_DOCS = [("a", "US-DC", "statute", "The statute of limitations for goats runs two years under § 42-3505.01."),
                ("b", "US-DC", "statute", "Goats graze; the statute of limitations is tolled for minors."),
                ("c", "US-HI", "statute", "Lanterns on boats at night."), ("d", "US-HI", "statute", ""),
                ("e", "US-CO", "statute", "Goats.")]


@pytest.mark.parametrize("analyser, min_df", [("terms", 1), ("terms", 2), ("pairs", 1), ("pairs", 2)])
@pytest.mark.parametrize("query", ["statute of limitations for goats", "goats graze at night", "lanterns", "unheard"])
def test_token_ids_score_as_bm25s_scores_the_token_strings(analyser, min_df, query):
    """The index codes tokens (and pairs) as integers; its scores must be bm25s's over the very strings."""
    tokenise = {"terms": lambda terms: terms, "pairs": pairs_of}[analyser]
    tokens = [tokenise(analyse(text)) for *_, text in ENCODED_DOCS]
    df = {t: sum(t in doc for doc in tokens) for doc in tokens for t in doc}
    tokens = [[t for t in doc if df[t] >= min_df] or [""] for doc in tokens]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(tokens, show_progress=False)
    wanted = [t for t in tokenise(analyse(query)) if t in reference.vocab_dict and t]
    expected = reference.get_scores(wanted) if wanted else np.zeros(len(ENCODED_DOCS))
    index = LexicalIndex.build(ENCODED_DOCS, analyser=analyser, min_df=min_df)
    scores = dict(index.search(query, len(ENCODED_DOCS)))
    assert [scores.get(doc_id, 0.0) for doc_id, *_ in ENCODED_DOCS] == pytest.approx(expected.tolist(), abs=1e-6)


def test_an_unknown_analyser_is_refused():
    with pytest.raises(ValueError, match="unknown analyser 'triples'"):
        LexicalIndex.build(ENCODED_DOCS, analyser="triples")


def test_tokens_of_fewer_documents_than_min_df_are_left_out():
    docs = [("a", "US-DC", "statute", "Goats graze near lanterns."), ("b", "US-DC", "statute", "Goats sleep.")]
    assert [d for d, _ in LexicalIndex.build(docs).search("lanterns", 5)] == ["a"]
    index = LexicalIndex.build(docs, min_df=2)
    assert index.search("lanterns", 5) == [] and {d for d, _ in index.search("goats", 5)} == {"a", "b"}


def test_long_opinions_lose_and_short_ones_gain_against_a_typical_length_while_statutes_keep_their_scores():
    chunk_counts = {"long": 100, "short": 2, "statute": 0}
    ranked = [("long#3:x", 10.0), ("statute#0:y", 9.9), ("short#0:z", 9.0)]
    typical = math.log(10)
    adjusted = penalise_long_opinions(ranked, chunk_counts.get, typical, 0.1)
    assert [c for c, _ in adjusted] == ["short#0:z", "statute#0:y", "long#3:x"]
    assert dict(adjusted)["statute#0:y"] == 9.9
    assert dict(adjusted)["long#3:x"] == pytest.approx(10.0 - 0.1 * 10.0 * (math.log(100) - typical))
    assert penalise_long_opinions(ranked, chunk_counts.get, typical, 0.0) == ranked
    assert penalise_long_opinions([], chunk_counts.get, typical, 0.1) == []


def test_directory_filters_and_finds_cited_authorities():
    directory = AuthorityDirectory([
        ("us-dc:dc-code:42-3505.01", "US-DC", "statute", "D.C. Code § 42-3505.01"),
        ("cl-cluster:1", "US-federal", "opinion", "384 U.S. 436|86 S. Ct. 1602"),
    ])
    assert directory.admits("us-dc:dc-code:42-3505.01", SearchFilter(("US-DC",)))
    assert not directory.admits("us-dc:dc-code:42-3505.01", SearchFilter(kinds=("opinion",)))
    assert not directory.admits("unknown", SearchFilter())
    query = "Compare Miranda, 384 U.S. 436, with D.C. Code § 42-3505.01(b)."
    assert directory.cited(query, SearchFilter()) == ["cl-cluster:1", "us-dc:dc-code:42-3505.01"]
    assert directory.cited(query, SearchFilter(("US-DC",))) == ["us-dc:dc-code:42-3505.01"]
    assert directory.cited("86 S. Ct. 1602", SearchFilter()) == ["cl-cluster:1"]


def _opinion(n, text, name):
    """An invented Supreme Court opinion, 9n U.S. 1."""
    from research.domain.types import Authority

    return Authority(id=f"cl-cluster:99{n}", source="t", jurisdiction="US-federal", kind="opinion",
                     citation=f"9{n} U.S. 1", heading=name, text=text)


def test_headings_rescore_lexical_candidates_unless_allowed_to_add(catalogue, hashing_embedder):
    from research.corpus.chunking import heading_entry
    from research.index.vectorstore import InMemoryVectorStore
    from research.search.config import RetrievalConfig
    from research.search.evidence.dense import DenseTier
    from research.search.evidence.registry import build_retriever

    authorities = [invented_statute(1, "A lantern permit is required to hang a lantern.", "Lantern permits"),
                   invented_statute(2, "Goats graze in parks before noon with a lantern.", "Goat grazing"),
                   invented_statute(3, "Bicycles carry bells.", "Lantern festival goats")]
    store, chunks, directory = catalogue(authorities)
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.text) for c in chunks])  # headings unseen
    headings = InMemoryVectorStore()
    entries = [heading_entry(a) for a in authorities]
    headings.add(entries, hashing_embedder.encode([e.indexed_text for e in entries]))

    def ids(adds):
        retriever = build_retriever(store, lexical, directory, RetrievalConfig(heading_adds_candidates=adds),
                                    headings=DenseTier(headings, hashing_embedder))
        return [h.authority_id for h in retriever.search("lantern festival goats", k=10)]

    assert "us-dc:dc-code:97-3" not in ids(adds=False)
    assert set(ids(adds=False)) == {"us-dc:dc-code:97-1", "us-dc:dc-code:97-2"}
    assert "us-dc:dc-code:97-3" in ids(adds=True)


class _FavouringEmbedder:
    """Embeds the query and any text containing `favoured` as one vector, every other text orthogonally."""

    def __init__(self, favoured: str):
        self.favoured = favoured
        self.texts: list[str] = []

    def encode(self, texts):
        import numpy as np

        self.texts += texts[1:]
        rows = [[1.0, 0.0]] + [[1.0, 0.0] if self.favoured in t else [0.0, 1.0] for t in texts[1:]]
        return np.array(rows, dtype=np.float32)


def test_reranker_reorders_the_first_statutes_by_passage_and_keeps_cited_authorities_first(catalogue):
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    authorities = [invented_statute(n, text, f"Lanterns {n}") for n, text in (
        (1, "Lantern lantern lantern permits are issued by the mayor."),
        (2, "Lantern permits lapse after a year unless renewed in writing."),
        (3, "A lantern permit holder shall keep goats away from the lantern."))]
    store, chunks, directory = catalogue(authorities)
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.text) for c in chunks])

    def ids(query, reranker, **config):
        retriever = build_retriever(store, lexical, directory, RetrievalConfig(**config),
                                    reranker=reranker)
        return [h.authority_id for h in retriever.search(query, k=2)]

    plain = ids("lantern permits", None)
    assert plain[0] == "us-dc:dc-code:97-1" and "us-dc:dc-code:97-2" not in plain  # 97-2 ranks third
    favouring = _FavouringEmbedder("renewed")
    assert ids("lantern permits", favouring)[0] == "us-dc:dc-code:97-2"  # re-scored from below the cut (k=2)
    assert any("renewed" in t for t in favouring.texts)
    assert ids("lantern permits", _FavouringEmbedder("renewed"), rerank_depth=0) == plain
    # a cited section stays first whatever its passage scores
    assert ids("D.C. Code § 97-3 lantern permits", _FavouringEmbedder("renewed"))[0] == "us-dc:dc-code:97-3"
    # passages already embedded are not embedded again
    cached = _FavouringEmbedder("renewed")
    retriever = build_retriever(store, lexical, directory, reranker=cached)
    retriever.search("lantern permits", k=2)
    embedded = len(cached.texts)
    retriever.search("lantern permits", k=2)
    assert embedded > 0 and len(cached.texts) == embedded


def test_phrase_evidence_orders_a_statement_but_not_an_associates_question(catalogue):
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    store, chunks, directory = catalogue([
        invented_statute(1, "Limitations on grazing: a statute sets limitations; no statute lifts limitations.",
                         "Goats 1"),
        invented_statute(2, "The statute of limitations for grazing runs two years from the day of harm.", "Goats 2")])
    docs = [(c.id, c.jurisdiction, c.kind, c.text) for c in chunks]

    def hits(query, **config):
        retriever = build_retriever(store, LexicalIndex.build(docs), directory,
                                    RetrievalConfig(**config), phrases=LexicalIndex.build(docs, analyser="pairs"))
        return retriever.search(query, k=2)

    statement = "The statute of limitations bars grazing."
    assert [h.authority_id for h in hits(statement, phrase_weight=0)][0] == "us-dc:dc-code:97-1"  # more of the words
    phrased = hits(statement)
    assert phrased[0].authority_id == "us-dc:dc-code:97-2" and "phrase" in phrased[0].matched_by
    question = "Does the statute of limitations bar grazing?"
    asked = hits(question)
    assert asked[0].authority_id == "us-dc:dc-code:97-1" and all("phrase" not in h.matched_by for h in asked)


def test_whole_opinion_phrase_evidence_orders_a_statement_but_not_an_associates_question(catalogue):
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever

    store, chunks, directory = catalogue([
        _opinion(1, "The conviction's consequences were collateral to the sentence; it remains.", "Apart v. Words"),
        _opinion(2, "The case is not moot.\n\nCollateral consequences keep it alive.", "Phrase v. Kept")])
    docs = [(c.id, c.jurisdiction, c.kind, c.text) for c in chunks]
    opinions = [(a, "US-federal", "opinion", text) for a, text in (
        ("cl-cluster:991", " ".join(c.text for c in chunks if c.authority_id == "cl-cluster:991")),
        ("cl-cluster:992", " ".join(c.text for c in chunks if c.authority_id == "cl-cluster:992")))]

    def hits(query, **config):
        retriever = build_retriever(store, LexicalIndex.build(docs), directory,
                                    RetrievalConfig(**config),
                                    opinion_phrases=LexicalIndex.build(opinions, analyser="pairs"))
        return retriever.search(query, k=2)

    statement = "Collateral consequences of the conviction remain."
    assert [h.authority_id for h in hits(statement, opinion_phrase_weight=0)][0] == "cl-cluster:991"
    phrased = hits(statement, opinion_phrase_weight=1.0)
    assert phrased[0].authority_id == "cl-cluster:992" and "opinion phrase" in phrased[0].matched_by
    asked = hits("Do collateral consequences of the conviction remain?", opinion_phrase_weight=1.0)
    assert asked[0].authority_id == "cl-cluster:991" and all("opinion phrase" not in h.matched_by for h in asked)


def test_a_new_evidence_class_is_one_class_and_one_knob(catalogue):
    """The plug-in contract: a signal added to the registry is gathered, weighted, fused and listed."""
    from research.index.lexical import LexicalIndex
    from research.search.config import RetrievalConfig
    from research.search.evidence.base import Evidence, Stage
    from research.search.evidence.registry import build_retriever

    class GoatsFirst(Evidence):
        name = "goats"
        stage = Stage.RANK
        weight_knob = "anchor_weight"  # borrowed knob: a real plug-in adds its own field to RetrievalConfig

        def gather(self, query, signals, config):
            return [("us-dc:dc-code:97-2", "", 1.0)]

    store, chunks, directory = catalogue([invented_statute(1, "A lantern permit is required for a lantern."),
                                          invented_statute(2, "Goats graze in parks before noon.")])
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.indexed_text) for c in chunks])
    plain = build_retriever(store, lexical, directory, RetrievalConfig(heading_weight=0, anchor_weight=5.0))
    assert [h.authority_id for h in plain.search("lantern permit", k=2)][0] == "us-dc:dc-code:97-1"
    plain.evidence.append(GoatsFirst())
    hits = plain.search("lantern permit", k=2)
    assert hits[0].authority_id == "us-dc:dc-code:97-2" and "goats" in hits[0].matched_by
    plain.config = RetrievalConfig(heading_weight=0, anchor_weight=0.0)
    assert plain.search("lantern permit", k=2)[0].authority_id == "us-dc:dc-code:97-1"
