"""The premise check reads only what a question asserts about the law, never the facts of the client's story."""

import pytest

from research.answer.premises import contradiction, law_premises


@pytest.mark.parametrize("question", [
    "An employee who has worked there for three years was fired last week. Can she sue?",
    "Our client was questioned by detectives for two hours without a lawyer. Can the confession be used?",
    "A competitor has been selling a knockoff for eight years. What period of damages can it recover?",
    "The commission posted its agenda four days before the meeting. Are there problems under the open-meetings law?",
])
def test_facts_of_the_story_are_not_premises(question):
    assert law_premises(question) == []


def test_an_assumed_period_is_corrected_by_the_provision_that_states_another():
    question = ("She was fired eight months ago, one week after reporting. Since the Whistleblowers' Protection Act "
                "gives only 90 days to sue, her claim is dead, correct?")
    (premise,) = law_premises(question)
    quotes = ["The employer shall post notices of the employee's rights.",
              "The employee may bring a civil action within two years after the occurrence of the violation."]
    found = contradiction(premise, quotes)
    assert found is not None and found.quote_index == 1 and "90 days" in found.assumed
    assert contradiction(premise, quotes + ["An action shall be brought within 90 days after the violation."]) is None


def test_the_same_period_counted_from_another_event_is_a_contradiction():
    (premise,) = law_premises("Since a patent lasts 20 years from the date it issues, is the client protected?")
    found = contradiction(premise, ["The term ends 20 years from the date on which the application was filed."])
    assert found is not None and found.quote_index == 0
    assert contradiction(premise, ["The term ends 20 years from the date the patent issues."]) is None


def test_an_assumed_private_action_is_corrected_by_a_provision_that_denies_one():
    (premise,) = law_premises("She wants to file a private lawsuit the way consumers can under the deceptive "
                              "practices statute. That works, doesn't it?")
    quotes = ["The attorney general may enforce this part.",
              "This part does not authorize a private right of action for a violation of this part."]
    found = contradiction(premise, quotes)
    assert found is not None and found.quote_index == 1
