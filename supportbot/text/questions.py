"""Is this chat message a question the FAQ could answer? English and Chinese, no I/O.

The bot answers questions, not conversation. A message counts as a question when, outside code and
links, it has a question mark (ASCII or full-width), opens a sentence with an English interrogative
or auxiliary ("how …", "can I …", "is there …"), asks for help ("need help with …"), or holds a
Chinese question word or sentence-final particle (怎么, 如何, 为什么, 能不能, 有没有, …吗), or reports a problem
("… doesn't work", "getting 429", "报错", "调用失败"): in a support channel that is a request for help. Greetings,
thanks and acknowledgements ("thanks!", "好的 收到", "hi team") never count, even with a question
mark ("ok?"), because nothing in them could be looked up.

A message written *to* the bot (a mention or a direct message) needs no question form: "@bot rotate
key" is a request. It still has to say something beyond small talk.
"""

from __future__ import annotations

import regex

from supportbot.text.traditional import fold

#: Longer messages are pasted logs or code more often than questions; the 401 triage reads those.
MAX_QUESTION_CHARS = 2000

_CODE_BLOCK = regex.compile(r"```.*?(?:```|$)", regex.DOTALL)
_INLINE_CODE = regex.compile(r"`[^`\n]*`")
_URL = regex.compile(r"(?i)\b(?:https?|ftp)://\S+|\bwww\.\S+")
_EMOJI = regex.compile(r":[a-z0-9_+\-']+:")
_QUESTION_MARK = regex.compile(r"[?？¿]")

_EN_OPENER_TEXT = """
    how what why where when which who whom whose can could is are am does do did should would will
    may might must shall has have was were isn't aren't doesn't don't didn't can't cannot couldn't
    won't wouldn't shouldn't any anyone anybody is_there
"""
_EN_OPENERS = _EN_OPENER_TEXT.split()
_EN_OPENER = regex.compile(
    r"(?i)(?:^|[.!;:\n][^\S\n]*+|\b(?:and|but|so|also|btw|then|hi|hello|hey|team|guys|all|folks)[,!]?\s+)"
    r"(?:" + "|".join(regex.escape(word).replace("_", r"\s+") for word in _EN_OPENERS) + r")\b"
)
_EN_HELP = regex.compile(
    r"(?i)\b(?:need(?:s|ed)?\s+(?:some\s+)?help|help\s+(?:me|us|with|needed)|please\s+help|"
    r"how\s+to|not\s+sure\s+(?:how|what|why|if|whether)|wonder(?:ing)?\s+(?:how|what|why|if|whether)|"
    r"(?:want|like|need)\s+to\s+know|any\s+(?:idea|ideas|way|tips|advice)|is\s+it\s+possible|"
    r"(?:don'?t|do\s+not)\s+know\s+(?:how|what|why|where|which|if|whether)|trouble\s+with|struggling\s+(?:with|to))\b"
)
_ZH_QUESTION = regex.compile(
    r"怎么|怎样|怎麼|如何|为什么|為什麼|为啥|咋|什么|甚么|啥|哪|多少|多久|几个|能不能|能否|可不可以|可否|"
    r"是不是|是否|有没有|有無|会不会|要不要|行不行|对不对|请问|請問|请教|求助|求教|想问|想知道|不知道怎"
)
# Problem reports are requests for help in a support channel even without a question form.
_EN_PROBLEM = regex.compile(
    r"(?i)\b(?:(?:does|do|is|are|did)\s*n[o']?t\s+work(?:ing)?|not\s+working|stopped\s+working|"
    r"fail(?:s|ed|ing)?|error|errors|broken|stuck|(?:getting|get|got|gives?|giving|throws?|returns?|returning)\s+(?:an?\s+)?[45]\d\d)\b"
)
_ZH_PROBLEM = regex.compile(r"报错|失败|不行|用不了|不能用|无法|没法|出错|异常|错误|不生效|超时|不好使")
_RESOLVED = regex.compile(
    r"(?i)\b(?:fixed|solved|resolved|works\s+now|working\s+now|sorted)\b|解决了|搞定|好了|可以了|正常了"
)
_ZH_PARTICLE = regex.compile(r"(?:吗|嗎|呢|么|麼)\s*(?:[。，,.!！~～…]|$)", regex.MULTILINE)

# Greetings, thanks and acknowledgements: a message made only of these asks nothing.
_SMALL_TALK_EN = regex.compile(
    r"(?i)\b(?:hi|hello|hey|heya|yo|good\s+(?:morning|afternoon|evening|night)|morning|thanks|thank\s+you|"
    r"thank\s+u|thx|ty|tysm|cheers|appreciated?|ok|okay|k|kk|got\s+it|great|cool|nice|perfect|awesome|"
    r"sure|yes|yep|yeah|no|nope|bye|see\s+you|all\s+good|it\s+works|that\s+worked|works\s+now|solved|"
    r"resolved|fixed|never\s+mind|nvm|np|no\s+problem|lol|haha|team|guys|all|folks|everyone|again|so|much|"
    r"very|a\s+lot|for\s+the\s+help|for\s+your\s+help|the|you|u|it|that|now)\b"
)
_SMALL_TALK_ZH = regex.compile(
    r"你好|您好|大家好|哈喽|嗨|早上好|下午好|晚上好|早安|晚安|谢谢|謝謝|感谢|感謝|多谢|辛苦了|辛苦|好的|好滴|"
    r"收到|明白了|明白|了解|知道了|嗯嗯|嗯|哦哦|哦|好了|可以了|解决了|没问题|没事了|再见|拜拜|哈哈|ok|OK"
)
_HAN = regex.compile(r"\p{Han}")
_WORD = regex.compile(r"[\p{L}\p{N}]+")


def without_noise(text: str) -> str:
    """The text with code, links and emoji codes removed (a '?' in a URL asks nothing), in Simplified
    characters, so 報錯, 會不會 and 謝謝 read as the words below."""
    text = _CODE_BLOCK.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _URL.sub(" ", text)
    return fold(_EMOJI.sub(" ", text))


def is_small_talk(text: str) -> bool:
    """True when nothing but greetings, thanks, acknowledgements and punctuation is left."""
    rest = _SMALL_TALK_ZH.sub(" ", _SMALL_TALK_EN.sub(" ", without_noise(text)))
    han = len(_HAN.findall(rest))
    words = [word for word in _WORD.findall(rest) if not _HAN.search(word)]
    return han < 2 and not words


def looks_like_question(text: str, *, directed: bool = False) -> bool:
    """Whether ``text`` (plain, mentions already removed) is a question worth a knowledge lookup.

    ``directed``: the message was addressed to the bot (mention or DM), so any request counts.
    """
    if not text.strip() or (len(text) > MAX_QUESTION_CHARS and not directed):
        return False
    if is_small_talk(text):
        return False
    if directed:
        return True
    clean = without_noise(text)
    return bool(
        _QUESTION_MARK.search(clean)
        or _EN_OPENER.search(clean)
        or _EN_HELP.search(clean)
        or _ZH_QUESTION.search(clean)
        or _ZH_PARTICLE.search(clean)
        or ((_EN_PROBLEM.search(clean) or _ZH_PROBLEM.search(clean)) and not _RESOLVED.search(clean))
    )
