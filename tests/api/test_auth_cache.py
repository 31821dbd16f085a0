"""Verified API keys are remembered for ``ACCTGRAPH_API_KEY_CACHE_SECONDS``: a key revoked in the server's
own process is refused at once; revoked elsewhere (a bare connection, as another process would), it is
trusted until the window ends."""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from acctgraph import models as m
from acctgraph.domain.api_keys import revoke_api_key
from acctgraph.models.base import utcnow
from acctgraph.settings import Settings
from tests.conftest import GraphQLClient, serving
from tests.fixtures import SampleData

ME = "{ me { user { name } } }"


async def test_a_key_revoked_in_this_process_is_refused_at_the_next_request(
    graphql: GraphQLClient, sample: SampleData
) -> None:
    user = sample.user(role=m.Role.ADMIN)
    sample.session.commit()
    client = graphql.acting_as(user)
    before = await client.post(ME)

    revoke_api_key(sample.session, sample.session.scalars(select(m.ApiKey).where(m.ApiKey.user_id == user.id)).one())
    sample.session.commit()
    after = await client.post(ME)

    assert before.status_code == 200
    assert after.status_code == 401


def revoke_elsewhere(engine: Engine, user: m.User) -> None:
    """Revoke the user's keys on a bare connection: no session of this process sees it."""
    with engine.begin() as connection:
        connection.execute(update(m.ApiKey).where(m.ApiKey.user_id == user.id).values(revoked_at=utcnow()))


async def test_a_key_revoked_by_another_process_is_trusted_only_within_the_window(
    api_settings: Settings, engine: Engine, sample: SampleData
) -> None:
    user = sample.user(role=m.Role.ADMIN)
    sample.session.commit()
    async with (
        serving(api_settings.model_copy(update={"api_key_cache_seconds": 300}), engine) as cached,
        serving(api_settings.model_copy(update={"api_key_cache_seconds": 0}), engine) as uncached,
    ):
        cached_client, uncached_client = cached.acting_as(user), uncached.acting_as(user)
        assert (await cached_client.post(ME)).status_code == 200
        assert (await uncached_client.post(ME)).status_code == 200

        revoke_elsewhere(engine, user)

        assert (await cached_client.post(ME)).status_code == 200
        assert (await uncached_client.post(ME)).status_code == 401
