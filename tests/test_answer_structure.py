"""The answer's structure: what a question asks, what a statute sentence does, list lead-ins kept with their
items, a brief answer per part of the question, a body of bounded size, and the authorities not quoted listed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from research.answer.drafting import answers_part, drafting_tags
from research.answer.extractive import ExtractiveAnswerer, ExtractiveConfig, Passage, candidate_sentences, lead_in
from research.answer.question import Ask, question_parts
from research.answer.researcher import Researcher
from research.corpus.chunking import chunk_authority
from research.corpus.sentences import split_sentences
from research.domain.types import Authority
from research.index.catalogue import ChunkStore, SourceStatus, now
from research.index.directory import AuthorityDirectory
from research.index.lexical import LexicalIndex
from research.search.config import RetrievalConfig
from research.search.evidence.registry import build_retriever

RETALIATION = Authority(
    id="us-dc:inv:9-201", source="code-dc", jurisdiction="US-DC", kind="statute", citation="Inv. Code § 9-201",
    heading="Retaliatory action against tenants.",
    text="(a) No lantern keeper shall take any retaliatory action against any tenant who exercises a right "
         "conferred by this chapter.\n"
         "(b) A court shall presume retaliatory action if, within 6 months before the keeper's action, the tenant:\n"
         "  (1) Complained in writing to the lantern inspector about a broken lantern; or\n"
         "  (2) Organized a tenants' association.\n"
         "(c) A tenant subjected to retaliatory action may recover treble damages and reasonable attorney's fees.\n"
         "Cross references: For the lantern inspector, see section 9-100.")
OTHERS = [
    Authority(id=f"us-dc:inv:9-{n}", source="code-dc", jurisdiction="US-DC", kind="statute",
              citation=f"Inv. Code § 9-{n}", heading=f"Lantern rule {n}.",
              text=f"(a) A lantern keeper shall light lantern number {n} at dusk for a tenant.\n"
                   f"(b) A lantern keeper may charge a tenant a fee of {n} dollars for a lantern.")
    for n in range(202, 210)]


@pytest.mark.parametrize("question, asks", [
    ("My client complained about mold. Is that allowed, and what can she do?",
     [{Ask.PERMISSION}, {Ask.REMEDY}]),
    ("How long does a D.C. landlord have to return a security deposit?", [{Ask.PERIOD, Ask.PERMISSION}]),
    ("What is a trade secret under Colorado law?", [{Ask.DEFINITION}]),
    ("Summarise the law on lantern permits.", [{Ask.GENERAL}]),
])
def test_a_question_is_split_into_what_it_asks_and_the_facts_are_left_out(question, asks):
    assert [set(part.asks) for part in question_parts(question)] == asks


def test_drafting_conventions_say_what_a_sentence_does():
    assert drafting_tags("A landlord shall return the deposit within forty-five days.") >= {Ask.PERIOD,
                                                                                               Ask.PERMISSION}
    assert Ask.REMEDY in drafting_tags("The tenant may recover treble damages and attorney's fees.")
    assert drafting_tags("\"Tenant\" means a person entitled to occupy a rental unit.") == {Ask.DEFINITION}
    assert not answers_part(drafting_tags("The chapter takes effect in 2031."), frozenset({Ask.PERIOD}))


def test_a_list_item_is_quoted_with_its_lead_in():
    passage = Passage(RETALIATION, 0, tuple(chunk_authority(RETALIATION)))
    item = next(s for s in split_sentences(RETALIATION.text) if s.text.startswith("(1) Complained"))
    intro = lead_in(passage, item, "(b)(1)")
    assert intro is not None and intro.text.startswith("A court shall presume") and intro.text.endswith(":")
    first = next(s for s in split_sentences(RETALIATION.text) if s.text.startswith("(a)"))
    assert lead_in(passage, first, "(a)") is None


@pytest.fixture
def researcher(tmp_path, hashing_embedder):
    authorities = [RETALIATION, *OTHERS]
    store = ChunkStore(tmp_path / "catalog.sqlite")
    chunks = [c for a in authorities for c in chunk_authority(a)]
    store.replace_source("code-dc", authorities, chunks, SourceStatus(
        "code-dc", "sha", "v", "ready", len(authorities), {}, len(authorities), len(chunks), "2031", now()))
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.indexed_text) for c in chunks])
    retriever = build_retriever(store, lexical, AuthorityDirectory(store.citation_index()),
                                RetrievalConfig(heading_weight=0))
    config = ExtractiveConfig(abstain_below=0.05, abstain_at=1.0)
    return Researcher(retriever, store, ExtractiveAnswerer(hashing_embedder, config))


QUESTION = ("My client, a tenant, complained in writing to the lantern inspector about a broken lantern. Two months "
            "later the lantern keeper took retaliatory action against her. Does a court presume retaliatory action, "
            "and what can the tenant recover?")


def test_the_brief_answer_gives_one_cited_sentence_per_part(researcher):
    from research.evaluation.answers import brief_sentences

    answer = researcher.ask(QUESTION, ("US-DC",))
    sentences = brief_sentences(answer.brief_answer)
    assert len(sentences) >= 2 and all(s.startswith("Under Inv. Code § 9-") and s.endswith("]") for s in sentences)
    assert "treble damages" in answer.brief_answer  # the remedy part
    assert all(c.citation in answer.brief_answer for c in answer.citations if c.quote in answer.brief_answer)


def test_the_body_is_bounded_and_what_is_not_quoted_is_listed(researcher):
    answer = researcher.ask(QUESTION, ("US-DC",))
    assert len(answer.sentences) <= 8 and len({c.authority_id for c in answer.citations}) <= 5
    listed = {entry["authority_id"] for entry in answer.also_retrieved}
    quoted = {c.authority_id for c in answer.citations}
    assert listed and not listed & quoted and listed | quoted == set(answer.retrieved)
    assert "Also retrieved: " in answer.text


def test_editorial_notes_are_never_quoted(researcher):
    answer = researcher.ask("Where is the lantern inspector cross reference for retaliatory action?", ("US-DC",))
    assert not any("Cross references" in c.quote for c in answer.citations)


def test_an_opinions_caption_is_never_a_candidate_sentence():
    from tests.conftest import INVENTED_OPINION

    text = ("901 U.S. 77 (2031)\n\nPEMBERTON\n\nv.\n\nLANTERN OFFICE\n\nNo. 30-1578.\n\nSupreme Court of the United "
            "States.\n\nArgued March 29, 2031.\n\n[*78] We hold that a lantern permit is a license, not a property "
            "right, and that the office may revoke it for cause.")
    opinion = Authority(id=INVENTED_OPINION["id"], source="invented", jurisdiction="US-federal", kind="opinion",
                        citation="901 U.S. 77", heading="Pemberton v. Lantern Office", text=text)
    sentences = [s.text for s, _ in candidate_sentences(Passage(opinion, 1, tuple(chunk_authority(opinion))), 600)]
    assert sentences == ["[*78] We hold that a lantern permit is a license, not a property right, and that the office "
                         "may revoke it for cause."]


def test_a_sections_history_note_is_not_part_of_its_last_sentence():
    text = ("§7-1 Permits. (a) No person shall light a lantern on a public way without a permit.\n\n(b) A permit "
            "expires ninety days after it is issued. [L 1980, c 164, pt of §1; am L 1995, c 3, §2]")
    section = Authority(id="us-hi:hrs:7-1", source="invented", jurisdiction="US-HI", kind="statute",
                        citation="Haw. Rev. Stat. § 7-1", heading="Permits.", text=text)
    found = candidate_sentences(Passage(section, 1, tuple(chunk_authority(section))), 600)
    last, pin = found[-1]
    assert last.text == "A permit expires ninety days after it is issued." == text[last.start:last.end]
    assert pin == "(b)"


def test_a_quoted_list_item_brings_its_lead_in_into_the_body(researcher):
    answer = researcher.ask("Did the tenant who complained in writing to the lantern inspector about a broken "
                            "lantern engage in protected activity?", ("US-DC",))
    quotes = [c.quote for c in answer.citations]
    items = [i for i, q in enumerate(quotes) if q.startswith("Complained in writing")]
    if items:
        assert any(q.startswith("A court shall presume") for q in quotes[:items[0]])


def test_the_calibrated_score_abstains_when_neither_sentences_nor_retrieval_are_close(hashing_embedder):
    answerer = ExtractiveAnswerer(hashing_embedder)
    weak, strong = answerer.unanswerable(0.3, 0.3), answerer.unanswerable(0.7, 1.8)
    assert weak > answerer.config.abstain_at > strong
    # the same sentences and retrieval, but the question fits a title the corpus lacks better than what was found
    assert answerer.unanswerable(0.5, 0.9, title_gap=0.2) > answerer.config.abstain_at > answerer.unanswerable(
        0.5, 0.9)
    passage = Passage(RETALIATION, 0, tuple(chunk_authority(RETALIATION)), score=0.1)
    answer = ExtractiveAnswerer(hashing_embedder, ExtractiveConfig(abstain_below=0.0)).answer
    result = answer("What colour must the lantern be painted?", [passage])  # one word in common, a weak retrieval
    assert result.abstained and result.unanswerable >= answerer.config.abstain_at and result.picks == []
    assert not answer("Does a court presume retaliatory action against a tenant?", [passage]).abstained


def test_a_question_that_fits_a_title_the_corpus_lacks_is_told_which(hashing_embedder):
    from research.answer.coverage import NO_ABSENT_TITLE, CorpusHoldings, TitleRouter

    held = CorpusHoldings({"US-CO": {"16", "17"}}, {"US-CO": 2}, {})
    router = TitleRouter(hashing_embedder, held)
    proceedings = Authority(id="us-co:crs:16-5-401", source="crs", jurisdiction="US-CO", kind="statute",
                            citation="C.R.S. § 16-5-401", heading="Limitation for commencing criminal proceedings.",
                            text="(1) No person shall be prosecuted ...")
    question = hashing_embedder.encode(["Under the Colorado Revised Statutes title on the criminal code, what is "
                                        "the Criminal Code: class of theft?"])[0]
    fit = router.fit(question, [proceedings])
    assert fit.gap > 0 and fit.nearest_absent[0] == ("18", "Criminal Code")
    assert "C.R.S. that the corpus does not hold; nearest by name: title 18 (Criminal Code)" in fit.sentence()
    dc = Authority(id="us-dc:inv:1", source="dc", jurisdiction="US-DC", kind="statute", citation="D.C. Code § 1-1",
                   heading="x", text="x")
    assert router.fit(question, [dc]).gap == NO_ABSENT_TITLE and router.fit(question, [dc]).sentence() == ""


def test_an_abstention_says_what_the_corpus_holds_and_lists_the_nearest(researcher):
    researcher.answerer.config.abstain_at = 0.0  # every question abstains
    answer = researcher.ask("What is the lantern tax rate?", ("US-DC",))
    assert answer.abstained and answer.citations == []
    assert "No authority found in the selected jurisdictions for" in answer.brief_answer
    assert "The corpus holds US-DC: 9 statute sections." in answer.brief_answer
    assert answer.also_retrieved and "Nearest authorities retrieved, not on point: Inv. Code" in answer.text


def test_a_lead_in_is_quoted_with_an_item_of_its_list(researcher):
    answer = researcher.ask("Within 6 months before the keeper's action, when does a court presume retaliatory "
                            "action against a tenant who complained?", ("US-DC",))
    quotes = [c.quote for c in answer.citations]
    lead_ins = [k for k, q in enumerate(quotes) if q.rstrip().endswith(":")]
    assert lead_ins
    for k in lead_ins:
        assert k + 1 < len(quotes) and quotes[k + 1].startswith(("Complained", "Organized"))


class _Counting:
    """An encoder that remembers how many texts each call gave it."""

    def __init__(self, encoder):
        self.encoder, self.calls = encoder, []

    def encode(self, texts):
        self.calls.append(len(texts))
        return self.encoder.encode(texts)


def test_a_screening_encoder_narrows_the_candidates_the_answerer_scores(hashing_embedder):
    passages = [Passage(a, rank, tuple(chunk_authority(a)), score=1.0)
                for rank, a in enumerate([RETALIATION, *OTHERS])]
    config = ExtractiveConfig(abstain_below=0.0, abstain_at=1.0, screen_to=4)
    plain = ExtractiveAnswerer(hashing_embedder, config).answer(QUESTION, passages)
    embedder, screener = _Counting(hashing_embedder), _Counting(hashing_embedder)
    screened = ExtractiveAnswerer(embedder, config, screener=screener).answer(QUESTION, passages)
    asked = 1 + len(question_parts(QUESTION))
    candidates = screener.calls[0] - asked
    # the screen_to best, and each part's best that is not among them
    assert candidates > config.screen_to + 2 * config.screen_each_part
    assert asked + config.screen_to < embedder.calls[0] <= asked + config.screen_to + 2 * config.screen_each_part
    only_best = _Counting(hashing_embedder)
    ExtractiveAnswerer(only_best, replace(config, screen_each_part=0), screener=screener).answer(QUESTION, passages)
    assert only_best.calls == [asked + config.screen_to]
    # the sentence closest to the question, which abstention reads, survives the screening
    assert screened.best_similarity == pytest.approx(plain.best_similarity) and not screened.abstained
    assert len(screened.picks) <= config.screen_to
    # a pool no larger than screen_to is scored as it is, without the screener
    unscreened = ExtractiveAnswerer(embedder, replace(config, screen_to=candidates), screener=screener)
    assert [p.sentence.start for p in unscreened.answer(QUESTION, passages).picks] == [
        p.sentence.start for p in plain.picks] and len(screener.calls) == 2


FILLER = " ".join(f"The record in this case shows lantern {n} was lit at dusk by the keeper." for n in range(40))
PEMBERTON = Authority(
    id="cl-cluster:77", source="scotus", jurisdiction="US-federal", kind="opinion", citation="901 U.S. 77",
    heading="Pemberton v. Lantern Office",
    text="901 U.S. 77 (2031)\n\nPEMBERTON\n\nv.\n\nLANTERN OFFICE.\n\nNo. 12.\n\n"
         "MR. JUSTICE STONE delivered the opinion of the Court.\n\n"
         "[*78] Accordingly we hold that a lantern permit is a license and confers no property right in the "
         "lantern.\n\n"
         f"[*79] {FILLER}\n\n"
         "[*80] The lantern office revoked the permit of the lantern keeper after a hearing on the lantern permit.\n\n"
         "[*81] The judgment is affirmed.[1]\n\n"
         "NOTES\n\n[1] The lantern office also keeps a register of lantern permits by street.\n\n"
         "MR. JUSTICE HOLMES, dissenting.\n\n"
         "[*82] A lantern permit held for twenty years is a property right of the lantern keeper, and the lantern "
         "office may not revoke the lantern permit without compensation.")


def test_a_court_states_its_holding_in_the_first_person():
    from research.answer.drafting import states_holding

    assert states_holding("Accordingly we hold that a lantern permit is a license.")
    assert states_holding("We merely hold today that where an officer observes unusual conduct, he may stop him.")
    assert states_holding("Our holding will be spelled out below but briefly stated it is this: no statement.")
    assert not states_holding("In Smith we held that a permit is property.")
    assert not states_holding("In disapproving that doctrine we do not hold the Act unconstitutional.")
    assert not states_holding("As we hold this was error, the judgment is reversed and the case remanded.")


def test_a_dissent_or_a_footnote_is_never_quoted_as_what_the_case_holds():
    passage = Passage(PEMBERTON, 0, tuple(chunk_authority(PEMBERTON)))
    quoted = " ".join(s.text for s, _ in candidate_sentences(passage, 900))
    assert "we hold that a lantern permit is a license" in quoted and "The judgment is affirmed." in quoted
    assert "twenty years" not in quoted
    assert "register of lantern permits" not in quoted  # a footnote, printed after the opinion


def test_a_named_case_is_answered_from_its_holding_wherever_it_stands(hashing_embedder):
    from research.answer.researcher import holding_chunks

    chunks = chunk_authority(PEMBERTON, max_tokens=64)
    revoked = next(i for i, c in enumerate(chunks) if "revoked the permit" in c.text)
    holding = holding_chunks(PEMBERTON, chunks)
    assert holding and all(i < revoked - 1 for i in holding)  # beyond the neighbours of the matched chunk
    window = tuple(chunks[i] for i in sorted({*holding, revoked - 1, revoked, revoked + 1}))
    answer = ExtractiveAnswerer(hashing_embedder, ExtractiveConfig(abstain_below=0.0, abstain_at=1.0)).answer
    named = Passage(PEMBERTON, 0, window, (chunks[revoked].start, chunks[revoked].end), named=True)
    result = answer("What did Pemberton v. Lantern Office hold about revoking a lantern permit?", [named])
    assert "Accordingly we hold that a lantern permit is a license" in result.brief[0].sentence.text
    unnamed = answer("What did Pemberton v. Lantern Office hold about revoking a lantern permit?",
                     [replace(named, named=False)])
    assert "Accordingly we hold" not in unnamed.brief[0].sentence.text


def test_of_other_opinions_only_what_they_say_of_the_named_case_is_quoted_and_a_named_case_never_abstains(
        hashing_embedder):
    later = Authority(
        id="cl-cluster:88", source="scotus", jurisdiction="US-federal", kind="opinion", citation="905 U.S. 1",
        heading="Keeper v. Lantern Office",
        text="905 U.S. 1 (2035)\n\nKEEPER v. LANTERN OFFICE.\n\n"
             "[*2] The lantern office of the county revoked a lantern permit of a keeper for a broken lantern.\n\n"
             "[*3] In Pemberton we held that a lantern permit is a license and may be revoked by the office.")
    named = Passage(PEMBERTON, 0, tuple(chunk_authority(PEMBERTON)), named=True)
    other = Passage(later, 1, tuple(chunk_authority(later)))
    strict = ExtractiveAnswerer(hashing_embedder, ExtractiveConfig(abstain_below=0.99, abstain_at=0.0))
    result = strict.answer("What did Pemberton v. Lantern Office hold about revoking a lantern permit?",
                           [named, other])
    assert not result.abstained
    from_later = [p.sentence.text for p in result.picks if p.authority.id == later.id]
    assert from_later and all("Pemberton" in text for text in from_later)
    assert strict.answer("Can the lantern office revoke a lantern permit?", [replace(named, named=False)]).abstained


def test_a_quotation_within_a_quotation_takes_single_marks():
    from research.domain.answer import quoted

    assert quoted("“Act in furtherance of the right of advocacy” means:") == \
        "\"‘Act in furtherance of the right of advocacy’ means:\""
    assert quoted('He said "no."') == "\"He said 'no.'\""
    assert quoted("A permit lapses.") == '"A permit lapses."'


def test_the_router_reads_what_a_title_governs_not_only_its_name(hashing_embedder):
    from research.answer.coverage import CorpusHoldings, TitleRouter

    held = CorpusHoldings({"US-CO": {"6", "16"}}, {"US-CO": 2}, {})
    router = TitleRouter(hashing_embedder, held)
    consumer = Authority(id="us-co:crs:6-1-105", source="crs", jurisdiction="US-CO", kind="statute",
                         citation="C.R.S. § 6-1-105", heading="Deceptive trade practices.", text="(1) A person ...")
    # no title's name says "statutes of limitations"; title 13's subjects do
    question = hashing_embedder.encode(["statutes of limitations for civil claims"])[0]
    assert router.fit(question, [consumer]).nearest_absent[0] == ("13", "Courts and Court Procedure")


def test_an_outline_gives_subjects_only_of_titles_it_lists(tmp_path, monkeypatch):
    from research.jurisdictions import REGISTRY, base

    outline = tmp_path / "US-CO.toml"
    outline.write_text('code = "US-CO"\ncode_title = "C"\n[titles]\n"1" = "Elections"\n[subjects]\n"99" = "x"\n')
    monkeypatch.setattr(base, "OUTLINES_DIR", tmp_path)
    with pytest.raises(ValueError, match="subjects of titles it does not list: 99"):
        base.with_outline(next(j for j in REGISTRY if j.code == "US-CO"))


def test_a_named_case_opens_with_its_holding_not_its_account_of_a_precedent(hashing_embedder):
    overruling = replace(PEMBERTON, text=PEMBERTON.text.replace(
        "[*78] Accordingly we hold that a lantern permit is a license and confers no property right in the lantern.",
        "[*78] In Smith the Court concluded that the lantern office may never revoke a lantern permit of a lantern "
        "keeper. Upon full reconsideration we conclude that Smith should be overruled."))
    named = Passage(overruling, 0, tuple(chunk_authority(overruling)), named=True)
    answer = ExtractiveAnswerer(hashing_embedder, ExtractiveConfig(abstain_below=0.0, abstain_at=1.0)).answer
    result = answer("What did Pemberton v. Lantern Office hold about revoking a lantern permit?", [named])
    assert result.brief[0].sentence.text == "Upon full reconsideration we conclude that Smith should be overruled."
