"""The app database: migrations, answers stored as given, history search, concurrent writers.

Every test runs on SQLite; the same tests run on the PostgreSQL server at 127.0.0.1:5432 (database
`test`) when it is reachable, in a schema of their own that is dropped afterwards.
"""

from __future__ import annotations

import threading
from datetime import UTC

import pytest
import sqlalchemy as sa

from research.domain.answer import Answer, AnswerSentence, Citation, SupportStatus
from research.domain.review import Grade
from research.storage.conversations import ConversationNotFound
from research.storage.tables import Base
from tests.conftest import Firm, open_database


def make_answer(question: str, quote: str = "A lantern permit expires ninety days after it is issued.") -> Answer:
    citation = Citation(1, "us-dc:inv:7-101", "Inv. Code § 7-101(b)", "(b)", quote, 10, 10 + len(quote),
                        SupportStatus.VERIFIED, "code-dc", "US-DC", "statute", "Lantern permits.", None)
    return Answer(question=question, standalone_question=question, jurisdictions=("US-DC",), kinds=(),
                  mode="extractive", brief_answer=f'Under Inv. Code § 7-101(b): "{quote}" [1]',
                  sentences=[AnswerSentence(f'"{quote}"', (1,))], citations=[citation], abstained=False,
                  retrieved=("us-dc:inv:7-101",), law_versions={"code-dc": "2031 edition"},
                  timings_ms={"total": 12.5})


def test_answers_are_stored_and_reopened_exactly_as_given(database_url, tmp_path):
    db = open_database(database_url, tmp_path)
    amy = Firm(db).as_(db.accounts.user("Amy"))
    conversation_id = amy.conversations.create(Firm.LANTERN)
    first, second = make_answer("How long does a permit last?"), make_answer("What about renewals?")
    amy.conversations.add_answer(conversation_id, first)
    amy.conversations.add_answer(conversation_id, second)
    reopened = amy.conversations.get(conversation_id)
    assert reopened.associate == "Amy" and reopened.matter == Firm.LANTERN
    assert [a.answer for a in reopened.answers] == [first, second]
    assert all(a.status == "draft" for a in reopened.answers)
    assert [t.question for t in reopened.turns()] == ["How long does a permit last?", "What about renewals?"]
    db.close()


def test_history_lists_newest_first_and_searches_questions_answers_and_matters(database_url, tmp_path):
    db = open_database(database_url, tmp_path)
    rex = Firm(db).as_(db.accounts.user("Rex"))
    older = rex.conversations.create(Firm.GOAT)
    grazing = make_answer("When may goats graze?", quote="Goats may graze in a park only before noon.")
    rex.conversations.add_answer(older, grazing)
    newer = rex.conversations.create(Firm.LANTERN)
    rex.conversations.add_answer(newer, make_answer("How long does a permit last?"))
    assert [c.id for c in rex.conversations.summaries()] == [newer, older]
    assert [c.id for c in rex.conversations.summaries("GRAZE")] == [older]
    assert [c.id for c in rex.conversations.summaries("ninety days")] == [newer]
    assert [c.id for c in rex.conversations.summaries("lantern matter")] == [newer]
    assert rex.conversations.summaries(matter=Firm.GOAT)[0].first_question == "When may goats graze?"
    assert rex.conversations.matters() == [Firm.GOAT, Firm.LANTERN]
    db.close()


def test_bad_writes_are_refused(database_url, tmp_path):
    db = open_database(database_url, tmp_path)
    amy = Firm(db).as_(db.accounts.user("Amy"))
    with pytest.raises(ValueError, match="matter"):
        amy.conversations.create("  ")
    with pytest.raises(ConversationNotFound):
        amy.conversations.add_answer(999_999, make_answer("q?"))
    with pytest.raises(ConversationNotFound):
        amy.conversations.get(999_999)
    db.close()


def test_concurrent_sessions_neither_lose_nor_mix_writes(database_url, tmp_path):
    db = open_database(database_url, tmp_path)
    Firm(db)
    admin = db.accounts.user("Ada")
    for worker in range(6):
        db.accounts.add_matter(f"matter {worker}", ["Ada"], by=admin)
    db.close()
    errors: list[BaseException] = []

    def session_work(worker: int):
        try:
            db = open_database(database_url, tmp_path, migrate=False)
            ada = db.workspace(db.accounts.user("Ada"))
            conversation_id = ada.conversations.create(f"matter {worker}")
            for turn in range(8):
                ada.conversations.add_answer(conversation_id, make_answer(f"worker {worker} question {turn}"))
            db.close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=session_work, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = open_database(database_url, tmp_path, migrate=False)
    ada = db.workspace(db.accounts.user("Ada"))
    summaries = ada.conversations.summaries()
    assert len(summaries) == 6
    for summary in summaries:
        worker = summary.matter.split()[-1]
        questions = [a.answer.question for a in ada.conversations.get(summary.id).answers]
        assert questions == [f"worker {worker} question {t}" for t in range(8)]
    assert db.audit.verify().intact  # concurrent appenders formed one chain
    db.close()


def test_migrations_build_exactly_the_models_schema(database_url, tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = open_database(database_url, tmp_path)
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    db.close()


def test_approval_relabels_an_answer_and_keeps_the_original_beside_the_edit(database_url, tmp_path):
    from datetime import datetime

    db = open_database(database_url, tmp_path)
    firm = Firm(db)
    amy, rex = firm.as_(firm.associate), firm.as_(firm.reviewer)
    conversation_id = amy.conversations.create(Firm.LANTERN)
    answer_id = amy.conversations.add_answer(conversation_id, make_answer("How long does a permit last?"))
    stored = amy.conversations.get(conversation_id).answers[0]
    assert stored.label == "Draft - needs attorney review" and stored.final_text == stored.answer.text
    rex.reviews.record_grade(answer_id, Grade("Rex", 4, 4, 4, True, {1: "correct"}))
    rex.reviews.approve(answer_id, edited_text="A permit lasts ninety days. [1]",
                        when=datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    stored = amy.conversations.get(conversation_id).answers[0]
    assert stored.label == "Reviewed by Rex on 2026-11-20"
    assert stored.final_text == "A permit lasts ninety days. [1]"
    assert stored.answer.text.startswith("Under Inv. Code § 7-101(b)")  # the original is kept
    db.close()


def test_listings_take_as_many_statements_for_twenty_answers_as_for_two(database_url, tmp_path):
    db = open_database(database_url, tmp_path)
    firm = Firm(db)
    ada = firm.as_(firm.admin)
    rex = firm.as_(firm.reviewer)
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda _conn, _cursor, sql, *_: statements.append(sql))

    def file_graded_answers(first: int, last: int) -> None:
        db.accounts.add_matter(f"matter {first}-{last}", ["Ada", "Rex"], by=firm.admin)
        conversation_id = ada.conversations.create(f"matter {first}-{last}")
        for n in range(first, last):
            answer_id = ada.conversations.add_answer(conversation_id, make_answer(f"question {n}?"))
            ada.reviews.record_grade(answer_id, Grade("Ada", 4, 4, 4, True, {1: "correct"}))
            rex.reviews.record_grade(answer_id, Grade("Rex", 3, 4, 5, True, {1: "correct"}))
            if n % 2:
                ada.reviews.approve(answer_id)

    def statements_of(listing) -> int:
        statements.clear()
        listing()
        return len(statements)

    def counts() -> dict[str, int]:
        return {"queue": statements_of(ada.reviews.queue), "approved": statements_of(ada.reviews.approved),
                "summaries": statements_of(ada.conversations.summaries)}

    file_graded_answers(0, 2)
    few = counts()
    file_graded_answers(2, 20)
    db.accounts.add_matter("Nothing asked yet", ["Ada"], by=firm.admin)
    empty = ada.conversations.create("Nothing asked yet")
    assert counts() == few
    assert few["summaries"] <= 3 and few["queue"] <= 3  # summaries: the account, the conversations, statuses
    queued, approved = ada.reviews.queue(), ada.reviews.approved()
    assert len(queued) == len(approved) == 10
    assert all([g.reviewer for g in q.grades] == ["Ada", "Rex"] for q in queued + approved)
    summaries = {s.id: s for s in ada.conversations.summaries()}
    assert [(s.questions, s.first_question) for s in summaries.values()] == [(0, ""), (18, "question 2?"),
                                                                             (2, "question 0?")]
    assert summaries[empty].matter == "Nothing asked yet"
    db.close()


def test_a_conversations_status_line_counts_its_answers_in_words():
    from datetime import datetime

    from research.domain.records import ConversationSummary

    def line(statuses):
        return ConversationSummary(1, "m", "Amy", datetime.now(UTC), datetime.now(UTC), 3, "q", statuses).status_line

    assert line({"approved": 1, "graded": 1, "draft": 2}) == "1 approved, 1 graded, 2 drafts"
    assert line({"draft": 1}) == "1 draft" and line({"graded": 0, "approved": 2}) == "2 approved"
