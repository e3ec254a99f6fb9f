"""The public API (research.open_researcher, research.open_index) and the research service that files answers."""

import subprocess
import sys

import pytest

from research.domain.answer import AnswerMode


def test_importing_a_domain_module_loads_no_adapter():
    code = ("import sys, research.domain.types, research\n"
            "heavy = [m for m in ('research.wiring', 'chromadb', 'torch', 'sqlalchemy') if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


@pytest.fixture
def service(tmp_path, catalogue, hashing_embedder):
    from research.answer.extractive import ExtractiveAnswerer, ExtractiveConfig
    from research.answer.researcher import Researcher
    from research.index.lexical import LexicalIndex
    from research.search.config import RetrievalConfig
    from research.search.evidence.registry import build_retriever
    from research.service import ResearchService
    from tests.conftest import Firm, invented_statute
    from tests.conftest import open_database as open_test_database

    store, chunks, directory = catalogue([
        invented_statute(1, "A lantern permit expires 90 days after it is issued.", "Lantern permits"),
        invented_statute(2, "Goats may graze in a park only between sunrise and noon.", "Goat grazing")])
    lexical = LexicalIndex.build([(c.id, c.jurisdiction, c.kind, c.indexed_text) for c in chunks])
    retriever = build_retriever(store, lexical, directory, RetrievalConfig(heading_weight=0))
    config = ExtractiveConfig(abstain_below=0.2, abstain_at=1.0)
    researcher = Researcher(retriever, store, ExtractiveAnswerer(hashing_embedder, config))
    opened = []

    def open_database():
        opened.append(True)
        db = open_test_database(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path)
        made.firm = Firm(db)
        return db

    made = ResearchService(researcher, open_database)
    made.opened = opened
    return made


def test_the_service_answers_without_storing_unless_told_where(service):
    from research.service import ResearchRequest

    result = service.research(ResearchRequest("How long does a lantern permit last?", ("US-DC",)))
    assert result.answer_id is None and "filed" not in result.to_dict()
    assert "us-dc:dc-code:97-1" in {c.authority_id for c in result.answer.citations}
    assert service.opened == []  # asking alone never opens the database

    from tests.conftest import Firm

    with pytest.raises(PermissionError, match="Sign in"):  # filing needs a signed-in user
        service.research(ResearchRequest("How long does a lantern permit last?", ("US-DC",), matter=Firm.LANTERN))
    amy = service.database.workspace(service.firm.associate)
    filed = service.research(ResearchRequest("How long does a lantern permit last?", ("US-DC",), matter=Firm.LANTERN),
                             amy)
    assert filed.to_dict()["filed"] == {"conversation_id": filed.conversation_id, "answer_id": filed.answer_id}
    conversation = amy.conversations.get(filed.conversation_id)
    assert conversation.matter == Firm.LANTERN and conversation.associate == "Amy"
    assert conversation.answers[0].answer.to_dict() == filed.answer.to_dict()

    again = service.research(ResearchRequest("When may goats graze?", ("US-DC",),
                                             conversation_id=filed.conversation_id), amy)
    assert again.conversation_id == filed.conversation_id
    otto = service.database.workspace(service.firm.outsider)
    with pytest.raises(PermissionError, match="not a member"):  # another matter's conversation
        service.research(ResearchRequest("When may goats graze?", ("US-DC",), conversation_id=filed.conversation_id),
                         otto)
    answers = amy.conversations.get(filed.conversation_id).answers
    assert [a.id for a in answers] == [filed.answer_id, again.answer_id]


def test_a_survey_is_filed_as_one_answer_with_its_table(service):
    from research.service import ResearchRequest
    from tests.conftest import Firm

    amy = service.database.workspace(service.firm.associate)
    result = service.research(ResearchRequest("How long does a lantern permit last?", ("US-DC", "US-HI"), survey=True,
                                              matter=Firm.LANTERN), amy)
    assert result.survey is not None and [r.jurisdiction for r in result.survey.rows] == ["US-DC", "US-HI"]
    assert result.answer.mode == AnswerMode.SURVEY and result.to_dict()["rows"][0]["jurisdiction"] == "US-DC"
    (stored,) = amy.conversations.get(result.conversation_id).answers
    assert stored.answer.survey_rows == result.answer.survey_rows


def test_ask_and_survey_return_the_answer_objects(service):
    answer = service.ask("How long does a lantern permit last?", ("US-DC",))
    assert answer.to_dict()["brief_answer"] == answer.brief_answer
    assert service.survey("How long does a lantern permit last?", ("US-DC", "US-HI")).to_dict()["question"]
