"""The base-URL probe against a local test server (loopback allowed explicitly) and its refusals."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from supportbot.triage import CheckId, diagnose
from supportbot.triage.probe import POOL_SIZE, address_problem, apply_probe, probe_base_url
from tests.unit.triage.conftest import fake_scrub

HOST_SEEN: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        HOST_SEEN.append(self.headers.get("Host", ""))
        assert "Authorization" not in self.headers  # the probe never sends a key
        if self.path == "/v1/models":
            body = json.dumps({"error": {"message": "No API key", "type": "invalid_request_error"}}).encode()
            self._send(401, body, "application/json")
        elif self.path == "/site/models":
            self._send(200, b"<!DOCTYPE html><html><body>Welcome</body></html>", "text/html; charset=utf-8")
        elif self.path == "/models":
            self._send(404, b'{"detail":"Not Found"}', "application/json")
        elif self.path == "/moved/models":
            self._send(301, b"", "text/plain", {"Location": "https://www.llmrelay.com/"})
        elif self.path == "/big/models":
            self._send(200, b"[" + b"0," * 100_000 + b"0]", "application/json")
        elif self.path == "/slow/models":
            time.sleep(1.5)
            self._send(401, b"{}", "application/json")
        else:
            self._send(500, b"unexpected", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return  # the probe hangs up early on purpose in some tests


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("path", "verdict", "status"),
    [
        ("/v1", "api", 401),
        ("/v1/chat/completions", "api", 401),  # an endpoint pasted as base is reduced to its base
        ("/site", "not_api", 200),
        ("", "not_api", 404),
        ("/moved", "redirect", 301),
    ],
)
def test_reads_the_answer(server: str, path: str, verdict: str, status: int) -> None:
    result = probe_base_url(server + path, allow_loopback_for_tests=True)
    assert (result.verdict, result.status) == (verdict, status), result.detail


def test_redirect_is_not_followed(server: str) -> None:
    result = probe_base_url(server + "/moved", allow_loopback_for_tests=True)
    assert "www.llmrelay.com" in result.detail
    assert "not followed" in result.detail


def test_oversize_body_is_not_read_whole(server: str) -> None:
    result = probe_base_url(server + "/big", allow_loopback_for_tests=True, max_bytes=1024)
    assert result.verdict == "unknown"
    assert "larger than 1 KiB" in result.detail


def test_times_out(server: str) -> None:
    start = time.monotonic()
    result = probe_base_url(server + "/slow", allow_loopback_for_tests=True, timeout=0.3)
    assert result.verdict == "error"
    assert time.monotonic() - start < 1.2


def test_connects_to_the_address_it_checked(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    calls: list[str] = []

    def resolver(host: str, _port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    HOST_SEEN.clear()
    result = probe_base_url(
        f"http://api.probe-test.invalid:{port}/v1", allow_loopback_for_tests=True, resolver=resolver
    )
    assert result.verdict == "api"
    assert calls == ["api.probe-test.invalid"]  # resolved once; the connection used that answer
    assert [f"api.probe-test.invalid:{port}"] == HOST_SEEN


def test_loopback_is_refused_unless_tests_allow_it(server: str) -> None:
    https_local = "https://localhost/v1"
    assert probe_base_url(https_local).verdict == "refused"
    assert "loopback" in probe_base_url(https_local).detail


def _never(host: str, port: int) -> list[str]:
    raise AssertionError("must not resolve")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://api.llmrelay.com/v1", "only https"),
        ("ftp://api.llmrelay.com/v1", "only https"),
        ("https://user:pw@api.llmrelay.com/v1", "user name"),
        ("https://api.llmrelay.com:8080/v1", "port 8080"),
        ("https:///v1", "no host"),
    ],
)
def test_refuses_unsafe_urls_before_any_lookup(url: str, why: str) -> None:
    result = probe_base_url(url, resolver=_never)
    assert result.verdict == "refused"
    assert why in result.detail


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::7f00:1",
        "::",
    ],
)
def test_refuses_non_public_addresses(address: str) -> None:
    assert address_problem(address) is not None
    result = probe_base_url("https://api.llmrelay.com/v1", resolver=lambda h, p: [address])
    assert result.verdict == "refused"


def test_refuses_when_any_answer_is_private() -> None:
    result = probe_base_url("https://api.llmrelay.com/v1", resolver=lambda h, p: ["93.184.216.34", "10.1.2.3"])
    assert result.verdict == "refused"


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(address) is None


def test_unresolvable_host_is_refused() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    assert probe_base_url("https://nowhere.llmrelay.com/v1", resolver=fail).verdict == "refused"


def test_probe_result_strengthens_or_settles_the_diagnosis(server: str, settings) -> None:
    checks = diagnose('client = OpenAI(base_url="https://api.llmrelay.com")', settings, scrub=fake_scrub)
    assert checks[0].reason == "missing_v1"
    not_api = probe_base_url(server + "/site", allow_loopback_for_tests=True)
    stronger = apply_probe(checks, not_api, scrub=fake_scrub)
    assert stronger[0].check == CheckId.WRONG_BASE_URL
    assert stronger[0].score >= checks[0].score
    # An API answering at exactly that base settles the path doubt.
    from supportbot.triage.probe import ProbeResult

    settled = apply_probe(
        checks, ProbeResult("https://api.llmrelay.com", "api", "HTTP 401 JSON", 401), scrub=fake_scrub
    )
    assert CheckId.WRONG_BASE_URL not in [c.check for c in settled]


def test_probe_without_findings_adds_one(server: str, settings) -> None:
    result = probe_base_url(server + "/site", allow_loopback_for_tests=True)
    checks = apply_probe([], result, scrub=fake_scrub)
    assert [c.reason for c in checks] == ["probe_not_api"]
    assert "HTML" in checks[0].evidence


class _Trickler(threading.Thread):
    """A server that answers one byte every 0.1 s: each read is quick, the whole answer takes 5 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _serve(conn: socket.socket) -> None:
        answer = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 40 + b"\r\n\r\n{}"
        with conn:
            try:
                for byte in answer:
                    conn.sendall(bytes([byte]))
                    time.sleep(0.1)
            except OSError:
                return


def test_a_trickling_server_gets_a_hard_wall_clock_deadline() -> None:
    """Issue 13, finding 4: the limit was per socket read, so a trickle held a worker for 10 s and more."""
    trickler = _Trickler()
    trickler.start()
    start = time.monotonic()
    result = probe_base_url(f"http://127.0.0.1:{trickler.port}/v1", allow_loopback_for_tests=True, timeout=0.5)
    elapsed = time.monotonic() - start
    trickler.listener.close()
    assert result.verdict == "error" and "time limit" in result.detail
    assert elapsed < 1.0


def test_stuck_lookups_hold_neither_the_caller_nor_more_than_the_pool() -> None:
    release = threading.Event()

    def stuck(host: str, port: int) -> list[str]:
        release.wait(10)
        return ["93.184.216.34"]

    try:
        start = time.monotonic()
        results = [probe_base_url("https://api.llmrelay.com/v1", resolver=stuck, timeout=0.2) for _ in range(5)]
        assert time.monotonic() - start < 2.0
        assert {result.verdict for result in results} == {"error"}
        probe_threads = [thread for thread in threading.enumerate() if thread.name.startswith("probe")]
        assert len(probe_threads) <= POOL_SIZE
    finally:
        release.set()
