"""Sentence spans in legal text, and the content-word rules for key facts and support."""

import pytest

from research.answer.textmatch import (
    content_terms,
    coverage,
    digits_for_number_words,
    key_fact_stated,
    supports,
)
from research.corpus.sentences import split_sentences


@pytest.mark.parametrize("text, expected", [
    ("The court shall hold a hearing. Discovery is stayed until the ruling.",
     ["The court shall hold a hearing.", "Discovery is stayed until the ruling."]),
    ("See Miranda v. Arizona, 384 U.S. 436, for the warnings. The rule followed.",
     ["See Miranda v. Arizona, 384 U.S. 436, for the warnings.", "The rule followed."]),
    ("It applies under D.C. Code § 16-5502.17. The motion is then heard quickly.",
     ["It applies under D.C. Code § 16-5502.17.", "The motion is then heard quickly."]),
    ("Rent is due monthly; provided, that a tenant may pay weekly by agreement.",
     ["Rent is due monthly; provided, that a tenant may pay weekly by agreement."]),
    ("(a) A permit is required for every lantern.\n(b) A permit expires after ninety days.",
     ["(a) A permit is required for every lantern.", "(b) A permit expires after ninety days."]),
])
def test_split_sentences_respects_legal_abbreviations_and_labels(text, expected):
    assert [s.text for s in split_sentences(text)] == expected


def test_sentence_spans_point_into_the_source():
    source = "Heading.\n" + "(a) Goats may graze before noon in any park.\n(b) Owners remove droppings within one hour."
    offset = source.index("(a)")
    for sentence in split_sentences(source[offset:], offset=offset):
        assert source[sentence.start:sentence.end] == sentence.text


@pytest.mark.parametrize("words, digits", [
    ("within forty-five days", "within 45 days"),
    ("Two-thirds of the members", "2/3 of the members"),
    ("ninety days or eighteen years", "90 days or 18 years"),
    ("one-half of the rent", "1/2 of the rent"),
])
def test_number_words_become_digits(words, digits):
    assert digits_for_number_words(words) == digits


@pytest.mark.parametrize("fact, sentence, stated", [
    ("respond within 45 days", "The agency shall respond within forty-five days after receipt.", True),
    ("four weeks per calendar year", "An employee is entitled to four weeks of leave during any calendar year.", True),
    ("no private right of action", "The goats may graze in parks before noon.", False),
    ("triple damages for willful retention", "Damages are trebled.", False),
])
def test_key_fact_needs_half_its_content_words_in_one_sentence(fact, sentence, stated):
    assert key_fact_stated(fact, [sentence]) is stated


def test_key_fact_is_not_stated_by_words_spread_over_sentences():
    fact = "lantern permit fee waived for disabled veterans"
    spread = ["A lantern permit is required.", "Fees are waived."]
    assert coverage(fact, " ".join(spread)) > 0.5
    assert not key_fact_stated(fact, spread)


def test_support_requires_the_claims_numbers_and_most_of_its_words():
    passage = "Within 45 days after termination of the tenancy, the landlord shall return the security deposit."
    assert supports("The landlord must return the security deposit within 45 days.", passage)
    assert not supports("The landlord must return the security deposit within 90 days.", passage)
    assert not supports("Tenants may withhold rent for repairs.", passage)
    assert content_terms("Section 42-3505.01") == ["42-3505.01"]


@pytest.mark.parametrize("question, quote, conflicts", [
    ("Since the Act gives only 90 days to sue, is the claim dead?", "An action may be brought within two years.",
     [(("90", "day"), ("2", "year"))]),
    ("She was served eight days ago; what is the deadline?", "within 45 days after service", []),
    ("A 17-year-old wants to marry; may she?", "each party shall be at least 18 years of age", []),
    ("Must the deposit come back within 45 days?", "within forty-five days after termination", []),
    # the story's week and the premise's 90 days both differ from the rule: the premise, nearer in scale, first
    ("She was fired one week after reporting; since the Act gives only 90 days to sue, is it dead?",
     "within two years", [(("90", "day"), ("2", "year")), (("1", "week"), ("2", "year"))]),
])
def test_periods_assumed_by_a_question_are_compared_with_the_quote(question, quote, conflicts):
    from research.answer.textmatch import contradicted_periods

    assert contradicted_periods(question, quote) == conflicts
