"""Chunking keeps pins and exact character spans."""

from dataclasses import replace

import pytest

from research.corpus.chunking import chunk_opinion, chunk_statute, pin_range, statute_spans
from research.corpus.tokens import count_tokens
from research.domain.types import Authority


def statute(text: str, **kw) -> Authority:
    return Authority(id="us-dc:dc-code:99-1", source="t", jurisdiction="US-DC", kind="statute",
                     citation="D.C. Code § 99-1", heading="Invented.", text=text,
                     heading_path=("Title 99",), **kw)


@pytest.mark.parametrize("text, expected_pins", [
    # indented (D.C., Colorado, U.S. Code style)
    ("  (a) Alpha.\n  (b) Beta.\n    (1) One.\n    (2) Two.\n      (A) Cap.\n  (c) Gamma.",
     ["(a)", "(b)", "(b)(1)", "(b)(2)", "(b)(2)(A)", "(c)"]),
    # Colorado order: numbers, then letters, then roman
    ("(1) One.\n  (a) Alpha.\n    (I) Roman one.\n    (II) Roman two.\n(2) Two.",
     ["(1)", "(1)(a)", "(1)(a)(I)", "(1)(a)(II)", "(2)"]),
    # Hawaii style: no indentation, label types decide nesting; (i) after (h) is a letter
    ("§1-1 Heading. (a) Alpha.\n\n(1) One.\n\n(2) Two.\n\n(b) Beta.\n\n(h) Aitch.\n\n(i) Eye.",
     ["(a)", "(a)(1)", "(a)(2)", "(b)", "(h)", "(i)"]),
    ("(a) Alpha.\n(1) One.\n(i) Roman.\n(ii) Roman two.\n(2) Two.",
     ["(a)", "(a)(1)", "(a)(1)(i)", "(a)(1)(ii)", "(a)(2)"]),
    ("  (b)(2) Combined labels.", ["(b)(2)"]),
])
def test_statute_spans_carry_pins(text, expected_pins):
    assert [s.pin for s in statute_spans(text)] == expected_pins


def test_long_section_splits_at_subsections_within_token_bound():
    body = "\n".join(f"  ({chr(97 + i)}) " + " ".join(["lantern permit rule"] * 40) + "." for i in range(6))
    authority = statute(body)
    chunks = chunk_statute(authority, max_tokens=256)
    assert len(chunks) > 1
    for chunk in chunks:
        assert count_tokens(chunk.text) <= 256
        assert authority.text[chunk.start:chunk.end] == chunk.text
        assert chunk.text.lstrip().startswith("(")
    assert chunks[0].pin.startswith("(a)")
    assert chunks[-1].pin.endswith("(f)")
    assert chunks[0].context.startswith("D.C. Code § 99-1 Invented.")
    assert "Title 99" in chunks[0].indexed_text


def test_over_long_subsection_is_cut_into_bounded_pieces():
    authority = statute("  (a) " + " ".join(f"Sentence number {i} about lanterns." for i in range(300)))
    chunks = chunk_statute(authority, max_tokens=64)
    assert len(chunks) > 5
    assert all(count_tokens(c.text) <= 64 for c in chunks)
    assert all(c.pin == "(a)" for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == authority.text.strip().replace(" ", "")


def test_short_section_is_one_chunk_without_pin():
    (chunk,) = chunk_statute(statute("  (a) Alpha.\n  (b) Beta."))
    assert chunk.pin == "" and chunk.pin_citation == "D.C. Code § 99-1"


def test_chunk_ids_are_deterministic_and_change_with_text_or_context():
    a = chunk_statute(statute("Every bicycle shall carry a bell."))
    b = chunk_statute(statute("Every bicycle shall carry a bell."))
    c = chunk_statute(statute("Every bicycle shall carry a horn."))
    d = chunk_statute(replace(statute("Every bicycle shall carry a bell."),
                              heading_path=("Title 99", "Part II. Bells")))
    assert a[0].id == b[0].id != c[0].id
    assert d[0].text == a[0].text and d[0].id != a[0].id  # embedded with its context: a new heading path, a new chunk


def test_opinion_pins_follow_star_paging():
    text = ("901 U.S. 77 (2031)\n\nFirst page paragraph.\n\n[*78] Second page holding about lanterns.\n\n"
            "More on page seventy-eight.\n\n[*79] The judgment is affirmed.")
    opinion = Authority(id="cl-cluster:1", source="t", jurisdiction="US-federal", kind="opinion",
                        citation="901 U.S. 77", heading="Pemberton v. Lantern Office", text=text, year=2031)
    chunks = chunk_opinion(opinion, max_tokens=12)
    pins = {c.text.split()[0]: c.pin for c in chunks}
    assert pins["901"] == "at 77"
    assert pins["[*78]"] == "at 78"
    assert pins["More"] == "at 78"
    assert pins["[*79]"] == "at 79"
    assert all(text[c.start:c.end] == c.text for c in chunks)
    assert next(c for c in chunks if c.text.startswith("[*78]")).pin_citation == "901 U.S. 77, at 78"


@pytest.mark.parametrize("first, last, pin", [
    ("(a)(1)", "(a)(3)", "(a)(1)-(a)(3)"),
    ("(d)(3)", "(d)(1)(C)", "(d)"),  # a label that sorts before the first: never a backwards range
    ("(b)", "(a)", "(b)"),
    ("(a)(9)", "(a)(10)", "(a)(9)-(a)(10)"),  # numbers compare as numbers
    ("(c)", "", "(c)"),
])
def test_a_pin_range_never_reads_backwards(first, last, pin):
    assert pin_range(first, last) == pin
