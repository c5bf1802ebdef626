"""Is this message a 401 report? Decides whether the checklist starts in a support channel."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from supportbot.text.traditional import fold
from supportbot.triage.needles import set_needles
from supportbot.triage.text import finditer, normalize, search

_I = regex.IGNORECASE

_SIGNALS: tuple[tuple[str, regex.Pattern[str]], ...] = (
    ("status_401", regex.compile(r"(?<![A-Za-z0-9_.#$/:@-])401(?![A-Za-z0-9_%-]|\.\d|:\d)")),
    ("unauthorized", regex.compile(r"\bunauthori[sz]ed\b", _I)),
    (
        "invalid_key",
        regex.compile(
            r"\b(?:invalid|incorrect|wrong|bad)[ _-]?(?:api[ _-]?)?(?:key|token)\b|\binvalid_api_key\b|"
            r"invalid x-api-key|API key not valid|API Key not found|invalid subscription key|"
            r"The API key format is incorrect",
            _I,
        ),
    ),
    (
        "auth_failed",
        regex.compile(
            r"\bAuthentication ?(?:Fails|failed|error)\b|\bauthentication_error\b|\bAuthenticationError\b|"
            r"认证失败|鉴权失败|身份验证失败|验证失败",
            _I,
        ),
    ),
    (
        "token_message",
        regex.compile(r"无效的令牌|令牌无效|未提供令牌|该令牌状态不可用|该令牌已过期|令牌已(?:过期|失效|被?禁用)"),
    ),
    (
        "missing_key",
        regex.compile(
            r"You didn'?t provide an API key|Missing bearer or "
            r"basic authentication|x-api-key header is required|"
            r"No (?:cookie )?auth credentials found|Missing Authentication header|API key is required|"
            r"The api_key client option must be set|OPENAI_API_KEY environment variable is missing",
            _I,
        ),
    ),
    (
        "key_not_working",
        regex.compile(
            r"\b(?:api[ _-]?)?key (?:doesn'?t|does not|won'?t|isn'?t|is not|stopped) work|"
            r"(?:key|令牌|密钥|秘钥)[ \t]{0,2}(?:不能用|用不了|无效|失效|不好使|不可用|被禁用|过期了)",
            _I,
        ),
    ),
)
set_needles(_SIGNALS[-1][1], ("work", "不能用", "用不了", "无效", "失效", "不好使", "不可用", "被禁用", "过期了"))
_NEGATED_401 = regex.compile(r"(?:not|isn'?t|no longer|不是|没有)[ \t]{0,3}(?:an?[ \t])?$", _I)


@dataclass(frozen=True)
class Detection:
    """Why a message counts as a 401 report (empty ``signals``: it does not)."""

    signals: tuple[str, ...]

    @property
    def is_401(self) -> bool:
        return bool(self.signals)


def detect_report(text: str) -> Detection:
    """The 401 signals in ``text``: a status, 'Unauthorized', an invalid-key or auth-failed text…

    A message that only mentions keys ("how do I create a key?") or reports another error (429,
    quota, a missing model) has none.
    """
    text = fold(normalize(text))  # 認證失敗 and 無效的令牌 read as 认证失败 and 无效的令牌
    found: list[str] = []
    for name, pattern in _SIGNALS:
        for match in finditer(pattern, text):
            if name == "status_401" and search(_NEGATED_401, text, max(0, match.start() - 16), match.start()):
                continue
            found.append(name)
            break
    return Detection(tuple(found))


def is_401_report(text: str) -> bool:
    return detect_report(text).is_401
