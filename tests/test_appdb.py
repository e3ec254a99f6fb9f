"""The app database: migrations, answers stored as given, history search, concurrent writers.

Every test runs on SQLite; the same tests run on the PostgreSQL server at 127.0.0.1:5432 (database
`test`) when it is reachable, in a schema of their own that is dropped afterwards.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC

import pytest
import sqlalchemy as sa

from research.domain.answer import Answer, AnswerSentence, Citation, SupportStatus
from research.domain.review import Grade
from research.storage.conversations import ConversationNotFound
from research.storage.database import AppDatabase
from research.storage.tables import Base

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_up() -> bool:
    try:
        with sa.create_engine(POSTGRES).connect():
            return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.sqlite'}"
        return
    if not _postgres_up():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def make_answer(question: str, quote: str = "A lantern permit expires ninety days after it is issued.") -> Answer:
    citation = Citation(1, "us-dc:inv:7-101", "Inv. Code § 7-101(b)", "(b)", quote, 10, 10 + len(quote),
                        SupportStatus.VERIFIED, "code-dc", "US-DC", "statute", "Lantern permits.", None)
    return Answer(question=question, standalone_question=question, jurisdictions=("US-DC",), kinds=(),
                  mode="extractive", brief_answer=f'Under Inv. Code § 7-101(b): "{quote}" [1]',
                  sentences=[AnswerSentence(f'"{quote}"', (1,))], citations=[citation], abstained=False,
                  retrieved=("us-dc:inv:7-101",), law_versions={"code-dc": "2031 edition"},
                  timings_ms={"total": 12.5})


def test_answers_are_stored_and_reopened_exactly_as_given(database_url):
    db = AppDatabase(database_url)
    conversation_id = db.conversations.create("Lantern Co. permits", associate="A. Associate")
    first, second = make_answer("How long does a permit last?"), make_answer("What about renewals?")
    db.conversations.add_answer(conversation_id, first)
    db.conversations.add_answer(conversation_id, second)
    reopened = db.conversations.get(conversation_id)
    assert [a.answer for a in reopened.answers] == [first, second]
    assert all(a.status == "draft" for a in reopened.answers)
    assert [t.question for t in reopened.turns()] == ["How long does a permit last?", "What about renewals?"]
    db.close()


def test_history_lists_newest_first_and_searches_questions_answers_and_matters(database_url):
    db = AppDatabase(database_url)
    older = db.conversations.create("Goat matter")
    grazing = make_answer("When may goats graze?", quote="Goats may graze in a park only before noon.")
    db.conversations.add_answer(older, grazing)
    newer = db.conversations.create("Lantern matter")
    db.conversations.add_answer(newer, make_answer("How long does a permit last?"))
    assert [c.id for c in db.conversations.summaries()] == [newer, older]
    assert [c.id for c in db.conversations.summaries("GRAZE")] == [older]
    assert [c.id for c in db.conversations.summaries("ninety days")] == [newer]
    assert [c.id for c in db.conversations.summaries("lantern matter")] == [newer]
    assert db.conversations.summaries(matter="Goat matter")[0].first_question == "When may goats graze?"
    assert db.conversations.matters() == ["Goat matter", "Lantern matter"]
    db.close()


def test_bad_writes_are_refused(database_url):
    db = AppDatabase(database_url)
    with pytest.raises(ValueError, match="matter"):
        db.conversations.create("  ")
    with pytest.raises(ConversationNotFound):
        db.conversations.add_answer(999_999, make_answer("q?"))
    with pytest.raises(ConversationNotFound):
        db.conversations.get(999_999)
    db.close()


def test_concurrent_sessions_neither_lose_nor_mix_writes(database_url):
    AppDatabase(database_url).close()  # migrate once
    errors: list[BaseException] = []

    def session_work(worker: int):
        try:
            db = AppDatabase(database_url, migrate=False)
            conversation_id = db.conversations.create(f"matter {worker}")
            for turn in range(8):
                db.conversations.add_answer(conversation_id, make_answer(f"worker {worker} question {turn}"))
            db.close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=session_work, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = AppDatabase(database_url, migrate=False)
    summaries = db.conversations.summaries()
    assert len(summaries) == 6
    for summary in summaries:
        worker = summary.matter.split()[-1]
        questions = [a.answer.question for a in db.conversations.get(summary.id).answers]
        assert questions == [f"worker {worker} question {t}" for t in range(8)]
    db.close()


def test_migrations_build_exactly_the_models_schema(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = AppDatabase(database_url)
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    db.close()


def test_approval_relabels_an_answer_and_keeps_the_original_beside_the_edit(database_url):
    from datetime import datetime

    db = AppDatabase(database_url)
    conversation_id = db.conversations.create("Lantern matter")
    answer_id = db.conversations.add_answer(conversation_id, make_answer("How long does a permit last?"))
    stored = db.conversations.get(conversation_id).answers[0]
    assert stored.label == "Draft - needs attorney review" and stored.final_text == stored.answer.text
    with pytest.raises(ValueError):
        db.reviews.approve(answer_id, "  ")
    db.reviews.approve(answer_id, "R. Reviewer", edited_text="A permit lasts ninety days. [1]",
               when=datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    stored = db.conversations.get(conversation_id).answers[0]
    assert stored.label == "Reviewed by R. Reviewer on 2026-11-20"
    assert stored.final_text == "A permit lasts ninety days. [1]"
    assert stored.answer.text.startswith("Under Inv. Code § 7-101(b)")  # the original is kept
    db.close()


def test_listings_take_as_many_statements_for_twenty_answers_as_for_two(database_url):
    db = AppDatabase(database_url)
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda _conn, _cursor, sql, *_: statements.append(sql))

    def file_graded_answers(first: int, last: int) -> None:
        conversation_id = db.conversations.create(f"matter {first}-{last}", associate="Ava")
        for n in range(first, last):
            answer_id = db.conversations.add_answer(conversation_id, make_answer(f"question {n}?"))
            db.reviews.record_grade(answer_id, Grade("Ann", 4, 4, 4, True, {1: "correct"}))
            db.reviews.record_grade(answer_id, Grade("Bob", 3, 4, 5, True, {1: "correct"}))
            if n % 2:
                db.reviews.approve(answer_id, "Ann")

    def statements_of(listing) -> int:
        statements.clear()
        listing()
        return len(statements)

    def counts() -> dict[str, int]:
        return {"queue": statements_of(db.reviews.queue), "approved": statements_of(db.reviews.approved),
                "summaries": statements_of(db.conversations.summaries)}

    file_graded_answers(0, 2)
    few = counts()
    file_graded_answers(2, 20)
    empty = db.conversations.create("Nothing asked yet")
    assert counts() == few == {"queue": 2, "approved": 2, "summaries": 1}
    queued, approved = db.reviews.queue(), db.reviews.approved()
    assert len(queued) == len(approved) == 10
    assert all([g.reviewer for g in q.grades] == ["Ann", "Bob"] for q in queued + approved)
    summaries = {s.id: s for s in db.conversations.summaries()}
    assert [(s.questions, s.first_question) for s in summaries.values()] == [(0, ""), (18, "question 2?"),
                                                                             (2, "question 0?")]
    assert summaries[empty].matter == "Nothing asked yet"
    db.close()
