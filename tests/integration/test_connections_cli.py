"""The admin CLI over a real database: connections with secrets that never show, sync run and status,
identities. The connector here is a tiny local plugin with a secret token, loaded from a plugins dir."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from acctgraph import models as m
from acctgraph.cli import app, main
from acctgraph.cli.errors import EXIT_PARTIAL
from acctgraph.graphql.ids import to_global_id
from acctgraph.integration.secrets import new_key
from acctgraph.settings import get_settings

SECRET = "tok-4f1d-very-secret"

VAULT_PLUGIN = """
from datetime import UTC, datetime, timedelta
from pydantic import Field, SecretStr
from acctgraph import hookimpl
from acctgraph.integration.connector import Checkpoint, CheckResult, Connector, ConnectorConfig, Stream
from acctgraph.integration.errors import RateLimited
from acctgraph.integration.records import Entity


class VaultConfig(ConnectorConfig):
    token: SecretStr
    accounts: int = 2
    region: str = Field("eu", pattern=r"^[a-z0-9][a-z0-9-]*$")
    rate_limited: bool = False
    bad_rows: bool = False


class Vault(Connector):
    name = "vault"
    config_model = VaultConfig

    def check(self, config):
        ok = config.token.get_secret_value() == "SECRET"
        return CheckResult(ok, "token accepted" if ok else "token refused by the vault")

    def streams(self, config):
        return [Stream("customers", Entity.ACCOUNT), Stream("tickets", Entity.SUPPORT_TICKET)]

    def read(self, stream, config, state):
        for n in range(config.accounts):
            if stream.name == "customers":
                yield {"external_id": f"V{n}", "name": f"Vault {n}"}
                if config.rate_limited:
                    raise RateLimited(datetime.now(UTC) + timedelta(hours=1))
                if config.bad_rows:
                    yield {"external_id": f"V-bad{n}", "name": f"Bad {n}", "segment": "huge [a-z0-9]"}
            else:
                yield {"external_id": f"T{n}", "account_external_id": "V-unknown", "subject": "help",
                       "opened_at": "2024-01-01T00:00:00Z"}
        yield Checkpoint()


@hookimpl
def register_connectors():
    return [Vault]
""".replace("SECRET", SECRET)


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[callable]:
    (tmp_path / "vault.py").write_text(VAULT_PLUGIN)
    monkeypatch.setenv("ACCTGRAPH_DATABASE_URL", db_url)
    monkeypatch.setenv("ACCTGRAPH_PLUGINS_DIR", str(tmp_path))
    monkeypatch.setenv("ACCTGRAPH_LOAD_PLUGINS", "vault")
    monkeypatch.setenv("ACCTGRAPH_SECRET_KEY", new_key())
    get_settings.cache_clear()

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(app, list(args))

    yield invoke
    get_settings.cache_clear()


def stored_text(session: Session) -> str:
    rows = session.execute(text("SELECT * FROM connections")).all()
    return repr(rows)


def test_secret_is_stored_encrypted_and_never_shown(cli, session: Session) -> None:  # type: ignore[no-untyped-def]
    added = cli("connections", "add", "v", "vault", "--set", f"token={SECRET}")
    assert added.exit_code == 0, added.output
    assert SECRET not in stored_text(session)
    assert "fernet" in stored_text(session)
    listed = cli("connections", "list")
    assert SECRET not in listed.output and "********" in listed.output
    checked = cli("connections", "check", "v")
    assert checked.exit_code == 0 and "token accepted" in checked.output and SECRET not in checked.output


def test_secret_from_an_environment_variable_is_stored_as_a_reference(cli, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert cli("connections", "add", "v", "vault", "--set", "token=env:VAULT_TOKEN").exit_code == 0
    assert session.scalar(select(m.Connection.config)) == {"token": {"env": "VAULT_TOKEN"}}
    assert "env:VAULT_TOKEN" in cli("connections", "list").output
    unset = cli("connections", "check", "v")
    assert unset.exit_code == 1 and "$VAULT_TOKEN, which is not set" in str(unset.exception)
    monkeypatch.setenv("VAULT_TOKEN", SECRET)
    assert cli("connections", "check", "v").exit_code == 0


def test_without_a_secret_key_a_plain_secret_is_refused(cli, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ACCTGRAPH_SECRET_KEY")
    get_settings.cache_clear()
    result = cli("connections", "add", "v", "vault", "--set", f"token={SECRET}")
    assert result.exit_code == 1
    assert "ACCTGRAPH_SECRET_KEY is not set" in str(result.exception) and SECRET not in str(result.exception)
    assert session.scalar(select(m.Connection)) is None


def test_bad_configuration_names_the_field(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("connections", "add", "v", "vault", "--set", f"token={SECRET}", "--set", "accounts=many")
    assert result.exit_code == 1
    assert "accounts: Input should be a valid integer" in str(result.exception)


def test_sync_run_status_and_identity_mapping_applies_quarantine(cli, session: Session) -> None:  # type: ignore[no-untyped-def]
    cli("connections", "add", "v", "vault", "--set", f"token={SECRET}")
    run = cli("sync", "run", "v")
    assert run.exit_code == 0, run.output
    status = cli("sync", "status")
    assert "succeeded" in status.output
    assert session.scalar(select(m.SyncRunStream.created).where(m.SyncRunStream.stream == "customers")) == 2
    account_id = session.scalar(select(m.Account.id).where(m.Account.name == "Vault 0"))
    waiting = cli("identities", "list")
    assert "V-unknown" in waiting.output
    mapped = cli("identities", "map", "v", "V-unknown", str(account_id))
    assert mapped.exit_code == 0 and "2 quarantined records applied" in mapped.output
    session.expire_all()
    assert session.scalars(select(m.SupportTicket.account_id)).all() == [account_id, account_id]
    assert cli("identities", "unmap", "v", "V-unknown").exit_code == 0
    assert cli("identities", "unmap", "v", "V-unknown").exit_code == 1


def test_removing_an_unknown_connection_says_which_exist(cli) -> None:  # type: ignore[no-untyped-def]
    cli("connections", "add", "v", "vault", "--set", f"token={SECRET}")
    result = cli("connections", "remove", "nope")
    assert result.exit_code == 1 and "no connection named 'nope'; connections: v" in str(result.exception)
    assert cli("connections", "remove", "v").exit_code == 0


def test_rejected_records_show_run_stream_reason_and_payload(cli) -> None:  # type: ignore[no-untyped-def]
    cli("connections", "add", "v", "vault", "--set", f"token={SECRET}", "--set", "bad_rows=true")
    assert cli("sync", "run", "v").exit_code == 0
    shown = cli("sync", "rejected", "v")
    assert shown.exit_code == 0, shown.output
    assert "V-bad0" in shown.output and "V-bad1" in shown.output
    assert "segment: Input should be" in shown.output
    assert "huge [a-z0-9]" in shown.output, "brackets in data are printed, not read as markup"
    assert '"name": "Bad 1"' in shown.output
    run_id = next(line for line in cli("sync", "status").output.splitlines() if "succeeded" in line).split()[1]
    assert f"{run_id} " in shown.output.split("V-bad1")[0].splitlines()[-1]
    assert "no rejected records for 'v' in stream 'tickets'" in cli("sync", "rejected", "v", "-s", "tickets").output
    unknown = cli("sync", "rejected", "nope")
    assert unknown.exit_code == 1 and "no connection named 'nope'" in str(unknown.exception)


def test_identities_map_takes_the_api_id_of_an_account(cli, session: Session) -> None:  # type: ignore[no-untyped-def]
    cli("connections", "add", "v", "vault", "--set", f"token={SECRET}")
    cli("sync", "run", "v")
    account_id = session.scalar(select(m.Account.id).where(m.Account.name == "Vault 1"))
    mapped = cli("identities", "map", "v", "V-unknown", to_global_id("Account", account_id))
    assert mapped.exit_code == 0, mapped.output
    assert f"-> account {account_id}; 2 quarantined records applied" in mapped.output
    session.expire_all()
    assert session.scalars(select(m.SupportTicket.account_id)).all() == [account_id, account_id]
    wrong = cli("identities", "map", "v", "V-other", to_global_id("Contact", 1))
    assert wrong.exit_code == 1 and "is the id of a Contact, not of a Account" in str(wrong.exception)


def test_a_sync_ended_partial_by_a_rate_limit_exits_75(cli) -> None:  # type: ignore[no-untyped-def]
    cli("connections", "add", "v", "vault", "--set", f"token={SECRET}", "--set", "rate_limited=true")
    result = cli("sync", "run", "v")
    assert result.exit_code == EXIT_PARTIAL == 75
    assert "partial: rate limited until" in result.output
    cli("connections", "add", "v", "vault", "--set", "token=env:UNSET_VAULT_TOKEN", "--replace")
    assert cli("sync", "run", "v").exit_code == 1, "a failed sync keeps exit code 1"


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The installed `acctgraph` entry point: its exit code and what it printed on stderr."""
    monkeypatch.setattr(sys, "argv", ["acctgraph", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    return int(exited.value.code or 0), capsys.readouterr().err


def test_errors_print_brackets_as_they_are(cli, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, err = run_main(
        monkeypatch, capsys, "connections", "add", "v", "vault", "--set", f"token={SECRET}", "--set", "region=EU!"
    )
    assert code == 1
    assert "region: String should match pattern '^[a-z0-9][a-z0-9-]*$'" in " ".join(err.split())


@pytest.mark.parametrize("mistyped", [f"tokn={SECRET}", SECRET])
def test_a_mistyped_secret_is_never_echoed(cli, monkeypatch, capsys, mistyped: str) -> None:  # type: ignore[no-untyped-def]
    code, err = run_main(monkeypatch, capsys, "connections", "add", "v", "vault", "--set", mistyped)
    assert code == 1 and SECRET not in err
    message = " ".join(err.split())
    assert "tokn: Extra inputs are not permitted" in message or "--set number 1 is not KEY=VALUE" in message
    if "tokn" in message:
        assert "its settings: token, accounts, region" in message
