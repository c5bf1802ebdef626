"""What the customer says in their own words: fixed cue phrases (:data:`..patterns.PROSE`) and the
English and Chinese cues of :mod:`..words`."""

from __future__ import annotations

from collections.abc import Sequence

from supportbot.triage import patterns as pt
from supportbot.triage.checks import CheckId, Finding
from supportbot.triage.passes.found import found
from supportbot.triage.passes.paste import Paste
from supportbot.triage.reasons import REASONS
from supportbot.triage.text import finditer, search
from supportbot.triage.words import read_words

#: How far before a cue a negation or a question is looked for ("not", "how do I").
_LEAD = 24


def prose(paste: Paste) -> tuple[Finding, ...]:
    """The first telling use of each cue phrase; guarded cues do not count after a negation or in a question."""
    findings: list[Finding] = []
    for pattern, reason, guarded in pt.PROSE:
        for match in finditer(pattern, paste.text):
            lead = paste.text[max(0, match.start() - _LEAD) : match.start()]
            if guarded and (search(pt.NEGATION_LEAD, lead) or search(pt.QUESTION_LEAD, lead)):
                continue
            findings.append(found(reason, excerpt=paste.quote(match.start(), limit=160)))
            break
    return tuple(findings)


def words(paste: Paste, earlier: Sequence[Finding]) -> tuple[Finding, ...]:
    """The causes the customer's words name (read as a report when a 401 error text is pasted).

    ``earlier`` are the findings of the other passes: when they already hold the customer saying
    "spaces or quotes", that quote beats a generic "copied from a web page".
    """
    named = {f.reason for f in earlier if REASONS[f.reason].check == CheckId.WHITESPACE}
    findings: list[Finding] = []
    for said in read_words(paste.text, reported=paste.auth_msg):
        if said.reason == "copied_invisible" and "said_whitespace" in named:
            continue  # they already name what the copy brought along; that is the better quote
        findings.append(found(said.reason, excerpt=paste.quote(said.start, limit=160)))
    return tuple(findings)
