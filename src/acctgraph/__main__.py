"""``python -m acctgraph`` runs the admin CLI."""

from acctgraph.cli import main

main()
