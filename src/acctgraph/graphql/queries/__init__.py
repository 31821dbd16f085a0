"""Root query fields, one module per area; schema.py merges them into one Query type."""
