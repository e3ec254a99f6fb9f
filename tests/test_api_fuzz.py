"""The API fuzzed from its own OpenAPI schema (schemathesis): requests generated for every operation, sent by a user
of another matter, never get a 5xx and never carry the lantern matter's data. `API_FUZZ_EXAMPLES=200` for the
longer run recorded in benchmarks/results/."""

from __future__ import annotations

import os

import hypothesis
import pytest
import schemathesis

from research.api.app import create_app
from research.service import ResearchService
from research.settings import ApiSettings
from tests.conftest import Firm, open_database
from tests.test_documents import LEASE
from tests.test_service import researcher, world  # noqa: F401  (the invented index of lantern statutes)

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))  # per operation; the recorded run used 200
SECRET_WORDS = ("Lantern Keeper", "sixty days written notice", "Lantern matter")  # the lantern matter's data


@pytest.fixture
def fuzzed_api(world, tmp_path):  # noqa: F811
    database = open_database(f"sqlite:///{tmp_path / 'app.sqlite'}", tmp_path)
    firm = Firm(database)
    service = ResearchService(researcher(world), database)
    amy = database.workspace(firm.associate)
    from research.service import ResearchRequest

    service.research(ResearchRequest("How long does a lantern permit last?", ("US-DC",), matter=Firm.LANTERN), amy)
    service.add_document(amy, Firm.LANTERN, "lease.txt", LEASE.encode())
    app = create_app(service, database, ApiSettings(requests_per_minute=100_000))
    app.state.token = database.tokens.create(firm.outsider, None)[1]  # Otto: the goat matter only
    yield app
    database.close()


def fuzzer(operation, headers: dict):
    """A hypothesis test of one operation: generated requests, none answered with a 5xx or the lantern's data."""

    @hypothesis.given(case=operation.as_strategy())
    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    def fuzz(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (operation.label, response.text)
        assert not any(word in response.text for word in SECRET_WORDS), (operation.label, response.text[:500])

    return fuzz


def test_no_server_error_and_no_other_matters_data(fuzzed_api):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_api)
    headers = {"Authorization": f"Bearer {fuzzed_api.state.token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        fuzzer(operation, headers)()
