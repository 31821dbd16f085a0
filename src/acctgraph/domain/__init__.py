"""Domain logic: what account managers pay for. Functions take a SQLAlchemy Session; no API, no CLI."""

# Registers the session events that keep the read models right in every transaction that writes.
import acctgraph.domain.read_model  # noqa: F401
