"""Citation recognition: one key per authority, whatever the citation form."""

import pytest

from research.corpus.citations import authority_keys, find_citations


@pytest.mark.parametrize("text, key, pin", [
    ("What does D.C. Code § 42-3505.01 require?", "US-DC|42-3505.01", ""),
    ("D.C. Official Code § 42-3502.17(a)", "US-DC|42-3502.17", "(a)"),
    ("see D.C. Code § 28:2-725", "US-DC|28:2-725", ""),
    ("HRS § 521-44", "US-HI|521-44", ""),
    ("Haw. Rev. Stat. § 521-44(c)", "US-HI|521-44", "(c)"),
    ("Hawaii Revised Statutes § 663-1", "US-HI|663-1", ""),
    ("C.R.S. § 6-1-1304", "US-CO|6-1-1304", ""),
    ("Colo. Rev. Stat. § 14-10-113 (2)", "US-CO|14-10-113", "(2)"),
    ("17 U.S.C. § 107", "US-federal|17|107", ""),
    ("35 USC § 287(a)", "US-federal|35|287", "(a)"),
    ("Miranda v. Arizona, 384 U.S. 436, 444 (1966)", "384 u.s. 436", "444"),
    ("Terry v. Ohio, 392 U. S. 1 (1968)", "392 u.s. 1", ""),
])
def test_recognises_citations(text, key, pin):
    (match,) = find_citations(text)
    assert (match.key, match.pin) == (key, pin)


def test_no_citation_in_plain_question():
    assert find_citations("Can a landlord keep a security deposit for cleaning?") == []


@pytest.mark.parametrize("jurisdiction, kind, stored, query", [
    ("US-DC", "statute", "D.C. Code § 42-3505.01", "D.C. Code §42-3505.01(b)"),
    ("US-HI", "statute", "Haw. Rev. Stat. § 521-44", "HRS § 521-44"),
    ("US-CO", "statute", "C.R.S. § 1-1-101", "Colo. Rev. Stat. § 1-1-101"),
    ("US-federal", "statute", "17 U.S.C. § 107", "17 U.S.C. §107"),
    ("US-federal", "opinion", "384 U.S. 436", "384 U. S. 436"),
])
def test_stored_and_typed_citations_share_a_key(jurisdiction, kind, stored, query):
    (match,) = find_citations(query)
    assert match.key in authority_keys(jurisdiction, kind, [stored])


@pytest.mark.parametrize("text, keys", [
    ("See Brown v. Board, 347 U. S. 483, 74 S.Ct. 686 (1954).", ["347 u.s. 483", "74 s.ct. 686"]),
    ("as in Chisholm, 2 Dall. 419, and 98 L. Ed. 2d 884", ["2 dall. 419", "98 l.ed.2d 884"]),
    ("no citation here, only 12 apples and 3 pears", []),
])
def test_scans_reporter_citations_in_whole_opinions(text, keys):
    from research.corpus.citations import scan_reporter_citations

    assert [m.key for m in scan_reporter_citations(text)] == keys

