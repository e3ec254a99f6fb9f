"""Memos: structure, Id. citations, table of authorities, review marks, and the three formats."""

from __future__ import annotations

import io
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from research.domain.answer import (
    Answer,
    AnswerSentence,
    Citation,
    SupportStatus,
    no_authority_message,
)
from research.domain.records import ReviewStatus, StoredAnswer
from research.files import OutputPathError, write_output
from research.settings import PROJECT_ROOT
from research.workflow.memo import (
    DRAFT_MARK,
    MemoError,
    base_citation,
    build_memo,
    short_repeat,
)
from research.workflow.memo_render import render, to_markdown

SNAPSHOT = Path(__file__).parent / "snapshots" / "memo.md"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ON = date(2031, 3, 4)


def statute_citation(number, pin, quote, section="99-101", start=0):
    return Citation(number, f"us-dc:dc-code:{section}", f"D.C. Code § {section}{pin}", pin, quote, start,
                    start + len(quote), SupportStatus.VERIFIED, "us-dc-code", "US-DC", "statute", "Lantern permits.")


def opinion_citation(number, page, quote):
    return Citation(number, "cl-cluster:9999001", f"Pemberton v. Lantern Office, 901 U.S. 77, {page} (2031)",
                    f"at {page}", quote, 500, 500 + len(quote), SupportStatus.VERIFIED, "us-scotus", "US-federal",
                    "opinion", "Pemberton v. Lantern Office")


def stored(question, citations, status=ReviewStatus.DRAFT, edited=None, abstained=False, number=1):
    sentences = [AnswerSentence(f'"{c.quote}"', (c.number,)) for c in citations]
    brief = (no_authority_message(question, ["US-DC"]) if abstained
             else f'Under {citations[0].citation}: "{citations[0].quote}" [1]')
    answer = Answer(question=question, standalone_question=question, jurisdictions=("US-DC",), kinds=(),
                    mode="extractive", brief_answer=brief, sentences=sentences, citations=citations,
                    abstained=abstained, retrieved=tuple(c.authority_id for c in citations),
                    law_versions={c.source: f"{c.source} 2031 edition" for c in citations})
    when = datetime(2031, 3, 1, tzinfo=UTC)
    reviewed = status == ReviewStatus.APPROVED
    return StoredAnswer(number, 1, when, status, answer, edited, "R. Reviewer" if reviewed else None,
                        when if reviewed else None)


def lantern_answers(status=ReviewStatus.DRAFT):
    first = stored("How long does a lantern permit last?", [
        statute_citation(1, "(b)", "A lantern permit expires 90 days after it is issued."),
        statute_citation(2, "(b)", "A renewed permit expires 30 days after renewal.", start=80),
        statute_citation(3, "(c)", "A person who violates subsection (a) shall pay a fine of $25.", start=140),
        opinion_citation(4, 78, "We hold that a lantern permit is a license, not a property right."),
    ], status=status)
    second = stored("May goats graze in a park at night?", [
        statute_citation(1, "(a)", "Goats may graze in a municipal park only between sunrise and noon.",
                         section="99-102"),
    ], status=status, number=2)
    return [first, second]


@pytest.mark.parametrize("citation, previous, expected", [
    (statute_citation(2, "(b)", "q"), statute_citation(1, "(b)", "p"), "Id."),
    (statute_citation(2, "(c)", "q"), statute_citation(1, "(b)", "p"), "Id. § 99-101(c)"),
    (statute_citation(2, "(b)", "q", section="99-102"), statute_citation(1, "(b)", "p"), None),
    (opinion_citation(2, 79, "q"), opinion_citation(1, 78, "p"), "Id. at 79"),
    (statute_citation(1, "(b)", "q"), None, None),
])
def test_id_is_used_only_for_the_authority_cited_immediately_before(citation, previous, expected):
    assert short_repeat(citation, previous) == expected


def test_base_citations_drop_the_pin():
    assert base_citation(statute_citation(1, "(b)(2)", "q")) == "D.C. Code § 99-101"
    assert base_citation(opinion_citation(1, 78, "q")) == "Pemberton v. Lantern Office, 901 U.S. 77 (2031)"


def test_memo_structure_citations_and_table_of_authorities():
    memo = build_memo(lantern_answers(), "Lantern Co. permits", "Supervising Attorney", "A. Associate", ON)
    assert memo.draft and memo.review_status == DRAFT_MARK
    first = " ".join(memo.discussion[0].paragraphs)
    assert '"A lantern permit expires 90 days after it is issued." (D.C. Code § 99-101(b))' in first
    assert '"A renewed permit expires 30 days after renewal." (Id.)' in first
    assert "(Id. § 99-101(c))" in first
    assert "(Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031))" in first
    assert [(e.citation, e.sections) for e in memo.statutes] == [("D.C. Code § 99-101", (1,)),
                                                                 ("D.C. Code § 99-102", (2,))]
    assert [e.citation for e in memo.cases] == ["Pemberton v. Lantern Office, 901 U.S. 77 (2031)"]
    assert [e.label for e in memo.appendix] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert memo.law_versions["us-dc-code"] == "us-dc-code 2031 edition"


def test_reviewed_memo_names_the_reviewer_and_uses_the_edit():
    answers = lantern_answers(status=ReviewStatus.APPROVED)
    answers[1] = stored(answers[1].answer.question, answers[1].answer.citations, status=ReviewStatus.APPROVED, number=2,
                        edited="Goats may graze only between sunrise and noon. [1]")
    memo = build_memo(answers, "Lantern Co. permits", "Partner", "Associate", ON)
    assert not memo.draft and memo.review_status == "Reviewed by R. Reviewer on 2031-03-01"
    assert memo.discussion[1].paragraphs == ["Goats may graze only between sunrise and noon. (D.C. Code § 99-102(a))"]
    assert memo.brief_answers[1].startswith("Goats may graze only between sunrise and noon.")
    assert DRAFT_MARK not in to_markdown(memo)


def marked_down(edited=None):
    """The lantern answers, the first approved after a reviewer marked two of its four citations down."""
    from dataclasses import replace

    from research.domain.review import Grade

    answers = lantern_answers(status=ReviewStatus.APPROVED)
    grade = Grade("R. Reviewer", 2, 3, 4, False, {1: "correct", 2: "correct", 3: "wrong authority", 4: "bad pin"})
    answers[0] = replace(answers[0], grades=(grade,), reviews=1, edited_text=edited)
    return answers


def pdf_and_docx_text(memo) -> tuple[str, str]:
    from docx import Document
    from pypdf import PdfReader

    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render(memo, "pdf"))).pages)
    docx = "\n".join(p.text for p in Document(io.BytesIO(render(memo, "docx"))).paragraphs)
    return " ".join(pdf.split()), docx


def test_a_memo_reports_the_reviewers_marks_and_leaves_rejected_citations_out_of_the_table():
    memo = build_memo(marked_down(), "Lantern Co. permits", "Partner", "Associate", ON)
    said = "4 of 4 citations verified against the source text; reviewer: 2 correct, 1 wrong authority, 1 bad pin."
    assert said in memo.conclusion[0]
    assert "no reviewer has marked the citations" in memo.conclusion[1]
    assert [e.review for e in memo.appendix[:4]] == ["R. Reviewer: correct", "R. Reviewer: correct",
                                                     "R. Reviewer: wrong authority", "R. Reviewer: bad pin"]
    assert memo.cases == []  # its only citation was marked "bad pin"
    assert memo.left_out == ["D.C. Code § 99-101(c) [1.3]: wrong authority",
                             "Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031) [1.4]: bad pin"]
    assert [e.citation for e in memo.statutes] == ["D.C. Code § 99-101", "D.C. Code § 99-102"]  # [1.1] stands
    discussion = " ".join(memo.discussion[0].paragraphs)
    assert "(Id. § 99-101(c)) [reviewer: wrong authority]" in discussion
    for text in (to_markdown(memo), *pdf_and_docx_text(memo)):
        flat = " ".join(text.replace("\\", "").split())
        assert said in flat
        assert "automatic check: verified; reviewers' marks: R. Reviewer: wrong authority" in flat
        assert "Left out of this table: citations a reviewer rejected" in flat
        assert "Pemberton v. Lantern Office, 901 U.S. 77 (2031) — Discussion" not in flat


def test_an_approved_edit_replaces_the_answer_and_the_original_stays_in_the_appendix():
    answers = marked_down(edited="A lantern permit lasts 90 days. [1]")
    memo = build_memo(answers, "M", "T", "F", ON)
    assert memo.discussion[0].paragraphs == ["A lantern permit lasts 90 days. (D.C. Code § 99-101(b))"]
    ((number, first_given),) = memo.originals
    assert number == 1 and "[1]" not in first_given  # its marks written out as citations
    assert first_given.startswith('Under D.C. Code § 99-101(b): "A lantern permit expires 90 days after it is '
                                  'issued."\n')  # the brief names its citation: no second one
    assert '"A renewed permit expires 30 days after renewal." (Id.)' in first_given
    for text in (to_markdown(memo), *pdf_and_docx_text(memo)):
        flat = " ".join(text.replace("\\", "").split())
        assert "Answers as first given (replaced above by the reviewer's approved edit)" in flat
        assert " ".join(first_given.split())[:60] in flat


def test_an_edit_of_the_whole_answer_is_not_repeated_and_its_table_lists_only_what_it_cites():
    from dataclasses import replace

    (first,) = lantern_answers(status=ReviewStatus.APPROVED)[:1]
    answer = replace(first.answer, also_retrieved=({"citation": "D.C. Code § 99-105"},))
    edited = answer.text.replace('"We hold that a lantern permit is a license, not a property right." [4]',
                                 "Permits are licenses.")
    memo = build_memo([replace(first, answer=answer, edited_text=edited)], "M", "T", "F", ON)
    assert memo.brief_answers[0].startswith('Under D.C. Code § 99-101(b): "A lantern permit expires 90 days')
    (body,) = memo.discussion[0].paragraphs
    assert body.startswith('"A lantern permit expires 90 days after it is issued." (D.C. Code § 99-101(b))')
    assert body.endswith("Permits are licenses.") and "Under D.C. Code" not in body
    assert "Also retrieved" not in " ".join(memo.discussion[0].paragraphs)
    assert memo.cases == []  # the edit took out the only quote of Pemberton
    assert [e.citation for e in memo.statutes] == ["D.C. Code § 99-101"]


def test_a_caution_notice_names_its_case_once():
    from dataclasses import replace

    (first,) = lantern_answers()[:1]
    notice = "Caution: Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031) [4] was overruled by 950 U.S. 1."
    memo = build_memo([replace(first, answer=replace(first.answer, notices=[notice]))], "M", "T", "F", ON)
    assert memo.discussion[0].paragraphs[-1] == ("Note: Caution: Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031) "
                                                 "was overruled by 950 U.S. 1.")


def test_a_follow_up_shows_the_question_it_was_interpreted_as():
    from dataclasses import replace

    (first,) = lantern_answers()[:1]
    follow_up = replace(first, answer=replace(first.answer, question="And in D.C.?",
                                              standalone_question="How long does a lantern permit last in D.C.?"))
    memo = build_memo([first, follow_up], "M", "T", "F", ON)
    assert [s.interpreted_as for s in memo.discussion] == ["", "How long does a lantern permit last in D.C.?"]
    for text in (to_markdown(memo), *pdf_and_docx_text(memo)):
        assert "Interpreted as: How long does a lantern permit last in D.C.?" in " ".join(text.split())


def test_the_word_memo_numbers_its_pages():
    from docx import Document

    memo = build_memo(lantern_answers(), "M", "T", "F", ON)
    footer = Document(io.BytesIO(render(memo, "docx"))).sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Page ")
    assert 'w:instr="PAGE"' in footer._p.xml


def test_abstained_answer_says_so_and_an_empty_memo_is_refused():
    memo = build_memo([stored("Securities fraud deadline?", [], abstained=True)], "M", "T", "F", ON)
    assert memo.discussion[0].paragraphs[0].startswith("No authority found in the selected jurisdictions")
    assert "no authority was found" in memo.conclusion[0]
    with pytest.raises(MemoError):
        build_memo([], "M", "T", "F", ON)


def test_markdown_matches_its_snapshot():
    text = to_markdown(build_memo(lantern_answers(), "Lantern Co. permits", "Supervising Attorney", "A. Associate", ON))
    if os.environ.get("UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8")


def test_user_text_in_the_markdown_memo_stays_text():
    from research.domain.markup import escape_markdown

    hostile = "**Bold** [click](javascript:alert(1)) <script>x</script> see https://evil.example"
    text = to_markdown(build_memo(lantern_answers(), hostile, "Supervising Attorney", "A. Associate", ON))
    assert escape_markdown(hostile) in text
    assert "[click](" not in text and "<script>" not in text and "https://evil" not in text
    assert "**Bold**" not in text
    assert escape_markdown("1. A numbered line\n- a dash") == "1\\. A numbered line\n\\- a dash"
    assert escape_markdown('D.C. Code § 99-101(b): "A permit."') == 'D.C. Code § 99-101(b): "A permit."'


def test_docx_has_word_headings_citations_and_table_of_authorities():
    from docx import Document

    memo = build_memo(lantern_answers(), "Lantern Co. permits", "Supervising Attorney", "A. Associate", ON)
    document = Document(io.BytesIO(render(memo, "docx")))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    for section in ("Questions Presented", "Brief Answer", "Discussion", "Conclusion", "Table of Authorities",
                    "Verification Appendix"):
        assert ("Heading 1", section) in headings
    assert ("Heading 2", "Statutes") in headings and ("Heading 2", "Cases") in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(D.C. Code § 99-101(b))" in text and "(Id.)" in text
    assert "D.C. Code § 99-101 — Discussion § 1" in text
    assert document.sections[0].header.paragraphs[0].text == DRAFT_MARK
    (ARTIFACTS).mkdir(exist_ok=True)
    (ARTIFACTS / "memo.docx").write_bytes(render(memo, "docx"))


def test_pdf_text_has_the_sections_and_citations_and_its_first_page_renders():
    import pypdfium2
    from pypdf import PdfReader

    memo = build_memo(lantern_answers(), "Lantern Co. permits", "Supervising Attorney", "A. Associate", ON)
    data = render(memo, "pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for needle in ("MEMORANDUM", DRAFT_MARK, "Questions Presented", "Table of Authorities", "Verification Appendix",
                   "D.C. Code § 99-101(b)", "Pemberton v. Lantern Office, 901 U.S. 77 (2031)"):
        assert needle in " ".join(text.split()), needle
    ARTIFACTS.mkdir(exist_ok=True)
    page = pypdfium2.PdfDocument(data)[0]
    image = page.render(scale=1.5).to_pil()
    image.save(ARTIFACTS / "memo-page1.png")
    assert image.size[0] > 800 and image.convert("L").getextrema()[0] < 100


def test_nothing_is_overwritten_without_force(tmp_path):
    target = tmp_path / "memo.md"
    write_output(b"first", target)
    with pytest.raises(OutputPathError, match="--force"):
        write_output(b"second", target)
    write_output(b"second", target, force=True)
    assert target.read_bytes() == b"second"
    with pytest.raises(OutputPathError, match="does not exist"):
        write_output(b"x", tmp_path / "missing" / "memo.md")


@pytest.mark.parametrize("edited, discussion", [
    ("Permits last 90 days. [1]\r\n\r\nAlso retrieved: D.C. Code § 99-105.",
     ["Permits last 90 days. (D.C. Code § 99-101(b))"]),
    ("Permits last 90 days. [1]\r\n\r\nRenewals last 30. [2]", ["Renewals last 30. (D.C. Code § 99-101(b))"]),
])
def test_an_edit_with_windows_line_breaks_or_only_a_list_after_its_brief(edited, discussion):
    (first,) = lantern_answers(status=ReviewStatus.APPROVED)[:1]
    from dataclasses import replace

    memo = build_memo([replace(first, edited_text=edited)], "M", "T", "F", ON)
    assert memo.brief_answers[0] == "Permits last 90 days. (D.C. Code § 99-101(b))"
    assert memo.discussion[0].paragraphs == discussion
