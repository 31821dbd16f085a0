"""Root mutation fields, one module per area; every one runs through ``base.mutate``."""
