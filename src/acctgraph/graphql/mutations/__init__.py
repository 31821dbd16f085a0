"""Mutations, Relay style: one input, a payload with the result and ``userErrors`` the user can fix."""
