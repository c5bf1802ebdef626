"""A receiver for supportbot's key-revocation webhook, with the standard library only.

For gateways that are not one-api based: supportbot POSTs the SHA-256 of a leaked key; this checks
the signature (the scheme Slack signs its requests with), looks the digest up among your keys and
disables the key. Answer 200 when disabled (also when it was already), 404 when it is not one of
yours, anything else to be asked again later.

Keep a SHA-256 of every key you issue next to its record (or compute it in SQL, as the one-api
revoker does), so a digest can be looked up without the key ever being sent.

    SUPPORTBOT_REVOKE_WEBHOOK_SECRET=... python examples/revoke_receiver.py --port 8787 --digests digests.txt

``digests.txt``: one ``<sha256 hex> <your key id>`` per line. Put it behind HTTPS in production.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 1024
WINDOW_SECONDS = 300  # refuse replays of old requests, as Slack's own verifier does


def verify(secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None) -> bool:
    """True when ``signature`` is ``v0=`` + HMAC-SHA256 of ``v0:<timestamp>:<body>`` and the timestamp is fresh."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    if age > WINDOW_SECONDS:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class Keys:
    """Your keys by digest. Replace ``disable`` with a call to your own database or admin API."""

    def __init__(self, by_digest: dict[str, str]) -> None:
        self.by_digest = by_digest
        self.disabled: set[str] = set()
        self._lock = threading.Lock()

    def disable(self, digest: str) -> bool:
        """Disable the key with this digest; False when it is not one of ours."""
        with self._lock:
            key_id = self.by_digest.get(digest)
            if key_id is None:
                return False
            self.disabled.add(key_id)
            return True


def make_server(secret: str, keys: Keys, host: str = "127.0.0.1", port: int = 8787) -> ThreadingHTTPServer:
    disable: Callable[[str], bool] = keys.disable

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(413, {"error": "too_large"})
                return
            body = self.rfile.read(length)
            timestamp = self.headers.get("X-Supportbot-Request-Timestamp") or ""
            signature = self.headers.get("X-Supportbot-Signature") or ""
            if not verify(secret, timestamp, body, signature):
                self._answer(401, {"error": "bad_signature"})
                return
            digest = str(json.loads(body).get("key_sha256") or "")
            if disable(digest):
                self._answer(200, {"disabled": True})
            else:
                self._answer(404, {"error": "not_ours"})

        def _answer(self, status: int, data: dict[str, object]) -> None:
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the request line holds nothing secret, but keep the example quiet

    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--digests", required=True, help="file of '<sha256> <key id>' lines")
    args = parser.parse_args()
    with open(args.digests, encoding="utf-8") as lines:
        by_digest = dict(line.split(maxsplit=1) for line in lines if line.strip())
    server = make_server(os.environ["SUPPORTBOT_REVOKE_WEBHOOK_SECRET"], Keys(by_digest), port=args.port)
    print(f"listening on 127.0.0.1:{args.port}")
    server.serve_forever()


if __name__ == "__main__":
    main()
