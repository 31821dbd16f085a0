"""The GraphQL API: strawberry types, queries, DataLoaders, keyset pagination and the schema."""
