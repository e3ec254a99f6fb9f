"""Loaders: validation errors name file and line; records are skipped for stated reasons."""

import gzip
from pathlib import Path

import pytest

from research.corpus.sources import (
    CorpusError,
    load_manifests,
    load_source,
    mended_heading,
    select_manifests,
    skip_reason,
)
from research.corpus.structure import division_lines
from tests.conftest import (
    HAWAII_STYLE_FIELDS,
    INVENTED_SECTIONS,
    sha256_of,
    write_jsonl_gz,
    write_manifest,
)


def test_loads_invented_statutes_and_reports_skips(invented_corpus):
    corpus, manifests = invented_corpus
    manifest = select_manifests(load_manifests(manifests), ["invented-code"])[0]
    authorities, report = load_source(manifest, corpus)
    assert report.read == len(INVENTED_SECTIONS)
    assert dict(report.skipped) == {"repealed": 1, "empty": 1}
    assert [a.id for a in authorities] == ["us-dc:dc-code:99-101", "us-dc:dc-code:99-102", "us-dc:dc-code:99-104"]
    first = authorities[0]
    assert first.kind == "statute" and first.jurisdiction == "US-DC"
    assert first.heading_path == ("Title 99 — Invented Matters.", "Chapter 1 — Lanterns.")


def test_opinion_record_maps_to_reporter_citation(invented_corpus):
    corpus, manifests = invented_corpus
    manifest = select_manifests(load_manifests(manifests), ["invented-opinions"])[0]
    (opinion,), _ = load_source(manifest, corpus)
    assert opinion.citation == "901 U.S. 77"
    assert opinion.heading == "Pemberton v. Lantern Office" and opinion.year == 2031
    assert opinion.display_title == "Pemberton v. Lantern Office, 901 U.S. 77 (2031)"


def test_c1_controls_are_read_as_the_windows_1252_punctuation_they_stand_for(tmp_path):
    text = "enshrined in our Constitution\x97that \x93No person\x94 shall be compelled\x86"
    path = write_jsonl_gz(tmp_path / "s.jsonl.gz", [{"id": "us-dc:dc-code:1-1", "citation": "D.C. Code § 1-1",
                                                     "heading": "H.", "text": text}])
    write_manifest(tmp_path, "s", path.name, sha256_of(path))
    (section,), _ = load_source(load_manifests(tmp_path)[0], tmp_path)
    assert section.text == "enshrined in our Constitution—that “No person” shall be compelled†"
    assert len(section.text) == len(text)  # one character for one: offsets into the text hold


def test_duplicate_ids_are_skipped(tmp_path):
    record = ('{"id": "us-dc:dc-code:1-1", "citation": "D.C. Code § 1-1", "heading": "H.", '
              '"text": "one two three four five six"}\n')
    path = tmp_path / "dup.jsonl.gz"
    with gzip.open(path, "wt") as f:
        f.write(record + record)
    write_manifest(tmp_path, "dup", path.name, sha256_of(path))
    authorities, report = load_source(load_manifests(tmp_path)[0], tmp_path)
    assert len(authorities) == 1 and report.skipped["duplicate id"] == 1


@pytest.mark.parametrize("defect, expected", [
    ("missing", "corpus file not found"),
    ("checksum", "checksum mismatch"),
    ("bad_json", "line 2: bad JSON"),
    ("bad_gzip", "unreadable"),
    ("no_id", "line 1: record has no id"),
])
def test_defective_files_raise_errors_naming_file_and_line(tmp_path, defect, expected):
    path = tmp_path / "broken.jsonl.gz"
    good = '{"id": "x:1", "text": "a b c d e f"}\n'
    if defect == "bad_json":
        with gzip.open(path, "wt") as f:
            f.write(good + '{"id": "x:2", "text": \n')
    elif defect == "bad_gzip":
        path.write_bytes(gzip.compress(good.encode())[:30])
    elif defect == "no_id":
        with gzip.open(path, "wt") as f:
            f.write('{"text": "no id here at all"}\n')
    elif defect in ("checksum",):
        with gzip.open(path, "wt") as f:
            f.write(good)
    sha = "0" * 64 if defect in ("checksum", "missing") or not path.exists() else sha256_of(path)
    write_manifest(tmp_path, "broken", path.name, sha)
    with pytest.raises(CorpusError) as err:
        load_source(load_manifests(tmp_path)[0], tmp_path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_unknown_source_name_is_rejected(invented_corpus):
    _, manifests = invented_corpus
    with pytest.raises(CorpusError, match="unknown source nope"):
        select_manifests(load_manifests(manifests), ["nope"])


@pytest.mark.parametrize("text, heading, record, reason", [
    ("Repealed.", "Definitions.", {}, "repealed"),
    ("§4-2 REPEALED. L 1970, c 188, §2.", "REPEALED", {}, "repealed"),
    ("", "Affidavit registration. (Repealed)", {}, "repealed"),
    ("", "Words", {"status": "repealed"}, "repealed"),
    ("[Reserved].", "Reserved.", {}, "reserved"),
    ("", "Election costs. [Reserved]", {}, "reserved"),
    ("§ 11-21 Reserved.", "Reserved", {}, "reserved"),
    ("Reserved parking. Repealed.", "Reserved parking.", {}, "repealed"),
    ("Editor's note: This article was numbered as article 14 of chapter 49, C.R.S. 1963. " * 6,
     "1-8-101 to 1-8-311. (Repealed)", {}, "repealed"),  # an editor's note, however long, is not the section
    ("The board shall report each year. " * 15, "Annual report. (Repealed)", {}, None),  # long text of its own
    ("", "Lands reserved for parks. [Repealed]", {}, "repealed"),
    ("B. School Impact Fees", "Subpart heading", {"jurisdiction": "US-HI"}, "empty"),
    ("Too short.", "Heading", {}, "empty"),
    ("The word county includes the city and county of Honolulu.", "County", {}, None),
])
def test_skip_reasons(text, heading, record, reason):
    assert skip_reason(record, text, heading, "statute") == reason


def test_a_reserved_number_is_skipped_and_not_kept_as_a_repeal(tmp_path):
    records = [{"id": "us-dc:dc-code:1-1", "citation": "D.C. Code § 1-1", "section": "1-1", "heading": "Terms.",
                "text": "(a) The word county means the county of the invented code, for every purpose."},
               {"id": "us-dc:dc-code:1-2", "citation": "D.C. Code § 1-2", "section": "1-2",
                "heading": "Old rule. [Repealed]", "text": "Repealed."},
               {"id": "us-dc:dc-code:1-3", "citation": "D.C. Code § 1-3", "section": "1-3", "heading": "[Reserved]",
                "text": "[Reserved]."}]
    path = write_jsonl_gz(tmp_path / "code.jsonl.gz", records)
    write_manifest(tmp_path, "code", path.name, sha256_of(path))
    authorities, report = load_source(load_manifests(tmp_path)[0], tmp_path)
    assert [a.id for a in authorities] == ["us-dc:dc-code:1-1"]
    assert report.skipped == {"repealed": 1, "reserved": 1}
    assert [a.id for a in report.repealed] == ["us-dc:dc-code:1-2"]  # what the cite-checker reports as repealed


def test_real_manifests_are_complete():
    manifests = load_manifests(Path(__file__).resolve().parents[1] / "corpora")
    assert {m.jurisdiction for m in manifests} == {"US-DC", "US-HI", "US-CO", "US-federal"}
    assert all(len(m.sha256) == 64 and m.expected_records > 0 and m.upstream for m in manifests)


@pytest.mark.parametrize("text, lines", [
    ("§7-1 Lanterns. Every lantern shall be lit.", []),
    ("[§7-2] Wicks. A wick shall be trimmed.", []),
    ("[PART II.] LANTERN KEEPERS\n\n§7-11 Duties. A keeper shall keep.", ["PART II. LANTERN KEEPERS"]),
    ("PART III. PENALTIES", ["PART III. PENALTIES"]),  # a record that holds only the Part heading
    ("PART I. GENERAL\n\n[B. Lamps]\n\n§7-3 Lamps. A lamp is a lantern.", ["PART I. GENERAL", "B. Lamps"]),
    ("A lantern is a lamp in a case " * 6 + "\n§7-4 Cases.", []),  # body text, not a heading line
])
def test_division_lines_are_the_headings_above_a_sections_own_line(text, lines):
    assert division_lines(text) == lines


def test_part_headings_carry_to_the_following_sections_of_their_chapter(tmp_path):
    def section(number, text, chapter="7"):
        return {"id": f"us-hi:hrs:{number}", "citation": f"Haw. Rev. Stat. § {number}", "section": number,
                "heading": "H.", "text": text, "chapter": chapter, "chapter_title": "LANTERNS"}
    records = [
        section("7-1", "PART I. GENERAL PROVISIONS"),  # a Part heading alone: skipped, yet it opens Part I
        section("7-2", "§7-2 Wicks. A wick shall be trimmed daily by the keeper."),
        section("7-3", "B. Lamps\n\n§7-3 Lamps. A lamp is a lantern kept indoors at night."),
        section("7-11", "[PART II.] LANTERN KEEPERS\n\n§7-11 Duties. A keeper shall keep every lamp lit."),
        section("7-12", "§7-12 Pay. A keeper shall be paid monthly by the county."),
        section("8-1", "§8-1 Candles. A candle is not a lantern for this chapter.", chapter="8"),
    ]
    path = write_jsonl_gz(tmp_path / "hi.jsonl.gz", records)
    write_manifest(tmp_path, "hi", path.name, sha256_of(path), jurisdiction="US-HI", fields=HAWAII_STYLE_FIELDS)
    authorities, report = load_source(load_manifests(tmp_path)[0], tmp_path)
    assert report.skipped["empty"] == 1
    assert {a.id.rsplit(":", 1)[1]: a.heading_path[1:] for a in authorities} == {
        "7-2": ("PART I. GENERAL PROVISIONS",),
        "7-3": ("PART I. GENERAL PROVISIONS", "B. Lamps"),
        "7-11": ("PART II. LANTERN KEEPERS",),
        "7-12": ("PART II. LANTERN KEEPERS",),
        "8-1": (),
    }
    assert authorities[0].heading_path[0] == "Chapter 7 LANTERNS"


def test_a_hawaii_section_enacted_under_a_repealed_number_is_kept_without_the_old_sections_notes(tmp_path):
    def section(number, heading, text):
        return {"id": f"us-hi:hrs:{number}", "citation": f"Haw. Rev. Stat. § {number}", "section": number,
                "heading": heading, "text": text, "chapter": "7", "chapter_title": "LANTERNS"}
    records = [
        section("7-1", "REPEALED", "PART I. [OLD] LANTERN TAXES\n\nAND FEES\n\n§§7-1 to 7-3 REPEALED. L 1988, c 28, §2."
                "\n\nPART I. LANTERN PERMITS\n\n§7-1 Permits. (a) No person shall light a lantern on a public way "
                "without a permit.\n\n(b) A permit expires ninety days after it is issued."),
        section("7-2", "Fees.", "§7-2 Fees. The fee for a permit is five dollars, paid to the county."),
        section("7-4", "REPEALED", "§7-4 REPEALED. L 1970, c 188, §2."),
    ]
    path = write_jsonl_gz(tmp_path / "hi.jsonl.gz", records)
    write_manifest(tmp_path, "hi", path.name, sha256_of(path), jurisdiction="US-HI", fields=HAWAII_STYLE_FIELDS)
    authorities, report = load_source(load_manifests(tmp_path)[0], tmp_path)
    permits, fees = authorities
    assert permits.heading == "Permits." and permits.text.startswith("PART I. LANTERN PERMITS\n\n§7-1 Permits. (a)")
    assert "OLD" not in permits.text and "REPEALED" not in permits.text and "AND FEES" not in permits.text
    assert permits.heading_path[1:] == fees.heading_path[1:] == ("PART I. LANTERN PERMITS",)
    assert [a.id for a in report.repealed] == ["us-hi:hrs:7-4"]


@pytest.mark.parametrize("section, heading, text, mended", [
    ("7-2", "Wicks.", "§7-2 Wicks. A wick shall be trimmed.", "Wicks."),
    ("7-3", "Lamps.] A lamp is a lantern kept", "[§7-3 Lamps.] A lamp is a lantern kept indoors.", "Lamps."),
    ("7-4", "[§7-4] Keepers.", "[§7-4] Keepers. A keeper keeps.", "Keepers."),
    ("7-5", "[Complaint] in action on a lien.", "§7-5 [Complaint] in action on a lien. A keeper",
     "Complaint in action on a lien."),
    ("7-6", "Law Journals and Reviews Lanterns in Paradise.", "§7-6 Definitions. As used in this part:",
     "Definitions."),
    ("7-7", "Cross References Candles, see chapter 8.", "§§7-7 to 7-9 were renumbered.", ""),  # no heading of its own
    ("7-8", "REPEALED", "§7-8 Wicks of brass. A wick may be of brass.", "Wicks of brass."),  # an old section's
    ("7-9", "[OLD] Renumbered as §7-1.", "§7-9 Oil. Lamp oil shall be kept cool.", "Oil."),
    ("7-10", "REPEALED", "§7-10 REPEALED. L 1970, c 188, §2.", "REPEALED"),  # repealed itself: the loader skips it
])
def test_garbled_hawaii_style_headings_are_mended_from_the_section_line(section, heading, text, mended):
    assert mended_heading(heading, text, section) == mended


@pytest.mark.parametrize("record, history, annotations", [
    ({"history": "L 1892, c 57; am L 1903, c 32", "n_notes": 2}, "L 1892, c 57; am L 1903, c 32", 2),
    ({"history": ["Aug. 12, 1955, 69 Stat. 700", "Apr. 9, 1997, D.C. Law 11-248"], "n_notes": "0"},
     "Aug. 12, 1955, 69 Stat. 700; Apr. 9, 1997, D.C. Law 11-248", 0),
    ({"n_notes": "many"}, "", None),  # a count that is no number is not one
    ({"history": None, "n_notes": None}, "", None),
])
def test_a_statutes_history_and_annotation_count_are_kept_from_its_record(tmp_path, record, history, annotations):
    base = {"id": "us-co:crs:1-1-101", "citation": "C.R.S. § 1-1-101", "heading": "Lanterns.",
            "text": "Every lantern shall be lit at dusk."}
    path = write_jsonl_gz(tmp_path / "co.jsonl.gz", [{**base, **record}])
    write_manifest(tmp_path, "co", path.name, sha256_of(path), jurisdiction="US-CO",
                   fields='id = "id"\ncitation = "citation"\nheading = "heading"\ntext = "text"\n'
                          'history = "history"\nannotations = "n_notes"\n')
    (authority,), _ = load_source(load_manifests(tmp_path)[0], tmp_path)
    assert (authority.history, authority.annotations) == (history, annotations)
