"""Row-level behaviour of the CSV connector: errors name row, column and problem; mapping files rename."""

from __future__ import annotations

import json
from pathlib import Path

from acctgraph_csv import CsvConnector

from acctgraph.integration.connector import Checkpoint, RecordError, StreamState
from acctgraph.integration.records import AccountRecord, InvoiceRecord


def read(directory: Path, stream: str, **config: object) -> list[object]:
    connector = CsvConnector()
    parsed = connector.parse_config({"directory": str(directory), **config})
    return list(connector.read(connector.stream(parsed, stream), parsed, StreamState()))


def test_bad_row_is_reported_with_row_number_column_and_problem(tmp_path: Path) -> None:
    (tmp_path / "invoices.csv").write_text(
        "external_id,account_external_id,number,amount_minor,currency,issued_on,due_date\n"
        "I1,A1,INV-1,12500,usd,2024-01-01,2024-01-31\n"
        "I2,A1,INV-2,12.5,usd,2024-01-01,2024-01-31\n"
    )
    messages = read(tmp_path, "invoices")
    good, bad = messages[0], messages[1]
    assert isinstance(good, InvoiceRecord) and good.amount_minor == 12500 and good.currency == "USD"
    assert isinstance(bad, RecordError)
    assert bad.location == "row 3"
    assert bad.external_id == "I2"
    assert "column 'amount_minor'" in bad.reason and "'12.5'" in bad.reason


def test_mapping_file_renames_file_and_columns_and_keeps_unknown_columns(tmp_path: Path) -> None:
    (tmp_path / "Companies.csv").write_text(
        "Record ID,Company name,Website,Employees\n42,Acme,https://www.acme.com,500\n"
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "accounts": {
                    "file": "Companies.csv",
                    "columns": {"external_id": "Record ID", "name": "Company name", "domain": "Website"},
                }
            }
        )
    )
    (record, _checkpoint) = read(tmp_path, "accounts", mapping_file=str(mapping))
    assert isinstance(record, AccountRecord)
    assert (record.external_id, record.name, record.domain) == ("42", "Acme", "acme.com")
    assert record.extra == {"Employees": "500"}


def test_blank_lines_are_not_numbered_and_a_short_row_is_reported_with_its_missing_cells(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text("external_id,name,domain\nA1,Acme,acme.example\n\nA2\nA3,Beta,,extra\n")
    messages = read(tmp_path, "accounts")
    rows = [message for message in messages if not isinstance(message, Checkpoint)]
    assert isinstance(rows[0], AccountRecord)
    short = rows[1]
    assert isinstance(short, RecordError)
    assert short.location == "row 3", "the blank line is skipped, not counted"
    assert short.payload == {"external_id": "A2", "name": None, "domain": None}
    assert isinstance(rows[2], AccountRecord)
    assert rows[2].name == "Beta"
