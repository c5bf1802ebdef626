"""The emulator's HTTP side: the Web API, response URLs and file downloads on loopback.

``Emulator`` owns a Workspace and serves it on ``http://127.0.0.1:<port>/``. Point slack_sdk at
``emulator.api_url``; every answered request is recorded (see ``recording``) and faults can be
injected per method (see ``faults``).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlsplit

from supportbot.emulator import defaults as d
from supportbot.emulator.faults import Fault, FaultInjector
from supportbot.emulator.interactivity import ResponseUrlRegistry, TriggerRegistry
from supportbot.emulator.model import JSONDict
from supportbot.emulator.ratelimit import RateLimiter
from supportbot.emulator.recording import Call, CallLog
from supportbot.emulator.responses import apply_response
from supportbot.emulator.socket_mode import SocketModeServer
from supportbot.emulator.webapi import METHODS, NO_AUTH, ApiContext, ApiError, Params
from supportbot.emulator.workspace import Workspace

log = logging.getLogger("supportbot.emulator")

LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_MAX_BODY: Final = 20 * 1024 * 1024

Answer = tuple[int, dict[str, str], bytes]


class Emulator:
    """A local Slack Web API for one workspace. Use as a context manager, or ``start()``/``stop()``."""

    def __init__(
        self,
        workspace: Workspace | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Callable[[], float] = time.time,
        rate_limits: bool = True,
    ) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the emulator listens on loopback only, not {host!r}")
        self.workspace = workspace if workspace is not None else Workspace.default(clock=clock)
        self.clock = clock
        self.host = host
        self._requested_port = port
        self.triggers = TriggerRegistry(clock)
        self.response_urls = ResponseUrlRegistry(clock)
        self.faults = FaultInjector()
        # Slack's published per-method limits, unless asked not to (the console, the emulator's own benchmark).
        self.rate_limits = RateLimiter().slack_defaults() if rate_limits else RateLimiter()
        self._log = CallLog()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.app_token = d.APP_TOKEN
        self.socket_mode = SocketModeServer(host)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self.host, self._requested_port), _Handler, self)
        self._server = server
        self.workspace.base_url = self.base_url
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, name="slack-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping on an injected delay
        self.socket_mode.close()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The Web API base for ``WebClient(base_url=...)`` (with its trailing slash)."""
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ tokens

    @property
    def bot_token(self) -> str:
        return self.workspace.bot_token

    @property
    def admin_token(self) -> str:
        token = self.workspace.admin_token
        if token is None:
            raise LookupError("this workspace has no admin user token")
        return token

    def user_token(self, user_id: str) -> str:
        return self.workspace.token_for(user_id)

    # ------------------------------------------------------------------ interactivity handles

    def issue_trigger(self, user_id: str) -> str:
        return self.triggers.issue(user_id)

    def issue_response_url(
        self,
        *,
        channel: str | None,
        user_id: str,
        message_ts: str | None = None,
        ephemeral: bool = False,
        thread_ts: str | None = None,
    ) -> str:
        target = self.response_urls.issue(
            channel=channel, user_id=user_id, message_ts=message_ts, ephemeral=ephemeral, thread_ts=thread_ts
        )
        return f"{self.base_url}/response/{target.id}"

    # ------------------------------------------------------------------ recorded calls

    @property
    def calls(self) -> list[Call]:
        return self._log.calls

    def calls_for(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return self._log.calls_for(method, ok=ok)

    def clear_calls(self) -> None:
        self._log.clear()

    def wait_for_call(
        self,
        method: str,
        *,
        timeout: float = 5.0,
        predicate: Callable[[Call], bool] | None = None,
        since: int = 0,
    ) -> Call:
        return self._log.wait_for_call(method, timeout=timeout, predicate=predicate, since=since)

    def wait_until(self, predicate: Callable[[], bool], *, timeout: float = 5.0) -> None:
        self._log.wait_until(predicate, timeout=timeout)

    def wait_for_quiet(self, *, quiet: float = 0.2, timeout: float = 3.0) -> bool:
        """Wait until neither calls nor workspace changes happened for ``quiet`` seconds.

        Returns False when ``timeout`` passed first (the app kept working).
        """
        deadline = time.monotonic() + timeout
        seen = (len(self._log.calls), self.workspace.mark())
        calm_since = time.monotonic()
        while True:
            time.sleep(0.02)
            now = time.monotonic()
            current = (len(self._log.calls), self.workspace.mark())
            if current != seen:
                seen, calm_since = current, now
            elif now - calm_since >= quiet:
                return True
            if now >= deadline:
                return False

    def recorded_text(self) -> str:
        return self._log.recorded_text()

    # ------------------------------------------------------------------ answering

    def handle_api(
        self,
        method: str,
        params: JSONDict,
        token: str | None,
        raw: str = "",
        *,
        rejected: ApiError | None = None,
    ) -> tuple[int, dict[str, str], JSONDict]:
        """Answer one Web API call as Slack would, and record it (``rejected``: its body did not parse)."""
        wall, started = time.time(), time.monotonic()
        actor = self.workspace.actor_for(token)
        fault = self.faults.take(method)
        if fault is not None and fault.delay:
            self._stopping.wait(fault.delay)
        status: int = 200
        headers: dict[str, str] = {}
        body: JSONDict = {}
        if fault is not None and fault.changes_answer:
            status, headers, body = _fault_answer(fault)
        elif method == "apps.connections.open":
            # Only the app-level token opens a Socket Mode connection; a bot token is "not_allowed_token_type".
            if not token:
                body = {"ok": False, "error": "not_authed"}
            elif token != self.app_token:
                body = {"ok": False, "error": "not_allowed_token_type" if actor.kind != "unknown" else "invalid_auth"}
            else:
                body = {"ok": True, "url": self.socket_mode.url()}
        elif method not in METHODS:
            body = {"ok": False, "error": "unknown_method"}
        elif rejected is not None:
            body = rejected.body()
        elif method not in NO_AUTH and actor.kind == "none":
            body = {"ok": False, "error": "not_authed"}
        elif method not in NO_AUTH and self.workspace.is_revoked(token):
            body = {"ok": False, "error": "token_revoked"}
        elif method not in NO_AUTH and actor.kind == "unknown":
            body = {"ok": False, "error": "invalid_auth"}
        elif (wait := self.rate_limits.check(method, _channel_of(params))) is not None:
            status, headers = 429, {"Retry-After": str(wait)}
            body = {"ok": False, "error": "ratelimited"}
        else:
            ctx = ApiContext(self.workspace, actor, Params(params), self.triggers, method)
            try:
                with self.workspace.lock:
                    body = {"ok": True, **METHODS[method](ctx)}
            except ApiError as err:
                status, headers, body = err.status, dict(err.headers), err.body()
            except Exception:
                log.exception("emulator bug answering %s", method)
                status, body = 500, {"ok": False, "error": "internal_error"}
            if token and method not in NO_AUTH:
                # Slack lists the token's granted scopes on every authenticated answer.
                headers["x-oauth-scopes"] = ",".join(self.workspace.scopes_for(token))
        self._log.add(
            method=method,
            status=status,
            params=params,
            raw=raw,
            token_kind=actor.kind,
            acting_user=actor.user_id,
            ok=bool(body.get("ok")),
            error=body.get("error"),
            response=body,
            wall=wall,
            monotonic=started,
            duration=time.monotonic() - started,
            fault=fault.describe() if fault is not None else None,
            headers=headers,
        )
        return status, headers, body

    def handle_response_url(self, target_id: str, payload: JSONDict, raw: str) -> Answer:
        wall, started = time.time(), time.monotonic()
        fault = self.faults.take("response_url")
        if fault is not None and fault.delay:
            self._stopping.wait(fault.delay)
        status, headers, error = 200, {"Content-Type": "application/json; charset=utf-8"}, None
        if fault is not None and fault.changes_answer:
            status, extra, body = _fault_answer(fault)
            headers.update(extra)
            error = str(body.get("error"))
        else:
            target, error = self.response_urls.use(target_id)
            if target is None:
                status = 404
            else:
                try:
                    apply_response(self.workspace, target, payload, origin="response_url")
                except ApiError as err:
                    status, error = (404 if err.error.endswith("not_found") else 400), err.error
        text = json.dumps({"ok": True}) if error is None else error
        if error is not None:
            headers["Content-Type"] = "text/plain; charset=utf-8"
        self._log.add(
            method="response_url",
            status=status,
            params=payload,
            raw=raw,
            token_kind="none",  # noqa: S106 - a response_url carries no token
            acting_user=None,
            ok=error is None,
            error=error,
            response={"ok": error is None, "error": error} if error else {"ok": True},
            wall=wall,
            monotonic=started,
            duration=time.monotonic() - started,
            fault=fault.describe() if fault is not None else None,
        )
        return status, headers, text.encode()

    def handle_download(self, path: str, token: str | None) -> Answer:
        """``GET url_private``: the bot token (files:read) gets the bytes, others are turned away."""
        wall, started = time.time(), time.monotonic()
        ws = self.workspace
        actor = ws.actor_for(token)
        file_id = path.split("/")[2].split("-", 1)[-1] if path.count("/") >= 3 else ""
        shared = ws.file(file_id)
        headers: dict[str, str] = {}
        body = b""
        error: str | None = None
        if actor.kind in ("none", "unknown"):
            status, error = 302, "not_authed"
            headers["Location"] = f"{self.base_url}/login?redir={quote(path)}"
            body = b"<html><body>Sign in to Slack</body></html>"
        elif actor.kind != "bot":
            status, error = 403, "missing_scope"
        elif shared is None or not any(ws.can_see(ws.bot.id, c) for c in shared.channels):
            status, error = 404, "file_not_found"
        else:
            status, body = 200, shared.content
            headers["Content-Type"] = shared.mimetype
        self._log.add(
            method="file_download",
            status=status,
            params={"path": path},
            raw=path,
            token_kind=actor.kind,
            acting_user=actor.user_id,
            ok=status == 200,
            error=error,
            response={"ok": status == 200} if error is None else {"ok": False, "error": error},
            wall=wall,
            monotonic=started,
            duration=time.monotonic() - started,
        )
        return status, headers, body


def _fault_answer(fault: Fault) -> tuple[int, dict[str, str], JSONDict]:
    headers: dict[str, str] = {}
    if fault.status == 429:
        headers["Retry-After"] = str(fault.retry_after or 1)
        return 429, headers, {"ok": False, "error": fault.error or "ratelimited"}
    if fault.status >= 500:
        return fault.status, headers, {"ok": False, "error": fault.error or "internal_error"}
    return fault.status, headers, {"ok": False, "error": fault.error or "fatal_error"}


def _channel_of(params: JSONDict) -> str | None:
    value = params.get("channel")
    return value if isinstance(value, str) else None


def parse_body(content_type: str, body: bytes) -> JSONDict:
    """Form, multipart or JSON parameters; raises ApiError for a body Slack would refuse."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if kind == "application/json":
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError("invalid_json") from exc
        if not isinstance(parsed, dict):
            raise ApiError("invalid_json")
        return parsed
    if kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        fields: JSONDict = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                fields[name] = payload.decode("utf-8", errors="replace")
        return fields
    if kind in ("application/x-www-form-urlencoded", "text/plain", ""):
        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError as exc:
            raise ApiError("invalid_form_data") from exc
    raise ApiError("invalid_post_type")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], emulator: Emulator) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout tests) leaves a broken pipe behind; that is expected.
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "SlackEmulator/1.0"
    # Keep-alive, as Slack's own API does: every answer carries a Content-Length, and an idle
    # connection is dropped after a while so its thread does not linger.
    protocol_version = "HTTP/1.1"
    timeout = 30
    # Headers and body leave in two writes; with Nagle's algorithm on, the body waits for the
    # client's delayed ACK of the headers, adding about 40 ms to every answer (real Slack does not).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _token(self, params: JSONDict) -> str | None:
        header = self.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip() or None
        value = params.pop("token", None)
        return value if isinstance(value, str) and value else None

    def _route(self) -> None:
        emulator = self.server.emulator
        split = urlsplit(self.path)
        path = split.path
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self._send(413, {"Content-Type": "text/plain"}, b"request too large")
            return
        body = self.rfile.read(length) if length else b""
        raw = "\n".join(p for p in (split.query, body.decode("utf-8", errors="replace")) if p)
        if path.startswith("/api/"):
            method = path[len("/api/") :].strip("/")
            params: JSONDict = dict(parse_qsl(split.query, keep_blank_values=True))
            rejected = None
            try:
                params.update(parse_body(self.headers.get("Content-Type", ""), body))
            except ApiError as err:
                rejected = err
            token = self._token(params)
            status, headers, answer = emulator.handle_api(method, params, token, raw, rejected=rejected)
            self._send_json(status, headers, answer)
        elif path.startswith("/response/") and self.command == "POST":
            try:
                payload = parse_body(self.headers.get("Content-Type", "application/json"), body)
            except ApiError:
                payload = {}
            if isinstance(payload.get("payload"), str):
                payload = json.loads(payload["payload"])
            self._send(*emulator.handle_response_url(path[len("/response/") :], payload, raw))
        elif path.startswith("/files-pri/"):
            self._send(*emulator.handle_download(path, self._token({})))
        elif path == "/login":
            self._send(200, {"Content-Type": "text/html"}, b"<html><body>Sign in to Slack</body></html>")
        else:
            self._send(404, {"Content-Type": "text/plain"}, b"not found")

    def _send_json(self, status: int, headers: dict[str, str], body: JSONDict) -> None:
        self._send(status, {"Content-Type": "application/json; charset=utf-8", **headers}, json.dumps(body).encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away before the answer")
