"""A scanner rule that fails is counted in /metrics and named in the log; the text still reads as suspect."""

from __future__ import annotations

import logging
import random

import pytest

from supportbot.keys import SUSPECT, Scanner
from supportbot.slack.metrics import Metrics
from supportbot.slack.runtime import _scanner_degraded
from tests.keygen import make_key


class _Exploding(str):
    __slots__ = ()

    def lower(self) -> str:
        raise RuntimeError("simulated scanner bug")


def test_a_failed_scan_is_counted_logged_and_the_key_still_masked(caplog: pytest.LogCaptureFixture) -> None:
    metrics = Metrics()
    scanner = Scanner(fingerprint_secret="d" * 20, on_degraded=_scanner_degraded(metrics))
    key = make_key("anthropic", random.Random(3))
    text = _Exploding("please check " + key)
    with caplog.at_level(logging.WARNING, logger="supportbot.slack.runtime"):
        findings = scanner.find(text)
    assert [(item.rule, text[item.start : item.end]) for item in findings] == [(SUSPECT, key)]
    exposition = metrics.exposition().decode()
    assert 'supportbot_scanner_degraded_total{rule="scanner"} 1.0' in exposition
    assert "rule scanner failed" in caplog.text
    assert key not in caplog.text and key not in exposition


def test_timed_out_rules_are_counted_by_rule() -> None:
    metrics = Metrics()
    scanner = Scanner(fingerprint_secret="d" * 20, timeout=1e-9, on_degraded=_scanner_degraded(metrics))
    key = make_key("anthropic", random.Random(4))
    text = "x " * 20_000 + key
    assert key not in scanner.mask(text)
    assert "supportbot_scanner_degraded_total{rule=" in metrics.exposition().decode()
