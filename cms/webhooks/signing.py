"""Signatures as the Standard Webhooks specification defines them
(https://www.standardwebhooks.com/, "Signature scheme"): HMAC-SHA256 over
`{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64-decoded secret, sent as
`v1,<base64>`. Every Standard Webhooks library verifies it; tests check it with one."""

import base64
import hashlib
import hmac

from .models import decode_secret


def sign(secret, message_id, timestamp, body):
    """The `webhook-signature` header value for `body` (bytes) sent at `timestamp` (seconds)."""
    signed = f"{message_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(decode_secret(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret, message_id, timestamp, body):
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
