"""Grading: the rubric, Cohen's kappa, agreement per reviewer pair, quality figures, and exports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from research.domain.review import AnswerFacts, Grade, GradeError
from research.domain.stats import percentile
from research.workflow.grades import evalset_items, grade_records, to_csv
from research.workflow.reporting import (
    agreement,
    cohen_kappa,
    quality_figures,
    status_report_markdown,
)
from tests.conftest import Firm, open_database
from tests.test_appdb import make_answer

T0 = datetime(2031, 3, 2, 9, 0, tzinfo=UTC)


def test_kappa_matches_a_hand_computed_example():
    # 10 items: both "pass" on 4, both "fail" on 3, A pass/B fail on 2, A fail/B pass on 1.
    a = ["pass"] * 4 + ["fail"] * 3 + ["pass"] * 2 + ["fail"]
    b = ["pass"] * 4 + ["fail"] * 3 + ["fail"] * 2 + ["pass"]
    # observed 0.7; A passes 6/10, B passes 5/10: expected 0.6*0.5 + 0.4*0.5 = 0.5; kappa = 0.2/0.5 = 0.4
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(["x", "x"], ["x", "x"]) == 1.0
    assert cohen_kappa([], []) is None
    with pytest.raises(ValueError):
        cohen_kappa(["x"], [])


@pytest.mark.parametrize("grade, numbers, message", [
    (Grade("", 3, 3, 3, True), {1}, "reviewer"),
    (Grade("R", 0, 3, 3, True), {1}, "accuracy must be 1 to 5"),
    (Grade("R", 3, 3, 6, True), {1}, "clarity must be 1 to 5"),
    (Grade("R", 3, 3, 3, True, {2: "correct"}), {1}, r"no citation \[2\]"),
    (Grade("R", 3, 3, 3, True, {1: "looks fine"}), {1}, "unknown citation mark"),
])
def test_grades_follow_the_rubric(grade, numbers, message):
    with pytest.raises(GradeError, match=message):
        grade.check(numbers)


def test_agreement_is_reported_per_reviewer_pair():
    from research.domain.review import GradedAnswer

    graded = [GradedAnswer(1, Grade("Ann", 4, 4, 4, True, {1: "correct", 2: "bad pin"}), T0),
              GradedAnswer(1, Grade("Bob", 4, 4, 4, True, {1: "correct", 2: "correct"}), T0),
              GradedAnswer(2, Grade("Ann", 2, 2, 2, False, {1: "wrong authority"}), T0),
              GradedAnswer(2, Grade("Bob", 2, 2, 2, False, {1: "wrong authority"}), T0),
              GradedAnswer(3, Grade("Cy", 5, 5, 5, True), T0)]
    (pair,) = agreement(graded)
    assert pair["reviewers"] == "Ann / Bob" and pair["answers"] == 2 and pair["citations"] == 3
    assert pair["kappa_pass_fail"] == 1.0
    # marks: (correct, correct), (bad pin, correct), (wrong, wrong): observed 2/3;
    # expected: correct 1/3*2/3 + bad pin 1/3*0 + wrong 1/3*1/3 = 3/9 -> kappa = (2/3-1/3)/(2/3) = 0.5
    assert pair["kappa_citation_marks"] == 0.5


def test_agreement_counts_only_grades_given_blind():
    from research.domain.review import GradedAnswer

    graded = [GradedAnswer(1, Grade("Ann", 4, 4, 4, True), T0), GradedAnswer(1, Grade("Bob", 4, 4, 4, True), T0),
              GradedAnswer(2, Grade("Ann", 2, 2, 2, False), T0),
              GradedAnswer(2, Grade("Bob", 2, 2, 2, False), T0, blind=False)]
    (pair,) = agreement(graded)
    assert pair["answers"] == 1
    assert agreement(graded[2:]) == []


@pytest.mark.parametrize("verdicts, reviews, required, state", [
    ((), 0, 1, "draft"),
    ((True,), 1, 1, "reviewed, awaiting approval"),
    ((False,), 1, 1, "failed review by R"),
    ((False,), 1, 2, "failed review by R (1 of 2 reviews)"),
    ((), 1, 2, "in review (1 of 2 reviews)"),  # a grade hidden by blind review tells nothing of its verdict
])
def test_a_failed_grade_is_not_reported_as_awaiting_approval(verdicts, reviews, required, state):
    from research.domain.records import ReviewStatus, StoredAnswer

    grades = tuple(Grade("R", 2, 2, 2, passed, {1: "correct"}) for passed in verdicts)
    stored = StoredAnswer(1, 1, T0, ReviewStatus.DRAFT, make_answer("Q?"), grades=grades, reviews=reviews)
    assert stored.review_state(required) == state
    failed = state.startswith("failed")
    assert stored.label == ("Failed review by R - needs revision" if failed else "Draft - needs attorney review")


def test_blind_double_review(database_url, tmp_path):
    from research.domain.accounts import AccessDenied
    from research.storage.reviews import ReviewIncomplete

    database = open_database(database_url, tmp_path, reviews_required=2)
    firm = Firm(database)
    amy, rex, ada = (firm.as_(u) for u in (firm.associate, firm.reviewer, firm.admin))
    conversation = amy.conversations.create(Firm.LANTERN)
    answer_id = amy.conversations.add_answer(conversation, make_answer("How long does a permit last?"))
    rex.reviews.record_grade(answer_id, Grade("Rex", 4, 4, 4, True, {1: "correct"}))
    assert rex.reviews.answer(answer_id).stored.review_state(2) == "in review (1 of 2 reviews)"
    with pytest.raises(ReviewIncomplete, match="1 of the 2 review"):
        rex.reviews.approve(answer_id)
    # Ada has not graded: Rex's grade is hidden from her everywhere, though the answer counts it
    for seen in (ada.reviews.answer(answer_id).stored, ada.reviews.queue()[0].stored,
                 ada.conversations.get(conversation).answers[0]):
        assert seen.grades == () and seen.reviews == 1 and seen.review_state(2) == "in review (1 of 2 reviews)"
    assert ada.reviews.graded() == [] and all(f.grades == () for f in ada.reviews.answer_facts())
    hidden = quality_figures(ada.reviews.answer_facts())  # her dashboard says what it leaves out, not "no grades"
    assert hidden["grades"] == 0 and hidden["grades_hidden"] == 1 and hidden["graded_not_approved"] == 1
    assert "| grades hidden by blind review, not counted above | 1 |" in status_report_markdown(hidden, "S", [], None)
    assert [g.reviewer for g in rex.reviews.answer(answer_id).grades] == ["Rex"]
    assert [g.reviewer for g in amy.reviews.answer(answer_id).grades] == ["Rex"]  # an associate does not grade
    graded = [r for r in ada.audit_records(Firm.LANTERN, "jsonl") if r.action == "answer graded"]
    assert graded and all(set(r.detail) == {"answer_id", "blind", "rubric_version"} for r in graded)  # no verdicts
    ada.reviews.record_grade(answer_id, Grade("Ada", 2, 2, 2, False, {1: "wrong authority"}))
    assert [g.reviewer for g in ada.reviews.answer(answer_id).grades] == ["Rex", "Ada"]
    assert [q.stored.id for q in rex.reviews.queue()] == [answer_id]  # still queued until approved
    assert rex.reviews.answer(answer_id).stored.review_state(2) == "failed review by Ada"  # not "awaiting approval"
    assert [g.blind for g in rex.reviews.answer(answer_id).grades] == [True, True]
    assert agreement(rex.reviews.graded())[0]["answers"] == 1
    rex.reviews.record_grade(answer_id, Grade("Rex", 2, 2, 2, False, {1: "wrong authority"}))  # after seeing Ada's
    assert [g.blind for g in rex.reviews.answer(answer_id).grades] == [False, True]
    assert agreement(rex.reviews.graded()) == []
    rex.reviews.approve(answer_id)
    assert rex.reviews.queue() == [] and amy.reviews.answer(answer_id).stored.review_state(2) == "approved"

    hurried = amy.conversations.add_answer(conversation, make_answer("And a renewal?"))
    with pytest.raises(AccessDenied, match="only an admin may override"):
        rex.reviews.approve(hurried, override=True)
    ada.reviews.approve(hurried, override=True)
    stored = amy.reviews.answer(hurried).stored
    assert stored.review_state(2) == "approved by override" and "override" in stored.label
    (approval,) = [r for r in database.audit.records([Firm.LANTERN]) if r.action == "answer approved"][-1:]
    assert approval.user == "Ada" and approval.detail["override"] is True and approval.detail["reviews"] == 0
    database.close()


def test_exports_key_marks_by_authority_and_the_eval_set_keeps_only_confirmed_authorities(tmp_path):
    from dataclasses import replace

    from research.domain.answer import AnswerSentence, Citation, SupportStatus

    database = open_database(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path)
    firm = Firm(database)
    amy, rex = firm.as_(firm.associate), firm.as_(firm.reviewer)
    answer = make_answer("How long does a permit last?")
    again = Citation(2, "us-dc:inv:7-101", "Inv. Code § 7-101(c)", "(c)", "A renewal lasts thirty days.", 80, 107,
                     SupportStatus.VERIFIED, "code-dc", "US-DC", "statute", "Lantern permits.", None)
    other = replace(again, number=3, authority_id="us-dc:inv:7-103", citation="Inv. Code § 7-103")
    answer = replace(answer, citations=[*answer.citations, again, other],
                     sentences=[*answer.sentences, AnswerSentence('"renewal"', (2,)), AnswerSentence('"x"', (3,))])
    answer_id = amy.conversations.add_answer(amy.conversations.create(Firm.LANTERN), answer)
    rex.reviews.record_grade(answer_id, Grade("Rex", 3, 3, 3, True, {1: "correct", 2: "wrong authority",
                                                                      3: "correct"}, ("us-dc:inv:7-102",)))
    rex.reviews.approve(answer_id)
    (record,) = grade_records(rex.reviews.approved())
    assert record["citation_marks"][1] == {"number": 2, "authority_id": "us-dc:inv:7-101",
                                           "citation": "Inv. Code § 7-101(c)", "mark": "wrong authority"}
    assert record["graded_at"].startswith(str(date.today().year)) and record["rubric_version"] == "1"
    assert record["reviewer"] == "Rex" and record["blind"] is True
    (item,) = evalset_items(rex.reviews.approved())
    assert [g["id"] for g in item["gold"]] == ["us-dc:inv:7-103", "us-dc:inv:7-102"]  # 7-101 was marked wrong once
    database.close()


def facts(answer_id, day, hours_to_decision, passed=None, marks=None, abstained=False, matter="M", jur="US-DC"):
    grades = () if passed is None else (Grade("R", 3, 3, 3, passed, marks or {}),)
    asked = T0 + timedelta(days=day)
    decided = asked + timedelta(hours=hours_to_decision) if hours_to_decision is not None else None
    return AnswerFacts(answer_id, matter, (jur,), asked, decided, abstained, 1 if abstained else 0, 4, grades,
                       approved=hours_to_decision is not None and passed is True)


def test_quality_figures_for_a_period_matter_and_jurisdiction():
    answers = [facts(1, 0, 2, True, {1: "correct", 2: "correct"}), facts(2, 0, 10, False, {1: "bad pin"}),
               facts(3, 1, None), facts(4, 1, 4, True, {1: "correct"}, matter="Other"),
               facts(5, 9, 1, True, jur="US-HI", abstained=True)]
    figures = quality_figures(answers, since=date(2031, 3, 2), until=date(2031, 3, 3))
    assert figures["answers"] == 4 and figures["answers_per_day"] == {"2031-03-02": 2, "2031-03-03": 2}
    assert figures["turnaround_hours_median"] == 4 and figures["turnaround_hours_p90"] == 10
    assert figures["pass_rate"] == round(2 / 3, 3) and figures["citation_accuracy"] == 0.75
    assert quality_figures(answers, matter="Other")["answers"] == 1
    hawaii = quality_figures(answers, jurisdiction="US-HI")
    assert hawaii["abstentions"] == 1 and hawaii["unsupported_sentence_rate"] == 0.25
    report = status_report_markdown(figures, "Status", [], {"set": "q.jsonl", "gold_citation_recall": 0.8})
    assert "| reviewer pass rate | 0.667 |" in report and "| Answer cites a gold authority | 0.8 |" in report
    assert figures["approved"] == 2 and figures["graded_not_approved"] == 1
    assert "| answers approved by a reviewer | 2 |" in report
    assert "| answers graded, not yet approved | 1 |" in report
    assert "hidden by blind review" not in report  # nothing hidden, nothing said
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9


def test_grading_queue_approval_exports_and_evalset(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path)
    firm = Firm(database)
    amy, otto, rex, ada = (firm.as_(u) for u in (firm.associate, firm.outsider, firm.reviewer, firm.admin))
    first_conversation = amy.conversations.create(Firm.LANTERN)
    first = amy.conversations.add_answer(first_conversation, make_answer("How long does a permit last?"))
    other_conversation = otto.conversations.create(Firm.GOAT)
    second = otto.conversations.add_answer(other_conversation, make_answer("When may goats graze?"))
    db = rex
    assert [q.stored.id for q in db.reviews.queue()] == [first, second]  # oldest first
    assert [q.stored.id for q in db.reviews.queue(associate="Otto")] == [second]
    assert [q.stored.id for q in db.reviews.queue(matter=Firm.LANTERN, jurisdiction="US-DC")] == [first]
    assert db.reviews.queue(jurisdiction="US-HI") == []

    ada.reviews.record_grade(first, Grade("Ada", 5, 4, 4, True, {1: "correct"}, ("us-dc:inv:7-102",), "good"))
    rex.reviews.record_grade(first, Grade("Rex", 4, 4, 5, True, {1: "correct"}))
    rex.reviews.record_grade(first, Grade("Rex", 4, 3, 5, True, {1: "correct"}))  # a second grade replaces the first
    with pytest.raises(GradeError):
        ada.reviews.record_grade(second, Grade("Ada", 3, 3, 3, True, {9: "correct"}))
    ada.reviews.approve(first)
    assert [q.stored.id for q in db.reviews.queue()] == [second]

    records = grade_records([q for q in db.reviews.approved() if q.grades])
    assert [(r["reviewer"], r["completeness"]) for r in records] == [("Ada", 4), ("Rex", 3)]
    assert "answer_id,matter,associate" in to_csv(records).splitlines()[0]
    (item,) = evalset_items(db.reviews.approved())
    assert item["jurisdiction"] == "US-DC" and item["kind"] == "multi"
    assert [g["id"] for g in item["gold"]] == ["us-dc:inv:7-101", "us-dc:inv:7-102"]
    assert item["key_facts"] == ["A lantern permit expires ninety days after it is issued."]
    assert item["question"] == "How long does a permit last?"
    database.close()


def test_a_bad_question_set_line_is_named(tmp_path):
    from research.corpus.evalsets import EvalSetError
    from research.evaluation.answers import read_question_set

    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "question": "q?"}\n{"id": "b"}\n')
    with pytest.raises(EvalSetError, match="line 2"):
        read_question_set(path)
    path.write_text('{"id": "a", "question": "q?"}\n[1, 2]\n')
    with pytest.raises(EvalSetError, match="line 2: not a JSON object"):
        read_question_set(path)
