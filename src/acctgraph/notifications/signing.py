"""Standard Webhooks signatures (https://www.standardwebhooks.com): ``webhook-id``, ``webhook-timestamp``
and ``webhook-signature`` = ``v1,`` + base64 of HMAC-SHA256 over ``id.timestamp.body`` with the key of a
``whsec_`` signing key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

KEY_PREFIX = "whsec_"


def generate_signing_key() -> str:
    """A new ``whsec_`` key: 24 random bytes, base64 (the spec asks for 24 to 64 bytes)."""
    return KEY_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature(signing_key: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value of one message."""
    key = base64.b64decode(signing_key.removeprefix(KEY_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(signing_key: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers a Standard Webhooks receiver verifies, with the JSON content type."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(signing_key, message_id, timestamp, body),
    }
