"""Risk alerts: rules evaluated over the whole book, deduplicated, stored and handed to plugins."""
