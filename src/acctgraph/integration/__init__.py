"""The integration layer: hook specifications, plugin manager, connector contract and sync engine."""
