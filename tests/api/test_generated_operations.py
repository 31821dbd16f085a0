"""Property-based: operations generated from the schema (hypothesis-graphql), valid and invalid, sent to
the real app over HTTP as each role and as an integration key, never get an internal error, and every
error carries a code from ErrorCode."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes
from starlette.testclient import TestClient

from acctgraph import models as m
from acctgraph.app import create_app
from acctgraph.graphql.errors import ErrorCode
from acctgraph.graphql.ids import to_global_id
from acctgraph.graphql.schema import schema_sdl
from acctgraph.settings import Settings

EXAMPLES_PER_CALLER = 40
"""Per caller (4 roles and an integration key), mode and database: 400 operations a database."""

SCALARS = {
    "BigInt": st.one_of(st.integers(), st.integers().map(str)).map(nodes.String),
    "Date": st.one_of(st.dates().map(str), st.text(max_size=12)).map(nodes.String),
    "DateTime": st.one_of(
        st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
        st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-13-01T00:00:00Z"]),
    ).map(nodes.String),
    "JSON": st.just(nodes.String("{}")),
}
CODES = set(ErrorCode.__members__)


@pytest.fixture
def callers(api_settings: Settings, sample) -> Iterator[tuple[TestClient, dict[str, str], list[str]]]:
    owner = sample.user(role=m.Role.ACCOUNT_MANAGER)
    account = sample.account(name="Acme", owner_id=owner.id)
    rows = [account, owner, sample.contact(account), sample.opportunity(account), sample.activity(account)]
    ids = [to_global_id(type(row).__name__, row.id) for row in rows]
    ids.append(to_global_id("DataSource", sample.connection().id))
    tokens = {role.value: sample.api_key(sample.user(role=role)) for role in m.Role}
    tokens["integration"] = sample.api_key(sample.user(role=m.Role.VIEWER), integration=True)
    sample.session.commit()
    app = create_app(api_settings)
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client, tokens, ids


@pytest.mark.slow
@pytest.mark.parametrize("mode", [Mode.POSITIVE, Mode.NEGATIVE])
@pytest.mark.parametrize("caller", [*(role.value for role in m.Role), "integration"])
def test_generated_operations_never_fail_internally(callers, caller: str, mode: Mode) -> None:
    client, tokens, ids = callers
    outcomes: Counter[str] = Counter()
    real_or_not = st.one_of(st.sampled_from(ids), st.text(max_size=20)).map(nodes.String)
    scalars = {**SCALARS, "ID": real_or_not}
    strategy = from_schema(schema_sdl(Settings(_env_file=None)), custom_scalars=scalars, mode=mode)

    @settings(
        max_examples=EXAMPLES_PER_CALLER,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def check(document: str) -> None:
        response = client.post(
            "/graphql", json={"query": document}, headers={"Authorization": f"Bearer {tokens[caller]}"}
        )
        assert response.status_code in (200, 400), (response.status_code, document, response.text)
        body = response.json()
        codes = [error.get("extensions", {}).get("code") for error in body.get("errors") or ()]
        assert "INTERNAL_SERVER_ERROR" not in codes, (document, body)
        assert set(codes) <= CODES, (document, body)
        outcomes.update(codes or ["ok"])

    check()
    print(f"{caller} {mode.name}: {dict(outcomes)}")
    assert sum(outcomes.values()) >= EXAMPLES_PER_CALLER
    if mode is Mode.POSITIVE and caller == "admin":
        assert outcomes["ok"] > 0, outcomes  # valid operations do run through
