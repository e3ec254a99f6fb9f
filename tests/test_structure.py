"""Editorial notes and notice forms inside a statute's text are recognised, so they are never quoted as the rule."""

from research.corpus.structure import context_spans, editorial_spans

TEXT = ("(1) A seller shall disclose the fee in writing.\n"
        "(2) A buyer may cancel within three days.\n"
        "Editor's note: This section is similar to former § 6-1-101 as it existed prior to 1992.\n"
        "Cross references: For the legislative declaration in SB 20-211, see section 1 of chapter 140.\n"
        "[Editor's note: This section is effective July 1, 2023.]")


def test_each_note_line_is_one_span_and_the_rules_are_outside_them():
    spans = editorial_spans(TEXT)
    assert [TEXT[s:e].split(":")[0] for s, e in spans] == ["Editor's note", "Cross references", "[Editor's note"]
    rule = TEXT.index("A buyer may cancel")
    assert not any(s <= rule < e for s, e in spans)
    assert spans[-1][1] == len(TEXT)


def test_a_note_word_inside_a_rule_is_not_a_note():
    assert editorial_spans("(a) The source of the funds shall be disclosed: the bank named.") == []


NOTICE = ("(1) The disclosure shall include:\n"
          "RIGHTS UNDER COLORADO AND FEDERAL LAW\n"
          "You have a right to obtain a copy of your credit report. The Federal Trade Commission enforces the "
          "act. For more information, call or write the Colorado attorney general's office.\n"
          "(2) A buyer may cancel the contract within five days.")


def test_notice_paragraphs_are_context_to_the_last_sentence():
    spans = context_spans(NOTICE)
    inside = lambda phrase: any(s <= NOTICE.index(phrase) < e for s, e in spans)  # noqa: E731
    assert inside("RIGHTS UNDER") and inside("For more information, call or write")
    assert not inside("The disclosure shall include") and not inside("A buyer may cancel")


def test_context_spans_include_the_editorial_notes():
    assert set(editorial_spans(TEXT)) <= set(context_spans(TEXT))
    assert not context_spans("(a) The C.R.S. and the HRS apply to a lease.")


def test_an_opinions_caption_ends_where_its_prose_begins():
    from research.corpus.structure import caption_end

    caption = ("901 U.S. 77 (2031)\n\nPEMBERTON, LANTERN KEEPER OF THE DISTRICT OF COLUMBIA, ET AL.\n\nv.\n\nLANTERN "
               "OFFICE\n\nNo. 30-1578.\n\nSupreme Court of the United States.\n\nArgued March 29, 2031.\n\n")
    prose = "A lantern permit expires ninety days after it is issued, and the office may not extend it by letter."
    assert caption_end(caption + prose) == len(caption)
    assert caption_end(prose + "\n\nv.\n\nSYKES") == 0
