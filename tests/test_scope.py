"""A question is searched in the selected jurisdictions it names; case names do not count."""

import pytest

from research.answer.scope import named_jurisdictions, question_scope
from research.jurisdictions import JURISDICTIONS

ALL = JURISDICTIONS


@pytest.mark.parametrize("text, named", [
    ("Under HRS and C.R.S. and in the District of Columbia", ("US-DC", "US-HI", "US-CO")),
    ("A Maui tenant's landlord kept her deposit", ("US-HI",)),
    ("A Kailua landlord wants to end a month-to-month tenancy", ("US-HI",)),
    ("Our client rented a house in Boulder and moved out", ("US-CO",)),
    ("A D.C. warehouse worker was fired", ("US-DC",)),
    ("pending in federal court in D.C.", ("US-DC", "US-federal")),
    ("police searched without a warrant, in clear violation of the Fourth Amendment", ("US-federal",)),
    ("The prosecutor cites Wolf v. Colorado for the proposition", ()),
    ("Is Hawaii v. Office of Hawaiian Affairs still followed in Hawaii courts?", ("US-HI",)),
    ("the Hawaii Supreme Court held", ("US-HI",)),
    ("an amendment to the lease", ()),
    ("A tenant's landlord kept her deposit", ()),
])
def test_named_jurisdictions(text, named):
    assert named_jurisdictions(text) == named


@pytest.mark.parametrize("question, selected, searched, notice_has", [
    ("A Maui tenant's landlord kept her deposit.", (), ("US-HI",), ["Searched US-HI only", "US-DC, US-CO, US-federal"]),
    ("A Maui tenant's landlord kept her deposit.", ALL, ("US-HI",), ["Searched US-HI only"]),
    ("Compare D.C. and Colorado deposit rules.", ALL, ("US-DC", "US-CO"), ["as the question names them"]),
    ("Can a D.C. landlord keep a deposit?", ("US-DC",), ("US-DC",), []),
    ("A tenant's landlord kept her deposit.", ALL, ALL, []),
    ("A tenant's landlord kept her deposit.", (), (), []),
    ("A Hawaii landlord kept her deposit.", ("US-DC", "US-CO"), ("US-DC", "US-CO"),
     ["names US-HI, which is not selected"]),
    ("A Hawaii landlord kept a D.C. tenant's deposit.", ("US-DC", "US-CO"), ("US-DC",),
     ["Searched US-DC only", "left out US-CO", "names US-HI, which is not selected"]),
])
def test_question_scope(question, selected, searched, notice_has):
    scope = question_scope(question, selected)
    assert scope.jurisdictions == searched
    assert all(part in scope.notice for part in notice_has)
    assert bool(scope.notice) == bool(notice_has)
