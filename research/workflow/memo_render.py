"""Rendering a memo as Markdown, Word (.docx, real heading styles) or PDF."""

from __future__ import annotations

import io

from research.domain.markup import escape_markdown
from research.workflow.memo import AppendixEntry, AuthorityEntry, DiscussionSection, Memo

FORMATS = ("md", "docx", "pdf")
SECTIONS = ("Questions Presented", "Brief Answer", "Discussion", "Conclusion", "Table of Authorities",
            "Verification Appendix")


def _where(entry: AuthorityEntry) -> str:
    where = ", ".join(f"Discussion § {n}" for n in entry.sections)
    return f"{where} ({entry.treatment})" if entry.treatment else where


def _check_line(entry: AppendixEntry) -> str:
    """A citation's line of the appendix: the automatic check and the reviewers' marks."""
    review = f"reviewers' marks: {entry.review}" if entry.review else "no reviewer mark"
    treatment = f" — citator: {entry.treatment}" if entry.treatment else ""
    return (f"[{entry.label}] {entry.citation} — automatic check: {entry.status}; {review}{treatment} — characters "
            f"{entry.start}-{entry.end} of {entry.authority_id}")


LEFT_OUT = "Left out of this table: citations a reviewer rejected (marked other than correct)"
ORIGINALS = "Answers as first given (replaced above by the reviewer's approved edit)"


def _interpretation(section: DiscussionSection) -> str:
    return f"Interpreted as: {section.interpreted_as}" if section.interpreted_as else ""


def _heading_lines(memo: Memo) -> list[tuple[str, str]]:
    return [("TO", memo.to), ("FROM", memo.author), ("DATE", memo.date.strftime("%B %-d, %Y")), ("RE", memo.re)]


def to_markdown(memo: Memo) -> str:
    """The memo as Markdown (its texts escaped: research.domain.markup)."""
    out = ["# MEMORANDUM", "", f"**{memo.review_status}**", ""]
    md = escape_markdown  # every text of the memo comes from users or sources: shown as text, never markup
    out += [f"**{label}:** {md(value)}  " for label, value in _heading_lines(memo)] + [""]
    out += ["## Questions Presented", ""] + [f"{i}. {md(q)}" for i, q in enumerate(memo.questions, 1)] + [""]
    out += ["## Brief Answer", ""] + [f"{i}. {md(b)}" for i, b in enumerate(memo.brief_answers, 1)] + [""]
    out += ["## Discussion", ""]
    for section in memo.discussion:
        out += [f"### {section.number}. {md(section.question)}", ""]
        if section.interpreted_as:
            out += [md(_interpretation(section)), ""]
        out += [f"*{md(section.review_line)}*", ""]
        for paragraph in section.paragraphs:
            out += [md(paragraph), ""]
    out += ["## Conclusion", ""]
    for line in memo.conclusion:
        out += [md(line), ""]
    out += ["## Table of Authorities", "", "### Statutes", ""]
    out += [f"- {md(e.citation)} — {md(_where(e))}" for e in memo.statutes] or ["- None"]
    out += ["", "### Cases", ""]
    out += [f"- *{md(e.citation)}* — {md(_where(e))}" for e in memo.cases] or ["- None"]
    if memo.documents:
        out += ["", "### Matter documents", ""] + [f"- {md(e.citation)} — {md(_where(e))}" for e in memo.documents]
    if memo.left_out:
        out += ["", f"{LEFT_OUT}:", ""] + [f"- {md(line)}" for line in memo.left_out]
    out += ["", "## Verification Appendix", ""]
    for entry in memo.appendix:
        out += [f"- {md(_check_line(entry))}", f"  > {md(' '.join(entry.quote.split()))}"]
    if memo.originals:
        out += ["", f"### {ORIGINALS}", ""]
        for number, text in memo.originals:
            out += [f"{number}\\. {md(' '.join(text.split()))}", ""]
    out += ["", "### Versions of the law", ""]
    out += [f"- {md(source)}: {md(version)}" for source, version in sorted(memo.law_versions.items())] or ["- None"]
    return "\n".join(out) + "\n"


def to_docx(memo: Memo) -> bytes:
    """The memo as a Word document with real heading styles."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.sections[0].header.paragraphs[0].text = memo.review_status
    _page_numbers(document.sections[0].footer.paragraphs[0])
    document.add_heading("MEMORANDUM", level=0)
    status = document.add_paragraph()
    status.add_run(memo.review_status).bold = True
    for label, value in _heading_lines(memo):
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    document.add_heading("Questions Presented", level=1)
    for question in memo.questions:
        document.add_paragraph(question, style="List Number")
    document.add_heading("Brief Answer", level=1)
    for brief in memo.brief_answers:
        document.add_paragraph(brief, style="List Number 2")
    document.add_heading("Discussion", level=1)
    for section in memo.discussion:
        document.add_heading(f"{section.number}. {section.question}", level=2)
        if section.interpreted_as:
            document.add_paragraph(_interpretation(section))
        document.add_paragraph().add_run(section.review_line).italic = True
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
    document.add_heading("Conclusion", level=1)
    for conclusion_line in memo.conclusion:
        document.add_paragraph(conclusion_line)
    document.add_heading("Table of Authorities", level=1)
    for title, entries in _authority_tables(memo):
        document.add_heading(title, level=2)
        for entry in entries or []:
            line = document.add_paragraph(style="List Bullet")
            line.add_run(entry.citation).italic = title == "Cases"
            line.add_run(f" — {_where(entry)}")
        if not entries:
            document.add_paragraph("None")
    if memo.left_out:
        document.add_paragraph(f"{LEFT_OUT}:")
        for left in memo.left_out:
            document.add_paragraph(left, style="List Bullet")
    document.add_heading("Verification Appendix", level=1)
    for check in memo.appendix:
        document.add_paragraph(_check_line(check))
        quote = document.add_paragraph(" ".join(check.quote.split()), style="Quote")
        quote.runs[0].font.size = Pt(9)
    if memo.originals:
        document.add_heading(ORIGINALS, level=2)
        for number, text in memo.originals:
            document.add_paragraph(f"{number}. {' '.join(text.split())}")
    document.add_heading("Versions of the law", level=2)
    for source, version in sorted(memo.law_versions.items()):
        document.add_paragraph(f"{source}: {version}", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_numbers(paragraph) -> None:
    """'Page N' in a footer paragraph, N a Word PAGE field (Word fills it in on every page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("Page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    paragraph._p.append(field)


def to_pdf(memo: Memo) -> bytes:
    """The memo as a PDF (the review status printed on every page). One flow of the memo's parts in reading
    order, a little over 60 lines: splitting it would scatter the layout."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story = [Paragraph("MEMORANDUM", styles["Title"]),
             Paragraph(f"<b>{escape(memo.review_status)}</b>", styles["Normal"]), Spacer(1, 8)]
    story += [Paragraph(f"<b>{label}:</b> {escape(value)}", styles["Normal"]) for label, value in _heading_lines(memo)]

    def heading(text: str, level: int = 1) -> None:
        story.append(Paragraph(escape(text), styles["Heading1" if level == 1 else "Heading2"]))

    def para(text: str, style: str = "BodyText") -> None:
        story.append(Paragraph(escape(text), styles[style]))

    heading("Questions Presented")
    for i, question in enumerate(memo.questions, 1):
        para(f"{i}. {question}")
    heading("Brief Answer")
    for i, brief in enumerate(memo.brief_answers, 1):
        para(f"{i}. {brief}")
    heading("Discussion")
    for section in memo.discussion:
        heading(f"{section.number}. {section.question}", 2)
        if section.interpreted_as:
            para(_interpretation(section))
        story.append(Paragraph(f"<i>{escape(section.review_line)}</i>", styles["BodyText"]))
        for paragraph in section.paragraphs:
            para(paragraph)
    heading("Conclusion")
    for line in memo.conclusion:
        para(line)
    heading("Table of Authorities")
    for title, entries in _authority_tables(memo):
        heading(title, 2)
        for entry in entries:
            para(f"{entry.citation} — {_where(entry)}")
        if not entries:
            para("None")
    if memo.left_out:
        para(f"{LEFT_OUT}:")
        for left in memo.left_out:
            para(f"• {left}")
    heading("Verification Appendix")
    for check in memo.appendix:
        para(_check_line(check))
        para(" ".join(check.quote.split()), "Italic")
    if memo.originals:
        heading(ORIGINALS, 2)
        for number, text in memo.originals:
            para(f"{number}. {' '.join(text.split())}")
    heading("Versions of the law", 2)
    for source, version in sorted(memo.law_versions.items()):
        para(f"{source}: {version}")

    def stamp(canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawString(inch, LETTER[1] - 0.5 * inch, memo.review_status)
        canvas.drawRightString(LETTER[0] - inch, 0.5 * inch, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, title=f"Memorandum: {memo.re}").build(
        story, onFirstPage=stamp, onLaterPages=stamp)
    return buffer.getvalue()


def render(memo: Memo, fmt: str) -> bytes:
    """The memo in a format of FORMATS, as bytes."""
    if fmt == "md":
        return to_markdown(memo).encode("utf-8")
    if fmt == "docx":
        return to_docx(memo)
    if fmt == "pdf":
        return to_pdf(memo)
    raise ValueError(f"unknown memo format {fmt!r}; choose from {', '.join(FORMATS)}")


def _authority_tables(memo: Memo) -> list[tuple[str, list[AuthorityEntry]]]:
    """The table of authorities' parts: statutes and cases always, the matter's documents when any is cited."""
    tables = [("Statutes", memo.statutes), ("Cases", memo.cases)]
    return tables + ([("Matter documents", memo.documents)] if memo.documents else [])
