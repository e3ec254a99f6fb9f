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
    "The Court also said that \"a lantern permit is a [valuable] property right.\" "
    "Pemberton v. Lantern Office, 901 U.S. 77, 95 (2031). "
    "Quoting with gaps is fine: \"a lantern permit is a license . . . not a property right.\" "
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
    assert BRIEF[miranda.start:miranda.end] == "384 U.S. 436"


def test_the_report_puts_the_most_serious_problem_first(checked):
    from research.workflow.citecheck import report_markdown

    report = report_markdown("brief **bold**.docx", checked)
    lines = [line for line in report.splitlines() if line.startswith("- **")]
    assert lines[0].startswith("- **no such citation**") and lines[-1].startswith("- **not in the corpus**")
    assert "8 citation(s): 6 found in the corpus, 1 not in the corpus, 1 no such citation." in report
    assert "brief \\*\\*bold\\*\\*.docx" in report  # a file name is shown as text


def test_the_check_command_reads_a_file_and_writes_json_or_a_report(invented_index_env, capsys, tmp_path):
    assert cli.main(["ingest", "--quiet"]) == 0
    brief = tmp_path / "brief.txt"
    brief.write_text(BRIEF, encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["check", str(brief), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 8 and set(rows[0]) == {"text", "start", "end", "kind", "pin", "authority_id", "status",
                                               "problems"}
    assert cli.main(["check", str(brief), "--out", str(tmp_path / "report.md")]) == 0
    assert (tmp_path / "report.md").read_text().startswith("# Citation check: brief.txt")
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
    expected = 'overruled by Later v. Case, 950 U.S. 1 at 9: "Pemberton is overruled (1)."'
    assert pemberton.problems[0]["detail"] == expected
