"""The HTTP API over the invented lantern index and the firm of tests.conftest, through FastAPI's test client: bearer
tokens, the matter walls on every endpoint, bad requests as 4xx with a JSON body, limits, streaming, review, memos,
documents and the audit trail."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from research.api.app import Readiness, create_app
from research.service import ResearchService
from research.settings import ApiSettings
from tests.conftest import Firm, open_database
from tests.test_documents import LEASE, LEASE_QUESTION
from tests.test_service import researcher, world  # noqa: F401  (the invented index of lantern statutes)

QUESTION = "How long does a lantern permit last after it is issued?"


class Api:
    """A test client of the API, and a token per user of the firm."""

    def __init__(self, database, firm: Firm, service: ResearchService, **settings):
        self.database, self.firm, self.service = database, firm, service
        self.app = create_app(service, database, ApiSettings(**settings))
        self.client = TestClient(self.app)
        self.tokens = {user.name: database.tokens.create(user, timedelta(days=1))[1]
                       for user in (firm.admin, firm.reviewer, firm.associate, firm.outsider)}

    def call(self, method: str, path: str, user: str | None = "Amy", headers: dict | None = None, **kwargs):
        headers = {**(headers or {}), **({"Authorization": f"Bearer {self.tokens[user]}"} if user else {})}
        return self.client.request(method, path, headers=headers, **kwargs)


@pytest.fixture
def api(world, tmp_path, database_url):  # noqa: F811
    database = open_database(database_url, tmp_path)
    firm = Firm(database)
    yield Api(database, firm, ResearchService(researcher(world), database))
    database.close()


def filed_answer(api: Api) -> dict:
    response = api.call("POST", "/v1/ask", json={"question": QUESTION, "jurisdictions": ["US-DC"],
                                                 "matter": Firm.LANTERN})
    assert response.status_code == 200, response.text
    return response.json()


def test_ask_files_the_answer_object_under_the_matter(api):
    answer = filed_answer(api)
    assert "ninety days" in answer["brief_answer"] and answer["citations"][0]["authority_id"] == "us-dc:inv:7-101"
    assert set(answer) >= {"brief_answer", "sentences", "citations", "abstained", "filed"}
    conversation_id = answer["filed"]["conversation_id"]
    conversation = api.call("GET", f"/v1/conversations/{conversation_id}").json()
    assert conversation["matter"] == Firm.LANTERN and conversation["associate"] == "Amy"
    (stored,) = conversation["answers"]
    assert stored["status"] == "draft" and stored["answer"]["brief_answer"] == answer["brief_answer"]
    listed = api.call("GET", "/v1/conversations").json()
    assert [c["id"] for c in listed] == [conversation_id] and listed[0]["statuses"] == {"draft": 1}
    assert listed[0]["updated_at"].endswith("+00:00") and conversation["created_at"].endswith("+00:00")
    follow_up = api.call("POST", "/v1/ask", json={"question": "And when it is renewed?", "jurisdictions": ["US-DC"],
                                                  "conversation_id": conversation_id}).json()
    assert follow_up["standalone_question"].startswith(QUESTION)
    unfiled = api.call("POST", "/v1/ask", json={"question": QUESTION, "jurisdictions": ["US-DC"]}).json()
    assert "filed" not in unfiled


def test_every_endpoint_needs_a_valid_token(api):
    assert api.call("GET", "/healthz", user=None).json() == {"status": "ok"}
    for method, path in (("GET", "/v1/conversations"), ("POST", "/v1/search"), ("GET", "/v1/audit")):
        response = api.call(method, path, user=None)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer", path
    bad = api.client.get("/v1/matters", headers={"Authorization": "Bearer rsk_not-a-token"})
    assert bad.status_code == 401 and bad.json()["error"] == "not signed in"
    assert api.call("GET", "/v1/matters").json() == [{"name": Firm.LANTERN}]
    (token,) = [t for t in api.database.tokens.tokens(api.firm.associate) if t.state == "active"]
    api.database.tokens.revoke(token.id, api.firm.associate)
    assert api.call("GET", "/v1/matters").status_code == 401  # revoked: at once
    api.database.accounts.set_disabled("Otto", True, by=api.firm.admin)
    assert api.call("GET", "/v1/matters", user="Otto").status_code == 401  # a disabled account's tokens stop
    expired, secret = api.database.tokens.create(api.firm.reviewer, timedelta(seconds=-1))
    assert expired.state == "expired"
    assert api.client.get("/v1/matters", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_another_matter_stays_behind_the_wall_on_every_endpoint(api):
    answer = filed_answer(api)
    conversation_id, answer_id = answer["filed"]["conversation_id"], answer["filed"]["answer_id"]
    api.call("POST", f"/v1/matters/{Firm.LANTERN}/documents", files={"file": ("lease.txt", LEASE.encode())})
    (document,) = api.call("GET", f"/v1/matters/{Firm.LANTERN}/documents").json()
    refused = [
        ("GET", f"/v1/conversations/{conversation_id}", {}),
        ("GET", f"/v1/conversations/{conversation_id}/memo?format=md", {}),
        ("POST", "/v1/ask", {"json": {"question": QUESTION, "matter": Firm.LANTERN}}),
        ("POST", "/v1/ask", {"json": {"question": QUESTION, "conversation_id": conversation_id}}),
        ("POST", "/v1/ask/stream", {"json": {"question": QUESTION, "matter": Firm.LANTERN}}),
        ("GET", f"/v1/matters/{Firm.LANTERN}/documents", {}),
        ("POST", f"/v1/matters/{Firm.LANTERN}/documents", {"files": {"file": ("x.txt", b"Planted text.")}}),
        ("DELETE", f"/v1/documents/{document['id']}", {}),
        ("GET", f"/v1/audit?matter={Firm.LANTERN}", {}),
    ]
    for method, path, kwargs in refused:
        response = api.call(method, path, user="Otto", **kwargs)
        assert response.status_code == 403, (path, response.text)
        assert "not a member of matter" in response.json()["detail"], path
        if "Lantern" not in path + json.dumps(kwargs.get("json", {})):  # a record reached by id: no name told
            assert "Lantern" not in response.text, path
    # a matter that exists is refused in the words used for one that does not: names cannot be probed
    for name in (Firm.LANTERN, "Nonexistent matter"):
        reply = api.call("POST", "/v1/ask", user="Otto", json={"question": QUESTION, "matter": name})
        assert reply.json()["detail"] == f"Otto is not a member of matter '{name}'"
    # nothing of the lantern matter in what Otto may list, search or grade
    assert api.call("GET", "/v1/conversations", user="Otto").json() == []
    assert api.call("GET", "/v1/review/queue", user="Otto").json() == []
    grade = {"passed": True}
    assert api.call("POST", f"/v1/answers/{answer_id}/grade", user="Otto", json=grade).status_code == 403
    goat = api.call("POST", "/v1/ask", user="Otto", json={"question": LEASE_QUESTION, "matter": Firm.GOAT}).json()
    assert all(c["kind"] != "document" for c in goat["citations"])
    assert "lease" not in json.dumps(api.call("GET", "/v1/audit?matter=Goat%20matter", user="Otto").text).lower()
    lantern = api.call("POST", "/v1/ask", json={"question": LEASE_QUESTION, "matter": Firm.LANTERN}).json()
    assert any(c["kind"] == "document" and c["citation"].startswith("lease.txt") for c in lantern["citations"])


@pytest.mark.parametrize("body, status, detail", [
    ({"question": "", "jurisdictions": ["US-DC"]}, 400, "The question is empty"),
    ({"question": "   "}, 400, "The question is empty"),
    ({"question": QUESTION, "jurisdictions": ["US-XX"]}, 400, "Unknown jurisdiction US-XX"),
    ({"question": QUESTION, "kinds": ["treatise"]}, 400, "Unknown source kind treatise"),
    ({"question": QUESTION, "mode": "oracle"}, 422, "mode"),
    ({"question": QUESTION, "colour": "red"}, 422, "colour"),
    ({"question": "x" * 2001}, 422, "question"),
    ({"jurisdictions": ["US-DC"]}, 422, "question: Field required"),
    ({"question": QUESTION, "conversation_id": 999}, 404, "no conversation 999"),
    ({"question": QUESTION, "matter": "No such matter"}, 403, "not a member of matter 'No such matter'"),
])
def test_bad_requests_get_a_4xx_that_says_what_is_wrong(api, body, status, detail):
    response = api.call("POST", "/v1/ask", json=body)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]


def test_bodies_too_large_and_too_many_requests_are_refused(world, tmp_path):  # noqa: F811
    database = open_database(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path)
    api = Api(database, Firm(database), ResearchService(researcher(world), database), max_body_mb=0.01,
              requests_per_minute=5)
    large = api.call("POST", "/v1/search", json={"query": "lantern " * 3000})
    assert large.status_code == 413 and "larger than 10,485 bytes" in large.json()["detail"]
    streamed = api.call("POST", "/v1/search", content=iter([b'{"query": "', b"x" * 20_000, b'"}']),
                        headers={"Content-Type": "application/json"})  # no Content-Length: counted as it comes
    assert streamed.status_code == 413
    statuses = [api.call("GET", "/v1/matters", user="Rex").status_code for _ in range(5)]
    assert statuses == [200] * 5
    limited = api.call("GET", "/v1/matters", user="Rex")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert api.call("GET", "/v1/matters", user="Otto").status_code == 200  # per user
    database.close()


def test_search_and_survey(api):
    hits = api.call("POST", "/v1/search", json={"query": "lantern permit expires", "jurisdictions": ["US-DC"],
                                                "k": 3}).json()
    assert hits["results"][0]["authority_id"] == "us-dc:inv:7-101" and len(hits["results"]) <= 3
    assert api.call("POST", "/v1/search", json={"query": "x", "k": 500}).status_code == 422
    survey = api.call("POST", "/v1/survey", json={"question": QUESTION, "jurisdictions": ["US-DC", "US-HI"],
                                                  "matter": Firm.LANTERN})
    assert survey.status_code == 200 and [r["jurisdiction"] for r in survey.json()["rows"]] == ["US-DC", "US-HI"]
    assert api.call("POST", "/v1/survey", json={"question": QUESTION, "jurisdictions": ["US-DC"]}).status_code == 422


def test_the_streaming_answer_comes_as_json_lines(api):
    with api.client.stream("POST", "/v1/ask/stream", headers={"Authorization": f"Bearer {api.tokens['Amy']}"},
                           json={"question": QUESTION, "jurisdictions": ["US-DC"], "matter": Firm.LANTERN}) as reply:
        assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/x-ndjson")
        events = [json.loads(line) for line in reply.iter_lines() if line]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "accepted" and kinds[1] == "brief_answer" and kinds[-1] == "answer"
    assert kinds.count("sentence") == len(events[-1]["sentences"]) and events[-1]["filed"]["answer_id"]
    assert api.call("POST", "/v1/ask/stream", json={"question": ""}).status_code == 400  # refused before streaming


def test_review_memo_grades_and_audit_over_the_api(api):
    answer_id = filed_answer(api)["filed"]["answer_id"]
    conversation_id = api.call("GET", "/v1/conversations").json()[0]["id"]
    (queued,) = api.call("GET", "/v1/review/queue", user="Rex").json()
    assert queued["answer_id"] == answer_id and queued["status"] == "draft"
    graded = api.call("POST", f"/v1/answers/{answer_id}/grade", user="Rex",
                      json={"passed": False, "citation_marks": {"1": "wrong authority"}})
    assert graded.status_code == 200 and graded.json()["status"] == "failed review by Rex"
    bad_mark = api.call("POST", f"/v1/answers/{answer_id}/grade", user="Rex", json={"passed": True,
                                                                                 "citation_marks": {"1": "meh"}})
    assert bad_mark.status_code == 400 and "unknown citation mark" in bad_mark.json()["detail"]
    assert api.call("POST", f"/v1/answers/{answer_id}/approve", json={}).status_code == 403  # Amy may not
    approved = api.call("POST", f"/v1/answers/{answer_id}/approve", user="Rex", json={"edited_text": "Edited. [1]"})
    assert approved.json()["status"] == "approved" and approved.json()["final_text"] == "Edited. [1]"
    memo = api.call("GET", f"/v1/conversations/{conversation_id}/memo?format=md")
    assert memo.status_code == 200 and "reviewer: 1 wrong authority" in memo.text.replace("\\", "")
    docx = api.call("GET", f"/v1/conversations/{conversation_id}/memo?format=docx&answers=1")
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats") and docx.content[:2] == b"PK"
    assert api.call("GET", f"/v1/conversations/{conversation_id}/memo?answers=7").status_code == 400
    assert api.call("GET", f"/v1/conversations/{conversation_id}/memo?format=exe").status_code == 422
    (grade,) = [json.loads(line) for line in api.call("GET", "/v1/grades").text.splitlines()]
    assert grade["citation_marks"][0]["mark"] == "wrong authority" and grade["reviewer"] == "Rex"
    records = [json.loads(line) for line in api.call("GET", f"/v1/audit?matter={Firm.LANTERN}").text.splitlines()]
    assert {"question answered", "answer graded", "answer approved", "exported"} <= {r["action"] for r in records}
    assert api.call("GET", "/v1/audit").status_code == 403  # every matter's trail: admins only
    assert api.call("GET", "/v1/audit?format=csv", user="Ada").text.startswith("id,at,user,action")


def test_approval_waits_for_the_reviews_required(world, tmp_path):  # noqa: F811
    database = open_database(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path, reviews_required=2)
    api = Api(database, Firm(database), ResearchService(researcher(world), database))
    answer_id = filed_answer(api)["filed"]["answer_id"]
    api.call("POST", f"/v1/answers/{answer_id}/grade", user="Rex", json={"passed": True})
    early = api.call("POST", f"/v1/answers/{answer_id}/approve", user="Rex", json={})
    assert early.status_code == 409 and "1 of the 2 review(s)" in early.json()["detail"]
    assert api.call("GET", "/v1/review/queue", user="Ada").json()[0]["grades"] == []  # blind
    assert api.call("POST", f"/v1/answers/{answer_id}/approve", user="Ada", json={"override": True}).json()[
        "status"] == "approved by override"
    database.close()


def test_documents_are_uploaded_listed_and_deleted(api):
    bad = api.call("POST", f"/v1/matters/{Firm.LANTERN}/documents", files={"file": ("tool.exe", b"MZ")})
    assert bad.status_code == 400 and "unsupported type" in bad.json()["detail"]
    added = api.call("POST", f"/v1/matters/{Firm.LANTERN}/documents",
                     files={"file": ("lease.txt", io.BytesIO(LEASE.encode()))})
    assert added.status_code == 201 and added.json()["filename"] == "lease.txt"
    assert api.call("DELETE", f"/v1/documents/{added.json()['id']}").json() == {"deleted": added.json()["id"]}
    assert api.call("GET", f"/v1/matters/{Firm.LANTERN}/documents").json() == []
    assert api.call("DELETE", "/v1/documents/999").status_code == 404


def test_readiness_reports_what_is_not_reachable(api):
    down = {"flag": False}

    def vector_store() -> None:
        if down["flag"]:
            raise ConnectionError("connection refused")

    readiness = Readiness({"vector_store": vector_store}, warm_up=lambda: api.service.ask(QUESTION))
    with TestClient(create_app(api.service, api.database, ApiSettings(), readiness)) as client:
        readiness.warmed.wait(30)
        assert client.get("/readyz").json() == {"ready": True, "checks": {"warm": "ok", "vector_store": "ok"}}
        down["flag"] = True
        reply = client.get("/readyz")
        # what failed, not why: /readyz answers anyone (the why is logged, and told to signed-in users)
        assert reply.status_code == 503 and reply.json()["checks"]["vector_store"] == "not ready: ConnectionError"


def test_the_openapi_schema_lists_the_operations(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in ("/v1/ask", "/v1/ask/stream", "/v1/search", "/v1/survey", "/v1/conversations",
                 "/v1/conversations/{conversation_id}/memo", "/v1/review/queue", "/v1/answers/{answer_id}/grade",
                 "/v1/answers/{answer_id}/approve", "/v1/grades", "/v1/matters/{matter}/documents", "/v1/audit",
                 "/healthz", "/readyz"):
        assert path in paths, path
    assert api.client.get("/docs").status_code == 200


def test_a_node_stops_serving_when_its_index_changes_under_it(invented_index_env):
    import sqlite3

    from research.api.server import app_from_settings
    from research.wiring import default_index, open_app_database

    index = default_index()
    index.ingest(progress=False)
    database = open_app_database(index.settings)
    token = database.tokens.create(Firm(database).associate, None)[1]
    with TestClient(app_from_settings()) as client:
        app_readiness_wait(client)
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/v1/matters", headers=headers).status_code == 200
        assert database.releases.published().version == index.artifact_version()  # the first node published it
        # an ingest into this node's own directory finishes: the catalogue now holds another version of a source
        with sqlite3.connect(index.paths.catalogue) as catalogue:
            catalogue.execute("UPDATE sources SET version = 'edited by a later ingest'")
        reply = client.get("/readyz")
        assert reply.status_code == 503 and reply.json()["checks"]["index_release"] == "not ready: IndexMismatch"
        assert client.get("/v1/matters").status_code == 401  # no token: not told why the node refuses
        refused = client.get("/v1/matters", headers=headers)
        assert refused.status_code == 503 and "restart it on the new index" in refused.json()["detail"]
    database.close()


def app_readiness_wait(client: TestClient, seconds: float = 120) -> None:
    import time

    deadline = time.monotonic() + seconds
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, client.get("/readyz").json()
        time.sleep(0.2)
