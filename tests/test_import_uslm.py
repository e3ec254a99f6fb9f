"""The USLM reader on a small title written for this test: sections in their chapters, labels one line per level,
notes and source credits left out, footnotes kept, repealed ranges numbered as printed; bad files named."""

from __future__ import annotations

import io

import pytest

from research.corpus.importers.uslm import UslmError, read_title

TITLE = """<?xml version="1.0" encoding="UTF-8"?>
<uscDoc xmlns="http://xml.house.gov/schemas/uslm/1.0" identifier="/us/usc/t99">
<meta><docNumber>99</docNumber></meta>
<main><title identifier="/us/usc/t99"><num value="99">Title 99—</num><heading>LANTERNS</heading>
<chapter><num value="1">CHAPTER 1—</num><heading>PERMITS</heading>
<notes type="uscNote"><note><quotedContent><section identifier="/us/usc/t99/s900"><num value="900">§ 900.</num>
<content>A section quoted in a note is the note's, not a record.</content></section></quotedContent></note></notes>
<section identifier="/us/usc/t99/s101"><num value="101">§ 101.</num><heading> Lantern permits</heading>
<subsection><num value="a">(a)</num><heading> In general</heading><content>No person shall hang a lantern
 without a permit.<ref class="footnoteRef">1</ref><note type="footnote">1 So in original.</note></content></subsection>
<subsection><num value="b">(b)</num><chapeau>A permit—</chapeau>
<paragraph><num value="1">(1)</num><content>expires after 90 days; and</content></paragraph>
<paragraph><num value="2">(2)</num><content>may be renewed once.</content></paragraph></subsection>
<sourceCredit>(Pub. L. 1–1, Jan. 1, 2031.)</sourceCredit>
<notes type="uscNote"><note topic="amendments"><p>2031—Amended.</p><quotedContent><section><num>§ 7.</num>
<content>Nor is one quoted in a section's notes.</content></section></quotedContent></note></notes>
</section>
<section identifier="/us/usc/t99/s102...104" status="repealed"><num value="102 to 104">[§§ 102 to 104.</num>
<heading> Repealed.]</heading></section>
</chapter></title></main></uscDoc>
"""


def test_a_title_reads_as_one_record_per_section():
    first, repealed = read_title(io.BytesIO(TITLE.encode()), "usc99.xml", "uslm-test", "Online@119-36")
    assert first["id"] == "us:usc:99:101" and first["citation"] == "99 U.S.C. § 101"
    assert first["hierarchy"] == ["Title 99— LANTERNS", "CHAPTER 1— PERMITS"]
    assert first["heading"] == "Lantern permits" and first["source_credit"] == "(Pub. L. 1–1, Jan. 1, 2031.)"
    assert first["text"].splitlines() == [
        "  (a) In general No person shall hang a lantern without a permit.11 So in original.",  # as the mirror
        "  (b) A permit—", "    (1) expires after 90 days; and", "    (2) may be renewed once."]
    assert "Amended" not in first["text"]  # notes are the publisher's, not the law
    assert repealed["id"] == "us:usc:99:102 to 104" and repealed["status"] == "repealed"
    assert repealed["release_point"] == "Online@119-36"


@pytest.mark.parametrize(("content", "message"), [
    (b"<uscDoc", "usc99.xml: not well-formed XML"),
    (b"<html/>", "usc99.xml: the root element is 'html'"),
    (b'<uscDoc xmlns="http://xml.house.gov/schemas/uslm/1.0"><main/></uscDoc>', "not a title of the U.S. Code"),
])
def test_a_file_that_is_not_a_uslm_title_is_named_in_the_error(content, message):
    with pytest.raises(UslmError, match=message):
        list(read_title(io.BytesIO(content), "usc99.xml", "uslm-test"))
