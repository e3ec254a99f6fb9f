"""The app database: migrations, answers stored as given, history search, concurrent writers.

Every test runs on SQLite; the same tests run on the PostgreSQL server at 127.0.0.1:5432 (database
`test`) when it is reachable, in a schema of their own that is dropped afterwards.
"""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from research.domain.answer import Answer, AnswerSentence, Citation, SupportStatus
from research.storage.database import AppDatabase, Base, ConversationNotFound

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
    citation = Citation(1, "us-dc:inv:7-101", "Inv. Code § 7-101(b)", "(b)", quote, 10, 10 + len(quote), SupportStatus.VERIFIED,
                        "code-dc", "US-DC", "statute", "Lantern permits.", None)
    return Answer(question=question, standalone_question=question, jurisdictions=("US-DC",), kinds=(),
                  mode="extractive", brief_answer=f'Under Inv. Code § 7-101(b): "{quote}" [1]',
                  sentences=[AnswerSentence(f'"{quote}"', (1,))], citations=[citation], abstained=False,
                  retrieved=("us-dc:inv:7-101",), law_versions={"code-dc": "2031 edition"},
                  timings_ms={"total": 12.5})


def test_answers_are_stored_and_reopened_exactly_as_given(database_url):
    db = AppDatabase(database_url)
    conversation_id = db.create_conversation("Lantern Co. permits", associate="A. Associate")
    first, second = make_answer("How long does a permit last?"), make_answer("What about renewals?")
    db.add_answer(conversation_id, first)
    db.add_answer(conversation_id, second)
    reopened = db.conversation(conversation_id)
    assert [a.answer for a in reopened.answers] == [first, second]
    assert all(a.status == "draft" for a in reopened.answers)
    assert [t.question for t in reopened.turns()] == ["How long does a permit last?", "What about renewals?"]
    db.close()


def test_history_lists_newest_first_and_searches_questions_answers_and_matters(database_url):
    db = AppDatabase(database_url)
    older = db.create_conversation("Goat matter")
    db.add_answer(older, make_answer("When may goats graze?", quote="Goats may graze in a park only before noon."))
    newer = db.create_conversation("Lantern matter")
    db.add_answer(newer, make_answer("How long does a permit last?"))
    assert [c.id for c in db.conversations()] == [newer, older]
    assert [c.id for c in db.conversations("GRAZE")] == [older]
    assert [c.id for c in db.conversations("ninety days")] == [newer]
    assert [c.id for c in db.conversations("lantern matter")] == [newer]
    assert db.conversations(matter="Goat matter")[0].first_question == "When may goats graze?"
    assert db.matters() == ["Goat matter", "Lantern matter"]
    db.close()


def test_bad_writes_are_refused(database_url):
    db = AppDatabase(database_url)
    with pytest.raises(ValueError, match="matter"):
        db.create_conversation("  ")
    with pytest.raises(ConversationNotFound):
        db.add_answer(999_999, make_answer("q?"))
    with pytest.raises(ConversationNotFound):
        db.conversation(999_999)
    db.close()


def test_concurrent_sessions_neither_lose_nor_mix_writes(database_url):
    AppDatabase(database_url).close()  # migrate once
    errors: list[BaseException] = []

    def session_work(worker: int):
        try:
            db = AppDatabase(database_url, migrate=False)
            conversation_id = db.create_conversation(f"matter {worker}")
            for turn in range(8):
                db.add_answer(conversation_id, make_answer(f"worker {worker} question {turn}"))
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
    summaries = db.conversations()
    assert len(summaries) == 6
    for summary in summaries:
        worker = summary.matter.split()[-1]
        questions = [a.answer.question for a in db.conversation(summary.id).answers]
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
    from datetime import datetime, timezone

    db = AppDatabase(database_url)
    conversation_id = db.create_conversation("Lantern matter")
    answer_id = db.add_answer(conversation_id, make_answer("How long does a permit last?"))
    stored = db.conversation(conversation_id).answers[0]
    assert stored.label == "Draft - needs attorney review" and stored.final_text == stored.answer.text
    with pytest.raises(ValueError):
        db.approve(answer_id, "  ")
    db.approve(answer_id, "R. Reviewer", edited_text="A permit lasts ninety days. [1]",
               when=datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc))
    stored = db.conversation(conversation_id).answers[0]
    assert stored.label == "Reviewed by R. Reviewer on 2026-11-20"
    assert stored.final_text == "A permit lasts ninety days. [1]"
    assert stored.answer.text.startswith("Under Inv. Code § 7-101(b)")  # the original is kept
    db.close()
