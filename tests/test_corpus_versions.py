"""A newer release of a source, imported from the command line over the invented corpus: only what changed is
recorded and embedded, `corpus diff` lists it, and a stored answer that quoted an amended section says so in the
memo while still showing the words it quoted."""

import json

import pytest

from research import cli
from tests.conftest import INVENTED_SECTIONS, PASSWORD, Firm

pytestmark = pytest.mark.integration

AMENDED_TEXT = INVENTED_SECTIONS[0]["text"].replace("expires 90 days", "expires 120 days")
ADDED = {"id": "us-dc:dc-code:99-106", "citation": "D.C. Code § 99-106", "section": "99-106",
         "heading": "Kite flying.", "hierarchy": ["Title 99 — Invented Matters.", "Chapter 4 — Kites."],
         "text": "No person shall fly a kite within 50 meters of a lantern hung under a permit.",
         "history": ["Jan. 1, 2031, D.C. Law 99-1, § 6", "Mar. 3, 2033, D.C. Law 99-20, § 2"]}


def newer_release(path):
    """The invented code's next release: § 99-101 amended, § 99-104 repealed, § 99-106 added, the rest as before."""
    records = []
    for section in INVENTED_SECTIONS:
        if section["id"].endswith("99-101"):
            section = {**section, "text": AMENDED_TEXT}
        elif section["id"].endswith("99-104"):
            section = {**section, "heading": "Repealed.", "text": "Repealed."}
        records.append(section)
    path.write_text("\n".join(json.dumps(r) for r in [*records, ADDED]) + "\n")
    return path


def last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_a_newer_release_changes_only_what_changed_and_marks_the_answers_that_quoted_it(invented_index_env,
                                                                                        monkeypatch, capsys):
    from research.wiring import default_index, open_app_database

    monkeypatch.setenv("RESEARCH_PASSWORD", PASSWORD)
    assert cli.main(["ingest", "--quiet"]) == 0
    index = default_index()
    firm = Firm(open_app_database(index.settings))
    amy = firm.as_(firm.associate)
    conversation = amy.conversations.create(Firm.LANTERN)
    answer = index.researcher().ask("How long does a lantern permit last?", ("US-DC",))
    quoted = next(c for c in answer.citations if c.authority_id == "us-dc:dc-code:99-101")
    amy.conversations.add_answer(conversation, answer)
    untouched = {c.id for c in index.store.iter_chunks("invented-code").__next__()
                 if c.authority_id == "us-dc:dc-code:99-102"}
    capsys.readouterr()

    release = newer_release(invented_index_env / "release-2032.jsonl")
    assert cli.main(["corpus", "import", "jsonl", str(release), "--source", "invented-code", "--version",
                     "2032 supplement", "--as-of", "2032-01-01", "--json", "--quiet"]) == 0
    result = last_json(capsys)
    assert result["import"]["written"] == len(INVENTED_SECTIONS) + 1 and result["import"]["jurisdiction"] == "US-DC"
    version = result["version"]
    assert (version["seq"], version["label"], version["as_of"]) == (2, "2032 supplement", "2032-01-01")
    assert (version["added"], version["amended"], version["repealed"], version["removed"]) == (1, 1, 1, 0)
    index = default_index()
    changed = [c for batch in index.store.iter_chunks("invented-code") for c in batch
               if c.authority_id in ("us-dc:dc-code:99-101", "us-dc:dc-code:99-106")]
    assert result["ingest"]["chunks_written"] == len(changed)  # nothing else embedded again
    assert untouched <= {c.id for batch in index.store.iter_chunks("invented-code") for c in batch}
    assert index.store.authority("us-dc:dc-code:99-104") is None
    # its history lists a law of 2033, after the release's as-of date: the text may lack that amendment
    (later,) = index.treatment_of("us-dc:dc-code:99-106")
    assert later["kind"] == "amended after the text's date" and later["by"] == "Mar. 3, 2033, D.C. Law 99-20, § 2"
    assert index.treatment_of("us-dc:dc-code:99-102") == []
    assert "120 days" in index.store.authority("us-dc:dc-code:99-101").text

    assert cli.main(["corpus", "diff", "invented-code", "--json"]) == 0
    diff = last_json(capsys)
    assert [(c["change"], c["citation"]) for c in diff["changes"]] == [
        ("amended", "D.C. Code § 99-101"), ("repealed", "D.C. Code § 99-104"), ("added", "D.C. Code § 99-106")]
    amended = diff["changes"][0]
    assert "expires 90 days" in amended["before_text"]  # the old words are kept
    assert cli.main(["corpus", "diff", "invented-code"]) == 0
    listing = capsys.readouterr().out
    assert "2032 supplement" in listing and "amended   D.C. Code § 99-101" in listing
    assert cli.main(["corpus", "diff", "invented-code", "--from", "2", "--to", "1"]) == cli.EXIT_FAILURE
    assert "--from must be below --to" in capsys.readouterr().err

    out = invented_index_env / "memo.md"
    assert cli.main(["memo", str(conversation), "--as", "Amy", "--format", "md", "--out", str(out)]) == 0
    memo = out.read_text()
    assert "amended since 2032 supplement" in memo
    assert quoted.quote.split("\n")[0][:40] in memo  # the stored answer still shows what it quoted

    from research.service import with_currency

    (stored,) = amy.conversations.get(conversation).answers
    marked = with_currency(stored, index.currency_of)
    entry = next(t for c in marked.answer.citations if c.authority_id == quoted.authority_id for t in c.treatment)
    assert entry["kind"] == "amended since" and entry["citation"] == "2032 supplement"
    assert "90 days" in quoted.quote and entry["note"] == "the words quoted are no longer in the current text"
    assert any("Since this answer was given, D.C. Code § 99-101" in n for n in marked.answer.notices)

    # importing the same release again records no new version and embeds nothing
    assert cli.main(["corpus", "import", "jsonl", str(release), "--source", "invented-code", "--version",
                     "2032 supplement", "--json", "--quiet"]) == 0
    again = last_json(capsys)
    assert again["version"]["seq"] == 2 and again["ingest"]["chunks_written"] == 0
    # other words under the same label are still a new version (a label is only a name)
    release.write_text(release.read_text().replace("between sunrise and noon", "between sunrise and ten"))
    assert cli.main(["corpus", "import", "jsonl", str(release), "--source", "invented-code", "--version",
                     "2032 supplement", "--json", "--quiet"]) == 0
    third = last_json(capsys)["version"]
    assert (third["seq"], third["amended"], third["added"]) == (3, 1, 0)

    # dropped from one release and back in the next, with the words quoted: an answer given before the drop says so
    lines = release.read_text().splitlines()
    without = invented_index_env / "without-101.jsonl"
    without.write_text("\n".join(line for line in lines if "99-101" not in line) + "\n")
    restored = invented_index_env / "restored.jsonl"
    restored.write_text("\n".join([*lines, json.dumps(INVENTED_SECTIONS[0])]) + "\n")
    restored.write_text("\n".join(line for line in restored.read_text().splitlines()
                                  if "120 days" not in line) + "\n")
    for path, label in ((without, "2033"), (restored, "2034")):
        assert cli.main(["corpus", "import", "jsonl", str(path), "--source", "invented-code", "--version", label,
                         "--quiet"]) == 0
    index = default_index()
    from datetime import datetime

    before_the_drop = datetime.fromisoformat(index.store.versions("invented-code")[2].recorded_at)
    (entry,) = index.currency_of(quoted.authority_id, before_the_drop, quoted.quote)
    assert (entry["kind"], entry["citation"]) == ("amended since", "2034")
    assert entry["note"] == "the words quoted are unchanged in the current text"


def test_a_source_whose_sections_another_source_holds_is_refused_with_the_way_out(invented_index_env, capsys):
    assert cli.main(["ingest", "--quiet"]) == 0
    copy = newer_release(invented_index_env / "copy.jsonl")
    capsys.readouterr()
    assert cli.main(["corpus", "import", "jsonl", str(copy), "--source", "invented-copy", "--jurisdiction", "US-DC",
                     "--quiet"]) == cli.EXIT_FAILURE
    error = capsys.readouterr().err
    assert "indexed under source invented-code" in error and "--source invented-code" in error
    from research.wiring import default_index

    assert not (invented_index_env / "data" / "sources" / "invented-copy").exists()  # nothing written

    assert default_index().store.source_status("invented-copy") is None
    assert "90 days" in default_index().store.authority("us-dc:dc-code:99-101").text
    assert cli.main(["corpus", "import", "jsonl", str(copy), "--source", "bad name", "--quiet"]) == cli.EXIT_FAILURE
    assert "is not a source name" in capsys.readouterr().err
