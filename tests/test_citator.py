"""The citator: overruling sentences found and tied to the case they act on; sentences that mention overruling
without doing it left alone; the eval's scores and baseline; the command line."""

from __future__ import annotations

import json

import pytest

from research.corpus.treatment import TreatmentKind, find_treatments
from research.evaluation.citator import OverrulePair, keyword_says_overruled, read_pairs, score

CITATIONS = {"261 u.s. 525": "adkins", "78 u.s. 113": "day", "41 u.s. 435": "dobbins", "338 u.s. 25": "wolf",
             "162 u.s. 625": "crain", "300 u.s. 379": "parrish"}
NAMES = {"Adkins v. Children's Hospital": "adkins", "Wolf v. Colorado": "wolf", "Crain v. United States": "crain"}
ADKINS = "Adkins v. Children's Hospital, 261 U.S. 525 (1923)"


def treated(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.target) for t in find_treatments(text, CITATIONS.get, NAMES.get)]


@pytest.mark.parametrize("text, expected", [
    (f"The minimum wage law was struck down in {ADKINS}. Our conclusion is that the case of Adkins v. Children's "
     "Hospital, supra, should be, and it is, overruled.", [("overruled", "adkins")]),
    (f"We overrule {ADKINS}.", [("overruled", "adkins")]),
    (f"{ADKINS}, is overruled.", [("overruled", "adkins")]),
    ("The procedure sustained in Crain v. United States, 162 U.S. 625, has been criticized. It is no longer "
     "required in the prosecution of offenses under present systems of law, and so far as that case is not in "
     "accord with the views herein expressed it is necessarily overruled.", [("overruled in part", "crain")]),
    ("This Court decided Wolf v. Colorado, 338 U.S. 25, in 1949. For in overruling Wolf the Court has simply "
     "chosen between two Constitutional questions.", [("overruled", "wolf")]),
    ("Collector v. Day, 78 U.S. 113, and Dobbins v. Erie County, 41 U.S. 435, are overruled so far as they "
     "recognize an implied immunity.", [("overruled in part", "day"), ("overruled in part", "dobbins")]),
    ("Line breaks inside a sentence do not cut it: Adkins\nv.\nChildren's Hospital, 261 U.S. 525,\n\nis overruled.",
     [("overruled", "adkins")]),
    (f"{ADKINS}, which upheld the statute, is obviously [*465] overruled.", [("overruled", "adkins")]),
    (f"The drift away from {ADKINS}, has been so great that it can no longer be deemed a controlling authority.",
     [("overruled", "adkins")]),
    (f"To the extent that what the Court now says is inconsistent with {ADKINS}, the latter cannot survive.",
     [("overruled in part", "adkins")]),
])
def test_an_overruling_sentence_is_tied_to_the_case_it_overrules(text, expected):
    assert treated(text) == expected


@pytest.mark.parametrize("text", [
    f"We decline to overrule {ADKINS}.",
    f"Petitioner asks us to overrule {ADKINS}.",
    f"I would overrule {ADKINS}, for the reasons the majority gives.",
    f"The question is whether {ADKINS}, should be overruled.",
    f"{ADKINS}, was overruled by West Coast Hotel Co. v. Parrish, 300 U.S. 379.",
    f"In {ADKINS}, the demurrer was overruled and the case went to trial.",
    f"This Court has often overruled its earlier decisions, as in {ADKINS}.",
    f"We do not overrule {ADKINS}; we distinguish it.",
    f"So far as the statement in {ADKINS}, supports these assumptions, it is disapproved.",
    f"The minimum wage law was struck down in {ADKINS}. Counsel elaborately argued that our decision in the Adkins "
    "case was erroneous and ought to be overruled.",
    f"Neither does the Court purport to overrule {ADKINS}.",
    f"I would begin this process of re-evaluation by overruling {ADKINS}.",
    f"The minimum wage law was struck down in {ADKINS}. Implicit in such an approach is the admission when a case is "
    "overruled that the earlier decision was wrongly decided.",
    f"{ADKINS}, necessarily repudiated the view of Wolf v. Colorado, 338 U.S. 25.",
    f"In the light of {ADKINS}, and the cases it cites, the statements made in West and similar cases can no longer be "
    "regarded as the law.",
    f"Given our ruling, we need not reach the argument that {ADKINS}, should be overruled.",
    f"We have since overruled {ADKINS}.",
    f"In the Wolf case, the Court in overruling {ADKINS}, imposed a judicially devised rule.",
])
def test_a_sentence_that_mentions_overruling_without_doing_it_is_left_alone(text):
    assert treated(text) == []


COURT_THEN_DISSENT = ("MR. JUSTICE STONE delivered the opinion of the Court.\n\nThe judgment is affirmed.\n\n"
                      "MR. JUSTICE BRANDEIS, with whom MR. JUSTICE HOLMES joins, dissenting.\n\n{}")


@pytest.mark.parametrize("dissent, expected", [
    (f"I think the judgment should be reversed and {ADKINS}, should be overruled.", []),
    (f"If the statute is valid, then {ADKINS}, must be overruled.", []),
    (f"Today the Court overrules {ADKINS}, without saying so.", [("overruled", "adkins")]),
    (f"I agree with the Court that {ADKINS}, should be overruled.", [("overruled", "adkins")]),
])
def test_a_separate_opinion_tells_of_the_courts_act_but_its_wishes_are_not_one(dissent, expected):
    assert treated(COURT_THEN_DISSENT.format(dissent)) == expected


def test_the_opinion_of_the_court_ends_where_the_first_separate_opinion_begins():
    from research.corpus.structure import court_opinion_end

    text = COURT_THEN_DISSENT.format("I dissent.")
    assert text[court_opinion_end(text):].startswith("MR. JUSTICE BRANDEIS, with whom")
    syllabus = ("HARLAN, J., filed a dissenting opinion.\n\nJustice Olsen, in a concurring opinion, added this:\n\n"
                "We hold.")
    assert court_opinion_end(syllabus) == len(syllabus)


def test_the_sentence_is_quoted_with_its_offsets():
    text = f"Some history comes first, long enough to stand alone. We overrule {ADKINS}. Then more follows."
    (found,) = find_treatments(text, CITATIONS.get, NAMES.get)
    assert text[found.start:found.end] == found.quote == f"We overrule {ADKINS}."
    assert found.kind == TreatmentKind.OVERRULED


def test_scores_and_the_keyword_baseline(tmp_path):
    pairs = [OverrulePair("a", "x", True, "Adkins", ("261 U.S. 525",)),
             OverrulePair("a", "y", False, "Wolf", ()), OverrulePair("b", "x", True, "Adkins", ())]
    result = score(pairs, lambda p: p.cited == "x" and p.citing == "a" or p.cited == "y")
    assert result == {"pairs": 3, "overruled": 2, "true_positives": 1, "false_positives": 1, "false_negatives": 1,
                      "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert score([], lambda p: True)["precision"] is None
    assert keyword_says_overruled(pairs[0], "We discuss it. Adkins is overruled today.")
    assert not keyword_says_overruled(pairs[0], "Adkins stands. The demurrer was overruled.")
    good = tmp_path / "pairs.csv"
    good.write_text("citing_cluster_id,cited_cluster_id,cited_name_short,cited_citations,overruled\n"
                    "1,2,Adkins,\"['261 U.S. 525']\",yes\n", encoding="utf-8")
    (pair,) = read_pairs(good)
    assert (pair.citing, pair.cited, pair.overruled, pair.cited_citations) == (
        "cl-cluster:1", "cl-cluster:2", True, ("261 U.S. 525",))
    bad = tmp_path / "bad.csv"
    bad.write_text("citing_cluster_id,cited_cluster_id,overruled\n1,2,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.csv:2: needs citing and cited ids and overruled yes or no"):
        read_pairs(bad)
    with pytest.raises(ValueError, match="no column overruled"):
        (tmp_path / "c.csv").write_text("citing_cluster_id,cited_cluster_id\n", encoding="utf-8")
        read_pairs(tmp_path / "c.csv")


def test_the_citator_from_the_command_line(invented_index_env, capsys, tmp_path):
    from research import cli

    assert cli.main(["ingest", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["citator", "901 U.S. 77", "--json", "--quiet"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["authority_id"] == "cl-cluster:9999001" and found["treatment"] == []
    assert cli.main(["search", "lantern permit license property right", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["results"]
    assert all(hit["treatment"] == [] for hit in hits) and any(hit["kind"] == "opinion" for hit in hits)
    assert cli.main(["citator", "999 U.S. 1", "--quiet"]) == cli.EXIT_FAILURE
    assert "no authority of the corpus is cited as '999 U.S. 1'" in capsys.readouterr().err
    assert cli.main(["citator", "D.C. Code § 99-103", "--json"]) == 0  # the invented code lists it as repealed
    repealed = json.loads(capsys.readouterr().out)
    assert repealed["treatment"] == [{"kind": "repealed", "by": "", "citation": "", "quote": "Repealed.", "pin": ""}]
    assert cli.main(["citator", "D.C. Code § 99-101"]) == 0
    assert "In force as the corpus holds it" in capsys.readouterr().out
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("citing_cluster_id,cited_cluster_id,overruled\n9999001,1,no\n", encoding="utf-8")
    assert cli.main(["eval", "citator", "--set", str(pairs), "--json", "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["pairs_in_corpus"] == 0 and result["pairs_left_out"] == 1


def test_an_answer_citing_an_overruled_case_says_so_and_keeps_the_evidence():
    from dataclasses import replace
    from datetime import UTC, date, datetime

    from research.domain.answer import Answer
    from research.domain.records import StoredAnswer
    from research.service import with_treatment
    from research.workflow.memo import build_memo
    from research.workflow.memo_render import to_markdown
    from tests.test_appdb import make_answer

    answer = make_answer("May a State fix a minimum wage for women?")
    opinion = replace(answer.citations[0], authority_id="cl-cluster:adkins", kind="opinion",
                      citation="Adkins v. Children's Hospital, 261 U.S. 525 (1923)")
    answer = replace(answer, citations=[opinion])
    overruled = {"kind": "overruled", "by": "cl-cluster:parrish", "citation": "300 U.S. 379",
                 "quote": "Our conclusion is that the case of Adkins ... should be, and it is, overruled.",
                 "pin": "at 400"}
    flagged = with_treatment(answer, lambda authority_id: [overruled] if authority_id == "cl-cluster:adkins" else [])
    assert flagged.citations[0].treatment == (overruled,)
    caution = "Caution: Adkins v. Children's Hospital, 261 U.S. 525 (1923) [1] was overruled by 300 U.S. 379, at 400."
    assert flagged.brief_answer.endswith(caution) and caution in flagged.notices
    assert Answer.from_dict(flagged.to_dict()) == flagged  # stored and read back with its treatment
    assert flagged.to_dict()["citations"][0]["treatment"][0]["quote"].startswith("Our conclusion")
    statute_answer = make_answer("Permit term?")
    untouched = with_treatment(statute_answer, lambda authority_id: [])
    assert untouched.citations[0].treatment == () and "Caution" not in untouched.brief_answer
    repeal = {"kind": "repealed", "by": "May 2, 2015, D.C. Law 20-273, § 4(c)", "quote": "Repealed.", "pin": "",
              "citation": "May 2, 2015, D.C. Law 20-273, § 4(c)"}
    repealed = with_treatment(statute_answer, lambda authority_id: [repeal])
    assert repealed.brief_answer.endswith("[1] was repealed by May 2, 2015, D.C. Law 20-273, § 4(c).")
    memo = build_memo([StoredAnswer(1, 1, datetime(2031, 1, 1, tzinfo=UTC), "draft", flagged)], "M", "T", "F",
                      date(2031, 1, 2))
    text = to_markdown(memo).replace("\\", "")
    assert "citator: overruled by 300 U.S. 379, at 400" in text
    assert memo.cases[0].treatment == "overruled by 300 U.S. 379"
    assert "Adkins v. Children's Hospital, 261 U.S. 525 (1923)* — Discussion § 1 (overruled by 300 U.S. 379)" in text


@pytest.mark.parametrize(("heading", "text", "history", "by"), [
    ("Receipt of voted ballot. [Repealed]", "Repealed.",
     "June 5, 2012, D.C. Law 19-137, § 112, 59 DCR 2542; May 2, 2015, D.C. Law 20-273, § 4(e), 62 DCR 1938",
     "May 2, 2015, D.C. Law 20-273, § 4(e), 62 DCR 1938"),
    ("Registration deadline. (Repealed)", "Editor's note: This section was relocated to § 1-2-201 (3) in 1996.",
     "Source: L. 92: Entire article R&RE, p. 635, § 1, effective January 1, 1993. L. 96: Entire section repealed, "
     "p. 1775, § 84, effective July 1. L. 97: Entire article amended, p. 1, § 2.",
     "L. 96: Entire section repealed, p. 1775, § 84, effective July 1"),
    ("Lantern permits.", "Repealed.", "", ""),
    ("[Repealed]", "Repealed.", "L 1892, c 57; am L 1970, c 3, §1; rp L 1996, c 13, §12", "rp L 1996, c 13, §12"),
])
def test_a_section_the_code_lists_as_repealed_is_flagged_with_the_repealing_law(heading, text, history, by):
    from research.corpus.sources import skip_reason
    from research.corpus.treatment import repeal_entry

    assert skip_reason({}, text, heading, "statute") == "repealed"  # kept aside by the loader, never indexed
    found = repeal_entry(heading, text, history)
    assert found["kind"] == "repealed" and found["by"] == by == found["citation"]


@pytest.mark.parametrize(("heading", "text"), [
    ("Express or implied repeals.", "The repeal of a law is either express or implied."),
    ("Repeal of repealing act", "Whenever an Act is repealed, which repealed a former Act, it is not revived."),
])
def test_a_section_about_repeal_is_not_repealed(heading, text):
    from research.corpus.sources import skip_reason

    assert skip_reason({}, text, heading, "statute") is None



@pytest.mark.parametrize(("history", "as_of", "by"), [
    ("Mar. 16, 1982, D.C. Law 4-88, § 2(a), 29 DCR 458; Mar. 3, 2015, D.C. Law 20-167, § 2(a), 61 DCR 10738",
     "2010-01-01", "Mar. 3, 2015, D.C. Law 20-167, § 2(a), 61 DCR 10738"),
    ("Mar. 16, 1982, D.C. Law 4-88, § 2(a), 29 DCR 458; Mar. 3, 2015, D.C. Law 20-167, § 2(a)", "2015-03-03", None),
    ("L 1892, c 57; am L 2019, c 5, §2", "2018-06-30", "am L 2019, c 5, §2"),
    ("L 1892, c 57; am L 2019, c 5, §2", "2019-12-31", None),
    ("Source: L. 92: Entire article R&RE, p. 635. L. 2023: (1) amended, p. 12, § 3.", "2022-09-01",
     "L. 2023: (1) amended, p. 12, § 3"),
    ("(Pub. L. 92–463, Oct. 6, 1972, 86 Stat. 770.)", "1971-01-01", "(Pub. L. 92–463, Oct. 6, 1972, 86 Stat. 770.)"),
    ("(Added Pub. L. 104–208, Sept. 30, 1996, 110 Stat. 3009; amended Pub. L. 117–228, Dec. 13, 2022, 136 Stat. "
     "2305.)", "2015-06-30", "amended Pub. L. 117–228, Dec. 13, 2022, 136 Stat. 2305.)"),
    ("Apr. 24, 2007, D.C. Law 16-305, § 25(c); as added Mar. 3, 2016, D.C. Law 21-36, § 2", "2015-01-01",
     "as added Mar. 3, 2016, D.C. Law 21-36, § 2"),
    # an entry's own semicolons do not split it: the evidence names its session law
    ("Source: L. 92: p. 635. L. 2023: (1) amended; (4) added, p. 12, § 3.", "2022-09-01",
     "L. 2023: (1) amended; (4) added, p. 12, § 3"),
    ("", "2020-01-01", None),
])
def test_a_section_amended_after_the_date_its_text_is_current_to_is_flagged(history, as_of, by):
    from datetime import date

    from research.corpus.treatment import amended_after

    found = amended_after(history, date.fromisoformat(as_of))
    assert (found["by"] if found else None) == (by.rstrip(".") if by else None)
    if found:
        assert found["kind"] == "amended after the text's date" and found["pin"] == f"text as of {as_of}"
