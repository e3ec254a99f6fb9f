"""Follow-up questions become standalone questions, and may move the jurisdiction."""

import pytest

from research.answer.followup import is_follow_up, replay, resolve
from research.answer.scope import Scope
from research.domain.records import Turn
from research.jurisdictions import JURISDICTIONS

FIRST = Turn("How long does a D.C. landlord have to return a security deposit?",
             "How long does a D.C. landlord have to return a security deposit?", ("US-DC",))


@pytest.mark.parametrize("question, follow_up", [
    ("What about in Hawaii?", True),
    ("Is there an exception for students?", True),
    ("Does that apply to commercial leases?", True),
    ("What can she do about it, and does the same rule apply in Hawaii?", True),
    ("Can he still sue if the lease says otherwise?", True),
    ("What is the filing deadline for that claim in the Superior Court of the District of Columbia?", True),
    ("Does the landlord also have to pay interest on the deposit?", True),  # adds to what was asked
    ("Does a month-to-month tenant get the deposit back too?", True),
    ("Can either party end a month-to-month lease in Washington, D.C. on thirty days' notice?", False),
    ("Is a security deposit of three months' rent too high under Hawaii law?", False),
    # a later sentence may point back to the question's own story
    ("A Denver reporter asked a state agency for records under the Colorado Open Records Act. How many days does "
     "the custodian have to respond, and can that period be extended?", False),
    ("A Hawaii landlord plans to text the tenant the same morning and enter with a key. Is that enough notice?",
     False),
    ("A Colorado employer fired a worker for reporting wage theft to the labor department; what remedies exist?",
     False),
])
def test_follow_ups_are_recognised(question, follow_up):
    assert is_follow_up(question) is follow_up


def test_a_follow_up_that_adds_to_the_question_keeps_its_jurisdiction():
    standalone, scope = resolve("Does the landlord also have to pay interest on the deposit?", (), [FIRST])
    assert standalone.startswith(FIRST.standalone_question)
    assert scope.jurisdictions == ("US-DC",)  # not every jurisdiction, where Hawaii's interest rule answered


def test_a_follow_up_naming_a_jurisdiction_moves_the_search_there():
    standalone, scope = resolve("What about in Hawaii?", ("US-DC",), [FIRST])
    assert standalone.startswith(FIRST.standalone_question) and standalone.endswith("What about in Hawaii?")
    assert scope.jurisdictions == ("US-HI",) and not scope.notice


def test_a_follow_up_that_compares_adds_the_jurisdiction_it_names():
    standalone, scope = resolve("What can she do about it, and does the same rule apply in Hawaii?", ("US-DC",),
                                [FIRST])
    assert standalone.startswith(FIRST.standalone_question)
    assert scope.jurisdictions == ("US-DC", "US-HI")


def test_a_follow_up_keeps_the_selected_jurisdictions_and_a_new_question_stands_alone():
    assert resolve("Is there an exception for students?", ("US-DC",), [FIRST])[1].jurisdictions == ("US-DC",)
    new = "What is the limitations period for medical malpractice claims in the District?"
    assert resolve(new, ("US-DC",), [FIRST]) == (new, Scope(("US-DC",)))
    assert resolve("What about in Hawaii?", (), [])[1].jurisdictions == ("US-HI",)


def test_a_follow_up_naming_no_jurisdiction_keeps_to_the_one_its_conversation_names():
    standalone, scope = resolve("Is there an exception for students?", JURISDICTIONS, [FIRST])
    assert FIRST.question in standalone
    assert scope.jurisdictions == ("US-DC",) and "Searched US-DC only" in scope.notice


def test_replay_resolves_each_earlier_question_against_the_ones_before():
    turns = replay([FIRST.question, "What about in Colorado?"], ("US-DC",))
    assert turns[1].jurisdictions == ("US-CO",) and FIRST.question in turns[1].standalone_question
