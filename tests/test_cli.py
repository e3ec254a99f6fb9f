"""The `research` command line end to end on the invented corpus (static embedder, real Chroma)."""

import json

import pytest

from research import cli
from tests.conftest import INVENTED_SECTIONS, PASSWORD, Firm

pytestmark = pytest.mark.integration


@pytest.fixture
def configured(invented_index_env, monkeypatch):
    monkeypatch.setenv("RESEARCH_PASSWORD", PASSWORD)
    return invented_index_env


def firm_of(index) -> Firm:
    """The firm of tests.conftest in the configured app database (every user's password is PASSWORD)."""
    from research.wiring import open_app_database

    return Firm(open_app_database(index.settings))


def last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_search_before_ingest_says_how_to_fix(configured, capsys):
    assert cli.main(["search", "lantern"]) == cli.EXIT_FAILURE
    assert "run `research ingest` first" in capsys.readouterr().err


def test_ingest_then_search_then_corpus_list(configured, capsys):
    assert cli.main(["ingest", "--json", "--quiet"]) == 0
    reports = {r["source"]: r for r in last_json(capsys)}
    assert reports["invented-code"]["records_read"] == len(INVENTED_SECTIONS)
    assert reports["invented-code"]["skipped"] == {"empty": 1, "repealed": 1}

    assert cli.main(["ingest", "--json", "--quiet"]) == 0
    assert all(r["chunks_written"] == 0 for r in last_json(capsys))

    assert cli.main(["search", "how long does a lantern permit last", "--jurisdiction", "US-DC", "--json"]) == 0
    results = last_json(capsys)["results"]
    assert results[0]["authority_id"] == "us-dc:dc-code:99-101"
    assert results[0]["citation"] == "D.C. Code § 99-101" and "lantern permit" in results[0]["passage"]

    assert cli.main(["search", "D.C. Code § 99-104", "--json", "--k", "1"]) == 0
    (hit,) = last_json(capsys)["results"]
    assert hit["authority_id"] == "us-dc:dc-code:99-104" and "citation" in hit["matched_by"]

    assert cli.main(["search", "lantern license", "--kind", "opinion", "--json"]) == 0
    assert {r["kind"] for r in last_json(capsys)["results"]} == {"opinion"}

    assert cli.main(["corpus", "list", "--json"]) == 0
    listing = last_json(capsys)
    rows = {r["source"]: r for r in listing["sources"]}
    assert rows["invented-code"]["status"] == "ready" and rows["invented-code"]["authorities"] == 3
    held = {c["jurisdiction"]: c for c in listing["coverage"]}
    assert held["US-DC"]["divisions_held"] == "99" and held["US-DC"]["statutes"] == 3
    assert held["US-federal"]["opinions"] == 1 and held["US-federal"]["opinion_years"] == [2031, 2031]
    assert held["US-CO"]["statutes"] == 0 and held["US-CO"]["divisions_absent"] == []


def test_eval_retrieval_json_on_a_new_set(configured, capsys, tmp_path):
    assert cli.main(["ingest", "--quiet"]) == 0
    capsys.readouterr()
    eval_set = tmp_path / "set.jsonl"
    eval_set.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "query": "goats grazing in a park before noon", "jurisdiction": "US-DC",
         "gold": [{"id": "us-dc:dc-code:99-102"}]},
        {"id": "b", "question": "ring a bell before overtaking a pedestrian", "jurisdiction": ["US-DC", "US-HI"],
         "gold": [{"id": "us-dc:dc-code:99-104"}, {"id": "us-dc:dc-code:99-999"}]},
        {"id": "c", "question": "nothing to find", "jurisdiction": "US-DC", "gold": []},
        {"id": "d", "query": "a lantern permit is a license [CASE]", "gold": [{"id": "cl-cluster:9999001"}],
         "source_opinion_id": "cl-cluster:9999001"},
    ]) + "\n")
    assert cli.main(["eval", "retrieval", "--set", str(eval_set), "--json", "--quiet"]) == 0
    summary = last_json(capsys)
    assert set(summary) >= {"n", "recall@1", "recall@10", "recall@100", "mrr@10", "by_jurisdiction"}
    assert summary["n"] == 3  # the item without gold is not scored
    assert summary["by_jurisdiction"]["US-DC"]["recall@1"] == 1.0
    assert summary["by_jurisdiction"]["US-DC+US-HI"]["recall@10"] == 0.5  # one of two gold exists
    assert summary["by_jurisdiction"]["all"]["recall@100"] == 0.0  # the source opinion is excluded


def test_eval_retrieval_all_scores_every_set_of_the_evals_directory_in_one_table(configured, capsys, tmp_path,
                                                                                  monkeypatch):
    import gzip
    evals = tmp_path / "evals"
    evals.mkdir()
    (evals / "dc.jsonl").write_text(json.dumps(
        {"id": "a", "query": "goats grazing in a park before noon", "jurisdiction": "US-DC",
         "gold": [{"id": "us-dc:dc-code:99-102"}]}) + "\n")
    with gzip.open(evals / "opinions.jsonl.gz", "wt") as f:
        f.write(json.dumps({"id": "b", "query": "a lantern permit is a license",
                            "gold": [{"id": "cl-cluster:9999001"}]}))
    (evals / "README.md").write_text("not a set")
    monkeypatch.setenv("RESEARCH_EVALS_DIR", str(evals))
    assert cli.main(["ingest", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["eval", "retrieval", "--all", "--quiet", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert set(json.loads(lines[-1])["sets"]) == {"dc.jsonl", "opinions.jsonl.gz"}
    table = lines[:-1]
    assert table[0].split()[:3] == ["set", "group", "n"] and sum(line.startswith("set") for line in table) == 1
    dc_overall = next(line.split() for line in table if line.startswith("dc.jsonl") and " overall " in line)
    assert dc_overall[2:5] == ["1", "1.000", "1.000"]  # n, recall@1, recall@10
    assert any(line.startswith("opinions.jsonl.gz") and " all " in line for line in table)


def test_bad_eval_file_and_bad_source_give_clear_errors(configured, capsys, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "query": "q", "gold": []}\nnot json\n')
    assert cli.main(["ingest", "--quiet"]) == 0
    assert cli.main(["eval", "retrieval", "--set", str(bad)]) == cli.EXIT_FAILURE
    assert "bad.jsonl: line 2: bad JSON" in capsys.readouterr().err
    assert cli.main(["ingest", "--source", "nope"]) == cli.EXIT_FAILURE
    assert "unknown source nope" in capsys.readouterr().err


def test_ask_survey_and_follow_up_from_the_command_line(configured, capsys):
    assert cli.main(["ingest", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["ask", "How long does a lantern permit last?", "--jurisdiction", "US-DC", "--json"]) == 0
    answer = last_json(capsys)
    assert not answer["abstained"] and answer["brief_answer"].startswith("Under D.C. Code § 99-101(b)")
    citation = answer["citations"][0]
    assert {"authority_id", "citation", "pin", "quote", "start", "end", "status"} <= set(citation)
    assert answer["law_versions"] == {"invented-code": "test fixture"} and answer["timings_ms"]["total"] > 0
    assert cli.main(["ask", "What about in Colorado?", "--after", "How long does a lantern permit last?",
                     "--jurisdiction", "US-DC", "--json"]) == 0
    follow_up = last_json(capsys)
    assert follow_up["jurisdictions"] == ["US-CO"] and follow_up["abstained"]
    assert follow_up["brief_answer"].startswith("No authority found in the selected jurisdictions for")
    assert cli.main(["survey", "How long does a lantern permit last?", "--jurisdiction", "US-DC",
                     "--jurisdiction", "US-HI", "--json"]) == 0
    rows = last_json(capsys)["rows"]
    assert [(r["jurisdiction"], r["found"]) for r in rows] == [("US-DC", True), ("US-HI", False)]
    assert cli.main(["ask", "How long does a lantern permit last in Honolulu?"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("No authority found in the selected jurisdictions for")
    assert "Notice: Searched US-HI only, as the question names it; left out US-DC, US-CO, US-federal." in printed
    assert cli.main(["ask", "  "]) == cli.EXIT_FAILURE
    assert "empty" in capsys.readouterr().err


def test_eval_answers_scores_a_question_set(configured, capsys, tmp_path):
    assert cli.main(["ingest", "--quiet"]) == 0
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(item) for item in [
        {"id": "a", "question": "How long does a lantern permit last after it is issued?", "jurisdiction": "US-DC",
         "kind": "single", "gold": [{"id": "us-dc:dc-code:99-101"}], "key_facts": ["permit expires 90 days"]},
        {"id": "b", "question": "What is the deadline for a securities fraud suit?", "jurisdiction": "US-CO",
         "kind": "unanswerable", "gold": [], "key_facts": []},
    ]) + "\n")
    capsys.readouterr()
    assert cli.main(["eval", "answers", "--set", str(questions), "--json", "--quiet"]) == 0
    summary = last_json(capsys)
    assert summary["n"] == 2 and summary["invented_citations"] == 0
    assert summary["gold_citation_recall"] == 1.0 and summary["key_fact_coverage"] == 1.0
    assert summary["abstention_accuracy"] == 1.0 and summary["unsupported_sentence_rate"] == 0.0


def test_memo_export_and_its_errors(configured, capsys, tmp_path):
    from research.wiring import default_index

    assert cli.main(["ingest", "--quiet"]) == 0
    index = default_index()
    firm = firm_of(index)
    amy = firm.as_(firm.associate)
    conversation = amy.conversations.create(Firm.LANTERN)
    answer = index.researcher().ask("How long does a lantern permit last?", ("US-DC",))
    amy.conversations.add_answer(conversation, answer)
    empty = amy.conversations.create(Firm.LANTERN)
    out = tmp_path / "memo.md"
    capsys.readouterr()
    memo = ["memo", str(conversation), "--as", "Amy"]
    assert cli.main([*memo, "--format", "md", "--out", str(out)]) == 0
    text = out.read_text()
    assert "DRAFT - NOT REVIEWED BY AN ATTORNEY" in text and "D.C. Code § 99-101(b)" in text
    assert "**FROM:** Amy" in text
    assert cli.main([*memo, "--format", "md", "--out", str(out)]) == cli.EXIT_FAILURE
    assert "--force" in capsys.readouterr().err
    assert cli.main([*memo, "--format", "docx", "--out", str(out), "--force"]) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert cli.main(["memo", "4242", "--as", "Amy", "--format", "md", "--out", str(tmp_path / "x.md")]) == 1
    assert "no conversation 4242" in capsys.readouterr().err
    assert cli.main(["memo", str(empty), "--as", "Amy", "--format", "pdf", "--out", str(tmp_path / "e.pdf")]) == 1
    assert "no answers" in capsys.readouterr().err
    assert cli.main([*memo, "--format", "pdf", "--out", str(tmp_path / "no" / "m.pdf")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert cli.main(["history", "--search", "permit last", "--json", "--as", "Amy"]) == 0
    assert [c["id"] for c in last_json(capsys)] == [conversation]
    # the wall, from the command line
    assert cli.main(["memo", str(conversation), "--as", "Otto", "--format", "md", "--out",
                     str(tmp_path / "o.md")]) == cli.EXIT_FAILURE
    refused = capsys.readouterr().err
    assert "not a member of matter" in refused and "Lantern" not in refused
    assert not (tmp_path / "o.md").exists()
    assert cli.main(["history", "--json", "--as", "Otto"]) == 0 and last_json(capsys) == []
    assert cli.main(["history", "--as", "Amy"]) == 0 and "Lantern matter" in capsys.readouterr().out
    with pytest.raises(SystemExit):  # --as is required
        cli.main(["history"])


def test_grades_export_and_the_graded_eval_set_replays(configured, capsys, tmp_path):
    from research.domain.review import Grade
    from research.wiring import default_index

    assert cli.main(["ingest", "--quiet"]) == 0
    index = default_index()
    firm = firm_of(index)
    conversation = firm.as_(firm.associate).conversations.create(Firm.LANTERN)
    answer = index.researcher().ask("How long does a lantern permit last?", ("US-DC",))
    answer_id = firm.as_(firm.associate).conversations.add_answer(conversation, answer)
    marks = {c.number: "correct" for c in answer.citations}
    rex = firm.as_(firm.reviewer)
    rex.reviews.record_grade(answer_id, Grade("Rex", 5, 4, 4, True, marks))
    rex.reviews.approve(answer_id)
    capsys.readouterr()
    assert cli.main(["grades", "export", "--format", "jsonl", "--as", "Amy"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["reviewer"] == "Rex" and record["passed"] and record["answer_id"] == answer_id
    assert cli.main(["grades", "export", "--format", "jsonl", "--as", "Otto"]) == 0
    assert capsys.readouterr().out == ""  # another matter's grades
    evalset = tmp_path / "graded.jsonl"
    assert cli.main(["grades", "to-evalset", str(evalset), "--as", "Rex"]) == 0
    assert cli.main(["grades", "to-evalset", str(evalset), "--as", "Rex"]) == cli.EXIT_FAILURE  # exists
    capsys.readouterr()
    assert cli.main(["eval", "answers", "--set", str(evalset), "--json", "--quiet"]) == 0
    replay = last_json(capsys)
    assert replay["n"] == 1 and replay["gold_citation_recall"] == 1.0 and replay["key_fact_coverage"] == 1.0
    report = tmp_path / "report.md"
    assert cli.main(["report", "--out", str(report), "--as", "Rex"]) == 0
    text = report.read_text()
    assert "| answers delivered | 1 |" in text and "| reviewer pass rate | 1.0 |" in text
    assert "Latest automatic evaluation" in text
    assert "| Questions | 1 |" in text and "| Answer cites a gold authority | 1.0 |" in text
    assert "gold_citation_recall" not in text  # the figures carry their names, not the log's keys


@pytest.mark.parametrize("passage_vectors", [False, True])
def test_chunk_vectors_are_stored_only_when_asked_and_search_works_either_way(configured, monkeypatch,
                                                                              passage_vectors):
    from research.wiring import default_index

    monkeypatch.setenv("RESEARCH_PASSAGE_VECTORS", str(passage_vectors).lower())
    default_index.cache_clear()
    index = default_index()
    reports = index.ingest(progress=False)
    assert all(r.chunks_written == r.chunks_total > 0 for r in reports)
    assert index.vectors.count() == (sum(r.chunks_total for r in reports) if passage_vectors else 0)
    hits = index.retriever().search("how long does a lantern permit last")
    assert hits[0].authority_id == "us-dc:dc-code:99-101"


def test_ask_files_the_answer_only_with_a_matter(configured, capsys):
    from research.wiring import default_index

    assert cli.main(["ingest", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["ask", "How long does a lantern permit last?", "--jurisdiction", "US-DC", "--json"]) == 0
    assert "filed" not in last_json(capsys)
    firm = firm_of(default_index())
    amy = firm.as_(firm.associate)
    assert amy.conversations.summaries() == []

    assert cli.main(["ask", "How long does a lantern permit last?", "--jurisdiction", "US-DC", "--matter",
                     Firm.LANTERN, "--as", "Amy", "--json"]) == 0
    answer = last_json(capsys)
    (conversation,) = amy.conversations.summaries()
    assert answer["filed"]["conversation_id"] == conversation.id and conversation.matter == Firm.LANTERN
    assert conversation.associate == "Amy"
    stored = amy.conversations.get(conversation.id).answers[0]
    assert stored.id == answer["filed"]["answer_id"] and stored.answer.brief_answer == answer["brief_answer"]
    assert cli.main(["ask", "How long does a lantern permit last?", "--matter", Firm.LANTERN, "--as", "Amy"]) == 0
    assert f"of conversation {conversation.id + 1}" in capsys.readouterr().out
    assert cli.main(["ask", "How long?", "--matter", Firm.LANTERN, "--as", "Otto"]) == cli.EXIT_FAILURE
    assert "not a member of matter" in capsys.readouterr().err
    assert cli.main(["ask", "How long?", "--matter", Firm.LANTERN]) == cli.EXIT_FAILURE
    assert "--as" in capsys.readouterr().err
    lease = configured / "lease.txt"
    lease.write_text("The tenant must give the lantern keeper sixty days written notice before vacating.\n")
    assert cli.main(["documents", "add", Firm.LANTERN, str(lease), "--as", "Amy"]) == 0
    assert "added document 1 'lease.txt'" in capsys.readouterr().out
    assert cli.main(["documents", "add", Firm.LANTERN, str(lease), "--as", "Otto"]) == cli.EXIT_FAILURE
    assert "not a member of matter" in capsys.readouterr().err
    (configured / "virus.exe").write_bytes(b"MZ")
    assert cli.main(["documents", "add", Firm.LANTERN, str(configured / "virus.exe"), "--as", "Amy"]) == 1
    assert "unsupported type" in capsys.readouterr().err
    assert cli.main(["documents", "list", Firm.LANTERN, "--as", "Amy", "--json"]) == 0
    assert [d["filename"] for d in last_json(capsys)] == ["lease.txt"]


def test_ask_batch_answers_a_file_in_order_and_reports_bad_lines(configured, capsys, tmp_path):
    assert cli.main(["ingest", "--quiet"]) == 0
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join([
        json.dumps({"question": "How long does a lantern permit last?", "jurisdiction": "US-DC"}),
        json.dumps({"question": "", "jurisdiction": "US-DC"}),
        json.dumps({"question": "When may goats graze in a park?", "jurisdiction": ["US-DC"], "mode": "extractive"}),
        json.dumps({"question": "Lanterns?", "jurisdiction": "US-XX"}),
    ]) + "\n")
    capsys.readouterr()
    assert cli.main(["ask", "--batch", str(questions), "--json"]) == cli.EXIT_FAILURE  # two lines failed
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [("error" in line) for line in lines] == [False, True, False, True]
    assert lines[0]["question"] == "How long does a lantern permit last?" and lines[1]["line"] == 2
    assert "Unknown jurisdiction US-XX" in lines[3]["error"]
    assert cli.main(["ask", "--batch", str(questions)]) == 2  # --json is required


def test_accounts_matters_and_the_audit_trail_from_the_command_line(configured, capsys, monkeypatch, tmp_path):
    import io

    import sqlalchemy as sa

    from research.wiring import default_index, open_app_database

    def run(*argv: str, stdin: str | None = None) -> int:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
        return cli.main(list(argv))

    assert run("users", "add", "Ada", "--role", "admin", "--password-stdin", stdin=PASSWORD) == 0
    assert run("users", "add", "Amy", "--role", "associate", "--password-stdin", stdin=PASSWORD) == 1
    assert "Only an admin" in capsys.readouterr().err
    for name in ("Amy", "Otto"):
        assert run("users", "add", name, "--role", "associate", "--password-stdin", "--as", "Ada",
                   stdin=PASSWORD) == 0
    assert run("matters", "add", "Lantern matter", "--member", "Amy", "--as", "Ada") == 0
    capsys.readouterr()
    assert run("matters", "members", "Lantern matter", "--as", "Amy", "--json") == 0
    assert [m["name"] for m in last_json(capsys)] == ["Amy"]
    assert run("matters", "members", "Lantern matter", "--as", "Otto") == 1
    assert "not a member of matter 'Lantern matter'" in capsys.readouterr().err
    assert run("users", "list", "--as", "Amy") == 1 and "may not manage users" in capsys.readouterr().err
    monkeypatch.setenv("RESEARCH_PASSWORD", "wrong password")
    assert run("history", "--as", "Amy") == 1 and "Wrong name or password" in capsys.readouterr().err
    monkeypatch.setenv("RESEARCH_PASSWORD", PASSWORD)
    assert run("users", "disable", "Otto", "--as", "Ada") == 0
    assert run("history", "--as", "Otto") == 1 and "disabled" in capsys.readouterr().err
    assert run("audit", "export", "--matter", "Lantern matter", "--format", "csv", "--as", "Amy") == 0
    exported = capsys.readouterr().out
    assert exported.startswith("id,at,user,action") and "matter added" in exported and PASSWORD not in exported
    assert run("audit", "verify") == 0 and "intact" in capsys.readouterr().out
    db = open_app_database(default_index().settings)
    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_records SET user = 'Mallory' WHERE id = 2"))
    assert run("audit", "verify") == cli.EXIT_FAILURE
    assert "BROKEN at record 2" in capsys.readouterr().err


def test_review_from_the_command_line_is_blind_and_needs_the_reviews_required(configured, capsys, monkeypatch,
                                                                             tmp_path):
    from research.wiring import default_index
    from tests.test_appdb import make_answer

    monkeypatch.setenv("RESEARCH_REVIEW__REVIEWS_REQUIRED", "2")
    default_index.cache_clear()
    firm = firm_of(default_index())
    amy = firm.as_(firm.associate)
    answer_id = amy.conversations.add_answer(amy.conversations.create(Firm.LANTERN), make_answer("Permit term?"))
    assert cli.main(["review", "queue", "--json", "--as", "Rex"]) == 0
    (queued,) = last_json(capsys)
    assert queued["answer_id"] == answer_id and queued["status"] == "draft" and queued["reviews_required"] == 2
    assert cli.main(["review", "grade", str(answer_id), "--pass", "--mark", "1=wrong-authority", "--accuracy", "2",
                     "--comment", "cites the wrong section", "--as", "Rex"]) == 0
    assert "now in review (1 of 2 reviews)" in capsys.readouterr().out
    assert cli.main(["review", "approve", str(answer_id), "--as", "Rex"]) == cli.EXIT_FAILURE
    assert "1 of the 2 review(s) required" in capsys.readouterr().err
    assert cli.main(["review", "queue", "--json", "--as", "Ada"]) == 0
    assert last_json(capsys)[0]["grades"] == []  # Rex's grade is hidden from Ada until she grades
    assert cli.main(["review", "grade", str(answer_id), "--fail", "--mark", "1=bad-pin", "--as", "Ada"]) == 0
    assert cli.main(["review", "grade", str(answer_id), "--pass", "--mark", "1=sideways", "--as", "Ada"]) == 1
    assert "write N=MARK" in capsys.readouterr().err
    assert cli.main(["review", "grade", str(answer_id), "--pass", "--as", "Amy"]) == 1
    assert "may not grade" in capsys.readouterr().err
    assert cli.main(["review", "queue", "--json", "--as", "Ada"]) == 0
    assert [(g["reviewer"], g["passed"]) for g in last_json(capsys)[0]["grades"]] == [("Rex", True), ("Ada", False)]
    edit = tmp_path / "edit.txt"
    edit.write_text("A permit lasts ninety days. [1]\n")
    assert cli.main(["review", "approve", str(answer_id), "--edit-file", str(edit), "--as", "Rex"]) == 0
    stored = amy.reviews.answer(answer_id).stored
    assert stored.final_text == "A permit lasts ninety days. [1]" and stored.reviewer == "Rex"
    assert cli.main(["review", "queue", "--as", "Rex"]) == 0 and "No answers await review." in capsys.readouterr().out
    assert cli.main(["history", "--json", "--as", "Amy"]) == 0
    assert last_json(capsys)[0]["statuses"] == {"approved": 1}
    grades = {g.reviewer: g for g in amy.reviews.answer(answer_id).grades}
    assert grades["Rex"].citation_marks == {1: "wrong authority"} and grades["Rex"].accuracy == 2
    assert grades["Rex"].comments == "cites the wrong section" and grades["Ada"].citation_marks == {1: "bad pin"}


def test_api_tokens_and_the_published_index_from_the_command_line(configured, capsys):
    from research.wiring import default_index

    assert cli.main(["ingest", "--quiet"]) == 0
    db = firm_of(default_index()).db
    assert cli.main(["tokens", "create", "--as", "Amy", "--expires", "7d", "--json"]) == 0
    created = last_json(capsys)
    assert created["token"].startswith("rsk_") and db.tokens.user_of(created["token"]).name == "Amy"
    assert cli.main(["tokens", "create", "--as", "Amy", "--expires", "soon"]) == 1
    assert "write a number and d, h or m" in capsys.readouterr().err
    assert cli.main(["tokens", "list", "--json", "--as", "Amy"]) == 0
    (listed,) = last_json(capsys)
    assert listed["state"] == "active" and "token" not in listed and created["token"] not in json.dumps(listed)
    assert cli.main(["tokens", "revoke", str(created["id"]), "--as", "Otto"]) == 1  # not Otto's
    assert cli.main(["tokens", "revoke", str(created["id"]), "--as", "Amy"]) == 0
    with pytest.raises(PermissionError):
        db.tokens.user_of(created["token"])
    assert cli.main(["index", "version", "--json"]) == 0
    version = last_json(capsys)
    assert version["published"] is None and version["matches"] and len(version["version"]) == 16
    assert cli.main(["index", "publish", "--as", "Amy"]) == 1 and "may not manage corpus" in capsys.readouterr().err
    assert cli.main(["index", "publish", "--as", "Ada"]) == 0
    assert db.releases.published().version == version["version"]
    db.releases.publish("another", db.accounts.user("Ada"))
    assert cli.main(["index", "version"]) == cli.EXIT_FAILURE


@pytest.mark.parametrize(("level", "printed"), [("WARNING", ["WARNING lib: kept"]),
                                                 ("DEBUG", ["DEBUG lib: shown", "WARNING lib: kept"])])
def test_logging_prints_from_the_configured_level_whatever_a_library_sets(level, printed):
    import os
    import subprocess
    import sys

    script = ("import logging\nfrom research.environment import configure_logging\nconfigure_logging()\n"
              "library = logging.getLogger('lib')\nlibrary.setLevel(logging.DEBUG)  # as bm25s does\n"
              "library.debug('shown')\nlibrary.warning('kept')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "RESEARCH_LOG_LEVEL": level})
    assert done.stderr.splitlines() == printed
