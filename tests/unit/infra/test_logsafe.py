from __future__ import annotations

import logging
import random
import string

import pytest

from supportbot.infra.logsafe import generic_redact, redact

RNG = random.Random(20261123)


def _body(length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(length))


@pytest.mark.parametrize(
    "secret",
    [
        "sk-" + _body(48),
        "sk-proj-" + _body(74),
        "xoxb-" + _body(12, string.digits) + "-" + _body(24),
        "xapp-1-" + _body(30),
        "ghp_" + _body(36),
        "AKIA" + _body(16, string.ascii_uppercase + "234567"),
        "AIza" + _body(35),
        "hf_" + _body(34),
        _body(40),  # an opaque token of no known format
    ],
)
def test_generic_redaction_removes_credential_shapes(secret: str) -> None:
    line = f"calling with {secret}, then done"
    assert secret not in generic_redact(line)
    assert "calling with" in generic_redact(line)


@pytest.mark.parametrize(
    "template",
    [
        "Authorization: Bearer {}",
        "authorization=Bearer {}",
        "x-api-key: {}",
        '"api_key": "{}"',
        "token={}&team_id=T1",
        "signing_secret = {}",
    ],
)
def test_header_and_parameter_values_are_removed(template: str) -> None:
    value = _body(10)  # short: only the header rule can catch it
    redacted = generic_redact(template.format(value))
    assert value not in redacted
    assert "[redacted]" in redacted


def test_ordinary_log_text_survives() -> None:
    line = "event Ev0123ABCD in C0SUPPORT at 1700000000.000100 took 12 ms; outbox action 42 done"
    assert generic_redact(line) == line


def test_every_log_record_is_redacted_including_args_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    secret = "sk-" + _body(48)
    logger = logging.getLogger("slack_bolt.SomeMiddleware")
    with caplog.at_level(logging.DEBUG):
        logger.info("body: %s", f"text={secret}")
        try:
            raise ValueError(f"bad key {secret}")
        except ValueError:
            logger.exception("failed")
    assert caplog.records
    everything = caplog.text + "".join(record.getMessage() for record in caplog.records)
    assert secret not in everything
    assert "ValueError" in caplog.text


def test_registered_scrubber_runs_first() -> None:
    marker = "custom-" + _body(6, string.ascii_lowercase)
    redact.register(lambda text: text.replace(marker, "[custom]"))
    assert redact(f"x {marker} y") == "x [custom] y"


def test_pathological_input_does_not_hang() -> None:
    line = "a1" * 30_000 + "!" + "Authorization: " * 2_000
    result = redact(line)
    assert isinstance(result, str)
