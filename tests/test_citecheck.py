"""The cite-checker over the invented index: found, not in the corpus, no such section, wrong case name, pins
outside the opinion or the section, altered quotations; the report and the command line."""

from __future__ import annotations

import json

import pytest

from research import cli

BRIEF = (
    "Under D.C. Code § 99-101(b), a lantern permit expires after ninety days. "
    "A permit lasts forever, D.C. Code § 99-101(z). See also D.C. Code § 99-999. "
    "The Court held that \"a lantern permit is a license, not a property right.\" "
    "Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031). "
    "But see Smith v. Lantern Office, 901 U.S. 77 (2031). "
    "The Court also said that \"a lantern permit is a valuable property right.\" "
    "Pemberton v. Lantern Office, 901 U.S. 77, 95 (2031). "
    "Quoting with gaps is fine: \"[A] lantern permit is a license . . . not a property right.\" "
    "Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031). "
    "Miranda v. Arizona, 384 U.S. 436 (1966), is another matter."
)


@pytest.fixture
def checked(invented_index_env):
    from research.wiring import default_index
    from research.workflow.citecheck import check_document

    index = default_index()
    index.ingest(progress=False)
    return check_document(BRIEF, index.check_sources())


def kinds(citation) -> list[str]:
    return [p["kind"] for p in citation.problems]


def test_each_citation_gets_its_status_and_problems(checked):
    assert [(c.text, c.pin) for c in checked] == [
        ("D.C. Code § 99-101(b)", "(b)"), ("D.C. Code § 99-101(z)", "(z)"), ("D.C. Code § 99-999", ""),
        ("901 U.S. 77", "78"), ("901 U.S. 77", ""), ("901 U.S. 77", "95"), ("901 U.S. 77", "78"),
        ("384 U.S. 436", "")]
    statute, bad_pin, no_such, pemberton, misnamed, altered, gapped, miranda = checked
    assert statute.status == "found" and statute.authority_id == "us-dc:dc-code:99-101" and statute.problems == []
    assert kinds(bad_pin) == ["pin not found"] and "no subsection (z)" in bad_pin.problems[0]["detail"]
    assert no_such.status == "no such citation" and kinds(no_such) == ["no such citation"]
    assert pemberton.status == "found" and pemberton.problems == []  # name, pin and quotation all check out
    assert kinds(misnamed) == ["name does not match"]
    from research.wiring import default_index
    from research.workflow.citecheck import check_document

    sources = default_index().check_sources()
    (short,) = check_document("Pemberton v. Lantern, 901 U.S. 77 (2031).", sources)  # a name written short
    assert short.problems == []
    assert "is Pemberton v. Lantern Office, not Smith v. Lantern Office" in misnamed.problems[0]["detail"]
    assert set(kinds(altered)) == {"pin not found", "quotation not found"}
    assert gapped.problems == []  # ellipses and brackets are alterations a quotation may make
    assert miranda.status == "not in the corpus" and "not necessarily wrong" in miranda.problems[0]["detail"]
    assert "invented-opinions, 1 authority" in miranda.problems[0]["detail"]  # what was searched, and how much
    assert BRIEF[miranda.start:miranda.end] == "384 U.S. 436"


def test_a_volume_past_the_reporters_last_is_no_such_citation(invented_index_env):
    from research.wiring import default_index
    from research.workflow.citecheck import check_document

    index = default_index()
    index.ingest(progress=False)
    invented, real, held = check_document("Smith v. Jones, 999 U.S. 999 (2020). Roe v. Doe, 500 U.S. 1 (1991). "
                                          "Pemberton v. Lantern Office, 901 U.S. 77 (2031).", index.check_sources())
    assert invented.status == "no such citation" and "no volume past 620" in invented.problems[0]["detail"]
    assert invented.shown == "Smith v. Jones, 999 U.S. 999"  # the name a reader looks for
    assert real.status == "not in the corpus"  # a volume that exists: unknown, not fake
    assert held.status == "found"  # the corpus's own volume is never called impossible


def test_the_report_puts_the_most_serious_problem_first(checked):
    from research.workflow.citecheck import report_markdown

    report = report_markdown("brief **bold**.docx", checked)
    lines = [line for line in report.splitlines() if line.startswith("- **")]
    assert lines[0].startswith("- **no such citation**") and lines[-1].startswith("- **not in the corpus**")
    assert "8 citation(s): 6 found in the corpus, 1 not in the corpus, 1 no such citation." in report
    assert "brief \\*\\*bold\\*\\*.docx" in report  # a file name is shown as text
    every = report[report.index("## Every citation, in order"):].splitlines()[2:]
    assert len(every) == 8  # those that check out too
    assert every[0] == "- D.C. Code § 99-101(b) (full, characters 6-27): found as us-dc:dc-code:99-101"
    assert every[3] == ("- Pemberton v. Lantern Office, 901 U.S. 77, 78 (full, characters 253-264): found as "
                        "cl-cluster:9999001")  # with the name written before it


def test_the_check_command_reads_a_file_and_writes_json_or_a_report(invented_index_env, capsys, tmp_path):
    assert cli.main(["ingest", "--quiet"]) == 0
    brief = tmp_path / "brief.txt"
    brief.write_text(BRIEF, encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["check", str(brief), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 8 and set(rows[0]) == {"text", "start", "end", "kind", "form", "pin", "authority_id",
                                               "status", "problems", "quotes", "support", "name"}
    assert cli.main(["check", str(brief), "--out", str(tmp_path / "report.md")]) == 0
    assert (tmp_path / "report.md").read_text().startswith("# Citation check: brief.txt")
    assert cli.main(["check", str(brief), "--json", "--jurisdiction", "US-HI", "--quiet"]) == 0
    only_hawaii = json.loads(capsys.readouterr().out)  # nothing of D.C. or the Supreme Court is searched
    # searched in Hawaii's code only, nothing is found; the invented 901 U.S., not searched, lies past the real
    # reporter's last volume
    assert {row["status"] for row in only_hawaii if not row["text"].startswith("901 U.S.")} == {"not in the corpus"}
    assert {row["status"] for row in only_hawaii if row["text"].startswith("901 U.S.")} == {"no such citation"}
    assert "of US-HI" in only_hawaii[0]["problems"][0]["detail"]
    assert cli.main(["check", str(brief), "--jurisdiction", "US-XX"]) == cli.EXIT_FAILURE
    assert "unknown jurisdiction 'US-XX'" in capsys.readouterr().err
    assert cli.main(["check", str(tmp_path / "missing.pdf")]) == cli.EXIT_FAILURE
    assert "is not a file" in capsys.readouterr().err
    (tmp_path / "tool.exe").write_bytes(b"MZ")
    assert cli.main(["check", str(tmp_path / "tool.exe")]) == cli.EXIT_FAILURE
    assert "unsupported type" in capsys.readouterr().err


def test_a_citation_of_an_overruled_case_is_flagged_once_per_later_case(invented_index_env):
    from dataclasses import replace

    from research.wiring import default_index
    from research.workflow.citecheck import check_document

    index = default_index()
    index.ingest(progress=False)
    overruled = [{"kind": "overruled", "by": "cl-cluster:1", "citation": "Later v. Case, 950 U.S. 1", "pin": "at 9",
                  "quote": f"Pemberton is overruled ({n})."} for n in (1, 2)]
    sources = replace(index.check_sources(),
                      treatment_of=lambda authority_id: overruled if authority_id == "cl-cluster:9999001" else [])
    pemberton = next(c for c in check_document(BRIEF, sources) if c.text == "901 U.S. 77")
    assert kinds(pemberton) == ["negative treatment"]
    expected = 'overruled by Later v. Case, 950 U.S. 1, at 9: "Pemberton is overruled (1)."'
    assert pemberton.problems[0]["detail"] == expected


SHORT_FORMS = (
    "A lantern permit is a license and not a property right. Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031). "
    "The judgment below was affirmed. Id. at 79. "
    "The petitioner hung a lantern. Pemberton, 901 U.S. at 77. "
    "A lantern permit is no property right. Pemberton, supra, at 78. "
    "It was later cited again. Id. at 120. "
    "Goats may graze in a municipal park only between sunrise and noon. D.C. Code § 99-102(a). "
    "The owner must remove the droppings within one hour. Id. (b). "
    "Every bicycle ridden on a shared path must carry a bell. § 99-104. "
    "The rider shall ring the bell before overtaking a pedestrian. Id. (c). "
    "Lantern rules were once elsewhere. See id. § 99-103. "
    "A court once ruled on this. 902 U.S. at 5. "
    "Bicycles on shared paths need a loud bell. 901 U.S. 78."
)


def test_short_forms_resolve_to_the_citation_they_refer_back_to(invented_index_env):
    from research.wiring import default_index
    from research.workflow.citecheck import check_document

    index = default_index()
    index.ingest(progress=False)
    checked = {c.text: c for c in check_document(SHORT_FORMS, index.check_sources())}
    assert [c.form for c in checked.values()] == ["full", "id", "short", "supra", "id", "full", "id", "section", "id",
                                                   "id", "short", "full"]
    pemberton = "cl-cluster:9999001"
    assert checked["Id. at 79"].authority_id == pemberton and checked["Id. at 79"].problems == []
    assert checked["901 U.S. at 77"].authority_id == pemberton and checked["901 U.S. at 77"].pin == "77"
    assert checked["Pemberton, supra, at 78"].authority_id == pemberton
    assert kinds(checked["Id. at 120"]) == ["pin not found"]  # page 120 is outside the opinion
    assert checked["Id. (b)"].authority_id == "us-dc:dc-code:99-102" and checked["Id. (b)"].problems == []
    assert checked["§ 99-104"].authority_id == "us-dc:dc-code:99-104"  # a section alone: of the code named before
    assert kinds(checked["Id. (c)"]) == ["pin not found"]
    repealed = checked["id. § 99-103"]  # the invented code lists § 99-103 as repealed
    assert repealed.status == "repealed" and kinds(repealed) == ["negative treatment"]
    assert repealed.problems[0]["detail"] == 'repealed: "Repealed."'
    orphan = checked["902 U.S. at 5"]
    assert orphan.status == "unresolved" and kinds(orphan) == ["short form without a full citation"]
    inside = checked["901 U.S. 78"]  # no case begins on a page inside Pemberton's pages 77-79
    assert inside.status == "no such citation" and "lies inside Pemberton v. Lantern Office" in \
        inside.problems[0]["detail"]


def test_the_sentence_a_citation_stands_for_is_scored_against_the_cited_text(invented_index_env):
    from research.wiring import default_index
    from research.workflow.citecheck import check_document

    index = default_index()
    index.ingest(progress=False)
    sources = index.check_sources()
    supported, weak, after, string = check_document(
        "A lantern permit expires ninety days after it is issued. D.C. Code § 99-101(b). "
        "Goats may be kept on any rooftop garden during winter. D.C. Code § 99-102. "
        "Under D.C. Code § 99-104, a bicycle on a shared path needs a bell audible at thirty meters. "
        "A lantern permit is a license, not a property right. See Pemberton v. Lantern Office, 901 U.S. 77, 78 "
        "(2031).", sources)
    assert supported.support is not None and supported.support >= 0.8 and supported.problems == []
    assert kinds(weak) == ["weak support"] and weak.support is not None and weak.support < 0.5
    assert "Goats may be kept on any rooftop garden during winter." in weak.problems[0]["detail"]
    (inside,) = check_document("Goats may be kept on any rooftop garden during winter. D.C. Code § 99-102.", sources)
    assert '("Goats may be kept on any rooftop garden during winter.")' in inside.problems[0]["detail"]  # no ". ."
    assert after.problems == []  # the proposition written after the citation, in its sentence
    assert string.problems == [] and string.support == 1.0


def test_quotations_are_found_with_their_place_in_the_cited_text(invented_index_env):
    from research.wiring import default_index
    from research.workflow.citecheck import check_document

    index = default_index()
    index.ingest(progress=False)
    sources = index.check_sources()
    text = index.store.authority("cl-cluster:9999001").text
    (cited,) = check_document("The Court held that \"[such a] permit is a license . . . not a property right.\" "
                              "Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031).", sources)
    assert cited.problems == [] and cited.quotes[0]["found"] is True
    assert text[cited.quotes[0]["start"]:cited.quotes[0]["end"]] == "permit is a license, not a property right"
    (reordered,) = check_document("The Court held that \"not a property right . . . a lantern permit is a license.\" "
                                  "Pemberton v. Lantern Office, 901 U.S. 77, 78 (2031).", sources)
    assert kinds(reordered) == ["quotation not found"] and reordered.quotes[0]["found"] is False

