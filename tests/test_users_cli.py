"""`acctgraph users`: the same rules as the GraphQL mutations, by email, audited, errors in one line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from acctgraph import models as m
from acctgraph.cli import app
from acctgraph.settings import get_settings
from tests.fixtures import SampleData


@pytest.fixture
def users_cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["users", *args])


def test_the_first_admin_created_on_an_empty_database_gets_a_key(users_cli, sample: SampleData) -> None:
    first = run("create", "--email", "root@corp.example", "--name", "Root", "--role", "admin")
    second = run("create", "--email", "am@corp.example", "--name", "Am", "--manager", "root@corp.example")

    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[1].startswith("ag_")
    assert second.exit_code == 0, second.output
    assert "ag_" not in second.output
    sample.session.expire_all()
    am = sample.session.scalars(select(m.User).where(m.User.email == "am@corp.example")).one()
    root = sample.session.scalars(select(m.User).where(m.User.email == "root@corp.example")).one()
    assert (am.role, am.manager_id) == (m.Role.ACCOUNT_MANAGER, root.id)
    audit = sample.session.scalars(select(m.AuditRecord.operation).order_by(m.AuditRecord.id)).all()
    assert audit == ["users create", "users create"]


def test_update_set_manager_deactivate_and_list(users_cli, sample: SampleData) -> None:
    boss = sample.user(email="boss@corp.example", role=m.Role.MANAGER)
    sample.user(email="ana@corp.example", manager_id=boss.id)
    sample.user(email="admin@corp.example", role=m.Role.ADMIN)
    sample.session.commit()

    updated = run("update", "ana@corp.example", "--role", "manager", "--name", "Ana B")
    cycle = run("set-manager", "boss@corp.example", "ana@corp.example")
    moved = run("set-manager", "ana@corp.example")
    deactivated = run("deactivate", "boss@corp.example")
    active_only = run("list")
    everyone = run("list", "--all")

    assert updated.output.strip() == "updated ana@corp.example: Ana B, manager"
    assert cycle.exit_code == 1
    assert "would make the hierarchy a loop" in str(cycle.exception)
    assert moved.output.strip() == "ana@corp.example now reports to nobody"
    assert deactivated.output.strip() == "deactivated boss@corp.example"
    assert "boss@corp.example" not in active_only.output
    assert "boss@corp.example" in everyone.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "--email", "nope", "--name", "X"), "--email: give an email address like ana@example.com"),
        (("create", "--email", "a@b.example", "--name", "X", "--role", "boss"), "--role 'boss': give one of"),
        (("update", "ghost@corp.example", "--name", "X"), "EMAIL: no user with email 'ghost@corp.example'"),
        (("update", "admin@corp.example"), "nothing to change: give --email, --name or --role"),
        (("deactivate", "admin@corp.example"), "admin@corp.example is the only active admin"),
    ],
)
def test_bad_input_is_one_line_saying_what_to_fix(users_cli, sample: SampleData, args, message) -> None:
    sample.user(email="admin@corp.example", role=m.Role.ADMIN)
    sample.session.commit()
    result = run(*args)
    assert type(result.exception).__name__ == "CommandError"
    assert message in str(result.exception)
