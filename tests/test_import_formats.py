"""The importers on small files written for these tests: the D.C. Council's law-xml, CourtListener and Caselaw Access
Project JSON, the project's JSON lines; files, directories and archives; and the bad inputs, each error naming the
file and the place."""

from __future__ import annotations

import gzip
import json
import tarfile
import zipfile
from datetime import date
from pathlib import Path

import pytest

from research.corpus.importers.bundle import ImportFailure
from research.corpus.importers.run import RECORDS_FILE, import_source
from research.corpus.sources import IMPORTED_MANIFEST, load_manifests, load_source

DC = 'xmlns="https://code.dccouncil.us/schemas/dc-library" xmlns:xi="http://www.w3.org/2001/XInclude"'
TITLE_INDEX = f"""<?xml version='1.0' encoding='utf-8'?>
<container {DC}><prefix>Title</prefix><num>99</num><heading>Invented Matters.</heading>
<container><prefix>Chapter</prefix><num>1</num><heading>Lanterns.</heading>
<xi:include href="./sections/99-101.xml"/><xi:include href="./sections/99-102.xml"/></container></container>"""
SECTION_101 = f"""<?xml version='1.0' encoding='utf-8'?>
<section {DC}><num>99-101</num><heading>Lantern permits.</heading>
<text>In this section:</text>
<para><num>(a)</num><heading>Permits. —</heading><text>No person shall hang a lantern without a permit.</text></para>
<para><num>(b)</num>
  <para><num>(1)</num><text>A permit expires after 90 days.</text></para>
  <para><num>(2)</num><text>The Lantern Office may renew a permit once.</text></para></para>
<annotations><annotation type="History">Jan. 1, 2031, D.C. Law 99-1, § 2</annotation>
<annotation type="Editor's Notes">Invented for the tests.</annotation></annotations></section>"""
SECTION_102 = f"""<?xml version='1.0' encoding='utf-8'?>
<section {DC}><num>99-102</num><reason>Repealed</reason><heading>Lantern colours.</heading><text>Repealed.</text>
<annotations><annotation type="History">Jan. 1, 2031, D.C. Law 99-1, § 3</annotation></annotations></section>"""


def dc_tree(root: Path) -> Path:
    """The invented title as the law-xml repository lays it out, plus a README the importer passes over."""
    title = root / "us" / "dc" / "council" / "code" / "titles" / "99"
    (title / "sections").mkdir(parents=True)
    (title / "index.xml").write_text(TITLE_INDEX)
    (title / "sections" / "99-101.xml").write_text(SECTION_101)
    (title / "sections" / "99-102.xml").write_text(SECTION_102)
    (root / "README.md").write_text("law-xml")
    return root


def tar_of(directory: Path, out: Path) -> Path:
    with tarfile.open(out, "w:gz") as archive:
        for path in sorted(directory.rglob("*")):
            archive.add(path, arcname=path.relative_to(directory).as_posix(), recursive=False)
    return out


def records_of(report) -> list[dict]:
    with gzip.open(Path(report.directory) / RECORDS_FILE, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.mark.parametrize("packed", ["directory", "tar.gz"])
def test_dc_law_xml_reads_sections_in_their_places_from_a_directory_or_an_archive(tmp_path, packed):
    tree = dc_tree(tmp_path / "law-xml")
    path = tree if packed == "directory" else tar_of(tree, tmp_path / "law-xml.tar.gz")
    report = import_source("dc-law-xml", path, "dc-test", tmp_path / "sources", progress=False)
    assert (report.read, report.written, report.other_files, report.jurisdiction) == (2, 2, 1, "US-DC")
    first, repealed = records_of(report)
    assert first["id"] == "us-dc:dc-code:99-101" and first["citation"] == "D.C. Code § 99-101"
    assert first["hierarchy"] == ["Title 99 — Invented Matters.", "Chapter 1 — Lanterns."]
    # a paragraph's number stands before its subparagraphs even when it has no words of its own
    assert first["text"].splitlines() == [
        "In this section:", "  (a) Permits. —", "  No person shall hang a lantern without a permit.", "  (b)",
        "    (1) A permit expires after 90 days.", "    (2) The Lantern Office may renew a permit once."]
    assert first["history"] == ["Jan. 1, 2031, D.C. Law 99-1, § 2"] and first["n_annotations"] == 1
    assert first["path"] == "us/dc/council/code/titles/99/sections/99-101.xml"
    assert repealed["status"] == "repealed" and repealed["text"] == "Repealed\nRepealed."


def test_an_imported_source_loads_like_a_mirror_source_and_takes_its_place(tmp_path):
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "dc-test.toml").write_text(
        'name = "dc-test"\ntitle = "Mirror"\njurisdiction = "US-DC"\nkind = "statute"\nfile = "x.jsonl.gz"\n'
        'sha256 = "0"\nexpected_records = 9\nupstream = "m"\nversion = "mirror"\nlicence = "l"\n'
        'official_url = "https://example.invalid/{section}"\n\n[fields]\nid = "id"\n')
    (mirror,) = load_manifests(manifests)
    report = import_source("dc-law-xml", dc_tree(tmp_path / "law-xml"), "dc-test", tmp_path / "sources",
                           as_of=date(2031, 6, 30), replaces=mirror, progress=False)
    assert report.version == "the version as of 2031-06-30"
    (manifest,) = load_manifests(manifests, tmp_path / "sources")
    assert manifest.directory == str(tmp_path / "sources" / "dc-test") and manifest.format == "dc-law-xml"
    assert manifest.title == "Mirror" and manifest.official_url == mirror.official_url
    authorities, loaded = load_source(manifest, tmp_path / "elsewhere")
    assert [a.id for a in authorities] == ["us-dc:dc-code:99-101"] and loaded.skipped == {"repealed": 1}
    assert authorities[0].url == "https://example.invalid/99-101"
    assert authorities[0].history == "Jan. 1, 2031, D.C. Law 99-1, § 2"


CLUSTER = {
    "id": 4242, "case_name": "Pemberton v. Lantern Office", "case_name_full": "Pemberton, Petitioner v. Lantern Office",
    "date_filed": "2031-03-02", "absolute_url": "/opinion/4242/pemberton-v-lantern-office/",
    "citations": [{"volume": 901, "reporter": "U.S.", "page": "77"}, {"volume": 88, "reporter": "S. Ct.", "page": "1"}],
    "docket": {"court_id": "scotus", "court_name": "Supreme Court of the United States"},
    "sub_opinions": [{"id": 1, "type": "010combined", "plain_text": "",
                      "html_with_citations": '<p>The petitioner hung a lantern.</p><p><span class="star-pagination">'
                                             '*78</span> We hold that a permit is a license &amp; not property.</p>'}],
}


def test_courtlistener_clusters_opinions_and_api_pages_become_opinion_records(tmp_path):
    opinion_first = {"id": 7, "plain_text": "The judgment is affirmed.",
                     "cluster": {**CLUSTER, "id": 4343, "docket": {"court_id": "dc"}, "sub_opinions": []}}
    folder = tmp_path / "cl"
    folder.mkdir()
    (folder / "cluster.json").write_text(json.dumps(CLUSTER))
    with gzip.open(folder / "page.jsonl.gz", "wt") as page:
        page.write(json.dumps({"results": [opinion_first]}) + "\n")
    report = import_source("courtlistener", folder, "cl-test", tmp_path / "sources", progress=False)
    # one source holds one jurisdiction: the D.C. Court of Appeals opinion is set aside, with the reason
    assert report.written == 1 and report.skipped == {"of another jurisdiction (US-DC)": 1}
    (record,) = records_of(report)
    assert record["id"] == "cl-cluster:4242" and record["citations"] == ["901 U.S. 77", "88 S. Ct. 1"]
    assert record["jurisdiction"] == "US-federal" and record["year"] == 2031
    assert record["text"] == ("The petitioner hung a lantern.\n\n"
                              "[*78] We hold that a permit is a license & not property.")
    assert record["url"] == "https://www.courtlistener.com/opinion/4242/pemberton-v-lantern-office/"

    dc = import_source("courtlistener", folder / "page.jsonl.gz", "cl-dc", tmp_path / "sources", progress=False)
    assert dc.jurisdiction == "US-DC" and records_of(dc)[0]["text"] == "The judgment is affirmed."


def test_caselaw_access_project_cases_become_opinion_records(tmp_path):
    case = {"id": 55, "name": "Jane PEMBERTON v. LANTERN OFFICE", "name_abbreviation": "Pemberton v. Lantern Office",
            "decision_date": "2031-03-02", "citations": [{"type": "official", "cite": "12 Haw. 34"}],
            "court": {"name": "Supreme Court of Hawaii"}, "jurisdiction": {"slug": "haw"},
            "casebody": {"head_matter": "Argued January 5.",
                         "opinions": [{"type": "majority", "author": "Kona, J.", "text": "Affirmed."}]}}
    path = tmp_path / "cases.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("json/0001.json", json.dumps(case))
        archive.writestr("json/0002.json", json.dumps({**case, "id": 56, "casebody": {"data": case["casebody"]}}))
    report = import_source("cap", path, "cap-test", tmp_path / "sources", progress=False)
    assert (report.written, report.jurisdiction, report.kind) == (2, "US-HI", "opinion")
    first, _ = records_of(report)
    assert first["id"] == "cap:55" and first["case_name"] == "Pemberton v. Lantern Office"
    assert first["citations"] == ["12 Haw. 34"] and first["court_name"] == "Supreme Court of Hawaii"
    assert first["text"] == "Argued January 5.\n\n[majority Kona, J.]\nAffirmed."


def test_json_lines_records_need_an_id_citation_and_a_jurisdiction(tmp_path):
    lines = [{"id": "x:1", "citation": "HRS § 1-1", "heading": "One.", "text": "The first rule of the code."},
             {"id": "x:1", "citation": "HRS § 1-1", "text": "Again."}, {"citation": "HRS § 1-2", "text": "No id."},
             {"id": "x:3", "case_name": "A v. B", "text": "An opinion among statutes."}]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = import_source("jsonl", path, "hi-test", tmp_path / "sources", jurisdiction="US-HI", progress=False)
    assert report.written == 1 and report.kind == "statute"
    written = (Path(report.directory) / RECORDS_FILE).read_bytes()
    import_source("jsonl", path, "hi-test", tmp_path / "sources", jurisdiction="US-HI", progress=False)
    assert (Path(report.directory) / RECORDS_FILE).read_bytes() == written  # the same records, the same file
    assert report.skipped == {"duplicate id": 1, "no id": 1, "not a record of a statute": 1}
    assert records_of(report)[0]["jurisdiction"] == "US-HI"
    manifest = (Path(report.directory) / IMPORTED_MANIFEST).read_text()
    assert 'kind = "statute"' in manifest and 'hierarchy = "hierarchy"' in manifest


def test_bad_inputs_are_named_with_file_and_place_and_leave_the_source_as_it_was(tmp_path):
    sources = tmp_path / "sources"
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "x:1", "citation": "HRS § 1-1", "text": "The rule."}) + "\n")
    import_source("jsonl", good, "hi-test", sources, jurisdiction="US-HI", progress=False)
    before = (sources / "hi-test" / RECORDS_FILE).read_bytes()

    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text(json.dumps({"id": "x:2", "citation": "HRS § 1-2", "text": "Fine."}) + "\n{oops\n")
    corrupt = tmp_path / "corrupt.tar.gz"
    corrupt.write_bytes(gzip.compress(b"not a tar archive at all" * 40)[:200])
    wrong_root = tmp_path / "usc99.xml"
    wrong_root.write_text("<html/>")
    no_index = tmp_path / "no-index"
    (no_index / "us").mkdir(parents=True)
    cases = [
        (("jsonl", bad_json), "bad.jsonl: line 2: bad JSON"),
        (("jsonl", tmp_path / "missing.jsonl"), "missing.jsonl: no such file or directory"),
        (("uslm", corrupt), "corrupt.tar.gz"),
        (("uslm", wrong_root), "usc99.xml: the root element is 'html'"),
        (("dc-law-xml", no_index), "not the D.C. Council's law-xml"),
        (("docx", good), "unknown format 'docx'; known formats: uslm, dc-law-xml"),
        (("jsonl", good.with_name("nothing.txt")), "no such file"),
    ]
    for (format_name, path), message in cases:
        with pytest.raises(ImportFailure, match=message):
            import_source(format_name, path, "hi-test", sources, jurisdiction="US-HI", progress=False)
    with pytest.raises(ImportFailure, match="no jsonl records found .* no citation 1"):
        empty = tmp_path / "empty.jsonl"
        empty.write_text(json.dumps({"id": "x:9", "text": "No citation."}) + "\n")
        import_source("jsonl", empty, "hi-test", sources, jurisdiction="US-HI", progress=False)
    with pytest.raises(ImportFailure, match="unknown jurisdiction 'US-XX'"):
        import_source("jsonl", good, "hi-test", sources, jurisdiction="US-XX", progress=False)
    with pytest.raises(ImportFailure, match="uslm records are statutes, not opinions"):
        import_source("uslm", good, "hi-test", sources, kind="opinion", progress=False)
    (statutes,) = load_manifests(tmp_path / "none", sources)
    with pytest.raises(ImportFailure, match="source hi-test holds statutes: opinions cannot take its place"):
        import_source("jsonl", good, "hi-test", sources, kind="opinion", replaces=statutes, progress=False)
    assert (sources / "hi-test" / RECORDS_FILE).read_bytes() == before
    assert sorted(p.name for p in sources.iterdir()) == ["hi-test"]  # nothing half-written beside it


def test_bad_json_and_a_damaged_member_of_a_zip_are_named(tmp_path):
    path = tmp_path / "cases.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("json/1.json", "{not json")
    with pytest.raises(ImportFailure, match=r"json/1.json: bad JSON at line 1"):
        import_source("cap", path, "cap-test", tmp_path / "sources", progress=False)
    assert not (tmp_path / "sources" / "cap-test").exists()
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as archive:  # stored, not compressed: the member's bytes are findable
        archive.writestr("json/2.json", json.dumps({"id": 2, "name": "A v. B", "casebody": {}}))
    data = damaged.read_bytes()
    damaged.write_bytes(data.replace(b'"A v. B"', b'"A v. C"', 1))  # the stored CRC no longer matches
    with pytest.raises(ImportFailure, match=r"json/2.json: unreadable \(Bad CRC-32"):
        import_source("cap", damaged, "cap-test", tmp_path / "sources", progress=False)
    with pytest.raises(ImportFailure, match="not a Caselaw Access Project case"):
        other = tmp_path / "other.json"
        other.write_text(json.dumps({"id": 1, "name": "No body"}))
        import_source("cap", other, "cap-test", tmp_path / "sources", progress=False)
