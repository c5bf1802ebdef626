"""Every shipped template renders in English and Chinese, within Block Kit limits, safely."""

from __future__ import annotations

from typing import Any

import pytest

from supportbot.render.templates import Mrkdwn, Renderer
from tests.data.template_samples import HOSTILE, SAMPLES

RENDERER = Renderer()
NAMES = RENDERER.names("en")


def _hostile(value: Any) -> Any:
    if isinstance(value, Mrkdwn):
        return value
    if isinstance(value, str):
        return HOSTILE
    if isinstance(value, dict):
        return {key: _hostile(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_hostile(item) for item in value]
    return value


def _render(name: str, language: str, context: dict[str, Any]) -> str:
    kind = (RENDERER.folder / language / f"{name}.json.j2").exists()
    if not kind:
        return RENDERER.text(name, language, **context)  # type: ignore[arg-type]
    data = RENDERER._json_data(name, language, context)  # type: ignore[arg-type]
    if isinstance(data, dict) and data.get("type") in {"modal", "home"}:
        return repr(RENDERER.view(name, language, **context))  # type: ignore[arg-type]
    return repr(RENDERER.message(name, language, **context))  # type: ignore[arg-type]


def test_english_and_chinese_have_the_same_templates() -> None:
    assert NAMES, "templates folder is empty"
    assert RENDERER.names("en") == RENDERER.names("zh")


def test_every_template_has_a_sample() -> None:
    assert sorted(set(NAMES) - set(SAMPLES)) == []
    assert sorted(set(SAMPLES) - set(NAMES)) == [], "samples for templates that no longer exist"


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("name", NAMES)
def test_template_renders_within_limits(name: str, language: str) -> None:
    out = _render(name, language, SAMPLES[name])
    assert out.strip()
    # A dict key that jinja resolves to a method (``item.keys``) renders a Python repr, not an error.
    assert "<built-in" not in out and " object at 0x" not in out


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("name", NAMES)
def test_user_values_cannot_ping_or_inject(name: str, language: str) -> None:
    out = _render(name, language, _hostile(SAMPLES[name]))
    for live in ("<!channel>", "<@U0ADMIN01>", "<https://evil.example|x>", "@here"):
        assert live not in out
