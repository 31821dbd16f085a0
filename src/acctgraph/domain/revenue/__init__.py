"""Revenue intelligence: MRR movements and retention, book of business, team effectiveness, renewals, forecast."""
