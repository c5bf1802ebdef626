"""Name the likely causes of a 401 from whatever the customer pasted.

One pass per kind of thing customers paste (:mod:`.passes`), all over the same normalised text:

* provider and gateway error texts, including the masked key they echo back (:mod:`.passes.vendor`);
* curl commands and raw HTTP requests (:mod:`.passes.requests`);
* ``name = value`` / ``name: value`` in code, ``.env``, YAML and header lines (:mod:`.passes.config`);
* URLs wherever they appear, judged against the official base URL(s), paths in logs, HTML answers
  (:mod:`.passes.addresses`);
* what the customer says in their own words, English or Chinese (:mod:`.passes.prose`);
* what only findings together show (:mod:`.passes.combine`).

The text is folded to Simplified Chinese first (:mod:`supportbot.text.traditional`), so Traditional
wording is read by the same cues; excerpts of what the customer wrote quote the original.

Findings of one check are merged into one :class:`Check` (:mod:`.passes.merge`). When the paste
reports an error that is not a 401 cause (429, 5xx, quota, model, context length) and no 401
wording, nothing is named at all.
"""

from __future__ import annotations

from supportbot.config import Settings
from supportbot.text.traditional import fold_mapped
from supportbot.triage.checks import Check
from supportbot.triage.passes.addresses import html, paths, urls
from supportbot.triage.passes.combine import combine
from supportbot.triage.passes.config import assignments
from supportbot.triage.passes.found import Found, Judged, judge
from supportbot.triage.passes.merge import merge
from supportbot.triage.passes.paste import Paste, read_paste
from supportbot.triage.passes.prose import prose, words
from supportbot.triage.passes.requests import curls, raw_requests
from supportbot.triage.passes.vendor import echoes, phrases
from supportbot.triage.text import Scrub, normalize
from supportbot.triage.urls import officials_from


def _addresses(paste: Paste) -> tuple[Found, ...]:
    """The passes that see URLs, in reading order: a URL is judged where it is first seen."""
    return (*curls(paste), *raw_requests(paste), *assignments(paste), *urls(paste))


def _judged(paste: Paste) -> Judged:
    # The reading order decides ties between findings of one check (the first read wins).
    reported = (
        *phrases(paste),
        *echoes(paste),
        *_addresses(paste),
        *paths(paste),
        *html(paste),
        *prose(paste),
    )
    return judge(reported, paste.officials, official_seen=paste.official_seen)


def diagnose(text: str, settings: Settings, *, scrub: Scrub) -> list[Check]:
    """The likely causes of a 401 in ``text``, most likely first, at most one per check id.

    ``scrub`` masks keys (``supportbot.keys.Scanner(...).scrub``); every excerpt passes through
    it and then through a second guard that shortens any long token, so no evidence holds a key.
    """
    folded = fold_mapped(normalize(text))
    paste = read_paste(folded.text, officials_from(settings.api_base_urls), folded)
    if paste.other_msg and not paste.auth_msg:
        return []
    findings = _judged(paste).findings
    findings += words(paste, findings)
    findings += combine(paste, findings)
    return merge(findings, scrub)


def pasted_base_urls(text: str) -> list[str]:
    """Base URLs the paste configures or calls (endpoint path removed), for the optional probe."""
    paste = read_paste(normalize(text))
    return list(judge(_addresses(paste), (), official_seen=False).bases)
