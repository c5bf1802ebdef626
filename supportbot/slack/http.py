"""HTTP in front of the Bolt app: ``POST /slack/events``, ``GET /healthz``, ``GET /readyz``, ``GET /metrics``.

``/healthz`` is liveness (the process answers, the database is reachable); ``/readyz`` is readiness:
503 while Slack rejects one of our tokens or the database does not answer within a bounded wait.

:func:`dispatch_raw` is the single entrance for a raw Slack request, used by the WSGI server and
by the emulator's in-process driver alike: size limit, UTF-8, parsing (a malformed body gets 400,
not a crash) and then Bolt, whose first middleware checks the signature.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest

from supportbot.slack.runtime import Runtime
from supportbot.slack.signature import SignatureCheck

_log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
Reply = tuple[int, dict[str, str], bytes]
StartResponse = Callable[..., Any]


def _json_reply(status: int, payload: Mapping[str, Any]) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def dispatch_raw(app: App, check: SignatureCheck, body: bytes, headers: Mapping[str, str], query: str = "") -> Reply:
    """Hand one raw request to Bolt and return (status, headers, body)."""
    if len(body) > MAX_BODY:
        return _json_reply(413, {"error": "request body too large"})
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    request: BoltRequest | None = None
    if text is not None:
        try:
            request = BoltRequest(body=text, query=query, headers=dict(headers))
            if not isinstance(request.body, dict):
                request = None
        except Exception:  # Bolt's parser fails in many ways on junk (lists, bad JSON, odd forms)
            request = None
    if request is None:
        # Unreadable: refuse unsigned junk as unauthorised, signed junk as a bad request.
        if not check.is_valid(body, {key.lower(): value for key, value in headers.items()}):
            _log.warning("refused an unsigned, unreadable request (%d bytes)", len(body))
            return _json_reply(401, {"error": "invalid request signature"})
        _log.warning("refused a signed request whose body is not a Slack payload (%d bytes)", len(body))
        return _json_reply(400, {"error": "malformed request body"})
    response = app.dispatch(request)
    out_headers = {key: ", ".join(values) for key, values in response.headers.items()}
    out_body = response.body if isinstance(response.body, bytes) else str(response.body or "").encode()
    return response.status, out_headers, out_body


class WsgiApp:
    """A small WSGI application; waitress serves it with several worker threads."""

    def __init__(self, app: App, runtime: Runtime) -> None:
        self._app = app
        self._runtime = runtime
        self._check = SignatureCheck(
            runtime.settings.slack_signing_secret or "", now=lambda: runtime.clock.now().timestamp()
        )

    def dispatch(self, body: bytes, headers: Mapping[str, str]) -> Reply:
        return dispatch_raw(self._app, self._check, body, headers)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        try:
            if path == "/slack/events":
                status, headers, body = (
                    self._events(environ) if method == "POST" else _json_reply(405, {"error": "use POST"})
                )
            elif path == "/healthz" and method == "GET":
                health = self._runtime.health()
                status, headers, body = _json_reply(200 if health["status"] == "ok" else 503, health)
            elif path == "/readyz" and method == "GET":
                ready = self._runtime.readiness()
                status, headers, body = _json_reply(200 if ready.ready else 503, ready.as_json())
            elif path == "/metrics" and method == "GET":
                self._runtime.sample_metrics()
                status, headers, body = (
                    200,
                    {"Content-Type": "text/plain; version=0.0.4"},
                    self._runtime.metrics.exposition(),
                )
            else:
                status, headers, body = _json_reply(404, {"error": "not found"})
        except Exception:
            _log.exception("request to %s failed", path)
            status, headers, body = _json_reply(500, {"error": "internal error"})
        headers.setdefault("Content-Length", str(len(body)))
        start_response(f"{status} {_REASONS.get(status, 'Status')}", list(headers.items()))
        return [body]

    def _events(self, environ: dict[str, Any]) -> Reply:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _json_reply(400, {"error": "bad Content-Length"})
        if length > MAX_BODY:
            return _json_reply(413, {"error": "request body too large"})
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_") and isinstance(value, str)
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        return self.dispatch(body, headers)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
