"""Socket Mode for the emulator: the WebSocket an app opens with ``apps.connections.open``.

Slack sends each event, interaction or slash command as an envelope over the socket and expects
the app to acknowledge it by ``envelope_id`` within three seconds. Here, tests hand over an
envelope with :meth:`SocketModeServer.send` and get the app's acknowledgement back.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

JSONDict = dict[str, Any]


class SocketModeServer:
    def __init__(self, host: str) -> None:
        self._host = host
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, JSONDict] = {}
        self._changed = threading.Condition()

    def url(self) -> str:
        """Start listening (once) and return a fresh connection address, as ``apps.connections.open`` does."""
        with self._changed:
            if self._server is None:
                self._server = serve(self._serve, self._host, 0)
                self._thread = threading.Thread(target=self._server.serve_forever, name="socket-mode", daemon=True)
                self._thread.start()
            port = self._server.socket.getsockname()[1]
        return f"ws://{self._host}:{port}/link/?ticket={uuid.uuid4().hex}"

    def wait_for_app(self, timeout: float = 10.0) -> bool:
        """Whether an app is connected (waiting up to ``timeout`` seconds for one)."""
        with self._changed:
            return self._changed.wait_for(lambda: bool(self._connections), timeout)

    def send(self, kind: str, payload: JSONDict, *, retry_attempt: int = 0, timeout: float = 3.0) -> JSONDict | None:
        """Send one envelope (``events_api``, ``interactive``, ``slash_commands``) to the connected app.

        Returns the app's acknowledgement, or None when none came within ``timeout`` (Slack's three seconds).
        """
        envelope_id = uuid.uuid4().hex
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        with self._changed:
            if not self._changed.wait_for(lambda: bool(self._connections), timeout):
                raise RuntimeError("no app is connected over Socket Mode")
            connection = self._connections[-1]
        connection.send(json.dumps(envelope))
        with self._changed:
            self._changed.wait_for(lambda: envelope_id in self._acks, timeout)
            return self._acks.pop(envelope_id, None)

    def close(self) -> None:
        with self._changed:
            server, self._server = self._server, None
        if server is not None:
            server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _serve(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {"host": "emulator"}}))
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        try:
            for raw in connection:
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(message, dict) and isinstance(message.get("envelope_id"), str):
                    with self._changed:
                        self._acks[message["envelope_id"]] = message
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._connections.remove(connection)
                self._changed.notify_all()
