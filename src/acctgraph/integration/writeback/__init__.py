"""Write-back to the CRM: activities, completed QBRs and tasks created in acctgraph, written to the CRM the
account came from, exactly once.

- :mod:`~acctgraph.integration.writeback.contract`: what a connector or a partner's writer implements;
- :mod:`~acctgraph.integration.writeback.outbox`: the outbox row queued in the change's transaction;
- :mod:`~acctgraph.integration.writeback.delivery`: delivering due rows, with backoff, and retrying.

Only ``contract`` is imported here: connectors and partner plugins import it without pulling in the
database code.
"""

from acctgraph.integration.writeback.contract import CrmChange, CrmRefused, CrmWriter, NextStep

__all__ = ["CrmChange", "CrmRefused", "CrmWriter", "NextStep"]
