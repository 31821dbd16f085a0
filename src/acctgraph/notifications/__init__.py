"""Telling the outside world: the outbox relay, signed webhooks, and owners' Slack and e-mail channels."""
