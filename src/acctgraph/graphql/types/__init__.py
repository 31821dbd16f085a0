"""GraphQL object types, one module per aggregate, mirroring acctgraph.models."""
