"""Connectors: how a run reaches the systems of the data map (database, webhook, processor)."""
