"""Domain logic: what account managers pay for. Functions take a SQLAlchemy Session; no API, no CLI."""
