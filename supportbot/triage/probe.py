"""Optional base-URL probe (``SUPPORTBOT_PROBE=1``): is the URL a customer pasted really an API?

It sends ``GET {base}/models`` *without a key* and reads the answer: a JSON 401 means an API
lives there; an HTML page, a 404 or a redirect means the base URL points somewhere else.

The URL comes from a stranger, so the probe is safe by construction:

* https only, on port 443 (or those given); no user:password in the URL; query and fragment dropped;
* the host is resolved once, and *every* address must be public: private, loopback, link-local,
  multicast, reserved, shared (CGNAT), unspecified, IPv6 unique-local, and IPv4 hidden inside
  IPv6 (mapped, 6to4, Teredo, NAT64) are refused;
* the connection goes to the address that was checked, so a second DNS answer cannot differ;
  TLS still verifies the certificate against the host name;
* redirects are reported, never followed; at most 64 KiB is read;
* 2 s of wall-clock time for everything (DNS, connect, TLS, headers, body), however the server
  trickles its bytes: socket timeouts only bound each read, so the exchange runs on the probe's own
  small pool and the caller stops waiting at the deadline, closing the socket under the exchange.
  A stuck DNS lookup holds one pool thread, never the caller, and never more than ``POOL_SIZE``.

Tests allow loopback (and then plain http) explicitly with ``allow_loopback_for_tests=True``.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlsplit

from supportbot.infra.errors import SupportbotError
from supportbot.triage.checks import Check, CheckId
from supportbot.triage.reasons import REASONS
from supportbot.triage.text import Scrub, clean_excerpt
from supportbot.triage.urls import parse_url, split_endpoint

Verdict = Literal["api", "not_api", "redirect", "refused", "error", "unknown"]
Resolver = Callable[[str, int], Sequence[str]]

TIMEOUT = 2.0
MAX_BYTES = 64 * 1024
#: Probes run here, never on the caller's thread (an outbox worker): two at a time is plenty.
POOL_SIZE = 2
_TOO_SLOW = "no complete answer within the time limit"
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


@dataclass(frozen=True)
class ProbeResult:
    """What ``GET {base}/models`` answered. ``base`` never holds userinfo or a query."""

    base: str
    verdict: Verdict
    detail: str
    status: int | None = None


class _Refused(SupportbotError):
    pass


def _system_resolver(host: str, port: int) -> Sequence[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _resolve(resolver: Resolver, host: str, port: int) -> Sequence[str]:
    """The host's addresses (getaddrinfo has no deadline of its own: the caller's wait bounds it)."""
    try:
        addresses = resolver(host, port)
    except (OSError, UnicodeError):
        raise _Refused(f"{host} does not resolve") from None
    if not addresses:
        raise _Refused(f"{host} does not resolve")
    return addresses


class _Pool:
    """The probe's own threads, started on first use (nothing runs at import time)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None

    def submit(self, work: Callable[[], ProbeResult]) -> Future[ProbeResult]:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self._size, thread_name_prefix="probe")
            return self._executor.submit(work)


_POOL = _Pool(POOL_SIZE)


@dataclass
class _Connection:
    """The exchange's socket, so that the caller can close it when the deadline passes."""

    sock: socket.socket | None = None
    abandoned: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, sock: socket.socket) -> None:
        with self.lock:
            if self.abandoned:
                sock.close()
                raise TimeoutError
            self.sock = sock

    def abandon(self) -> None:
        with self.lock:
            self.abandoned = True
            if self.sock is not None:
                with contextlib.suppress(OSError):
                    self.sock.shutdown(socket.SHUT_RDWR)
                self.sock.close()


def address_problem(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why ``address`` may not be contacted, or None when it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            problem = address_problem(str(embedded), allow_loopback=allow_loopback)
            return None if problem is None and ip.ipv4_mapped else problem or f"{address} embeds an IPv4 address"
        if any(ip in network for network in _NAT64):
            return f"{address} is a NAT64 address"
    if ip.is_loopback:
        return None if allow_loopback else f"{address} is a loopback address"
    for test, what in (
        (ip.is_unspecified, "unspecified"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "not public"),
    ):
        if test:
            return f"{address} is a {what} address"
    return None


def _target(base: str, *, allow_loopback: bool, ports: Sequence[int]) -> tuple[str, str, int, str, str]:
    """(scheme, host, port, path to request, display form of the base) or :class:`_Refused`."""
    parts = urlsplit(base.strip())
    allowed = {"https", "http"} if allow_loopback else {"https"}
    if parts.scheme not in allowed:
        raise _Refused("only https:// base URLs are probed")
    if parts.username is not None or parts.password is not None:
        raise _Refused("URLs with a user name or password are not probed")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _Refused("the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _Refused("the URL has an invalid port") from None
    if not allow_loopback and port not in ports:
        raise _Refused(f"port {port} is not probed (only {', '.join(map(str, ports))})")
    try:
        host.encode("idna")
    except UnicodeError:
        raise _Refused("the host name is not valid") from None
    base_path, _ = split_endpoint(parts.path.rstrip("/"))
    path = f"{base_path}/models"
    default_port = 443 if parts.scheme == "https" else 80
    display = f"{parts.scheme}://{host}{'' if port == default_port else f':{port}'}{base_path}"
    return parts.scheme, host, port, path, display


def probe_base_url(
    base: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    allow_loopback_for_tests: bool = False,
    resolver: Resolver | None = None,
    ports: Sequence[int] = (443,),
) -> ProbeResult:
    """Call ``GET {base}/models`` without a key and say whether an API answered, within ``timeout``."""
    deadline = time.monotonic() + timeout
    try:
        scheme, host, port, path, display = _target(base, allow_loopback=allow_loopback_for_tests, ports=ports)
    except _Refused as refusal:
        return ProbeResult(base.split("?", 1)[0].split("#", 1)[0], "refused", str(refusal))
    connection = _Connection()

    def work() -> ProbeResult:
        try:
            addresses = _resolve(resolver or _system_resolver, host, port)
            for address in addresses:
                problem = address_problem(address, allow_loopback=allow_loopback_for_tests)
                if problem is not None:
                    raise _Refused(f"{host} resolves to a non-public address ({problem})")
            target = _Target(scheme, host, port, path, display, addresses[0])
            return _exchange(target, deadline, max_bytes, connection)
        except _Refused as refusal:
            return ProbeResult(display, "refused", str(refusal))

    future = _POOL.submit(work)
    try:
        return future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        future.cancel()  # still queued behind stuck probes: it never starts
        connection.abandon()  # running: its next read fails at once and its thread is free again
        return ProbeResult(display, "error", _TOO_SLOW)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str
    display: str
    address: str


def _exchange(target: _Target, deadline: float, max_bytes: int, connection: _Connection) -> ProbeResult:
    scheme, host, port, path, display = target.scheme, target.host, target.port, target.path, target.display
    sock: socket.socket | None = None
    try:
        sock = socket.create_connection((target.address, port), timeout=_remaining(deadline))
        connection.attach(sock)
        if scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            connection.attach(sock)
        host_header = host if port in (80, 443) else f"{host}:{port}"
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: supportbot-probe/1\r\n"
            "Accept: application/json\r\nConnection: close\r\n\r\n"
        )
        sock.settimeout(_remaining(deadline))
        sock.sendall(request.encode("ascii"))
        response = http.client.HTTPResponse(sock, method="GET")
        response.begin()
        body = bytearray()
        while len(body) <= max_bytes:
            sock.settimeout(_remaining(deadline))
            chunk = response.read(min(16_384, max_bytes + 1 - len(body)))
            if not chunk:
                break
            body += chunk
        return _classify(display, path, response, bytes(body), max_bytes)
    except TimeoutError:
        return ProbeResult(display, "error", _TOO_SLOW)
    except ssl.SSLError as error:
        return ProbeResult(display, "error", f"TLS failed ({error.reason or 'handshake'})")
    except (OSError, http.client.HTTPException) as error:
        return ProbeResult(display, "error", f"connection failed ({type(error).__name__})")
    finally:
        if sock is not None:
            sock.close()


def _classify(display: str, path: str, response: http.client.HTTPResponse, body: bytes, max_bytes: int) -> ProbeResult:
    status = response.status
    content_type = (response.getheader("Content-Type") or "").lower()
    head = body[:512].lstrip().lower()
    html = "html" in content_type or head.startswith((b"<!doctype", b"<html", b"<"))
    if 300 <= status < 400:
        location = parse_url(response.getheader("Location") or "")
        where = f" to {location.display()}" if location is not None else ""
        return ProbeResult(display, "redirect", f"HTTP {status}: redirects{where} (not followed)", status)
    if html:
        return ProbeResult(
            display, "not_api", f"HTTP {status} with an HTML page at {path}: a website, not the API", status
        )
    if len(body) > max_bytes:
        return ProbeResult(
            display,
            "unknown",
            f"HTTP {status}: the answer is larger than {max_bytes // 1024} KiB and was not read",
            status,
        )
    if status == 404:
        return ProbeResult(display, "not_api", f"HTTP 404 at {path}: no API under this base URL", status)
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ProbeResult(display, "unknown", f"HTTP {status} with a body that is not JSON", status)
    if status in (401, 403) and isinstance(document, dict):
        return ProbeResult(display, "api", f"HTTP {status} with a JSON error: an API answers here", status)
    if status == 200 and isinstance(document, dict) and ("data" in document or "object" in document):
        return ProbeResult(display, "api", "HTTP 200 with a JSON model list: an API answers here", status)
    return ProbeResult(display, "unknown", f"HTTP {status} with JSON that is not an API error", status)


_SETTLED_BY_API = frozenset({"missing_v1", "website_path", "website_host", "unknown_host", "html_response"})


def apply_probe(checks: list[Check], result: ProbeResult, *, scrub: Scrub) -> list[Check]:
    """Fold a probe result into a diagnosis: strengthen or settle ``wrong_base_url``."""
    probed = parse_url(result.base)
    if result.verdict in {"not_api", "redirect"}:
        spec = REASONS["probe_not_api"]
        evidence = clean_excerpt(f"{spec.message}: GET {result.base}/models gave {result.detail}", scrub, limit=220)
        new = Check(
            CheckId.WRONG_BASE_URL,
            evidence,
            spec.base_score,
            "probe_not_api",
            clean_excerpt(result.detail, scrub),
            result.base,
        )
        kept = [c for c in checks if c.check != CheckId.WRONG_BASE_URL]
        old = next((c for c in checks if c.check == CheckId.WRONG_BASE_URL), None)
        if old is not None and old.score > new.score:
            new = replace(old, score=min(0.99, old.score + 0.05))
        return sorted([*kept, new], key=lambda c: -c.score)
    if result.verdict == "api" and probed is not None:

        def settled(check: Check) -> bool:
            subject = parse_url(check.subject or "")
            return (
                check.check == CheckId.WRONG_BASE_URL
                and check.reason in _SETTLED_BY_API
                and subject is not None
                and subject.host == probed.host
                and split_endpoint(subject.path)[0].lower() == probed.path.lower()
            )

        return [c for c in checks if not settled(c)]
    return checks
